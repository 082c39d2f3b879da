package compare

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/burstlab/burstlab/report/gate"
)

// Bound is a regression bound: how much worse than the base a figure may get
// in the new record. FIGURE=N% bounds the relative change (p99_recovery=20%:
// at most 20% worse); FIGURE=AMOUNT bounds the absolute change in the
// figure's units (p99_recovery=5s, peak_p99=100ms, error_ratio=0.005). Worse
// is higher for latencies, times and error ratios, lower for apdex. A figure
// that went from a number to null (not reached, not recovered) has regressed
// beyond any bound.
type Bound struct {
	Spec     string // as written: "p99_recovery=20%"
	Figure   gate.Figure
	Limit    float64 // percent when Relative, else in the figure's own unit
	Relative bool

	text string // the limit as written: "20%", "5s"
}

// ParseBound reads FIGURE=LIMIT.
func ParseBound(spec string) (Bound, error) {
	b := Bound{Spec: spec}
	name, limit, ok := strings.Cut(spec, "=")
	name, limit = strings.TrimSpace(name), strings.TrimSpace(limit)
	if !ok || name == "" || limit == "" {
		return b, fmt.Errorf("regression bound %q: want FIGURE=LIMIT such as p99_recovery=20%% or peak_p99=100ms", spec)
	}
	f, err := gate.Lookup(name)
	if err != nil {
		return b, fmt.Errorf("regression bound %q: %v", spec, err)
	}
	if f.Better() == gate.NoDirection {
		return b, fmt.Errorf("regression bound %q: %s is %s with no better or worse; bound it with a gate instead", spec, f.Name, f.Kind)
	}
	b.Figure, b.text = f, limit
	if pct, ok := strings.CutSuffix(limit, "%"); ok {
		x, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) {
			return b, fmt.Errorf("regression bound %q: limit %q is not a percentage such as 20%%", spec, limit)
		}
		b.Limit, b.Relative = x, true
		return b, nil
	}
	// An absolute limit reads like a gate's threshold, units and all.
	g, err := gate.Parse(name + " <= " + limit)
	if err != nil {
		var ge *gate.Error
		if errors.As(err, &ge) {
			err = errors.New(ge.Msg)
		}
		return b, fmt.Errorf("regression bound %q: limit %q: %v", spec, limit, err)
	}
	b.Limit = g.Threshold
	return b, nil
}

// ParseBounds parses every spec and refuses two bounds on one figure.
func ParseBounds(specs []string) ([]Bound, error) {
	var out []Bound
	seen := map[string]string{}
	for _, s := range specs {
		b, err := ParseBound(s)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[b.Figure.Name]; ok {
			return nil, fmt.Errorf("regression bounds %q and %q: one bound per figure", prev, s)
		}
		seen[b.Figure.Name] = s
		out = append(out, b)
	}
	return out, nil
}

// String writes the bound as written.
func (b Bound) String() string { return b.Spec }

// check judges one row against the bound.
func (b Bound) check(row Row) gate.Result {
	r := gate.Result{
		Expr:      "max-regression " + b.Figure.Name + "=" + b.text,
		Figure:    b.Figure.Name + " regression",
		Threshold: "<= " + b.text + " worse",
		Pass:      true,
	}
	from := fmt.Sprintf("%s went from %s to %s", b.Figure.Name, row.BaseText, row.NewText)
	switch {
	case row.Missing:
		r.Measured = row.BaseText + " → " + row.NewText
		r.Pass = false
		r.Reason = from + ": not measured, so no bound can pass on it"
		return r
	case row.Base == nil || row.New == nil:
		r.Measured = row.BaseText + " → " + row.NewText
		if row.Change == Worse {
			r.Pass = false
			r.Reason = from + ": a figure that is no longer reached has regressed beyond any bound"
		}
		return r
	}
	worse := *row.New - *row.Base // how much worse, in the figure's unit
	if b.Figure.Better() == gate.HigherIsBetter {
		worse = -worse
	}
	if b.Relative {
		pct := 0.0
		switch {
		case *row.Base != 0:
			pct = worse / abs(*row.Base) * 100
		case worse > 0:
			pct = math.Inf(1)
		}
		r.Measured = describe(pct, math.Abs(pct), formatPct)
		if math.IsInf(pct, 1) {
			r.Measured = row.BaseText + " → " + row.NewText
		}
		r.Pass = pct <= b.Limit
	} else {
		r.Measured = describe(worse, math.Abs(worse), func(x float64) string { return b.Figure.FormatNum(x, "") })
		r.Pass = worse <= b.Limit+1e-9*abs(b.Limit)
	}
	if !r.Pass {
		r.Reason = fmt.Sprintf("%s: %s, more than the %s allowed", from, r.Measured, b.text)
	}
	return r
}

// describe writes a change as "30.0% worse", "5s better" or "unchanged".
func describe(worse, size float64, format func(float64) string) string {
	switch {
	case worse > 0:
		return format(size) + " worse"
	case worse < 0:
		return format(size) + " better"
	}
	return "unchanged"
}
