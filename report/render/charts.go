package render

import (
	"math"
	"slices"
	"strconv"

	"github.com/burstlab/burstlab/report"
)

// The HTML report's charts are drawn in the page by uPlot (assets/) from
// the data below, written into the page as JSON. The time panels share one
// time axis, from 0 to a little past the run's end (room for the arrow of
// a figure that was not reached), and each window's value holds over the
// window's span (a step). A line has at most maxPoints points: longer
// series are grouped into buckets of whole windows, latency lines keeping
// each bucket's worst window and rate lines its average, so a spike never
// disappears. Scale events are thinned to the last of each kind per bucket.

const maxPoints = 1200

// chartData is everything the page's script draws.
type chartData struct {
	End        float64       `json:"end"`   // the run's end, seconds
	XMax       float64       `json:"x_max"` // the time axis' end, seconds
	Burst      *[2]float64   `json:"burst,omitempty"`
	BurstLabel string        `json:"burst_label,omitempty"`
	Figures    []figureMark  `json:"figures"` // [] when none, never null: the page iterates it
	Panels     []panel       `json:"panels"`
	Dist       *distribution `json:"distribution,omitempty"`
}

// figureMark is a headline time: from its origin (B0 or B1) to its value,
// or, not reached, an arrow from its origin past the end of what was
// measured.
type figureMark struct {
	Name    string  `json:"name"`
	Label   string  `json:"label"`
	From    float64 `json:"from"`
	To      float64 `json:"to"` // the figure's instant, or where the arrow points when not reached
	Reached bool    `json:"reached"`
	Color   string  `json:"color"`
}

// panel is one time chart: its x values in seconds and its lines.
type panel struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	YLabel string   `json:"y_label"`
	X      []Num    `json:"x"`
	Series []series `json:"series"`
	Head   int      `json:"head"` // rows of figure labels above the data; 0 written, not left out: the page's y range counts them
	Note   string   `json:"note,omitempty"`
}

// series is one line of a panel: a value per x, null where unknown.
type series struct {
	Name   string `json:"name"`
	Color  string `json:"color"`
	Dash   bool   `json:"dash,omitempty"`
	Points bool   `json:"points,omitempty"` // markers only, no line
	Step   bool   `json:"step,omitempty"`   // a value holds until the next x
	Y      []Num  `json:"y"`
}

// distribution is the latency percentile curve: x is 1/(1-q), drawn on a
// log axis labelled in percent, y the latency in milliseconds.
type distribution struct {
	X      []Num    `json:"x"`
	Series []series `json:"series"`
}

// Num is a chart value: written to JSON with at most 3 decimals, or null
// (a gap in the line) when NaN or infinite. The run report's and the
// capacity page's charts carry their data in it.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	v := float64(n)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(v*1000)/1000, 'f', -1, 64), nil
}

const (
	colP50     = "#1f77b4"
	colP90     = "#2ca02c"
	colP99     = "#d62728"
	colP999    = "#9467bd"
	colBound   = "#7f7f7f"
	colDegrade = "#ff7f0e"
	colScaled  = "#17becf"
	colRecover = "#8c564b"
	colReact   = "#bcbd22"
	colAlert   = "#e377c2"
	colStopped = "#000000"
	colOffered = "#7f7f7f"
	colSent    = "#1f77b4"
	colOK      = "#2ca02c"
	colReady   = "#1f77b4"
	colDesired = "#ff7f0e"
	colDecided = "#d62728"
)

var colClass = map[string]string{
	"5xx": "#d62728", "4xx": "#ff7f0e", "429": "#bcbd22", "timeout": "#9467bd",
	"refused": "#8c564b", "reset": "#e377c2", "dns": "#17becf", "tls": "#1f77b4",
	"other": "#7f7f7f", "unsent": "#000000",
}

// streamColors colour the streams in record order.
var streamColors = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

// buckets groups the windows into at most maxPoints buckets of equal width.
type buckets struct {
	size int // windows per bucket
	n    int
	xs   []Num // bucket starts, then the run's end and the axis' end
	end  float64
}

func newBuckets(rec *report.Record, xmax float64) buckets {
	size := max(1, (len(rec.Windows)+maxPoints-1)/maxPoints)
	b := buckets{size: size, n: (len(rec.Windows) + size - 1) / size}
	for i := range b.n {
		b.xs = append(b.xs, Num(float64(i*size)*rec.WindowS))
	}
	b.end = float64(len(rec.Windows)) * rec.WindowS
	b.xs = append(b.xs, Num(b.end), Num(xmax))
	return b
}

// line makes a stepped series from one value per bucket: the last value
// holds to the run's end, nothing is drawn past it.
func (b buckets) line(name, color string, ys []float64) series {
	y := make([]Num, 0, len(ys)+2)
	for _, v := range ys {
		y = append(y, Num(v))
	}
	last := math.NaN()
	if len(ys) > 0 {
		last = ys[len(ys)-1]
	}
	y = append(y, Num(last), Num(math.NaN()))
	return series{Name: name, Color: color, Step: true, Y: y}
}

// worst is the highest value of f over each bucket's windows (NaN values
// are skipped; a bucket of NaN stays NaN).
func (b buckets) worst(rec *report.Record, f func(i int) float64) []float64 {
	out := slices.Repeat([]float64{math.NaN()}, b.n)
	for i := range rec.Windows {
		v, o := f(i), &out[i/b.size]
		if !math.IsNaN(v) && (math.IsNaN(*o) || v > *o) {
			*o = v
		}
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

// charts gathers the report's chart data: latency, per-stream p99, rate,
// errors, replicas (when the record has a scale timeline) and the latency
// distribution.
func charts(rec *report.Record) chartData {
	end := float64(len(rec.Windows)) * rec.WindowS
	d := chartData{End: end, XMax: end + math.Max(end*0.08, rec.WindowS)}
	if rec.Burst.Source != report.BurstNone {
		d.Burst = &[2]float64{rec.Burst.StartS, rec.Burst.EndS}
		d.BurstLabel = "burst " + fmtS(rec.Burst.StartS) + ".." + fmtS(rec.Burst.EndS) + " (" + rec.Burst.Source + ")"
	}
	d.Figures = figureMarks(rec, d.XMax)
	b := newBuckets(rec, d.XMax)
	bucketNote := ""
	if b.size > 1 {
		bucketNote = "each point: the worst (latency) or average (rate) of " + strconv.Itoa(b.size) + " windows"
	}
	s := rec.Summary
	lat := panel{ID: "latency", Title: latencyTitle(rec), YLabel: "ms", X: b.xs, Head: len(d.Figures), Note: bucketNote}
	if s.OK == 0 {
		lat.Note = "no response was ok: no latency to draw (the errors chart says what came back)"
	}
	for _, p := range []struct {
		name, color string
		f           func(w *report.Window) float64
	}{
		{"p50", colP50, func(w *report.Window) float64 { return w.P50Ms }},
		{"p90", colP90, func(w *report.Window) float64 { return w.P90Ms }},
		{"p99", colP99, func(w *report.Window) float64 { return w.P99Ms }},
		{"p99.9", colP999, func(w *report.Window) float64 { return w.P999Ms }},
	} {
		lat.Series = append(lat.Series, b.line(p.name, p.color, b.worst(rec, func(i int) float64 {
			if rec.Windows[i].OK == 0 {
				return math.NaN() // no ok response: a gap, not 0 ms
			}
			return p.f(&rec.Windows[i])
		})))
	}
	if s.HealthyP99Ms > 0 {
		bound := b.line("healthy p99 bound", colBound, slices.Repeat([]float64{s.HealthyP99Ms}, b.n))
		bound.Dash = true
		lat.Series = append(lat.Series, bound)
	}
	d.Panels = append(d.Panels, lat)
	if len(rec.Streams) > 1 && rec.KeepsStreamWindows() {
		p99s := rec.StreamP99s()
		ps := panel{ID: "streams", Title: "p99 by stream", YLabel: "ms", X: b.xs, Note: bucketNote}
		for i, st := range rec.Streams {
			ps.Series = append(ps.Series, b.line(st.Name, streamColors[i%len(streamColors)], b.worst(rec, func(w int) float64 { return p99s[i][w] })))
		}
		d.Panels = append(d.Panels, ps)
	}
	rate := panel{ID: "rate", Title: "Offered vs achieved rate", YLabel: "requests/s", X: b.xs, Note: bucketNote}
	offered := b.line("offered", colOffered, b.rate(rec, func(w *report.Window) float64 { return float64(w.Offered) }))
	offered.Dash = true
	rate.Series = append(rate.Series, offered,
		b.line("sent", colSent, b.rate(rec, func(w *report.Window) float64 { return float64(w.Sent) })),
		b.line("ok", colOK, b.rate(rec, func(w *report.Window) float64 { return float64(w.OK) })))
	d.Panels = append(d.Panels, rate)
	errs := panel{ID: "errors", Title: "Errors by class", YLabel: "requests/s", X: b.xs}
	for _, c := range classOrder {
		if s.Errors[c] == 0 {
			continue
		}
		errs.Series = append(errs.Series, b.line(c, colClass[c], b.rate(rec, func(w *report.Window) float64 { return float64(w.Errors[c]) })))
	}
	if len(errs.Series) == 0 {
		errs.Title += ": none"
		errs.Series = []series{b.line("errors", colClass["5xx"], make([]float64, b.n))}
	}
	d.Panels = append(d.Panels, errs)
	if p, ok := replicaPanel(rec, b, d.XMax); ok {
		d.Panels = append(d.Panels, p)
	}
	d.Dist = latencyDistribution(rec)
	return d
}

// latencyTitle names the latency panel by the instant its windows are
// keyed by: the intended send time, or the actual one for closed streams,
// which have no plan, and for vegeta's results, which do not keep it.
func latencyTitle(rec *report.Record) string {
	switch {
	case rec.Generator.LatenessUnknown:
		return "Latency by send time (vegeta results: no intended send time)"
	case rec.Model == report.ModelClosed:
		return "Latency by send time (closed model: no intended send time)"
	case rec.Model == report.ModelMixed:
		return "Latency by intended send time (closed streams: by actual send time)"
	}
	return "Latency by intended send time"
}

// figureMarks are the headline times the charts draw, when each alert
// rule fired, and when the run was stopped. No headline time without a
// burst (they count from it), nor those the burst did not reach (a run
// stopped before it ended, a burst that never degraded the target).
// Empty, not nil: the page's script iterates them.
func figureMarks(rec *report.Record, xmax float64) []figureMark {
	out := []figureMark{}
	if rec.Stopped && rec.StoppedAtS != nil {
		// Nothing planned after it was sent: the lines end there.
		at := *rec.StoppedAtS
		out = append(out, figureMark{Name: "stopped", Label: "run stopped at " + fmtS(at), From: at, To: at, Reached: true, Color: colStopped})
	}
	if rec.Burst.Source == report.BurstNone {
		return out
	}
	s := rec.Summary
	b0, b1 := rec.Burst.StartS, rec.Burst.EndS
	at := func(name, color string, from float64, v *float64) {
		if v != nil {
			out = append(out, figureMark{Name: name, Label: name + " " + fmtS(*v), From: from, To: from + *v, Reached: true, Color: color})
		}
	}
	at("time_to_degrade", colDegrade, b0, s.TimeToDegradeS)
	switch {
	case s.TimeToScaleStatus == report.StatusReached:
		at("time_to_scale", colScaled, b0, s.TimeToScaleS)
	case s.TimeToScaleStatus == report.StatusNotReached:
		// Measured while the burst is on: still degraded at B1.
		out = append(out, figureMark{Name: "time_to_scale", Label: "time_to_scale not reached (> " + fmtS(b1-b0) + ")", From: b0, To: b1 + (xmax-b1)*0.15, Color: colScaled})
	}
	switch s.P99RecoveryStatus {
	case report.StatusRecovered, report.StatusHealthyAtEnd: // healthy at burst end: 0
		at("p99_recovery", colRecover, b1, s.P99RecoveryS)
	case report.StatusNotRecovered:
		end := float64(len(rec.Windows)) * rec.WindowS
		out = append(out, figureMark{Name: "p99_recovery", Label: "p99_recovery not recovered (> " + fmtS(end-b1) + ")", From: b1, To: xmax, Color: colRecover})
	}
	at("scale_reaction", colReact, b0, s.ScaleReactionS)
	at("scale_complete", colReady, b0, s.ScaleCompleteS)
	for _, a := range rec.Alerts {
		switch t := a.TimeToAlertS; {
		case t == nil:
		case *t >= 0:
			at("alert "+a.Name, colAlert, b0, t) // when the rule fired, from B0
		default: // fired before the burst: a mark at that instant
			out = append(out, figureMark{Name: "alert " + a.Name, Label: "alert " + a.Name + " fired " + fmtS(-*t) + " before the burst",
				From: *a.FiringS, To: *a.FiringS, Reached: true, Color: colAlert})
		}
	}
	return out
}

// replicaPanel draws the scale timeline: ready and desired replicas as
// steps, each scale decision as a marker at its desired count. Without
// events it draws the replicas sampled per window.
func replicaPanel(rec *report.Record, b buckets, xmax float64) (panel, bool) {
	p := panel{ID: "replicas", Title: "Replicas: ready, desired and scale decisions", YLabel: "replicas"}
	if len(rec.ScaleEvents) == 0 {
		if rec.Summary.ReplicasPeak == 0 && !hasReplicas(rec) {
			return p, false
		}
		p.Title, p.X = "Ready replicas", b.xs
		p.Series = []series{b.line("ready replicas", colReady, b.worst(rec, func(i int) float64 { return float64(rec.Windows[i].Replicas) }))}
		return p, true
	}
	end := b.end
	events := thinEvents(rec.ScaleEvents, end)
	ready, desired, decided := []Num{}, []Num{}, []Num{}
	r, want := math.NaN(), math.NaN()
	for _, e := range events {
		dec := math.NaN()
		if e.Kind == "decision" {
			dec = float64(e.Desired)
		} else {
			r = float64(e.Replicas)
		}
		if e.Desired > 0 {
			want = float64(e.Desired)
		} else if e.Kind != "decision" && math.IsNaN(want) {
			want = r
		}
		p.X = append(p.X, Num(e.AtS))
		ready, desired, decided = append(ready, Num(r)), append(desired, Num(want)), append(decided, Num(dec))
	}
	p.X = append(p.X, Num(end), Num(xmax))
	ready = append(ready, Num(r), Num(math.NaN()))
	desired = append(desired, Num(want), Num(math.NaN()))
	decided = append(decided, Num(math.NaN()), Num(math.NaN()))
	p.Series = []series{
		{Name: "ready", Color: colReady, Step: true, Y: ready},
		{Name: "desired", Color: colDesired, Step: true, Dash: true, Y: desired},
		{Name: "scale decision", Color: colDecided, Points: true, Y: decided},
	}
	return p, true
}

// thinEvents keeps events in time order within the run, at most the last of
// each kind per bucket of end/maxPoints seconds.
func thinEvents(events []report.ScaleEvent, end float64) []report.ScaleEvent {
	in := slices.Clone(events)
	slices.SortStableFunc(in, func(a, b report.ScaleEvent) int {
		switch {
		case a.AtS < b.AtS:
			return -1
		case a.AtS > b.AtS:
			return 1
		}
		return 0
	})
	if len(in) <= maxPoints {
		return in
	}
	width := end / maxPoints
	var out []report.ScaleEvent
	for i, e := range in {
		if i+1 < len(in) && in[i+1].Kind == e.Kind && int(in[i+1].AtS/width) == int(e.AtS/width) {
			continue
		}
		out = append(out, e)
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

// distLadder is 1/(1-q) for the distribution's points: ten per decade,
// holding 2, 10, 100, 1000 exactly (p50, p90, p99, p99.9).
var distLadder = []float64{1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8}

// latencyDistribution is the whole run's percentile curve, from its
// histogram, with each stream's p50, p90, p99 and p99.9 beside it; nil when
// the record has neither.
func latencyDistribution(rec *report.Record) *distribution {
	h, err := rec.Histogram()
	total := int64(0)
	if err == nil {
		total = h.TotalCount()
	}
	var xs []float64
	for d := 1.0; d <= 1e6; d *= 10 {
		for _, m := range distLadder {
			if x := m * d; x <= max(float64(total), 1000) {
				xs = append(xs, x)
			}
		}
	}
	dist := &distribution{}
	for _, x := range xs {
		dist.X = append(dist.X, Num(x))
	}
	if total > 0 {
		all := series{Name: "whole run", Color: "#222222"}
		for _, x := range xs {
			all.Y = append(all.Y, Num(float64(h.ValueAtQuantile(100*(1-1/x)))/report.UsPerMs))
		}
		dist.Series = append(dist.Series, all)
	}
	for i, st := range rec.Streams {
		if st.OK == 0 {
			continue
		}
		ser := series{Name: st.Name, Color: streamColors[i%len(streamColors)], Points: true}
		for _, x := range xs {
			v := math.NaN()
			switch x {
			case 2:
				v = st.P50Ms
			case 10:
				v = st.P90Ms
			case 100:
				v = st.P99Ms
			case 1000:
				v = st.P999Ms
			}
			ser.Y = append(ser.Y, Num(v))
		}
		dist.Series = append(dist.Series, ser)
	}
	if len(dist.Series) == 0 {
		return nil
	}
	return dist
}
