package render

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/burstlab/burstlab/report"
)

// CSV renders the per-window series: for each window a row for the whole
// window (stream "*") and a row per stream that was offered or sent
// anything there. Columns are named as in run.json; error counts follow as
// errors_CLASS, then a column per alert rule, alert_NAME, saying what the
// rule was at the window's end: firing, pending or empty (inactive), as
// Prometheus' ALERTS series would. event names the moments of the story
// that fall in the window: degraded (the burst's first degraded window) and
// healthy_again:CAUSE (the first window of the run of healthy windows that
// ended the degradation, with the recovery cause). start_time is the
// window's start on the wall clock (RFC 3339, UTC). A cell is empty where
// the value is unknown: latency without an ok response, send lateness of
// vegeta results, replicas without a scale timeline, and on a stream's row
// its lateness, replicas, health, event and alert states (the
// generator's, the target's and the rules', kept for the whole window).
type CSV struct{}

// csvColumns are the leading columns; errors_CLASS and alert_NAME columns
// follow.
var csvColumns = []string{"start_s", "start_time", "stream", "in_burst", "offered", "sent", "completed", "ok", "error_ratio",
	"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "lateness_p99_ms",
	"apdex", "satisfied", "tolerating", "replicas", "healthy", "event"}

// allStreams is the stream cell of a whole window's row.
const allStreams = "*"

// Render implements Renderer.
func (CSV) Render(w io.Writer, rec *report.Record) error {
	cw := csv.NewWriter(w)
	head := append([]string{}, csvColumns...)
	for _, c := range classOrder {
		head = append(head, "errors_"+c)
	}
	for _, a := range rec.Alerts {
		head = append(head, "alert_"+a.Name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	first, last := rec.Burst.Span(rec.WindowS)
	events := windowEvents(rec)
	states := make([][]string, len(rec.Alerts))
	for a := range rec.Alerts {
		states[a] = rec.Alerts[a].States(len(rec.Windows), rec.WindowS)
	}
	row := make([]string, 0, len(head))
	for i := range rec.Windows {
		win := &rec.Windows[i]
		at := rec.Started.Add(time.Duration(win.StartS * float64(time.Second))).UTC().Format("2006-01-02T15:04:05.000Z07:00")
		in := strconv.FormatBool(rec.Burst.Source != report.BurstNone && i >= first && i <= last)
		lateness, replicas := fmtF(win.LatenessP99Ms), strconv.Itoa(win.Replicas)
		if rec.Generator.LatenessUnknown {
			lateness = ""
		}
		if len(rec.ScaleEvents) == 0 {
			replicas = ""
		}
		row = append(row[:0], fmtF(win.StartS), at, allStreams, in)
		row = tallyCells(row, win.Tally, win.ErrorRatio, win.Percentiles)
		row = append(row, lateness, fmtF(report.RoundTo(win.Apdex, 6)), fmtD(win.Satisfied), fmtD(win.Tolerating), replicas, strconv.FormatBool(win.Healthy), events[i])
		row = errorCells(row, win.Errors)
		for a := range rec.Alerts {
			row = append(row, states[a][i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		for _, s := range win.Streams {
			row = append(row[:0], fmtF(win.StartS), at, s.Stream, in)
			row = tallyCells(row, s.Tally, s.ErrorRatio, s.Percentiles)
			row = append(row, "", fmtF(report.RoundTo(s.Apdex, 6)), fmtD(s.Satisfied), fmtD(s.Tolerating), "", "", "")
			row = errorCells(row, s.Errors)
			for range rec.Alerts {
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

// tallyCells appends the count, error ratio and latency cells of a row;
// the latency cells are empty without an ok response to measure.
func tallyCells(row []string, t report.Tally, errorRatio float64, p report.Percentiles) []string {
	row = append(row, fmtD(t.Offered), fmtD(t.Sent), fmtD(t.Completed), fmtD(t.OK), fmtF(report.RoundTo(errorRatio, 6)))
	if t.OK == 0 {
		return append(row, "", "", "", "", "")
	}
	return append(row, fmtF(p.P50Ms), fmtF(p.P90Ms), fmtF(p.P99Ms), fmtF(p.P999Ms), fmtF(p.MaxMs))
}

// errorCells appends the errors_CLASS cells of a row.
func errorCells(row []string, errs report.Counts) []string {
	for _, c := range classOrder {
		row = append(row, fmtD(errs[c]))
	}
	return row
}

// windowEvents names, by window index, the moments of the story in each
// window: degraded (the first degraded window of the burst, the one the
// recovery cause is judged from) and healthy_again:CAUSE.
func windowEvents(rec *report.Record) []string {
	out := make([]string, len(rec.Windows))
	mark := func(at *float64, event string) {
		if at == nil || rec.WindowS <= 0 {
			return
		}
		i := int(math.Floor(*at/rec.WindowS + 1e-9))
		if i < 0 || i >= len(out) {
			return
		}
		out[i] = strings.TrimPrefix(out[i]+";"+event, ";")
	}
	mark(rec.Summary.Recovery.DegradedAtS, "degraded")
	if cause := rec.Summary.RecoveryCause; cause != "" {
		mark(rec.Summary.Recovery.AtS, "healthy_again:"+cause)
	} else {
		mark(rec.Summary.Recovery.AtS, "healthy_again")
	}
	return out
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func fmtD(v int64) string { return strconv.FormatInt(v, 10) }
