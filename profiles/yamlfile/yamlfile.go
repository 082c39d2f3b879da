// Package yamlfile reads the YAML files burstlab is configured with (profiles
// and simulator configs) the way bad input deserves: before anything is
// decoded, the file is capped in size, a leading byte order mark is dropped,
// and its aliases are counted and their expansion bounded, so that an alias
// bomb of a few hundred bytes is refused at once instead of growing into
// gigabytes. Decoding is strict (an unknown field is an error: the first one
// in the file), and every error carries a line, a column and the YAML path
// of the field (client.max_workers, streams[0].constant.rate) in words a
// user wrote, never Go's type names.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxBytes caps a YAML file: a profile or a simulator config is a few
// kilobytes; a file past 4 MiB is a mistake (a log, /dev/zero).
const MaxBytes = 4 << 20

// MaxAliases caps the aliases (*name) of a file, and MaxAliasedValues the
// values they stand for once expanded. A profile that shares a header block
// between its streams uses a few; an alias bomb (aliases of lists of
// aliases) uses them to grow exponentially.
const (
	MaxAliases       = 1000
	MaxAliasedValues = 100_000
)

// Error is a problem with a YAML file at Line and Col (from 1; 0 when
// unknown). Field is the YAML path of the field it is about
// (streams[0].constant.rate), "" when none.
type Error struct {
	Line, Col int
	Field     string
	Msg       string
}

func (e *Error) Error() string {
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, msg)
	}
	return msg
}

// ReadFile reads the file at path, refusing one larger than MaxBytes (read
// through a capped reader, so a device such as /dev/zero ends at the cap).
// The leading byte order mark, if any, is dropped.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("larger than the %d MiB cap on a YAML file", MaxBytes>>20)
	}
	return StripBOM(data), nil
}

// bom is the UTF-8 byte order mark some editors write first.
var bom = []byte("\ufeff")

// StripBOM drops a leading UTF-8 byte order mark: invisible in an editor,
// it would otherwise become part of the first key.
func StripBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, bom)
}

// Decode decodes data, one YAML document, strictly into v, a pointer to a
// struct. It checks the file's shape before decoding: tabs in indentation,
// aliases, then unknown fields, in the order of the file.
func Decode(data []byte, v any) (err error) {
	defer func() {
		// The YAML library panics on some malformed input; a bad file must
		// still end in one message, never a stack trace.
		if r := recover(); r != nil {
			err = &Error{Line: 1, Col: 1, Msg: oneLine(fmt.Sprintf("cannot parse this YAML (%v)", r))}
		}
	}()
	data = StripBOM(data)
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		if e := tabIndent(data, errorLine(perr)); e != nil {
			return e
		}
		return describe(data, nil, nil, perr)
	}
	if e := checkAliases(f); e != nil {
		return e
	}
	t := reflect.TypeOf(v)
	for _, d := range f.Docs {
		if e := unknownField(t, d.Body, ""); e != nil {
			return e
		}
	}
	if derr := yaml.UnmarshalWithOptions(data, v, yaml.Strict()); derr != nil {
		return describe(data, f, t, derr)
	}
	return nil
}

// errorLine is the line of a YAML library error, 0 when it has none.
func errorLine(err error) int {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return ye.GetToken().Position.Line
	}
	return 0
}

// tabIndent finds the first line indented with a tab, which YAML forbids
// (the parser's own message shows the tab as a space), up to line last
// (the line the parser stopped at; 0: any).
func tabIndent(data []byte, last int) *Error {
	for i, line := range strings.Split(string(data), "\n") {
		if last > 0 && i+1 > last {
			break
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		if j := strings.IndexByte(line[:indent], '\t'); j >= 0 && indent < len(line) {
			return &Error{Line: i + 1, Col: j + 1, Msg: "a tab in the indentation: YAML indents with spaces only"}
		}
	}
	return nil
}

// checkAliases counts the aliases of f and the values they expand to,
// refusing f at the alias that crosses MaxAliases or MaxAliasedValues.
func checkAliases(f *ast.File) *Error {
	c := aliasCount{sizes: map[string]int{}}
	for _, d := range f.Docs {
		c.size(d.Body)
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

type aliasCount struct {
	sizes   map[string]int // values below each anchor, expanded
	aliases int
	aliased int // values reached through aliases
	err     *Error
}

// size returns the number of values n stands for with its aliases
// expanded, saturating past MaxAliasedValues; it sets c.err at the first
// alias past a bound.
func (c *aliasCount) size(n ast.Node) int {
	if n == nil || c.err != nil {
		return 0
	}
	switch n := n.(type) {
	case *ast.AliasNode:
		c.aliases++
		name := ""
		if n.Value != nil {
			name = n.Value.GetToken().Value
		}
		s := c.sizes[name]
		c.aliased = min(c.aliased+s, MaxAliasedValues+1)
		pos := n.GetToken().Position
		switch {
		case c.aliases > MaxAliases:
			c.err = &Error{Line: pos.Line, Col: pos.Column, Msg: fmt.Sprintf(
				"alias *%s: more than %d aliases in one file (an alias bomb?); write the values out instead", name, MaxAliases)}
		case c.aliased > MaxAliasedValues:
			c.err = &Error{Line: pos.Line, Col: pos.Column, Msg: fmt.Sprintf(
				"alias *%s: the aliases so far stand for more than %d values (an alias bomb?); write the values out instead", name, MaxAliasedValues)}
		}
		return s
	case *ast.AnchorNode:
		s := c.size(n.Value)
		if n.Name != nil {
			c.sizes[n.Name.GetToken().Value] = s
		}
		return s
	case *ast.TagNode:
		return c.size(n.Value)
	case *ast.MappingNode:
		s := 1
		for _, v := range n.Values {
			s = min(s+c.size(v), MaxAliasedValues+1)
		}
		return s
	case *ast.MappingValueNode:
		return min(c.size(n.Key)+c.size(n.Value), MaxAliasedValues+1)
	case *ast.MappingKeyNode:
		return c.size(n.Value)
	case *ast.SequenceNode:
		s := 1
		for _, v := range n.Values {
			s = min(s+c.size(v), MaxAliasedValues+1)
		}
		return s
	}
	return 1
}

var (
	interfaceUnmarshaler = reflect.TypeFor[yaml.InterfaceUnmarshaler]()
	bytesUnmarshaler     = reflect.TypeFor[yaml.BytesUnmarshaler]()
	durationType         = reflect.TypeFor[time.Duration]()
)

// decodesItself reports whether t reads its own YAML: the walk below stops
// there.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(interfaceUnmarshaler) || p.Implements(bytesUnmarshaler) ||
		t.Implements(interfaceUnmarshaler) || t.Implements(bytesUnmarshaler)
}

// deref skips anchors and tags to the value they mark.
func deref(n ast.Node) ast.Node {
	for {
		switch m := n.(type) {
		case *ast.AnchorNode:
			n = m.Value
		case *ast.TagNode:
			n = m.Value
		default:
			return n
		}
	}
}

// walk calls visit with every value of n (n included), its path and the Go
// type it decodes into, in file order, until visit returns false. Aliases
// are not followed: their anchor was walked where it stands.
func walk(t reflect.Type, n ast.Node, path string, visit func(t reflect.Type, n ast.Node, key *ast.MappingValueNode, path string) bool) bool {
	n = deref(n)
	if n == nil {
		return true
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return true
	}
	if decodesItself(t) {
		return walkUntyped(n, path, visit)
	}
	switch m := n.(type) {
	case *ast.MappingNode:
		for _, mv := range m.Values {
			key, ok := keyName(mv)
			if !ok {
				continue
			}
			var ft reflect.Type
			p := join(path, key)
			switch t.Kind() {
			case reflect.Struct:
				ft = fieldType(t, key)
			case reflect.Map:
				ft = t.Elem()
			default:
				continue
			}
			if !visit(ft, mv.Value, mv, p) || (ft != nil && !walk(ft, mv.Value, p, visit)) {
				return false
			}
		}
	case *ast.SequenceNode:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return true
		}
		for i, v := range m.Values {
			p := fmt.Sprintf("%s[%d]", path, i)
			if !visit(t.Elem(), v, nil, p) || !walk(t.Elem(), v, p, visit) {
				return false
			}
		}
	}
	return true
}

// walkUntyped walks the values below n, a value that decodes itself, with
// their paths but no type (and no key: none of them is an unknown field).
func walkUntyped(n ast.Node, path string, visit func(t reflect.Type, n ast.Node, key *ast.MappingValueNode, path string) bool) bool {
	switch m := deref(n).(type) {
	case *ast.MappingNode:
		for _, mv := range m.Values {
			if key, ok := keyName(mv); ok {
				p := join(path, key)
				if !visit(nil, mv.Value, nil, p) || !walkUntyped(mv.Value, p, visit) {
					return false
				}
			}
		}
	case *ast.SequenceNode:
		for i, v := range m.Values {
			p := fmt.Sprintf("%s[%d]", path, i)
			if !visit(nil, v, nil, p) || !walkUntyped(v, p, visit) {
				return false
			}
		}
	}
	return true
}

// keyName is the text of a mapping value's key; false for a merge key
// (<<) and keys that are not scalars.
func keyName(mv *ast.MappingValueNode) (string, bool) {
	if mv.Key == nil || mv.Key.IsMergeKey() {
		return "", false
	}
	k := deref(mv.Key)
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = deref(mk.Value)
	}
	if k == nil {
		return "", false
	}
	switch k.(type) {
	case *ast.MappingNode, *ast.SequenceNode, *ast.AliasNode:
		return "", false
	}
	return k.GetToken().Value, true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldType is the type of the field of struct t that YAML key name
// decodes into, nil when there is none.
func fieldType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if t := fieldType(ft, name); t != nil {
					return t
				}
			}
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		if tag == name {
			return f.Type
		}
	}
	return nil
}

// unknownField finds the first key, in file order, that names no field of
// the struct it decodes into.
func unknownField(t reflect.Type, root ast.Node, path string) *Error {
	var found *Error
	walk(t, root, path, func(ft reflect.Type, _ ast.Node, mv *ast.MappingValueNode, p string) bool {
		if mv == nil || ft != nil {
			return true
		}
		name, _ := keyName(mv)
		pos := mv.Key.GetToken().Position
		found = &Error{Line: pos.Line, Col: pos.Column, Msg: fmt.Sprintf("unknown field %q", name)}
		if parent := strings.TrimSuffix(p[:len(p)-len(name)], "."); parent != "" {
			found.Msg += " in " + parent
		}
		return false
	})
	return found
}

// describe turns a YAML library error into an Error with its position and
// the path of its field, in the user's words.
func describe(data []byte, f *ast.File, t reflect.Type, err error) *Error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return placeUnpositioned(data, f, t, err)
	}
	tk := ye.GetToken()
	e := &Error{Line: tk.Position.Line, Col: tk.Position.Column, Msg: oneLine(ye.GetMessage())}
	if f == nil || t == nil {
		return e
	}
	path, node, ft := pathAt(f, t, tk)
	e.Field = path
	var te *yaml.TypeError
	var ue *yaml.UnexpectedNodeTypeError
	var oe *yaml.OverflowError
	switch {
	case node != nil && wants(ft) != "":
		// The field decodes itself: what it wants is not the type it
		// tried last.
		e.Msg = fmt.Sprintf("want %s, got %s", wants(ft), got(node))
	case errors.As(err, &te) && node != nil:
		e.Msg = fmt.Sprintf("want %s, got %s", want(te.DstType), got(node))
	case errors.As(err, &ue) && node != nil:
		e.Msg = fmt.Sprintf("want %s, got %s", nodeKind(ue.Expected), got(node))
	case errors.As(err, &oe):
		e.Msg = fmt.Sprintf("want %s, got %s (out of range)", want(oe.DstType), oe.SrcNum)
	}
	return e
}

// placeUnpositioned places an error the YAML library gives no position,
// such as a duration written "sixty": it finds the value the message quotes
// and the field holding it.
func placeUnpositioned(data []byte, f *ast.File, t reflect.Type, err error) *Error {
	msg := oneLine(yaml.FormatError(err, false, false))
	e := &Error{Line: 1, Col: 1, Msg: msg}
	if f == nil || t == nil {
		return e
	}
	quoted := quotedValue(msg)
	if quoted == "" {
		return e
	}
	isDuration := strings.HasPrefix(msg, "time: ")
	for _, d := range f.Docs {
		walk(t, d.Body, "", func(ft reflect.Type, n ast.Node, _ *ast.MappingValueNode, p string) bool {
			n = deref(n)
			if n == nil || n.GetToken() == nil || n.GetToken().Value != quoted {
				return true
			}
			pos := n.GetToken().Position
			e.Line, e.Col, e.Field = pos.Line, pos.Column, p
			if isDuration {
				e.Msg = strings.TrimPrefix(msg, "time: ") + " (write durations such as 500ms, 60s or 1m30s)"
			}
			return false
		})
	}
	return e
}

// quotedValue is the last "quoted" text of msg, unquoted.
func quotedValue(msg string) string {
	end := strings.LastIndexByte(msg, '"')
	if end <= 0 {
		return ""
	}
	start := strings.LastIndexByte(msg[:end], '"')
	if start < 0 {
		return ""
	}
	return msg[start+1 : end]
}

// pathAt finds the value whose token is tk: its path, node and the Go type
// it decodes into.
func pathAt(f *ast.File, t reflect.Type, tk *token.Token) (string, ast.Node, reflect.Type) {
	var path string
	var node ast.Node
	var typ reflect.Type
	for _, d := range f.Docs {
		if n := deref(d.Body); n != nil && sameToken(n.GetToken(), tk) {
			return "", n, t
		}
		walk(t, d.Body, "", func(ft reflect.Type, n ast.Node, _ *ast.MappingValueNode, p string) bool {
			n = deref(n)
			if n != nil && sameToken(n.GetToken(), tk) {
				path, node, typ = p, n, ft
				return false
			}
			return true
		})
	}
	return path, node, typ
}

// Wanter is a type that decodes itself from more than one form of YAML and
// says which, for decoding errors: "a count or a range {from: ID, to: ID}".
type Wanter interface {
	YAMLWant() string
}

// wants is what t says it wants, "" when it does not say.
func wants(t reflect.Type) string {
	if t == nil {
		return ""
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if w, ok := reflect.Zero(t).Interface().(Wanter); ok {
		return w.YAMLWant()
	}
	return ""
}

func sameToken(a, b *token.Token) bool {
	return a != nil && b != nil && (a == b || a.Position.Line == b.Position.Line && a.Position.Column == b.Position.Column)
}

// want says what a Go type takes, in YAML words.
func want(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		return "a duration with a unit (500ms, 60s, 1m30s)"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number >= 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "another value"
}

// nodeKind names a kind of YAML node with its article.
func nodeKind(t ast.NodeType) string {
	switch t {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	}
	return "a " + t.YAMLName()
}

// got says what a YAML value is, quoting a scalar.
func got(n ast.Node) string {
	n = deref(n)
	switch n := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "null"
	case *ast.AliasNode:
		return "an alias"
	case *ast.StringNode:
		return fmt.Sprintf("string %q", n.Value)
	case *ast.IntegerNode:
		return "integer " + n.GetToken().Value
	case *ast.FloatNode:
		return "number " + n.GetToken().Value
	case *ast.BoolNode:
		return "boolean " + n.GetToken().Value
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%q", n.GetToken().Value)
}

// oneLine keeps a message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Written returns a test of whether data, a YAML document, writes the
// field at root.FIELD (root a YAML path such as "$" or "$.target.sim";
// FIELD such as "replicas" or "autoscale.interval"), whatever its value: it
// tells a field written as 0 from one left out, which decode alike.
func Written(data []byte, root string) func(field string) bool {
	f, err := parser.ParseBytes(StripBOM(data), 0)
	return func(field string) bool {
		if err != nil {
			return false
		}
		p, perr := yaml.PathString(root + "." + field)
		if perr != nil {
			return false
		}
		n, ferr := p.FilterFile(f)
		return ferr == nil && n != nil
	}
}
