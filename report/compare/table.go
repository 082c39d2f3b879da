package compare

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/burstlab/burstlab/report/gate"
	"github.com/burstlab/burstlab/report/render"
)

// WriteTable writes the comparison for a terminal: the two runs, any notes,
// the figures side by side, then the checks.
func WriteTable(w io.Writer, c *Comparison) error {
	fmt.Fprintf(w, "burstlab compare: base %s -> new %s\n", describeRun(c.Base), describeRun(c.New))
	for _, n := range c.Notes {
		fmt.Fprintln(w, "NOTE: "+n)
	}
	fmt.Fprintln(w)
	t := render.NewTable(w, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft)
	t.Header("figure", "base", "new", "delta", "delta %", "change")
	for _, r := range c.Rows {
		if err := t.Append(r.Figure, r.BaseText, r.NewText, deltaText(r), pctText(r), r.Change); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(c.Checks) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	ct := render.NewTable(w, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignLeft)
	ct.Header("", "check", "measured", "threshold")
	for _, r := range c.Checks {
		if err := ct.Append(passText(r), r.Expr, r.Measured, r.Threshold); err != nil {
			return err
		}
	}
	return ct.Render()
}

func describeRun(r Run) string {
	s := r.Name
	if !r.Started.IsZero() {
		s += " (" + r.Started.UTC().Format("2006-01-02 15:04Z") + ")"
	}
	return s
}

func passText(r gate.Result) string {
	if r.Pass {
		return "pass"
	}
	return "FAIL"
}

// deltaText writes new − base with its unit and sign; ratios in percentage
// points.
func deltaText(r Row) string {
	if r.Delta == nil {
		return "-"
	}
	d := *r.Delta
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	if d == 0 {
		sign = ""
	}
	if r.fig.Kind == gate.Ratio {
		return sign + strings.TrimSuffix(r.fig.FormatNum(math.Abs(d), "%"), "%") + "pp"
	}
	return sign + r.fig.FormatNum(math.Abs(d), "")
}

func pctText(r Row) string {
	switch {
	case r.DeltaPct != nil:
		return fmt.Sprintf("%+.1f%%", *r.DeltaPct)
	case r.Delta != nil && *r.Delta != 0:
		return "from 0"
	}
	return "-"
}

// formatPct writes a percentage with at most one decimal.
func formatPct(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) + "%"
}
