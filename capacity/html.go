package capacity

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

// WriteHTML writes a self-contained page: the answer, a chart of p99 and
// one of the error ratio against the level (passing steps green, failing
// red, the SLO and the found level marked; hovering shows a level's
// values), and the steps. The charts are drawn by uPlot, the library the
// run report draws with, inlined with its license: the page fetches
// nothing.
func WriteHTML(w io.Writer, r *Result) error {
	data, err := json.Marshal(r.charts()) // escapes <, > and &: safe inside <script>
	if err != nil {
		return fmt.Errorf("chart data: %w", err)
	}
	d := struct {
		R          *Result
		Cols       []string
		Rows       [][]string
		Charts     template.JS
		Library    template.JS
		LibraryCSS template.CSS
	}{R: r, Cols: r.columns(), Rows: r.rows(), Charts: template.JS(data)}
	d.Library, d.LibraryCSS = render.ChartLibrary()
	return pageTemplate.Execute(w, d)
}

var pageTemplate = template.Must(template.New("capacity").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>burstlab capacity: {{.R.Name}}</title>
<style>
{{.LibraryCSS}}
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
.verdict { font-size: 1.2em; background: #f6f6f6; padding: 0.8em 1em; border-radius: 4px; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; text-align: right; }
td:nth-last-child(-n+2), th:nth-last-child(-n+2) { text-align: left; }
.charts { width: 100%; }
.chart { margin: 1.2em 0 0.4em; }
.uplot, .uplot * { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.uplot .u-title { font-size: 1em; text-align: left; font-weight: 600; }
.uplot .u-legend { font-size: 0.85em; text-align: left; margin-left: 64px; }
#plot-areas { display: none; }
</style>
</head>
<body>
<h1>burstlab capacity: {{.R.Name}}</h1>
<p>{{.R.Mode}} search against {{.R.Target}}{{if .R.Profile}} &middot; profile {{.R.Profile}}{{end}} &middot; started {{.R.Started.Format "2006-01-02 15:04:05 MST"}}</p>
<p class="verdict">{{.R.Line}}</p>
<div class="charts" id="charts"><noscript>The charts need JavaScript; the table below holds every step.</noscript></div>
<pre id="plot-areas"></pre>
<script>{{.Library}}</script>
<script>
// The charts: each step a point at its level, green if it passed, red if
// it failed; a dashed line across at the bound (the SLO, the error bound)
// and one up at the level found. Drag to zoom, double click to reset,
// hover for a level's values.
(function () {
  const charts = {{.Charts}};
  const FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
  const HEIGHT = 320;
  const root = document.getElementById("charts");
  const plots = [];

  // The marks, over the points: a horizontal line at a value of y, a
  // vertical one at a level.
  function marksPlugin(c) {
    return {hooks: {draw: [u => {
      const ctx = u.ctx, {left, top, width, height} = u.bbox, px = devicePixelRatio;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      ctx.lineWidth = 1.5 * px;
      ctx.setLineDash([4 * px, 3 * px]);
      for (const m of c.marks) {
        ctx.strokeStyle = m.color;
        ctx.beginPath();
        if (m.axis === "y") {
          const y = u.valToPos(m.at, "y", true);
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
        } else {
          const x = u.valToPos(m.at, "x", true);
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
        }
        ctx.stroke();
      }
      ctx.restore();
    }]}};
  }

  function axis(label, extra) {
    return Object.assign({label: label, font: FONT, labelFont: FONT, stroke: "#333", grid: {stroke: "#eee"}, ticks: {stroke: "#ccc"}}, extra);
  }

  for (const c of charts) {
    // The x axis runs from 0 to x_max, past the last level: an x without
    // data at each end sets that range and leaves dragging free to zoom.
    // Point i of the data is at index i + 1.
    const x = [0].concat(c.x, [c.x_max]), pad = y => [null].concat(y, [null]);
    const none = x.map(() => null);
    // The x series names the level under the cursor; the point sets show
    // their values; the marks, as series without data, give the legend
    // their names and values.
    const series = [{label: c.x_label, value: (u, v, si, i) => i == null || c.levels[i - 1] == null ? "-" : c.levels[i - 1]}];
    const values = [x];
    for (const s of c.points) {
      series.push({label: s.name, stroke: s.color, paths: () => null, points: {show: true, size: 10, width: 1, fill: s.color, stroke: s.color}, value: (u, v, si, i) => v == null || i == null ? "-" : c.text[i - 1]});
      values.push(pad(s.y));
    }
    for (const m of c.marks) {
      series.push({label: m.name, stroke: m.color, width: 1.5, dash: [4, 3], paths: () => null, points: {show: false}, value: () => m.value});
      values.push(none);
    }
    const div = document.createElement("div");
    div.className = "chart";
    div.id = "chart-" + c.id;
    root.appendChild(div);
    const u = new uPlot({
      title: c.title, width: root.clientWidth, height: HEIGHT,
      scales: {x: {time: false}, y: {range: () => [0, c.y_max]}},
      axes: [axis(c.x_label, {size: 44}), axis(c.y_label, {size: 64})],
      series: series,
      cursor: {drag: {x: true, y: false}, points: {size: 12}},
      // The legend's key: a filled square for a set of points, a dashed
      // one for a line.
      legend: {live: true, markers: {
        dash: (u, i) => u.series[i].dash ? "dashed" : "solid",
        fill: (u, i) => u.series[i].dash ? "transparent" : u.series[i].stroke(u, i),
      }},
      plugins: [marksPlugin(c)],
    }, values, div);
    u.chartId = c.id;
    plots.push(u);
  }

  // Where each chart's plot area is on the page, and the ranges its axes
  // show (null when not a number: nothing drawn), as the run report
  // writes them: the browser tests read this to check every chart is
  // drawn. A timer runs after uPlot's layout, which comes in a microtask.
  function plotAreas() {
    document.getElementById("plot-areas").textContent = JSON.stringify(plots.map(u => {
      const r = u.over.getBoundingClientRect();
      return {panel: u.chartId, left: r.left, right: r.right, top: r.top, width: r.width, height: r.height,
        x: [u.scales.x.min, u.scales.x.max], y: [u.scales.y.min, u.scales.y.max]};
    }));
  }
  setTimeout(plotAreas, 0);
  window.addEventListener("resize", () => {
    for (const u of plots) u.setSize({width: root.clientWidth, height: HEIGHT});
    plotAreas();
  });
})();
</script>
<table>
<tr>{{range .Cols}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
</body>
</html>
`))

// levelChart is one chart of the steps against their level, as the page's
// script draws it.
type levelChart struct {
	ID     string       `json:"id"`
	Title  string       `json:"title"`
	XLabel string       `json:"x_label"`
	YLabel string       `json:"y_label"`
	X      []render.Num `json:"x"`      // the steps' levels, ascending
	Levels []string     `json:"levels"` // each x as the table writes it
	Text   []string     `json:"text"`   // each y as the table writes it
	XMax   render.Num   `json:"x_max"`
	YMax   render.Num   `json:"y_max"`
	Points []points     `json:"points"` // the passing steps, the failing ones
	Marks  []mark       `json:"marks"`  // the bound, the found level
}

// points are the steps of one verdict: a y per x, null where a step of the
// other verdict is.
type points struct {
	Name  string       `json:"name"`
	Color string       `json:"color"`
	Y     []render.Num `json:"y"`
}

// mark is a dashed line: across at y = At (axis "y"), or up at the level
// At (axis "x").
type mark struct {
	Name  string     `json:"name"`
	Color string     `json:"color"`
	Axis  string     `json:"axis"`
	At    render.Num `json:"at"`
	Value string     `json:"value"` // shown beside the name in the legend
}

const (
	colPass  = "#2ca02c"
	colFail  = "#d62728"
	colBound = "#7f7f7f"
	colFound = "#1f77b4"
)

// charts are the p99 and error ratio charts of the result.
func (r *Result) charts() []levelChart {
	xlabel := "requests/s"
	if r.Mode == BurstMode {
		xlabel = "factor on the burst streams"
	}
	p99 := levelChart{ID: "p99", Title: "p99 by level", YLabel: "p99 (ms)"}
	errs := levelChart{ID: "errors", Title: "Error ratio by level", YLabel: "error ratio (%)"}
	p99Bound, errBound := r.Settings.SLOP99Ms, r.Settings.MaxErrorRatio*100
	if r.Mode == BurstMode {
		p99.Title, p99.YLabel, p99Bound, errBound = "Peak window p99 by factor", "peak p99 (ms)", 0, 0
	}
	var steps []Step
	for _, st := range r.Steps {
		if st.Verdict == Pass || st.Verdict == Fail {
			steps = append(steps, st)
		}
	}
	slices.SortStableFunc(steps, func(a, b Step) int { return cmp.Compare(a.Level, b.Level) })
	var found *mark
	if r.Found {
		switch {
		case r.CapacityRPS != nil:
			found = &mark{Name: "capacity", At: render.Num(*r.CapacityRPS), Value: r.levelName(*r.CapacityRPS)}
		case r.BurstFactor != nil:
			found = &mark{Name: "burst factor", At: render.Num(*r.BurstFactor), Value: r.levelName(*r.BurstFactor)}
		}
	}
	// fill draws y(step) (written as text(y)) and the bound, if any.
	fill := func(c *levelChart, y func(Step) float64, text func(float64) string, bound float64, boundName string) {
		// Empty, not null, when no step was judged: the page draws empty
		// charts.
		c.XLabel, c.X, c.Levels, c.Text, c.Points, c.Marks = xlabel, []render.Num{}, []string{}, []string{}, []points{}, []mark{}
		pass := points{Name: "pass", Color: colPass}
		fail := points{Name: "fail", Color: colFail}
		xmax, ymax := 0.0, bound
		for _, st := range steps {
			v := y(st)
			c.X, c.Levels, c.Text = append(c.X, render.Num(st.Level)), append(c.Levels, r.levelName(st.Level)), append(c.Text, text(v))
			if st.Verdict == Pass {
				pass.Y, fail.Y = append(pass.Y, render.Num(v)), append(fail.Y, render.Num(math.NaN()))
			} else {
				pass.Y, fail.Y = append(pass.Y, render.Num(math.NaN())), append(fail.Y, render.Num(v))
			}
			xmax, ymax = math.Max(xmax, st.Level), math.Max(ymax, v)
		}
		c.XMax, c.YMax = render.Num(math.Max(xmax*1.05, 1)), render.Num(math.Max(ymax*1.4, 1))
		for _, p := range []points{pass, fail} {
			if slices.ContainsFunc(p.Y, func(v render.Num) bool { return !math.IsNaN(float64(v)) }) {
				c.Points = append(c.Points, p)
			}
		}
		if bound > 0 {
			c.Marks = append(c.Marks, mark{Name: boundName, Color: colBound, Axis: "y", At: render.Num(bound), Value: text(bound)})
		}
		if found != nil {
			c.Marks = append(c.Marks, mark{Name: found.Name, Color: colFound, Axis: "x", At: found.At, Value: found.Value})
		}
	}
	fill(&p99, func(st Step) float64 { return st.P99Ms }, report.FormatMs, p99Bound, "SLO p99")
	fill(&errs, func(st Step) float64 { return st.ErrorRatio * 100 }, func(v float64) string { return pct(v / 100) }, errBound, "error bound")
	return []levelChart{p99, errs}
}
