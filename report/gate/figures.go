package gate

import (
	"fmt"
	"reflect"
)

// FigureSet is a set of figures other than a record's: the JSON keys of one
// struct type, read by the rules a record's summary is read by (a _ms key
// is a duration, an _rps key a rate, ...). A capacity search's answer is
// one: its capacity_rps is the figure capacity, so
//
//	capacity >= 1500/s
//
// gates the answer as p99_recovery < 30s gates a run.
type FigureSet struct {
	of     string // what the figures describe, for messages
	t      reflect.Type
	fields []field
}

// FiguresOf returns the figures of struct type T, described as of ("a
// capacity answer") in messages.
func FiguresOf[T any](of string) *FigureSet {
	t := reflect.TypeFor[T]()
	return &FigureSet{of: of, t: t, fields: fieldsOf(t)}
}

// Names lists the figure names, sorted.
func (fs *FigureSet) Names() []string { return names(fs.fields) }

// Lookup finds the figure called name in the set.
func (fs *FigureSet) Lookup(name string) (Figure, error) {
	f, ok := find(fs.fields, name)
	if !ok {
		return Figure{}, fmt.Errorf("unknown figure %q of %s%s", name, fs.of, suggest(name, fs.Names()))
	}
	return Figure{Name: name, Kind: f.kind, Unit: f.unit, f: f, set: fs}, nil
}

// Has reports whether name is a figure of the set.
func (fs *FigureSet) Has(name string) bool {
	_, ok := find(fs.fields, name)
	return ok
}

// Parse reads one gate expression over the set's figures.
func (fs *FigureSet) Parse(expr string) (Gate, error) { return parse(expr, fs.Lookup) }

// Evaluate judges v, a T or a *T, against gates parsed by fs.Parse. A null
// figure fails its gate, as a record's does.
func (fs *FigureSet) Evaluate(v any, gates []Gate) []Result {
	rv := reflect.Indirect(reflect.ValueOf(v))
	out := make([]Result, 0, len(gates))
	for _, g := range gates {
		r := Result{Expr: g.Expr, Figure: g.Figure.Name, Threshold: g.Want()}
		if rv.Type() != fs.t || g.Figure.set != fs {
			r.Measured = "missing"
			r.Reason = fmt.Sprintf("%s is not a figure of %s", g.Figure.Name, fs.of)
			out = append(out, r)
			continue
		}
		out = append(out, judge(r, g, g.Figure.f.read(rv)))
	}
	return out
}
