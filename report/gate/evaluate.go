package gate

import (
	"fmt"
	"math"

	"github.com/burstlab/burstlab/report"
)

// Result is the verdict of one gate on one record.
type Result struct {
	Expr      string `json:"expr"`      // the gate as written
	Figure    string `json:"figure"`    // the figure tested
	Measured  string `json:"measured"`  // the record's value in the threshold's unit, or why it is null
	Threshold string `json:"threshold"` // what the gate asks for: "< 30s"
	Pass      bool   `json:"pass"`
	Reason    string `json:"reason,omitempty"` // why it failed; empty when it passed
}

// Line writes the result in one line: "p99_recovery = 42s (want < 30s)".
func (r Result) Line() string {
	return fmt.Sprintf("%s = %s (want %s)", r.Figure, r.Measured, r.Threshold)
}

// Evaluate judges rec against every gate, in order. A null figure fails its
// gate, except one whose null means the event never happened (a
// time_to_degrade of a target that never degraded is later than any
// threshold). A stream figure of a stream rec lacks fails too; CheckStreams
// refuses such a gate up front.
func Evaluate(rec *report.Record, gates []Gate) []Result {
	out := make([]Result, 0, len(gates))
	for _, g := range gates {
		out = append(out, evaluate(rec, g))
	}
	return out
}

func evaluate(rec *report.Record, g Gate) Result {
	r := Result{Expr: g.Expr, Figure: g.Figure.Name, Threshold: g.Want()}
	v, err := g.Figure.Value(rec)
	if err != nil {
		r.Measured = "missing"
		r.Reason = err.Error()
		return r
	}
	return judge(r, g, v)
}

// judge compares the measured value v with the gate's threshold.
func judge(r Result, g Gate, v Value) Result {
	r.Measured = g.Figure.Format(v, g.Unit)
	if g.Figure.Kind == Word {
		r.Pass = (v.Word == g.Word) == (g.Op == Equal)
		if !r.Pass {
			r.Reason = fmt.Sprintf("%s is %s, want %s", g.Figure.Name, r.Measured, r.Threshold)
		}
		return r
	}
	x := v.Num
	if v.Null {
		if !v.Never {
			why := ""
			if v.Status != "null" {
				why = " (" + v.Status + ")"
			}
			r.Reason = fmt.Sprintf("%s is null%s, and a null figure fails its gate", g.Figure.Name, why)
			return r
		}
		x = math.Inf(1)
	}
	r.Pass = g.Op.holds(x, g.Threshold)
	if !r.Pass {
		r.Reason = fmt.Sprintf("%s is %s, want %s", g.Figure.Name, r.Measured, r.Threshold)
	}
	return r
}

// Failed counts the results that did not pass.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if !r.Pass {
			n++
		}
	}
	return n
}
