package capacity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/internal/browser"
)

// pageChart is a chart as the page's script reads it.
type pageChart struct {
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	X      []float64 `json:"x"`
	Levels []string  `json:"levels"`
	Text   []string  `json:"text"`
	XMax   float64   `json:"x_max"`
	YMax   float64   `json:"y_max"`
	Points []struct {
		Name  string     `json:"name"`
		Color string     `json:"color"`
		Y     []*float64 `json:"y"`
	} `json:"points"`
	Marks []struct {
		Name  string  `json:"name"`
		Axis  string  `json:"axis"`
		At    float64 `json:"at"`
		Value string  `json:"value"`
	} `json:"marks"`
}

// pageCharts reads the charts' data out of a capacity page.
func pageCharts(t *testing.T, page string) []pageChart {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  const charts = (.*);$`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page holds no chart data")
	}
	var charts []pageChart
	if err := json.Unmarshal([]byte(m[1]), &charts); err != nil {
		t.Fatalf("chart data %.300q: %v", m[1], err)
	}
	return charts
}

func writePage(t *testing.T, r *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// points writes a chart's point sets as "name level:y ...", the x in the
// order drawn.
func (c pageChart) points() string {
	var out []string
	for _, p := range c.Points {
		s := p.Name
		for i, y := range p.Y {
			if y != nil {
				s += fmt.Sprintf(" %g:%g", c.X[i], *y)
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func (c pageChart) marks() string {
	var out []string
	for _, m := range c.Marks {
		out = append(out, fmt.Sprintf("%s %s=%g (%s)", m.Name, m.Axis, m.At, m.Value))
	}
	return strings.Join(out, "; ")
}

// TestHTMLCharts checks what a steady search's page draws: every judged
// step as a point at its level, green if it passed and red if it failed,
// on both charts; the SLO and the error bound across, the capacity found
// up; the levels in order, named as the table names them.
func TestHTMLCharts(t *testing.T) {
	charts := pageCharts(t, writePage(t, searched()))
	if len(charts) != 2 || charts[0].ID != "p99" || charts[1].ID != "errors" {
		t.Fatalf("charts %+v, want p99 and errors", charts)
	}
	p99, errs := charts[0], charts[1]
	for _, c := range charts {
		if got := fmt.Sprint(c.X); got != "[400 800 1130 1180 1230 1340 1600]" {
			t.Errorf("%s: levels %s, want the 7 steps' in ascending order", c.ID, got)
		}
		if got := strings.Join(c.Levels, " "); got != "400/s 800/s 1,130/s 1,180/s 1,230/s 1,340/s 1,600/s" {
			t.Errorf("%s: level names %q", c.ID, got)
		}
		if c.XMax < 1600 || len(c.Points) != 2 || c.Points[0].Color == c.Points[1].Color {
			t.Errorf("%s: x to %g, %d point sets: want to 1,600/s, pass and fail in two colours", c.ID, c.XMax, len(c.Points))
		}
	}
	if got, want := p99.points(), "pass 400:21 800:24 1130:30 1180:45; fail 1230:240 1340:700 1600:1900"; got != want {
		t.Errorf("p99 points\n %s, want\n %s", got, want)
	}
	if got, want := errs.points(), "pass 400:0 800:0 1130:0 1180:0; fail 1230:0 1340:0 1600:20"; got != want {
		t.Errorf("error ratio points\n %s, want\n %s", got, want)
	}
	if got, want := p99.marks(), "SLO p99 y=100 (100ms); capacity x=1180 (1,180/s)"; got != want {
		t.Errorf("p99 marks\n %s, want\n %s", got, want)
	}
	if got, want := errs.marks(), "error bound y=1 (1.00%); capacity x=1180 (1,180/s)"; got != want {
		t.Errorf("error ratio marks\n %s, want\n %s", got, want)
	}
	if p99.YMax < 1900 || errs.YMax < 20 {
		t.Errorf("y ranges to %g and %g: want every point in", p99.YMax, errs.YMax)
	}
	if got := strings.Join(p99.Text, " "); got != "21.0ms 24.0ms 30.0ms 45.0ms 240ms 700ms 1900ms" {
		t.Errorf("p99 values %q, want them as the table writes them", got)
	}
}

// TestHTMLChartsBurst checks a burst search's page: factors on x, the peak
// window's p99, no bound line (a burst step is judged by its gates), the
// factor found marked, and no red set when every step passed.
func TestHTMLChartsBurst(t *testing.T) {
	r := &Result{Mode: BurstMode, Name: "incident", Settings: Settings{SLOP99Ms: 100, MaxErrorRatio: 0.01}}
	for i, st := range []Step{
		{Level: 1, RateRPS: 306, P99Ms: 41.279, Verdict: Pass},
		{Level: 2, RateRPS: 552, P99Ms: 637, Verdict: Pass},
		{Level: 3, RateRPS: 818, P99Ms: 1244, ErrorRatio: 0.00123, Verdict: Pass},
	} {
		st.N = i + 1
		r.add(st)
	}
	charts := pageCharts(t, writePage(t, r))
	if len(charts) != 2 {
		t.Fatalf("%d charts", len(charts))
	}
	p99, errs := charts[0], charts[1]
	if p99.Title != "Peak window p99 by factor" || strings.Join(p99.Levels, " ") != "1× 2× 3×" {
		t.Errorf("p99 chart %q over %v", p99.Title, p99.Levels)
	}
	if got, want := p99.points(), "pass 1:41.279 2:637 3:1244"; got != want {
		t.Errorf("p99 points %s, want %s", got, want)
	}
	if got, want := errs.points(), "pass 1:0 2:0 3:0.123"; got != want {
		t.Errorf("error ratio points %s, want %s", got, want)
	}
	for _, c := range charts {
		if got, want := c.marks(), "burst factor x=3 (3×)"; got != want {
			t.Errorf("%s marks %s, want %s", c.ID, got, want)
		}
	}
}

// TestHTMLChartsNoStep checks a search that judged no step (interrupted
// in its first, or the generator fell behind at once) still gives the
// page's script two charts to draw, empty.
func TestHTMLChartsNoStep(t *testing.T) {
	r := &Result{Mode: Steady, Name: "api", Settings: Settings{SLOP99Ms: 100, MaxErrorRatio: 0.01}}
	r.add(Step{N: 1, Level: 400, Verdict: Stopped})
	page := writePage(t, r)
	if !strings.Contains(page, `"x":[],"levels":[],"text":[]`) || !strings.Contains(page, `"points":[]`) {
		t.Errorf("want empty arrays, not null, in the chart data:\n%s", regexp.MustCompile(`(?m)^  const charts = .*$`).FindString(page))
	}
	charts := pageCharts(t, page)
	if len(charts) != 2 || len(charts[0].Marks) != 1 || charts[0].Marks[0].Name != "SLO p99" {
		t.Errorf("charts %+v, want two, the SLO marked and nothing found", charts)
	}
}

// TestHTMLSelfContained checks the page loads nothing: no script or
// stylesheet by URL, no URL but the target's and the embedded library's
// home in its license header, which is there.
func TestHTMLSelfContained(t *testing.T) {
	r := searched()
	page := writePage(t, r)
	for _, bad := range []string{"<script src", "<link", "@import", "fetch(", "XMLHttpRequest", "<img", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	allowed := map[string]bool{r.Target: true, "https://github.com/leeoniya/uPlot": true}
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>)]+`).FindAllString(page, -1) {
		if !allowed[u] && !strings.HasPrefix(u, "http://www.w3.org/") {
			t.Errorf("the page references %s", u)
		}
	}
	if !strings.Contains(page, "Permission is hereby granted") {
		t.Error("the embedded chart library's license is not in the page")
	}
}

// TestHTMLInBrowser opens a steady search's page in headless Chromium: the
// script runs without an error and draws both charts (a canvas in each,
// their legends naming the SLO and the capacity), and a screenshot shows
// green points and red ones. A search without a judged step draws empty
// charts, without an error. BURSTLAB_KEEP_SCREENSHOT=FILE keeps the
// screenshot to look at.
func TestHTMLInBrowser(t *testing.T) {
	bin := browser.Find(t, "the capacity page")
	page := filepath.Join(t.TempDir(), "capacity.html")
	if err := os.WriteFile(page, []byte(writePage(t, searched())), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console := browser.Open(t, bin, page, 1200, 1400, "--dump-dom")
	for _, l := range console {
		t.Errorf("the page logged: %s", l)
	}
	for _, id := range []string{"chart-p99", "chart-errors"} {
		i := bytes.Index(dom, []byte(`id="`+id+`"`))
		if i < 0 {
			t.Errorf("no %s in the page:\n%.2000s", id, dom)
			continue
		}
		chart := dom[i:]
		if j := bytes.Index(chart[1:], []byte(`id="chart-`)); j >= 0 {
			chart = chart[:j+1]
		}
		if n := bytes.Count(chart, []byte("<canvas")); n != 1 {
			t.Errorf("%s has %d canvases, want 1", id, n)
		}
		for _, name := range []string{"pass", "fail", "capacity"} {
			if !bytes.Contains(chart, []byte(">"+name+"<")) {
				t.Errorf("%s's legend lacks %q", id, name)
			}
		}
	}
	if !bytes.Contains(dom, []byte(">SLO p99<")) || !bytes.Contains(dom, []byte(">error bound<")) {
		t.Error("the legends lack the SLO or the error bound")
	}

	// A search without a judged step draws two empty charts.
	empty := &Result{Mode: Steady, Name: "api", Settings: Settings{SLOP99Ms: 100, MaxErrorRatio: 0.01}}
	empty.add(Step{N: 1, Level: 400, Verdict: Stopped})
	emptyPage := filepath.Join(t.TempDir(), "empty.html")
	if err := os.WriteFile(emptyPage, []byte(writePage(t, empty)), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console = browser.Open(t, bin, emptyPage, 1200, 1400, "--dump-dom")
	for _, l := range console {
		t.Errorf("the page of a search without a judged step logged: %s", l)
	}
	if n := bytes.Count(dom, []byte("<canvas")); n != 2 {
		t.Errorf("the page of a search without a judged step has %d canvases, want 2", n)
	}

	img := browser.Screenshot(t, bin, page, 1200, 1400)
	// Pixels of the pass and fail colours (#2ca02c, #d62728): the points,
	// 10 px across, and their legend squares.
	green, red := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			switch near := func(R, G, B uint32) bool {
				return absDiff(r>>8, R) < 24 && absDiff(g>>8, G) < 24 && absDiff(bl>>8, B) < 24
			}; {
			case near(0x2c, 0xa0, 0x2c):
				green++
			case near(0xd6, 0x27, 0x28):
				red++
			}
		}
	}
	t.Logf("green pixels %d, red %d", green, red)
	// 8 green points and 6 red ones of about 75 px each.
	if green < 400 || red < 300 {
		t.Errorf("the screenshot has %d green and %d red pixels: want the passing and failing points drawn", green, red)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
