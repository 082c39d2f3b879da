package report

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// TestHlogReadBack reads a burstlab interval log with hdrhistogram-go's own
// log reader and checks every window's count and percentiles against the
// record, and the intervals' times against the windows': the untagged lines
// are the whole windows, the tagged lines the streams, and they agree.
func TestHlogReadBack(t *testing.T) {
	dir := t.TempDir()
	cfg := synthConfig()
	rec := record(t, cfg, synthResults(cfg), nil, dir)
	f, err := os.Open(filepath.Join(dir, HlogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lr := hdr.NewHistogramLogReader(f)
	wins := map[int]*hdr.Histogram{} // untagged: the whole window
	streamWins := map[int]int64{}    // tagged: the window's streams summed
	tags := map[string]int64{}
	total, tagged := newHist(), newHist()
	for {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			t.Fatal(err)
		}
		if h == nil {
			break
		}
		off := float64(h.StartTimeMs()-rec.Started.UnixMilli()) / 1000
		i := int(math.Round(off))
		if math.Abs(off-float64(i)) > 0.002 {
			t.Errorf("interval at %.3fs after the start, want a window boundary", off)
		}
		if d := h.EndTimeMs() - h.StartTimeMs(); d < 999 || d > 1001 {
			t.Errorf("interval length %d ms, want 1000", d)
		}
		if h.Tag() != "" {
			tags[h.Tag()] += h.TotalCount()
			streamWins[i] += h.TotalCount()
			tagged.Merge(h)
			continue
		}
		if wins[i] != nil {
			t.Errorf("window %d: two untagged lines", i)
			continue
		}
		wins[i] = h
		total.Merge(h)
	}
	if total.TotalCount() != tagged.TotalCount() || total.ValueAtQuantile(99) != tagged.ValueAtQuantile(99) {
		t.Errorf("untagged lines: %d values p99 %d; tagged lines %d, p99 %d", total.TotalCount(), total.ValueAtQuantile(99), tagged.TotalCount(), tagged.ValueAtQuantile(99))
	}
	for i, w := range rec.Windows {
		h := wins[i]
		if h == nil {
			t.Errorf("window %d: no interval", i)
			continue
		}
		if h.TotalCount() != w.OK || streamWins[i] != w.OK {
			t.Errorf("window %d: %d values untagged, %d tagged; want %d (its ok responses)", i, h.TotalCount(), streamWins[i], w.OK)
		}
		if got := ms(h.ValueAtQuantile(99)); got != w.P99Ms {
			t.Errorf("window %d: p99 %v, want %v", i, got, w.P99Ms)
		}
		if got := ms(h.ValueAtQuantile(50)); got != w.P50Ms {
			t.Errorf("window %d: p50 %v, want %v", i, got, w.P50Ms)
		}
		if got := ms(h.Max()); got != w.MaxMs {
			t.Errorf("window %d: max %v, want %v", i, got, w.MaxMs)
		}
	}
	for _, s := range rec.Streams {
		if tags[s.Name] != s.OK {
			t.Errorf("tag %s: %d values, want %d (its ok responses)", s.Name, tags[s.Name], s.OK)
		}
	}
	if got := ms(total.ValueAtQuantile(99.9)); got != rec.Summary.P999Ms {
		t.Errorf("p99.9 %v, want %v", got, rec.Summary.P999Ms)
	}
	// burstlab's own reader agrees, counting each value once.
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	h, err := loaded.Histogram()
	if err != nil {
		t.Fatal(err)
	}
	if h.TotalCount() != total.TotalCount() || h.ValueAtQuantile(99) != total.ValueAtQuantile(99) {
		t.Errorf("Record.Histogram: %d values p99 %d, want %d and %d", h.TotalCount(), h.ValueAtQuantile(99), total.TotalCount(), total.ValueAtQuantile(99))
	}
}
