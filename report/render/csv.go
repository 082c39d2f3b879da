package render

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/burstlab/burstlab/report"
)

// CSV renders the per-window series, one row per window, with a header
// row. Columns are named as in run.json; error counts follow as errors_CLASS.
type CSV struct{}

// csvColumns are the leading columns; errors_CLASS columns follow.
var csvColumns = []string{"start_s", "in_burst", "offered", "sent", "completed", "ok", "error_ratio",
	"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "lateness_p99_ms",
	"apdex", "satisfied", "tolerating", "replicas", "healthy"}

// Render implements Renderer.
func (CSV) Render(w io.Writer, rec *report.Record) error {
	cw := csv.NewWriter(w)
	head := append([]string{}, csvColumns...)
	for _, c := range classOrder {
		head = append(head, "errors_"+c)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	first, last := rec.Burst.Span(rec.WindowS)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	d := func(v int64) string { return strconv.FormatInt(v, 10) }
	row := make([]string, 0, len(head))
	for i, win := range rec.Windows {
		in := rec.Burst.Source != report.BurstNone && i >= first && i <= last
		row = append(row[:0], f(win.StartS), strconv.FormatBool(in), d(win.Offered), d(win.Sent), d(win.Completed), d(win.OK),
			f(report.RoundTo(win.ErrorRatio, 6)), f(win.P50Ms), f(win.P90Ms), f(win.P99Ms), f(win.P999Ms), f(win.MaxMs), f(win.LatenessP99Ms),
			f(report.RoundTo(win.Apdex, 6)), d(win.Satisfied), d(win.Tolerating), strconv.Itoa(win.Replicas), strconv.FormatBool(win.Healthy))
		for _, c := range classOrder {
			row = append(row, d(win.Errors[c]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
