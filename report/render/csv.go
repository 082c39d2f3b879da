package render

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/burstlab/burstlab/report"
)

// CSV renders the per-window series: for each window a row for the whole
// window (stream "*") and, when the record has its interval log, a row per
// stream that completed requests there. Columns are named as in run.json;
// error counts follow as errors_CLASS. start_time is the window's start on
// the wall clock (RFC 3339, UTC). A cell is empty where the value is
// unknown: send lateness of vegeta results, replicas without a scale
// timeline, and on a stream's row everything but its latency and count
// (the record keeps those per window only).
type CSV struct{}

// csvColumns are the leading columns; errors_CLASS columns follow.
var csvColumns = []string{"start_s", "start_time", "stream", "in_burst", "offered", "sent", "completed", "ok", "error_ratio",
	"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "lateness_p99_ms",
	"apdex", "satisfied", "tolerating", "replicas", "healthy"}

// allStreams is the stream cell of a whole window's row.
const allStreams = "*"

// Render implements Renderer.
func (CSV) Render(w io.Writer, rec *report.Record) error {
	streams, err := rec.StreamWindows()
	if err != nil {
		return err
	}
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
		at := rec.Started.Add(time.Duration(win.StartS * float64(time.Second))).UTC().Format("2006-01-02T15:04:05.000Z07:00")
		in := strconv.FormatBool(rec.Burst.Source != report.BurstNone && i >= first && i <= last)
		lateness, replicas := f(win.LatenessP99Ms), strconv.Itoa(win.Replicas)
		if rec.Generator.LatenessUnknown {
			lateness = ""
		}
		if len(rec.ScaleEvents) == 0 {
			replicas = ""
		}
		row = append(row[:0], f(win.StartS), at, allStreams, in, d(win.Offered), d(win.Sent), d(win.Completed), d(win.OK),
			f(report.RoundTo(win.ErrorRatio, 6)), f(win.P50Ms), f(win.P90Ms), f(win.P99Ms), f(win.P999Ms), f(win.MaxMs), lateness,
			f(report.RoundTo(win.Apdex, 6)), d(win.Satisfied), d(win.Tolerating), replicas, strconv.FormatBool(win.Healthy))
		for _, c := range classOrder {
			row = append(row, d(win.Errors[c]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		for len(streams) > 0 && streams[0].Window == i {
			s := streams[0]
			streams = streams[1:]
			row = append(row[:0], f(win.StartS), at, s.Stream, in, "", "", "", d(s.OK), "",
				f(s.P50Ms), f(s.P90Ms), f(s.P99Ms), f(s.P999Ms), f(s.MaxMs), "", "", "", "", "", "")
			for range classOrder {
				row = append(row, "")
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
