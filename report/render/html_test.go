package render

import (
	"bytes"
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/internal/browser"
	"github.com/burstlab/burstlab/report"
)

func renderPage(t *testing.T, rec *report.Record) (string, []byte) {
	t.Helper()
	page := filepath.Join(t.TempDir(), "report.html")
	if err := RenderFile(page, HTML{}, rec); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	return page, html
}

// TestHTMLSelfContained checks the report loads nothing: no script or
// stylesheet by URL, and no URL but the target's, SVG's namespace and the
// embedded library's home in its license header.
func TestHTMLSelfContained(t *testing.T) {
	rec := fixture(t)
	_, html := renderPage(t, rec)
	for _, bad := range []string{"<script src", "<link", "@import", "fetch(", "XMLHttpRequest"} {
		if bytes.Contains(html, []byte(bad)) {
			t.Errorf("the report contains %q", bad)
		}
	}
	allowed := map[string]bool{rec.Target: true, "https://github.com/leeoniya/uPlot": true}
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>)]+`).FindAllString(string(html), -1) {
		if !allowed[u] && !strings.HasPrefix(u, "http://www.w3.org/") {
			t.Errorf("the report references %s", u)
		}
	}
	if !bytes.Contains(html, []byte("Permission is hereby granted")) {
		t.Error("the embedded chart library's license is not in the report")
	}
}

// TestHTMLPanelsAligned renders the synthetic report in headless Chromium
// and reads the plot areas the page's script measured: every time panel's
// plot area spans the same pixels (within 2 px), so the burst starts at the
// same x everywhere, where B0 falls on the shared axis; and the page logs
// nothing to its console (a script error would).
func TestHTMLPanelsAligned(t *testing.T) {
	bin := browser.Find(t, "the HTML report")
	rec := fixture(t)
	page, _ := renderPage(t, rec)
	dom, console := browser.Open(t, bin, page, 1200, 2600, "--dump-dom")
	for _, l := range console {
		t.Errorf("the page logged: %s", l)
	}
	m := regexp.MustCompile(`<pre id="plot-areas">([^<]*)</pre>`).FindSubmatch(dom)
	if m == nil || len(m[1]) == 0 {
		t.Fatalf("the page did not write its plot areas (script failed?):\n%.2000s", dom)
	}
	raw := strings.NewReplacer("&quot;", `"`, "&amp;", "&").Replace(string(m[1]))
	var areas []struct {
		Panel      string   `json:"panel"`
		Left       float64  `json:"left"`
		Right      float64  `json:"right"`
		Width      float64  `json:"width"`
		BurstStart *float64 `json:"burst_start"`
	}
	if err := json.Unmarshal([]byte(raw), &areas); err != nil {
		t.Fatalf("plot areas %q: %v", raw, err)
	}
	want := []string{"latency", "streams", "rate", "errors", "replicas", "distribution"}
	var got []string
	for _, a := range areas {
		got = append(got, a.Panel)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("panels %v, want %v", got, want)
	}
	d := charts(rec)
	first := areas[0]
	if first.Width < 500 {
		t.Fatalf("the latency plot is %.0f px wide, want a page-wide chart", first.Width)
	}
	b0 := first.Left + first.Width*d.Burst[0]/d.XMax
	for _, a := range areas {
		t.Logf("%-12s plot area %.1f..%.1f px", a.Panel, a.Left, a.Right)
		if math.Abs(a.Left-first.Left) > 2 || math.Abs(a.Right-first.Right) > 2 {
			t.Errorf("%s: plot area %.1f..%.1f px, the latency panel's %.1f..%.1f px: not aligned within 2 px", a.Panel, a.Left, a.Right, first.Left, first.Right)
		}
		if a.Panel == "distribution" {
			continue
		}
		if a.BurstStart == nil || math.Abs(*a.BurstStart-b0) > 2 {
			t.Errorf("%s: the burst starts at %v px, want %.1f px (%gs on the shared axis)", a.Panel, a.BurstStart, b0, d.Burst[0])
		}
	}
}

// TestHTMLInBrowser takes a screenshot of the report in headless Chromium
// and checks it shows charts: many distinct colours, not a blank or broken
// page. BURSTLAB_KEEP_SCREENSHOT=FILE keeps the screenshot to look at.
func TestHTMLInBrowser(t *testing.T) {
	bin := browser.Find(t, "the HTML report")
	page, _ := renderPage(t, fixture(t))
	img := browser.Screenshot(t, bin, page, 1200, 2600)
	if n := colours(img); n < 50 {
		t.Errorf("the screenshot has %d distinct colours, want a page with charts (>= 50)", n)
	}
}

func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// TestFiguresNotReached checks a figure that was not reached is drawn as an
// arrow past the end of what was measured: time_to_scale past the burst's
// end, p99_recovery past the run's end.
func TestFiguresNotReached(t *testing.T) {
	rec := fixture(t)
	rec.Summary.TimeToScaleS, rec.Summary.TimeToScaleStatus = nil, report.StatusNotReached
	rec.Summary.P99RecoveryS, rec.Summary.P99RecoveryStatus = nil, report.StatusNotRecovered
	d := charts(rec)
	marks := map[string]figureMark{}
	for _, m := range d.Figures {
		marks[m.Name] = m
	}
	scale, ok := marks["time_to_scale"]
	if !ok || scale.Reached || scale.From != rec.Burst.StartS || scale.To <= rec.Burst.EndS || !strings.Contains(scale.Label, "not reached") {
		t.Errorf("time_to_scale mark %+v, want an arrow from B0=%g past B1=%g", scale, rec.Burst.StartS, rec.Burst.EndS)
	}
	rec99, ok := marks["p99_recovery"]
	if !ok || rec99.Reached || rec99.From != rec.Burst.EndS || rec99.To <= d.End || rec99.To > d.XMax {
		t.Errorf("p99_recovery mark %+v, want an arrow from B1 past the run's end %g (axis ends at %g)", rec99, d.End, d.XMax)
	}
}

// TestAlertMarks: the charts mark when each alert rule fired, from B0,
// beside the headline times; a rule that fired before the burst is a mark
// at that instant; a rule that never fired has no mark.
func TestAlertMarks(t *testing.T) {
	rec := fixture(t)
	rec.Alerts = []report.Alert{
		{Name: "p99-high", Expr: "p99 > 200ms", TimeToAlertS: new(3.0), TimeToAlertStatus: report.AlertFired},
		{Name: "quiet", Expr: "rate > 1e6", TimeToAlertStatus: report.AlertNeverFired},
		{Name: "early", Expr: "p99 > 10ms", FiringS: new(4.0), TimeToAlertS: new(-6.0), TimeToAlertStatus: report.AlertFired},
	}
	marks := map[string]figureMark{}
	for _, m := range charts(rec).Figures {
		marks[m.Name] = m
	}
	if m, ok := marks["alert p99-high"]; !ok || !m.Reached || m.From != rec.Burst.StartS || m.To != rec.Burst.StartS+3 || m.Label != "alert p99-high 3s" {
		t.Errorf("alert mark %+v, want from B0 to B0+3s, labelled", m)
	}
	if _, ok := marks["alert quiet"]; ok {
		t.Error("a rule that never fired has a mark")
	}
	if m := marks["alert early"]; m.From != 4 || m.To != 4 || m.Label != "alert early fired 6s before the burst" {
		t.Errorf("a rule that fired before the burst: %+v, want a mark at 4 s saying so", m)
	}
}

// TestChartsScaleTimeline checks the replicas panel carries the scale
// decisions and desired vs ready replicas of the record's events.
func TestChartsScaleTimeline(t *testing.T) {
	rec := fixture(t)
	var p *panel
	for i := range charts(rec).Panels {
		if pp := charts(rec).Panels[i]; pp.ID == "replicas" {
			p = &pp
		}
	}
	if p == nil {
		t.Fatal("no replicas panel")
	}
	at := func(name string, x float64) float64 {
		for _, s := range p.Series {
			if s.Name != name {
				continue
			}
			for i := range p.X {
				if float64(p.X[i]) == x {
					return float64(s.Y[i])
				}
			}
		}
		return math.NaN()
	}
	// synthEvents: a decision at 11.5 s for 4 replicas, 4 ready at 14.2 s.
	if got := at("scale decision", 11.5); got != 4 {
		t.Errorf("scale decision at 11.5s = %v, want 4", got)
	}
	if got := at("desired", 11.5); got != 4 {
		t.Errorf("desired at 11.5s = %v, want 4", got)
	}
	if got := at("ready", 11.5); got != 2 {
		t.Errorf("ready at 11.5s = %v, want 2", got)
	}
	if got := at("ready", 14.2); got != 4 {
		t.Errorf("ready at 14.2s = %v, want 4", got)
	}
}

// TestHTMLDaySize checks a 24-hour record's report stays small: every line
// capped near maxPoints points.
func TestHTMLDaySize(t *testing.T) {
	rec, err := report.Open(day(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range charts(rec).Panels {
		for _, s := range p.Series {
			if len(s.Y) > maxPoints+2 {
				t.Errorf("%s/%s has %d points, want <= %d", p.ID, s.Name, len(s.Y), maxPoints+2)
			}
		}
	}
	var buf bytes.Buffer
	if err := (HTML{}).Render(&buf, rec); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 600_000 {
		t.Errorf("the 24-hour report is %d bytes, want <= 600 KB", buf.Len())
	}
	t.Logf("24-hour report: %d bytes", buf.Len())
}

// TestLatencyGap: a window without an ok response has no latency to draw:
// its point is a gap in each percentile line, not 0 ms.
func TestLatencyGap(t *testing.T) {
	rec := fixture(t)
	w := &rec.Windows[12]
	w.OK, w.Satisfied, w.Tolerating = 0, 0, 0
	for _, p := range charts(rec).Panels {
		if p.ID != "latency" {
			continue
		}
		for _, s := range p.Series {
			if s.Name == "healthy p99 bound" {
				continue
			}
			i := slices.Index(p.X, Num(w.StartS))
			if i < 0 {
				t.Fatalf("no point at %gs in the latency panel", w.StartS)
			}
			if !math.IsNaN(float64(s.Y[i])) {
				t.Errorf("%s at %gs: %v, want a gap", s.Name, w.StartS, s.Y[i])
			}
		}
		return
	}
	t.Fatal("no latency panel")
}

// TestLatencyPanelSays: the latency panel says what its latency counts
// from (closed streams have no intended send time), and, when no response
// was ok, why it is empty.
func TestLatencyPanelSays(t *testing.T) {
	latency := func(rec *report.Record) panel {
		for _, p := range charts(rec).Panels {
			if p.ID == "latency" {
				return p
			}
		}
		t.Fatal("no latency panel")
		return panel{}
	}
	rec := fixture(t)
	if p := latency(rec); p.Title != "Latency by intended send time" || p.Note != "" {
		t.Errorf("open model: %q, note %q", p.Title, p.Note)
	}
	rec.Model = report.ModelClosed
	if p := latency(rec); !strings.Contains(p.Title, "by send time") {
		t.Errorf("closed model: %q, want latency by send time", p.Title)
	}
	rec.Model, rec.Generator.LatenessUnknown = report.ModelOpen, true // vegeta's results
	if p := latency(rec); !strings.Contains(p.Title, "by send time") {
		t.Errorf("vegeta results: %q, want latency by send time", p.Title)
	}
	rec.Summary.OK = 0
	if p := latency(rec); !strings.Contains(p.Note, "no response was ok") {
		t.Errorf("nothing ok: note %q, want it to say why the panel is empty", p.Note)
	}
}

// TestStoppedMark: a stopped run's charts mark the instant it stopped,
// with or without a burst; a run that ran its plan has no such mark.
func TestStoppedMark(t *testing.T) {
	rec := fixture(t)
	for _, m := range charts(rec).Figures {
		if m.Name == "stopped" {
			t.Errorf("a run that ran its plan has a stopped mark: %+v", m)
		}
	}
	rec.Stopped, rec.StoppedAtS = true, new(12.5)
	for _, burst := range []string{report.BurstProfile, report.BurstNone} {
		rec.Burst.Source = burst
		var got []figureMark
		for _, m := range charts(rec).Figures {
			if m.Name == "stopped" {
				got = append(got, m)
			}
		}
		if len(got) != 1 || got[0].From != 12.5 || got[0].To != 12.5 || !got[0].Reached || got[0].Label != "run stopped at 12.5s" {
			t.Errorf("burst %s: stopped marks %+v, want one at 12.5s, labelled", burst, got)
		}
	}
}

// TestBurstBandInPlot: a run that ended inside its burst (here killed in
// it: the axis ends before B1) shades the burst up to the plot area's
// edge, not over the legend's margin beside it.
func TestBurstBandInPlot(t *testing.T) {
	bin := browser.Find(t, "the burst band of a run that ended in its burst")
	rec, err := report.Open(filepath.Join("testdata", "shapes", "killed"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Burst.EndS <= charts(rec).XMax {
		t.Fatalf("the record's burst ends at %gs, within the axis (to %gs): not the case under test", rec.Burst.EndS, charts(rec).XMax)
	}
	page, _ := renderPage(t, rec)
	dom, _ := browser.Open(t, bin, page, 1200, 1400, "--dump-dom")
	m := regexp.MustCompile(`<pre id="plot-areas">([^<]*)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatal("the page did not write its plot areas")
	}
	var areas []struct {
		Panel                    string
		Right, Top, Height, Left float64
	}
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(m[1]), "&quot;", `"`)), &areas); err != nil {
		t.Fatal(err)
	}
	img := browser.Screenshot(t, bin, page, 1200, 1400)
	lat := areas[0]
	// The band's colour, rgba(255,165,0,0.18) over white: about (255,244,224).
	band := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r>>8 > 245 && g>>8 > 230 && g>>8 < 252 && b>>8 > 200 && b>>8 < 236
	}
	y := int(lat.Top + lat.Height/2)
	if !band(int(lat.Right)-3, y) {
		t.Fatalf("no burst shade at the plot's right edge (%d, %d): is the band drawn at all?", int(lat.Right)-3, y)
	}
	for x := int(lat.Right) + 2; x < img.Bounds().Max.X; x++ {
		if band(x, y) {
			t.Fatalf("the burst shade runs past the plot area (right edge %.0f px) at x = %d px", lat.Right, x)
		}
	}
}
