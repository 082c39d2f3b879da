package capacity

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// WriteHTML writes a self-contained page: the answer, a chart of p99 and
// one of the error ratio against the level (passing steps green, failing
// red, the SLO and the found level marked), and the steps.
func WriteHTML(w io.Writer, r *Result) error {
	d := struct {
		R      *Result
		Cols   []string
		Rows   [][]string
		Charts []template.HTML
	}{R: r, Cols: r.columns(), Rows: r.rows()}
	for _, c := range r.charts() {
		svg, err := c.svg()
		if err != nil {
			return fmt.Errorf("chart %q: %w", c.title, err)
		}
		d.Charts = append(d.Charts, template.HTML(svg)) // gonum's SVG output, not user input
	}
	return pageTemplate.Execute(w, d)
}

var pageTemplate = template.Must(template.New("capacity").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>burstlab capacity: {{.R.Name}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
.verdict { font-size: 1.2em; background: #f6f6f6; padding: 0.8em 1em; border-radius: 4px; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; text-align: right; }
td:nth-last-child(-n+2), th:nth-last-child(-n+2) { text-align: left; }
.chart svg { width: 100%; height: auto; }
</style>
</head>
<body>
<h1>burstlab capacity: {{.R.Name}}</h1>
<p>{{.R.Mode}} search against {{.R.Target}}{{if .R.Profile}} &middot; profile {{.R.Profile}}{{end}} &middot; started {{.R.Started.Format "2006-01-02 15:04:05 MST"}}</p>
<p class="verdict">{{.R.Line}}</p>
{{range .Charts}}<div class="chart">{{.}}</div>
{{end}}<table>
<tr>{{range .Cols}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
</body>
</html>
`))

// levelChart is one figure of the steps against their level.
type levelChart struct {
	title, xlabel, ylabel string
	pass, fail            plotter.XYs
	bound                 float64 // a horizontal line (the SLO, the error bound); 0: none
	boundName             string
	found                 float64 // a vertical line at the answer; 0: none
	foundName             string
}

// charts are the p99 and error ratio charts of the result.
func (r *Result) charts() []levelChart {
	xlabel := "requests/s"
	if r.Mode == BurstMode {
		xlabel = "factor on the burst streams"
	}
	p99 := levelChart{title: "p99 by level", xlabel: xlabel, ylabel: "p99 (ms)", bound: r.Settings.SLOP99Ms, boundName: "SLO p99"}
	errs := levelChart{title: "Error ratio by level", xlabel: xlabel, ylabel: "error ratio (%)", bound: r.Settings.MaxErrorRatio * 100, boundName: "error bound"}
	if r.Mode == BurstMode {
		p99.title, p99.ylabel, p99.bound = "Peak window p99 by factor", "peak p99 (ms)", 0
		errs.bound = 0
	}
	for _, st := range r.Steps {
		if st.Verdict != Pass && st.Verdict != Fail {
			continue
		}
		pt, et := plotter.XY{X: st.Level, Y: st.P99Ms}, plotter.XY{X: st.Level, Y: st.ErrorRatio * 100}
		if st.Verdict == Pass {
			p99.pass, errs.pass = append(p99.pass, pt), append(errs.pass, et)
		} else {
			p99.fail, errs.fail = append(p99.fail, pt), append(errs.fail, et)
		}
	}
	if r.Found {
		x, name := 0.0, ""
		switch {
		case r.CapacityRPS != nil:
			x, name = *r.CapacityRPS, "capacity "+fmtRate(*r.CapacityRPS)
		case r.BurstFactor != nil:
			x, name = *r.BurstFactor, "burst factor "+fmtFactor(*r.BurstFactor)+"×"
		}
		p99.found, p99.foundName, errs.found, errs.foundName = x, name, x, name
	}
	return []levelChart{p99, errs}
}

var (
	colPass  = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	colFail  = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colBound = color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}
	colFound = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
)

// svg draws the chart as an inline SVG element.
func (c levelChart) svg() (string, error) {
	p := plot.New()
	p.Title.Text = c.title
	p.X.Label.Text, p.Y.Label.Text = c.xlabel, c.ylabel
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	xmax, ymax := 0.0, c.bound
	for _, xy := range append(append(plotter.XYs{}, c.pass...), c.fail...) {
		xmax, ymax = math.Max(xmax, xy.X), math.Max(ymax, xy.Y)
	}
	xmax, ymax = math.Max(xmax*1.05, 1), math.Max(ymax*1.4, 1)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, xmax, 0, ymax
	for _, set := range []struct {
		name string
		xys  plotter.XYs
		col  color.Color
	}{{"pass", c.pass, colPass}, {"fail", c.fail, colFail}} {
		if len(set.xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(set.xys)
		if err != nil {
			return "", err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: set.col, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
		p.Add(s)
		p.Legend.Add(set.name, s)
	}
	dashed := func(name string, xys plotter.XYs, col color.Color) error {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
		p.Add(l)
		p.Legend.Add(name, l)
		return nil
	}
	if c.bound > 0 {
		if err := dashed(c.boundName, plotter.XYs{{X: 0, Y: c.bound}, {X: xmax, Y: c.bound}}, colBound); err != nil {
			return "", err
		}
	}
	if c.found > 0 {
		if err := dashed(c.foundName, plotter.XYs{{X: c.found, Y: 0}, {X: c.found, Y: ymax}}, colFound); err != nil {
			return "", err
		}
	}
	wt, err := p.WriterTo(10*vg.Inch, 3.6*vg.Inch, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	out := buf.String()
	if i := strings.Index(out, "<svg"); i > 0 {
		out = out[i:]
	}
	return out, nil
}
