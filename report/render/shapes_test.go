package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/capacity"
	"github.com/burstlab/burstlab/internal/browser"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

// shapes holds one small record of each shape burstlab reads, each from a
// real run (testdata/shapes/README.md says how each was made).
const shapes = "testdata/shapes"

// recordPage renders the record at paths (read as `burstlab report PATH...`
// reads it) to an HTML report.
func recordPage(paths ...string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		rec, err := report.Open(paths...)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := (render.HTML{}).Render(&b, rec); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

// withoutHlog renders the record in dir from its run.json alone, as
// `burstlab report` does when the interval log is gone.
func withoutHlog(dir string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		run, err := os.ReadFile(filepath.Join(dir, report.RunFile))
		if err != nil {
			t.Fatal(err)
		}
		lost := t.TempDir()
		if err := os.WriteFile(filepath.Join(lost, report.RunFile), run, 0o644); err != nil {
			t.Fatal(err)
		}
		return recordPage(lost)(t)
	}
}

// capacityPage renders the capacity search saved in dir (its capacity.json)
// to the capacity page.
func capacityPage(dir string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, capacity.File))
		if err != nil {
			t.Fatal(err)
		}
		var r capacity.Result
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := capacity.WriteHTML(&b, &r); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

// chartDiv is a chart's element on a page: the report's panel-ID and the
// capacity page's chart-ID, each holding what uPlot drew in it.
var chartDiv = regexp.MustCompile(`<div class="(?:panel|chart)" id="(?:panel|chart)-([a-z0-9]+)"`)

// TestShapesInBrowser renders every shape of record to its HTML page and
// opens it in headless Chromium: the page logs nothing to its console (a
// script error would) and draws every chart its record has, each a uPlot
// canvas; the headline times' key names a burst only when the record has
// one.
func TestShapesInBrowser(t *testing.T) {
	plain := []string{"latency", "rate", "errors", "distribution"}
	for _, c := range []struct {
		name   string
		page   func(t *testing.T) []byte
		charts []string
		burst  bool // the key shows the burst and its headline times
	}{
		{"plain attack, no burst", recordPage(filepath.Join(shapes, "plain")), plain, false},
		{"closed model", recordPage(filepath.Join(shapes, "closed")), []string{"latency", "streams", "rate", "errors", "distribution"}, false},
		{"vegeta results", recordPage(filepath.Join(shapes, "vegeta", "results.bin")), plain, false},
		{"merged shards", recordPage(filepath.Join(shapes, "shards", "shard-0"), filepath.Join(shapes, "shards", "shard-1")),
			[]string{"latency", "streams", "rate", "errors", "replicas", "distribution"}, true},
		{"stopped mid-burst", recordPage(filepath.Join(shapes, "stopped")), []string{"latency", "streams", "rate", "errors", "replicas", "distribution"}, true},
		// The incomplete record keeps no scale samples (only a finished
		// run writes them): no replicas chart.
		{"killed mid-burst, incomplete record", recordPage(filepath.Join(shapes, "killed")), []string{"latency", "streams", "rate", "errors", "distribution"}, true},
		// The plain attack's run.json alone: its interval log lost.
		{"record without its interval log", withoutHlog(filepath.Join(shapes, "plain")), plain, false},
		// Nothing answered: no latency to draw a distribution of.
		{"dead target", recordPage(filepath.Join(shapes, "dead")), []string{"latency", "rate", "errors"}, false},
		{"burst demo", recordPage(filepath.Join("..", "testdata", "synthetic")), []string{"latency", "streams", "rate", "errors", "replicas", "distribution"}, true},
		{"capacity found", capacityPage(filepath.Join(shapes, "capacity-found")), []string{"p99", "errors"}, false},
		{"capacity, generator the limit", capacityPage(filepath.Join(shapes, "capacity-generator")), []string{"p99", "errors"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			html := c.page(t)
			bin := browser.Find(t, "the HTML page of each record shape")
			page := filepath.Join(t.TempDir(), "page.html")
			if err := os.WriteFile(page, html, 0o644); err != nil {
				t.Fatal(err)
			}
			dom, console := browser.Open(t, bin, page, 1200, 2600, "--dump-dom")
			for _, l := range console {
				t.Errorf("the page logged: %s", l)
			}
			areas := plotAreas(t, dom)
			var got []string
			for _, a := range areas {
				got = append(got, a.Panel)
				if a.Width < 500 || a.Height < 50 {
					t.Errorf("chart %s: plot area %.0f x %.0f px, want a page-wide chart", a.Panel, a.Width, a.Height)
				}
				for axis, r := range map[string][2]*float64{"x": a.X, "y": a.Y} {
					if r[0] == nil || r[1] == nil || *r[1] <= *r[0] {
						t.Errorf("chart %s: its %s axis shows %s..%s: nothing can be drawn on it", a.Panel, axis, show(r[0]), show(r[1]))
					}
				}
			}
			if !slices.Equal(got, c.charts) {
				t.Errorf("charts %v, want %v", got, c.charts)
			}
			// Each chart's element holds the one canvas uPlot drew on.
			locs := chartDiv.FindAllSubmatchIndex(dom, -1)
			for i, m := range locs {
				end := len(dom)
				if i+1 < len(locs) {
					end = locs[i+1][0]
				}
				if n := bytes.Count(dom[m[0]:end], []byte("<canvas")); n != 1 {
					t.Errorf("chart %s has %d canvases, want 1", dom[m[2]:m[3]], n)
				}
			}
			if key := figuresKey(dom); c.burst != strings.Contains(key, "burst ") {
				t.Errorf("the figures' key reads %q: want the burst in it: %v", key, c.burst)
			}
			// The headline times count from the burst: without one, the
			// figures table leaves them out.
			for _, row := range []string{"time_to_scale", "p99_recovery", "burst"} {
				if c.burst != bytes.Contains(html, []byte("<tr><td>"+row+"</td>")) {
					t.Errorf("the figures table has a %s row: %v, want %v", row, !c.burst, c.burst)
				}
			}
		})
	}
}

// plotArea is a chart's plot area as the page's script measured it, with
// the ranges its axes show (null: not a number).
type plotArea struct {
	Panel         string
	Width, Height float64
	X, Y          [2]*float64
}

// plotAreas reads the plot areas a page wrote into its #plot-areas.
func plotAreas(t *testing.T, dom []byte) []plotArea {
	t.Helper()
	m := regexp.MustCompile(`<pre id="plot-areas">([^<]*)</pre>`).FindSubmatch(dom)
	if m == nil || len(m[1]) == 0 {
		t.Fatalf("the page did not write its plot areas (script failed?):\n%.2000s", dom)
	}
	raw := strings.NewReplacer("&quot;", `"`, "&amp;", "&").Replace(string(m[1]))
	var areas []plotArea
	if err := json.Unmarshal([]byte(raw), &areas); err != nil {
		t.Fatalf("plot areas %q: %v", raw, err)
	}
	return areas
}

func show(v *float64) string {
	if v == nil {
		return "null"
	}
	return strconv.FormatFloat(*v, 'g', -1, 64)
}

// figuresKey is the text of the report's key to the burst and the
// headline times drawn on the charts ("" on a page without one).
func figuresKey(dom []byte) string {
	m := regexp.MustCompile(`(?s)<p class="figures-key" id="figures-key">(.*?)</p>`).FindSubmatch(dom)
	if m == nil {
		return ""
	}
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(m[1]), " ")
}
