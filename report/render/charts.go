package render

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/burstlab/burstlab/report"
)

// The HTML report's charts are drawn by gonum/plot as SVG and inlined. Each
// window's value is drawn as a step over the window's span. A chart shows
// at most maxPoints points per line: longer series are grouped
// into buckets of whole windows, latency lines keeping each bucket's worst
// window and rate lines its average, so a spike never disappears.

const maxPoints = 1200

var (
	colP50     = rgb(0x1f77b4)
	colP90     = rgb(0x2ca02c)
	colP99     = rgb(0xd62728)
	colP999    = rgb(0x9467bd)
	colBound   = rgb(0x7f7f7f)
	colBurst   = color.NRGBA{R: 0xff, G: 0xa5, A: 0x38}
	colScaled  = rgb(0x17becf)
	colRecover = rgb(0x8c564b)
	colOffered = rgb(0x7f7f7f)
	colSent    = rgb(0x1f77b4)
	colOK      = rgb(0x2ca02c)
	colReplica = rgb(0x1f77b4)
	colClass   = map[string]color.Color{
		"5xx": rgb(0xd62728), "4xx": rgb(0xff7f0e), "429": rgb(0xbcbd22), "timeout": rgb(0x9467bd),
		"refused": rgb(0x8c564b), "reset": rgb(0xe377c2), "dns": rgb(0x17becf), "tls": rgb(0x1f77b4),
		"other": rgb(0x7f7f7f), "unsent": rgb(0x000000),
	}
)

func rgb(v uint32) color.Color {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// line is one named series of a chart.
type line struct {
	name   string
	color  color.Color
	ys     []float64
	dashed bool
}

// mark is a named vertical line at x seconds.
type mark struct {
	name  string
	x     float64
	color color.Color
}

// chart is one plot of the report.
type chart struct {
	title, ylabel string
	xs            []float64 // bucket start, seconds
	end           float64   // end of the last bucket, seconds
	lines         []line
	burst         *[2]float64
	marks         []mark
}

// buckets groups the windows into at most maxPoints buckets of equal width.
type buckets struct {
	size int // windows per bucket
	n    int
	xs   []float64
	end  float64
}

func newBuckets(rec *report.Record) buckets {
	size := max(1, (len(rec.Windows)+maxPoints-1)/maxPoints)
	b := buckets{size: size, n: (len(rec.Windows) + size - 1) / size}
	for i := range b.n {
		b.xs = append(b.xs, float64(i*size)*rec.WindowS)
	}
	b.end = float64(len(rec.Windows)) * rec.WindowS
	return b
}

// worst is the highest value of f over each bucket's windows.
func (b buckets) worst(rec *report.Record, f func(*report.Window) float64) []float64 {
	out := make([]float64, b.n)
	for i := range rec.Windows {
		out[i/b.size] = math.Max(out[i/b.size], f(&rec.Windows[i]))
	}
	return out
}

// rate is the sum of f over each bucket's windows, per second.
func (b buckets) rate(rec *report.Record, f func(*report.Window) float64) []float64 {
	out := make([]float64, b.n)
	for i := range rec.Windows {
		out[i/b.size] += f(&rec.Windows[i])
	}
	for i := range out {
		n := min(b.size, len(rec.Windows)-i*b.size)
		out[i] /= float64(n) * rec.WindowS
	}
	return out
}

// charts lists the report's charts: latency, rate, errors, and replicas
// when the record has a scale timeline.
func charts(rec *report.Record) []chart {
	b := newBuckets(rec)
	var burst *[2]float64
	if rec.Burst.Source != report.BurstNone {
		burst = &[2]float64{rec.Burst.StartS, rec.Burst.EndS}
	}
	s := rec.Summary
	lat := chart{
		title: "Latency by intended send time", ylabel: "ms", xs: b.xs, end: b.end, burst: burst,
		lines: []line{
			{name: "p50", color: colP50, ys: b.worst(rec, func(w *report.Window) float64 { return w.P50Ms })},
			{name: "p90", color: colP90, ys: b.worst(rec, func(w *report.Window) float64 { return w.P90Ms })},
			{name: "p99", color: colP99, ys: b.worst(rec, func(w *report.Window) float64 { return w.P99Ms })},
			{name: "p99.9", color: colP999, ys: b.worst(rec, func(w *report.Window) float64 { return w.P999Ms })},
		},
	}
	if b.size > 1 {
		lat.title += fmt.Sprintf(" (worst window of every %d)", b.size)
	}
	if s.HealthyP99Ms > 0 {
		lat.lines = append(lat.lines, line{name: "healthy p99 bound", color: colBound, dashed: true, ys: slices.Repeat([]float64{s.HealthyP99Ms}, b.n)})
	}
	if s.TimeToScaleS != nil && s.TimeToScaleStatus == report.StatusReached {
		lat.marks = append(lat.marks, mark{"time_to_scale " + fmtS(*s.TimeToScaleS), rec.Burst.StartS + *s.TimeToScaleS, colScaled})
	}
	if s.P99RecoveryS != nil {
		lat.marks = append(lat.marks, mark{"p99_recovery " + fmtS(*s.P99RecoveryS), rec.Burst.EndS + *s.P99RecoveryS, colRecover})
	}
	rate := chart{
		title: "Offered vs achieved rate", ylabel: "requests/s", xs: b.xs, end: b.end, burst: burst,
		lines: []line{
			{name: "offered", color: colOffered, dashed: true, ys: b.rate(rec, func(w *report.Window) float64 { return float64(w.Offered) })},
			{name: "sent", color: colSent, ys: b.rate(rec, func(w *report.Window) float64 { return float64(w.Sent) })},
			{name: "ok", color: colOK, ys: b.rate(rec, func(w *report.Window) float64 { return float64(w.OK) })},
		},
	}
	errs := chart{title: "Errors by class", ylabel: "requests/s", xs: b.xs, end: b.end, burst: burst}
	for _, c := range classOrder {
		if s.Errors[c] == 0 {
			continue
		}
		errs.lines = append(errs.lines, line{name: c, color: colClass[c], ys: b.rate(rec, func(w *report.Window) float64 { return float64(w.Errors[c]) })})
	}
	if len(errs.lines) == 0 {
		errs.title += ": none"
		errs.lines = []line{{name: "errors", color: colClass["5xx"], ys: make([]float64, b.n)}}
	}
	out := []chart{lat, rate, errs}
	if s.ReplicasPeak > 0 || hasReplicas(rec) {
		out = append(out, chart{
			title: "Ready replicas", ylabel: "replicas", xs: b.xs, end: b.end, burst: burst,
			lines: []line{{name: "ready replicas", color: colReplica, ys: b.worst(rec, func(w *report.Window) float64 { return float64(w.Replicas) })}},
		})
	}
	return out
}

func hasReplicas(rec *report.Record) bool {
	for _, w := range rec.Windows {
		if w.Replicas > 0 {
			return true
		}
	}
	return false
}

// svg draws the chart as an SVG element, without the XML prologue, ready
// to inline in HTML.
func (c chart) svg(width, height vg.Length) (string, error) {
	p := plot.New()
	p.Title.Text = c.title
	p.X.Label.Text = "seconds from start"
	p.Y.Label.Text = c.ylabel
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	ymax := 0.0
	for _, l := range c.lines {
		for _, y := range l.ys {
			ymax = math.Max(ymax, y)
		}
	}
	if ymax == 0 {
		ymax = 1
	}
	// Head room for the legend above the data.
	top := ymax * (1.15 + 0.09*float64(len(c.lines)+len(c.marks)))
	p.Y.Min, p.Y.Max = 0, top
	xmax := c.end
	p.X.Min, p.X.Max = 0, math.Max(xmax, 1)
	if c.burst != nil {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: c.burst[0], Y: 0}, {X: c.burst[1], Y: 0}, {X: c.burst[1], Y: top}, {X: c.burst[0], Y: top}})
		if err != nil {
			return "", err
		}
		poly.Color = colBurst
		poly.LineStyle.Width = 0
		p.Add(poly)
		p.Legend.Add("burst", poly)
	}
	for _, l := range c.lines {
		// Each value holds for its whole bucket: a step to the bucket's end.
		xys := make(plotter.XYs, len(c.xs), len(c.xs)+1)
		for i := range xys {
			xys[i] = plotter.XY{X: c.xs[i], Y: l.ys[i]}
		}
		if n := len(xys); n > 0 {
			xys = append(xys, plotter.XY{X: xmax, Y: l.ys[n-1]})
		}
		pl, err := plotter.NewLine(xys)
		if err != nil {
			return "", err
		}
		pl.Color = l.color
		pl.Width = vg.Points(1.5)
		if l.dashed {
			pl.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		pl.StepStyle = plotter.PostStep
		p.Add(pl)
		p.Legend.Add(l.name, pl)
	}
	for _, m := range c.marks {
		ml, err := plotter.NewLine(plotter.XYs{{X: m.x, Y: 0}, {X: m.x, Y: top}})
		if err != nil {
			return "", err
		}
		ml.LineStyle = draw.LineStyle{Color: m.color, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
		p.Add(ml)
		p.Legend.Add(m.name, ml)
	}
	wt, err := p.WriterTo(width, height, "svg")
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
