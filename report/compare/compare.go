// Package compare sets two records of the same burst side by side: a base
// run (yesterday's, the main branch's) and a new one. Each headline figure
// gets its delta, absolute and relative, and a verdict, better or worse, by
// which way the figure improves: lower for latencies, times and error
// ratios, higher for apdex. Regression bounds (p99_recovery=20%) turn the
// comparison into checks a CI job can fail on.
package compare

import (
	"fmt"
	"time"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

// Changes of a figure from base to new.
const (
	Better = "better"
	Worse  = "worse"
	Same   = "same"
)

// Comparison is two records side by side.
type Comparison struct {
	Base   Run           `json:"base"`
	New    Run           `json:"new"`
	Notes  []string      `json:"notes,omitempty"` // what limits the comparison (different settings, a saturated generator)
	Rows   []Row         `json:"rows"`
	Checks []gate.Result `json:"checks"` // regression bounds, then any gates on the new record
}

// Run names one of the compared records.
type Run struct {
	Name    string    `json:"name"`
	Target  string    `json:"target"`
	Started time.Time `json:"started"`
}

// Row is one figure in both records. Numbers are in the figure's own unit
// (Unit: ms or s for durations, a fraction for ratios).
type Row struct {
	Figure   string   `json:"figure"`
	Unit     string   `json:"unit,omitempty"`
	Base     *float64 `json:"base"` // null when the record has no number (not reached, a boolean)
	New      *float64 `json:"new"`
	BaseText string   `json:"base_text"` // the value with its unit, or why it is null
	NewText  string   `json:"new_text"`
	Delta    *float64 `json:"delta"`     // new − base; null when either is null
	DeltaPct *float64 `json:"delta_pct"` // delta / |base| × 100; null when either is null or base is 0
	Change   string   `json:"change,omitempty"`
	// Missing says a null side was not measured (its run stopped before
	// the burst ended): the change is unknown, and a bound on it fails.
	Missing bool `json:"missing,omitempty"`

	fig gate.Figure
}

// headline lists the figures every comparison shows, in order.
var headline = []string{
	"time_to_scale", "p99_recovery", "recovery_cause", "time_to_degrade", "degraded_for",
	"scale_reaction", "scale_complete",
	"peak_p99", "baseline_p99", "p99",
	"error_ratio", "peak_error_ratio", "apdex", "min_apdex",
	"generator_saturated",
}

// optional lists headline figures shown only when a record has them.
var optional = map[string]bool{"scale_reaction": true, "scale_complete": true}

// warningFlags are booleans that are worse when true.
var warningFlags = map[string]bool{"generator_saturated": true, "baseline_degraded": true}

// Compare sets next beside base: the headline figures, p99 and error ratio
// of the streams both records have, and every figure a bound names. Each
// bound becomes one check in Checks. A bound on a stream that either record
// lacks is an error.
func Compare(base, next *report.Record, bounds []Bound) (*Comparison, error) {
	c := &Comparison{
		Base:   Run{base.Name, base.Target, base.Started},
		New:    Run{next.Name, next.Target, next.Started},
		Checks: []gate.Result{},
	}
	c.Notes = notes(base, next)
	names := []string{}
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	for _, name := range headline {
		add(name)
	}
	for _, s := range base.Streams {
		for _, n := range next.Streams {
			if n.Name == s.Name {
				add("stream." + s.Name + ".p99")
				add("stream." + s.Name + ".error_ratio")
			}
		}
	}
	for _, name := range sharedAlerts(base, next) {
		add("alert." + name + ".time_to_alert")
	}
	for _, b := range bounds {
		add(b.Figure.Name)
	}
	for _, name := range names {
		f, err := gate.Lookup(name)
		if err != nil {
			return nil, err // a headline name the record type lost: a bug
		}
		row, err := compareFigure(f, base, next)
		if err != nil {
			return nil, err
		}
		if optional[name] && row.Base == nil && row.New == nil {
			continue
		}
		c.Rows = append(c.Rows, row)
	}
	for _, b := range bounds {
		for _, row := range c.Rows {
			if row.Figure == b.Figure.Name {
				c.Checks = append(c.Checks, b.check(row))
			}
		}
	}
	return c, nil
}

// sharedAlerts lists the alert rules both records were judged with, alike
// (the same condition and for): their firing times compare.
func sharedAlerts(base, next *report.Record) []string {
	var out []string
	for _, a := range base.Alerts {
		for _, n := range next.Alerts {
			if n.Name == a.Name && n.Expr == a.Expr && n.ForS == a.ForS {
				out = append(out, a.Name)
			}
		}
	}
	return out
}

// Regressions counts the checks that failed.
func (c *Comparison) Regressions() int { return gate.Failed(c.Checks) }

func compareFigure(f gate.Figure, base, next *report.Record) (Row, error) {
	row := Row{Figure: f.Name, Unit: f.Unit, fig: f}
	b, err := f.Value(base)
	if err != nil {
		return row, fmt.Errorf("base: %v", err)
	}
	n, err := f.Value(next)
	if err != nil {
		return row, fmt.Errorf("new: %v", err)
	}
	unit := ""
	if f.Kind == gate.Ratio {
		unit = "%"
	}
	row.BaseText, row.NewText = f.Format(b, unit), f.Format(n, unit)
	if f.Kind == gate.Word {
		row.Change = wordChange(f, b.Word, n.Word)
		return row, nil
	}
	if f.Kind == gate.Bool {
		switch {
		case b.Bool == n.Bool:
			row.Change = Same
		case warningFlags[f.Name] && n.Bool:
			row.Change = Worse
		case warningFlags[f.Name]:
			row.Change = Better
		}
		return row, nil
	}
	if !b.Null {
		row.Base = ptr(b.Num)
	}
	if !n.Null {
		row.New = ptr(n.Num)
	}
	row.Missing = b.Null && b.Missing || n.Null && n.Missing
	if !b.Null && !n.Null {
		row.Delta = ptr(n.Num - b.Num)
		if b.Num != 0 {
			row.DeltaPct = ptr((n.Num - b.Num) / abs(b.Num) * 100)
		}
	}
	if !row.Missing {
		row.Change = change(f, b, n)
	}
	return row, nil
}

// change judges the move from b to n by which way f improves. A null is the
// worst value (not reached, not recovered) unless it means the event never
// happened (never degraded), which is the best.
func change(f gate.Figure, b, n gate.Value) string {
	dir := f.Better()
	if dir == gate.NoDirection {
		return ""
	}
	switch {
	case b.Null && n.Null:
		return Same
	case b.Null || n.Null:
		nullIsBest := b.Never || n.Never
		if n.Null == nullIsBest {
			return Better
		}
		return Worse
	case n.Num == b.Num:
		return Same
	case (n.Num < b.Num) == (dir == gate.LowerIsBetter):
		return Better
	}
	return Worse
}

// causeRank orders the recovery causes from best to worst; unknown has no
// place, so a move to or from it is neither better nor worse.
var causeRank = map[string]int{
	report.CauseNeverDegraded:   0,
	report.CauseScaled:          1,
	report.CauseTrafficSubsided: 2,
	report.CauseNotRecovered:    3,
}

// wordChange judges the move of a word figure from b to n.
func wordChange(f gate.Figure, b, n string) string {
	if b == n {
		return Same
	}
	rb, okb := causeRank[b]
	rn, okn := causeRank[n]
	switch {
	case f.Name != "recovery_cause" || !okb || !okn:
		return ""
	case rn < rb:
		return Better
	}
	return Worse
}

// notes says what limits the comparison.
func notes(base, next *report.Record) []string {
	var out []string
	if base.Settings != next.Settings {
		out = append(out, "the records were judged with different analysis settings (SLO, tolerance, K, error bound or apdex T): healthy and degraded mean different things in each")
	}
	if base.Target != next.Target {
		out = append(out, fmt.Sprintf("the targets differ: %s and %s", base.Target, next.Target))
	}
	for _, r := range []struct {
		which string
		rec   *report.Record
	}{{"base", base}, {"new", next}} {
		if r.rec.Summary.GeneratorSaturated {
			out = append(out, r.which+": the generator was saturated; the target saw less load than planned")
		}
		if r.rec.Stopped {
			out = append(out, r.which+": the run was stopped before its plan ended")
		}
	}
	return out
}

func ptr(x float64) *float64 { return &x }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
