package gate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Gate is one parsed gate expression: FIGURE OP THRESHOLD.
type Gate struct {
	Expr      string  // the expression as written
	Figure    Figure  // what it tests
	Op        Op      // how
	Threshold float64 // in the figure's own unit; 1 or 0 for a boolean
	Word      string  // the threshold of a word figure: recovery_cause == scaled
	Unit      string  // the unit the threshold was written in, "" for none

	text string // the threshold as written, normalised: "30s", "1%", "false"
	col  int    // column of the figure in Expr, for later errors
}

// Op is a comparison operator.
type Op string

// The operators of a gate.
const (
	Less         Op = "<"
	LessEqual    Op = "<="
	Greater      Op = ">"
	GreaterEqual Op = ">="
	Equal        Op = "=="
	NotEqual     Op = "!="
)

// holds reports whether measured OP threshold.
func (op Op) holds(measured, threshold float64) bool {
	switch op {
	case Less:
		return measured < threshold
	case LessEqual:
		return measured <= threshold
	case Greater:
		return measured > threshold
	case GreaterEqual:
		return measured >= threshold
	case Equal:
		return measured == threshold
	case NotEqual:
		return measured != threshold
	}
	return false
}

// String writes the gate in its normal form: "p99_recovery < 30s".
func (g Gate) String() string { return g.Figure.Name + " " + string(g.Op) + " " + g.text }

// Want writes what the gate asks for: "< 30s".
func (g Gate) Want() string { return string(g.Op) + " " + g.text }

// Error is a malformed gate: the expression, the column (1-based, in
// characters) where the problem starts, and what is wrong there.
type Error struct {
	Expr string
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("gate %q: col %d: %s", clip([]rune(e.Expr), 0, maxEcho), e.Col, e.Msg)
}

// maxEcho is the most characters of an expression an error echoes; a
// longer one is cut with "…" (a 10,000-character gate is not printed
// whole, nor twice).
const maxEcho = 80

// clip is in[from:] cut to at most n characters, "…" marking the cut.
func clip(in []rune, from, n int) string {
	if len(in)-from <= n {
		return string(in[from:])
	}
	return string(in[from:from+n]) + "…"
}

// ParseAll parses every expression and returns the first error.
func ParseAll(exprs []string) ([]Gate, error) {
	gates := make([]Gate, 0, len(exprs))
	for _, e := range exprs {
		g, err := Parse(e)
		if err != nil {
			return nil, err
		}
		gates = append(gates, g)
	}
	return gates, nil
}

// Parse reads one gate expression. Its errors are *Error values naming the
// column of the problem; an unknown figure lists the close matches.
func Parse(expr string) (Gate, error) { return parse(expr, Lookup) }

// parse reads one gate expression over the figures lookup finds.
func parse(expr string, lookup func(string) (Figure, error)) (Gate, error) {
	p := parser{expr: expr, in: []rune(expr), lookup: lookup}
	g, err := p.gate()
	if err != nil {
		return Gate{}, err
	}
	g.Expr = expr
	return g, nil
}

type parser struct {
	expr   string
	in     []rune
	pos    int
	lookup func(name string) (Figure, error) // the figures the expression may test
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &Error{Expr: p.expr, Col: pos + 1, Msg: fmt.Sprintf(format, args...)}
}

// unexpected describes the character at pos, or the end of the expression.
func (p *parser) unexpected(pos int, want string) error {
	if pos >= len(p.in) {
		return p.errorf(pos, "unexpected end, want %s", want)
	}
	return p.errorf(pos, "unexpected %q, want %s", string(p.in[pos]), want)
}

func (p *parser) space() {
	for p.pos < len(p.in) && unicode.IsSpace(p.in[p.pos]) {
		p.pos++
	}
}

// span consumes characters while ok holds and returns them.
func (p *parser) span(ok func(rune) bool) string {
	start := p.pos
	for p.pos < len(p.in) && ok(p.in[p.pos]) {
		p.pos++
	}
	return string(p.in[start:p.pos])
}

func isNameStart(r rune) bool { return r == '_' || r < unicode.MaxASCII && unicode.IsLetter(r) }

// isNameRune accepts the characters of a figure name, stream names included.
func isNameRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_' || r == '.' || r == '-'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// gate reads FIGURE OP VALUE: the figure, the operator it allows, then a
// threshold of the figure's kind, and nothing after it.
func (p *parser) gate() (Gate, error) {
	var g Gate
	p.space()
	if p.pos >= len(p.in) {
		return g, p.errorf(p.pos, "empty gate, want FIGURE OP VALUE such as p99_recovery < 30s")
	}
	if !isNameStart(p.in[p.pos]) {
		return g, p.unexpected(p.pos, "a figure name")
	}
	g.col = p.pos + 1
	name := p.span(isNameRune)
	fig, err := p.lookup(name)
	if err != nil {
		return g, p.errorf(g.col-1, "%v", err)
	}
	g.Figure = fig

	p.space()
	opAt := p.pos
	if g.Op, err = p.op(); err != nil {
		return g, err
	}
	if (fig.Kind == Bool || fig.Kind == Word) && g.Op != Equal && g.Op != NotEqual {
		return g, p.errorf(opAt, "operator %s does not apply to %s, %s (use == or !=)", g.Op, fig.Name, fig.Kind)
	}

	p.space()
	switch {
	case p.pos < len(p.in) && isNameStart(p.in[p.pos]):
		err = p.word(&g)
	case p.pos < len(p.in) && (isDigit(p.in[p.pos]) || p.in[p.pos] == '.'):
		err = p.number(&g)
	default:
		want := "a number"
		switch fig.Kind {
		case Bool:
			want = "true or false"
		case Word:
			want = "one of " + strings.Join(fig.Words(), ", ")
		}
		err = p.unexpected(p.pos, want)
	}
	if err != nil {
		return g, err
	}

	p.space()
	if p.pos < len(p.in) {
		return g, p.errorf(p.pos, "unexpected %q after the threshold", clip(p.in, p.pos, 20))
	}
	return g, nil
}

// word reads the threshold of a boolean figure (true or false) or of a
// word figure (one of its words).
func (p *parser) word(g *Gate) error {
	valAt := p.pos
	word := p.span(isNameRune)
	if g.Figure.Kind == Word {
		if !slices.Contains(g.Figure.Words(), word) {
			return p.errorf(valAt, "%s is one of %s, not %q", g.Figure.Name, strings.Join(g.Figure.Words(), ", "), word)
		}
		g.text, g.Word = word, word
		return nil
	}
	if word != "true" && word != "false" {
		return p.errorf(valAt, "unexpected %q, want a number", word)
	}
	if g.Figure.Kind != Bool {
		return p.errorf(valAt, "%s is %s, not true or false", g.Figure.Name, g.Figure.Kind)
	}
	g.text = word
	if word == "true" {
		g.Threshold = 1
	}
	return nil
}

// number reads a number and its optional unit as the threshold of g,
// converted to the figure's own unit.
func (p *parser) number(g *Gate) error {
	fig := g.Figure
	valAt := p.pos
	switch fig.Kind {
	case Bool:
		return p.errorf(valAt, "%s is true or false, not a number", fig.Name)
	case Word:
		return p.errorf(valAt, "%s is one of %s, not a number", fig.Name, strings.Join(fig.Words(), ", "))
	}
	num := p.span(func(r rune) bool { return isDigit(r) || r == '.' })
	x, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return p.errorf(valAt, "bad number %q", num)
	}
	p.space()
	unitAt := p.pos
	us := p.span(func(r rune) bool { return unicode.IsLetter(r) || r == '%' || r == '/' })
	g.text = num + us
	g.Threshold = x
	if us == "" {
		return p.share(g, valAt)
	}
	u, ok := units[us]
	if !ok {
		return p.errorf(unitAt, "unknown unit %q, want %s", us, unitNames)
	}
	if !u.fits(fig.Kind) {
		return p.errorf(unitAt, "unit %q does not fit %s, %s (%s)", us, fig.Name, fig.Kind, unitHint(fig))
	}
	g.Unit = u.name
	// Round away the float noise of the conversion (0.8s is 800ms).
	g.Threshold = roundSig(u.toFigure(x, fig))
	return p.share(g, valAt)
}

// share refuses a threshold outside [0, 1] on a figure that is a share of
// requests (a ratio, apdex): `error_ratio < 5` would read as 500% and pass
// every run.
func (p *parser) share(g *Gate, at int) error {
	fig := g.Figure
	if !(fig.Kind == Ratio || fig.Kind == Score && strings.HasSuffix(fig.Name, "apdex")) || g.Threshold <= 1 {
		return nil
	}
	if fig.Kind == Ratio && g.Unit == "" {
		return p.errorf(at, "%s is a share from 0 to 1 (0%% to 100%%): %s would be %s%%; write %s%% for a percentage", fig.Name, g.text, strconv.FormatFloat(g.Threshold*100, 'f', -1, 64), g.text)
	}
	return p.errorf(at, "%s is a share from 0 to 1 (0%% to 100%%), not %s", fig.Name, g.text)
}

// op reads an operator.
func (p *parser) op() (Op, error) {
	at := p.pos
	rest := string(p.in[p.pos:])
	for _, op := range []Op{LessEqual, GreaterEqual, Equal, NotEqual, Less, Greater} {
		if strings.HasPrefix(rest, string(op)) {
			p.pos += len(op)
			return op, nil
		}
	}
	if strings.HasPrefix(rest, "=") {
		return "", p.errorf(at, `unexpected "=", want == to compare`)
	}
	return "", p.unexpected(at, "an operator (< <= > >= == !=)")
}

// unitHint says how a threshold for f is written.
func unitHint(f Figure) string {
	switch f.Kind {
	case Duration:
		return "write it in µs, ms, s or m, or a bare number of " + f.Unit
	case Ratio:
		return "write it in % or as a bare fraction"
	case Score:
		return "write it as a bare number or in %"
	case Rate:
		return "write it in /s or /m, or a bare number per second"
	}
	return "write it as a bare number"
}

// roundSig rounds x to 12 significant digits.
func roundSig(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, 11-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// CheckStreams checks that every stream figure of gates names one of
// streams, so that a misspelt stream is refused before a run (with the
// profile's stream names) or before judging a record.
func CheckStreams(gates []Gate, streams []string) error {
	for _, g := range gates {
		if g.Figure.Stream == "" {
			continue
		}
		found := false
		for _, s := range streams {
			if s == g.Figure.Stream {
				found = true
				break
			}
		}
		if !found {
			col := g.col + len("stream.")
			return &Error{Expr: g.Expr, Col: col, Msg: fmt.Sprintf("no stream %q%s", g.Figure.Stream, suggest(g.Figure.Stream, streams))}
		}
	}
	return nil
}
