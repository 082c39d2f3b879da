package render

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"

	"gonum.org/v1/plot/vg"

	"github.com/burstlab/burstlab/report"
)

// HTML renders a self-contained report: one file with inline CSS and SVG
// charts, no scripts, nothing fetched from the network. It shows the
// warnings and the verdict first, the headline figures, the charts
// (latency percentiles with the burst shaded and time_to_scale and
// p99_recovery marked; offered vs achieved rate; errors; replicas), the
// per-stream totals, the settings and the definitions.
type HTML struct{}

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// htmlData is what the template shows.
type htmlData struct {
	Rec         *report.Record
	Scaled, P99 string
	Alerts      []string
	Figures     [][2]string
	Streams     []htmlStream
	Charts      []template.HTML
	Settings    [][2]string
	Definitions [][2]string
}

type htmlStream struct {
	Name, P50, P99, Max, Apdex, Errors string
	Offered, Sent, OK                  int64
}

// Render implements Renderer.
func (HTML) Render(w io.Writer, rec *report.Record) error {
	d := htmlData{Rec: rec, Figures: figureRows(rec, true)}
	d.Scaled, d.P99 = Verdict(rec)
	d.Alerts = AlertLines(rec)
	for _, r := range streamRows(rec) {
		d.Streams = append(d.Streams, htmlStream{
			Name: r.name, Offered: r.offered, Sent: r.sent, OK: r.ok,
			P50: report.FormatMs(r.p50), P99: report.FormatMs(r.p99), Max: report.FormatMs(r.max), Apdex: fmt.Sprintf("%.2f", r.apdex), Errors: fmtCounts(r.errors),
		})
	}
	for _, c := range charts(rec) {
		svg, err := c.svg(10*vg.Inch, 3.6*vg.Inch)
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.title, err)
		}
		d.Charts = append(d.Charts, template.HTML(svg)) // gonum's SVG output, not user input
	}
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
