package render

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"

	"github.com/burstlab/burstlab/report"
)

// HTML renders a self-contained report: one file with inline CSS, data and
// script, nothing fetched from the network. It shows the warnings and the
// verdict first, the headline figures, the charts, the per-stream totals,
// the settings and the definitions. The charts (latency percentiles, p99 by
// stream, offered vs achieved rate, errors, replicas and scale decisions)
// share one time axis with the burst shaded and every headline time drawn;
// dragging zooms all of them, a double click resets, hovering shows the
// values. A latency distribution closes them. They are drawn by uPlot,
// embedded in the page with its license.
type HTML struct{}

//go:embed html.tmpl
var htmlSource string

// The chart library, vendored unmodified from the npm registry (see
// assets/README.md).
var (
	//go:embed assets/uPlot.iife.min.js
	uplotJS string
	//go:embed assets/uPlot.min.css
	uplotCSS string
	//go:embed assets/uPlot.LICENSE
	uplotLicense string
)

// ChartLibrary returns the embedded chart library, uPlot, with its license
// as a leading comment, and its stylesheet, for a page to inline in a
// <script> and a <style> element: the report and the capacity page draw
// with it and fetch nothing.
func ChartLibrary() (template.JS, template.CSS) {
	return template.JS("/* uPlot, vendored from npm (uplot@1.6.32):\n" + uplotLicense + "*/\n" + uplotJS), template.CSS(uplotCSS)
}

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlData is what the template shows.
type htmlData struct {
	Rec         *report.Record
	Scaled, P99 string
	Alerts      []string
	Figures     [][2]string
	Streams     []htmlStream
	Charts      template.JS // chart data, JSON
	Library     template.JS // uPlot, with its license
	LibraryCSS  template.CSS
	Settings    [][2]string
	Definitions [][2]string
}

type htmlStream struct {
	Name, P50, P99, Max, Apdex, Errors string
	Offered, Sent, OK                  int64
}

// fromBurst are the figure rows that count from the burst: a record
// without one has none of them (its warning says so), and the page leaves
// them out rather than list "no burst" and "0s..0s".
var fromBurst = map[string]bool{
	"time_to_scale": true, "p99_recovery": true, "recovery_cause": true, "healthy again at": true,
	"time_to_degrade": true, "scale_reaction": true, "scale_complete": true, "burst": true,
}

// htmlFigures are the page's figure rows.
func htmlFigures(rec *report.Record) [][2]string {
	rows := figureRows(rec, true)
	if rec.Burst.Source != report.BurstNone {
		return rows
	}
	return slices.DeleteFunc(rows, func(r [2]string) bool { return fromBurst[r[0]] })
}

// Render implements Renderer.
func (HTML) Render(w io.Writer, rec *report.Record) error {
	d := htmlData{Rec: rec, Figures: htmlFigures(rec)}
	d.Scaled, d.P99 = Verdict(rec)
	d.Alerts = AlertLines(rec)
	for _, r := range streamRows(rec) {
		d.Streams = append(d.Streams, htmlStream{
			Name: r.name, Offered: r.offered, Sent: r.sent, OK: r.ok,
			P50: r.latency(r.p50), P99: r.latency(r.p99), Max: r.latency(r.max), Apdex: fmt.Sprintf("%.2f", r.apdex), Errors: fmtCounts(r.errors),
		})
	}
	data, err := json.Marshal(charts(rec)) // escapes <, > and &: safe inside <script>
	if err != nil {
		return fmt.Errorf("chart data: %w", err)
	}
	d.Charts = template.JS(data)
	d.Library, d.LibraryCSS = ChartLibrary()
	st := rec.Settings
	d.Settings = [][2]string{
		{"window", fmtS(rec.WindowS)},
		{"warm-up", fmtS(st.WarmupS)},
		{"SLO p99", fmtBound(st.SLOP99Ms)},
		{"tolerance (x baseline p99)", fmt.Sprint(st.Tolerance)},
		{"error bound", fmtPct(st.ErrorRatio)},
		{"healthy windows to recover (K)", fmt.Sprint(st.HealthyWindows)},
		{"apdex T", report.FormatMs(st.ApdexTMs)},
		{"lateness bound", report.FormatMs(st.LatenessBoundMs)},
	}
	keys := make([]string, 0, len(report.Definitions))
	for k := range report.Definitions {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		d.Definitions = append(d.Definitions, [2]string{k, report.Definitions[k]})
	}
	return htmlTemplate.Execute(w, d)
}
