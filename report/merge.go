package report

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Merge combines the records of the shards of one plan (`--shard i/n`, each
// run on its own machine with aligned start times) into the record of the
// whole plan, exactly: counters are summed, every window's latency histogram
// is merged from the shards' interval logs and its percentiles recomputed,
// and the merged series is analysed again. Send lateness is not in the
// interval logs: a merged window keeps the highest shard's lateness p99.
// The records must have been loaded from record directories.
func Merge(recs ...*Record) (*Record, error) {
	if len(recs) == 0 {
		return nil, fmt.Errorf("merge: no records")
	}
	if len(recs) == 1 {
		return recs[0], nil
	}
	a := recs[0]
	for _, r := range recs {
		if len(r.dirs) == 0 {
			return nil, fmt.Errorf("merge: record %q was not loaded from a record directory: its interval log is needed", r.Name)
		}
	}
	for _, r := range recs[1:] {
		if err := sameShape(a, r); err != nil {
			return nil, fmt.Errorf("%s and %s are not shards of one plan: %v", a.dirs[0], r.dirs[0], err)
		}
	}
	out := &Record{
		Schema: SchemaVersion, Name: a.Name, Profile: a.Profile, Target: a.Target, Seed: a.Seed,
		Started: a.Started, WindowS: a.WindowS, Unit: a.Unit, Settings: a.Settings,
		Windows:     make([]Window, len(a.Windows)),
		Streams:     make([]StreamSummary, len(a.Streams)),
		Definitions: Definitions,
	}
	var spread time.Duration
	allMarked := true
	burst := [2]float64{math.Inf(1), math.Inf(-1)}
	for _, r := range recs {
		out.Shards += max(r.Shards, 1)
		out.dirs = append(out.dirs, r.dirs...)
		out.DurationS = math.Max(out.DurationS, r.DurationS)
		if r.Started.Before(out.Started) {
			out.Started = r.Started
		}
		spread = max(spread, r.Started.Sub(a.Started).Abs())
		out.Stopped = out.Stopped || r.Stopped
		out.Clamped += r.Clamped
		if len(out.ScaleEvents) == 0 {
			out.ScaleEvents = r.ScaleEvents
		}
		for _, n := range r.Notes {
			if !slices.Contains(out.Notes, n) {
				out.Notes = append(out.Notes, n)
			}
		}
		g := &out.Generator
		g.LatenessP50Ms = math.Max(g.LatenessP50Ms, r.Generator.LatenessP50Ms)
		g.LatenessP99Ms = math.Max(g.LatenessP99Ms, r.Generator.LatenessP99Ms)
		g.LatenessMaxMs = math.Max(g.LatenessMaxMs, r.Generator.LatenessMaxMs)
		if r.Burst.Source == BurstProfile {
			burst[0], burst[1] = math.Min(burst[0], r.Burst.StartS), math.Max(burst[1], r.Burst.EndS)
		} else {
			allMarked = false
		}
		for i, w := range r.Windows {
			m := &out.Windows[i]
			m.StartS = w.StartS
			m.Offered += w.Offered
			m.Sent += w.Sent
			m.Completed += w.Completed
			m.OK += w.OK
			m.Satisfied += w.Satisfied
			m.Tolerating += w.Tolerating
			m.Errors = addCounts(m.Errors, w.Errors)
			m.LatenessP99Ms = math.Max(m.LatenessP99Ms, w.LatenessP99Ms)
		}
		for i, s := range r.Streams {
			m := &out.Streams[i]
			m.Name, m.Burst = s.Name, s.Burst
			m.Offered += s.Offered
			m.Sent += s.Sent
			m.Completed += s.Completed
			m.OK += s.OK
			m.Retries += s.Retries
			m.Satisfied += s.Satisfied
			m.Tolerating += s.Tolerating
			m.Errors = addCounts(m.Errors, s.Errors)
		}
	}
	out.Notes = append(out.Notes, fmt.Sprintf("merged from %d shards: histograms merged exactly from their interval logs; send lateness is the highest shard's", out.Shards))
	if spread > time.Millisecond {
		out.Notes = append(out.Notes, fmt.Sprintf("the shards' start times differ by up to %s: windows are aligned by index", spread.Round(time.Millisecond)))
	}
	window := time.Duration(a.WindowS * float64(time.Second))
	if allMarked {
		out.Burst = BurstWindow{StartS: burst[0], EndS: burst[1], Source: BurstProfile}
	} else {
		offered := make([]int64, len(out.Windows))
		for i, w := range out.Windows {
			offered[i] = w.Offered
		}
		b, src := detectBurst(offered, window)
		out.Burst = BurstWindow{StartS: b[0].Seconds(), EndS: b[1].Seconds(), Source: src}
	}
	if err := mergeHistograms(out, recs); err != nil {
		return nil, err
	}
	for i := range out.Windows {
		w := &out.Windows[i]
		w.ErrorRatio = ratio(w.Completed-w.OK, w.Completed)
		w.Apdex = apdex(w.Satisfied, w.Tolerating, w.Completed)
	}
	for i := range out.Streams {
		s := &out.Streams[i]
		s.ErrorRatio = ratio(s.Completed-s.OK, s.Completed)
		s.Apdex = apdex(s.Satisfied, s.Tolerating, s.Completed)
	}
	Analyze(out)
	return out, nil
}

// sameShape says why b cannot be a shard of a's plan, or nil.
func sameShape(a, b *Record) error {
	switch {
	case a.Name != b.Name:
		return fmt.Errorf("name %q vs %q", a.Name, b.Name)
	case a.Seed != b.Seed:
		return fmt.Errorf("seed %d vs %d", a.Seed, b.Seed)
	case a.WindowS != b.WindowS:
		return fmt.Errorf("window %vs vs %vs", a.WindowS, b.WindowS)
	case len(a.Windows) != len(b.Windows):
		return fmt.Errorf("%d vs %d windows", len(a.Windows), len(b.Windows))
	case a.Unit != b.Unit:
		return fmt.Errorf("latency unit %q vs %q", a.Unit, b.Unit)
	case len(a.Streams) != len(b.Streams):
		return fmt.Errorf("%d vs %d streams", len(a.Streams), len(b.Streams))
	}
	for i := range a.Streams {
		if a.Streams[i].Name != b.Streams[i].Name {
			return fmt.Errorf("stream %d is %q vs %q", i, a.Streams[i].Name, b.Streams[i].Name)
		}
	}
	return nil
}

// mergeHistograms walks the shards' interval logs together, window by
// window (each log is in window order), and fills every percentile of out:
// windows, streams, the whole run and the baseline. Memory stays constant:
// one sparse accumulator for the current window.
func mergeHistograms(out *Record, recs []*Record) error {
	nwin := len(out.Windows)
	streams := make([]*hdr.Histogram, len(out.Streams))
	index := map[string]int{}
	for i, s := range out.Streams {
		streams[i] = newHist()
		index[tagName(s.Name)] = i
	}
	type shard struct {
		r       *hlogReader
		started int64
		head    interval
		headWin int // window of head; -1: none read yet; nwin: log ended
	}
	shards := make([]*shard, len(recs))
	for k, r := range recs {
		hr, err := openHlog(filepath.Join(r.dirs[0], HlogFile))
		if err != nil {
			return err
		}
		defer hr.Close()
		shards[k] = &shard{r: hr, started: r.Started.UnixMilli(), headWin: -1}
	}
	winMs := out.WindowS * 1000
	advance := func(sh *shard) error {
		iv, ok, err := sh.r.next()
		if err != nil {
			return err
		}
		if !ok {
			sh.headWin = nwin
			return nil
		}
		i := int(math.Round(float64(iv.startMs-sh.started) / winMs))
		switch {
		case i < 0 || i >= nwin:
			return fmt.Errorf("%s:%d: the interval at %s lies outside the record's %d windows", sh.r.path, sh.r.n, time.UnixMilli(iv.startMs).UTC().Format(time.RFC3339Nano), nwin)
		case i < sh.headWin:
			return fmt.Errorf("%s:%d: intervals out of time order", sh.r.path, sh.r.n)
		}
		if _, ok := index[iv.tag]; !ok {
			return fmt.Errorf("%s:%d: interval tagged %q: no such stream in %s", sh.r.path, sh.r.n, iv.tag, RunFile)
		}
		sh.head, sh.headWin = iv, i
		return nil
	}
	for _, sh := range shards {
		if err := advance(sh); err != nil {
			return err
		}
	}
	total, base := newHist(), newHist()
	var acc *hdr.PackedHistogram
	for i := range out.Windows {
		w := &out.Windows[i]
		w.P50Ms, w.P90Ms, w.P99Ms, w.P999Ms, w.MaxMs = 0, 0, 0, 0, 0
		acc = nil
		for _, sh := range shards {
			for sh.headWin == i {
				h := sh.head.hist
				h.MergeInto(streams[index[sh.head.tag]])
				if acc == nil {
					acc = h
				} else {
					acc.Merge(h)
				}
				if err := advance(sh); err != nil {
					return err
				}
			}
		}
		if acc == nil {
			continue
		}
		p := acc.ValueAtPercentilesSlice([]float64{50, 90, 99, 99.9})
		w.P50Ms, w.P90Ms, w.P99Ms, w.P999Ms, w.MaxMs = ms(p[0]), ms(p[1]), ms(p[2]), ms(p[3]), ms(acc.Max())
		acc.MergeInto(total)
		if inBaseline(w.StartS, out.WindowS, out.Settings.WarmupS, out.Burst.StartS, out.Burst.Source) {
			acc.MergeInto(base)
		}
	}
	for i, h := range streams {
		s := &out.Streams[i]
		s.P50Ms, s.P90Ms, s.P99Ms = ms(h.ValueAtQuantile(50)), ms(h.ValueAtQuantile(90)), ms(h.ValueAtQuantile(99))
		s.P999Ms, s.MaxMs = ms(h.ValueAtQuantile(99.9)), ms(h.Max())
	}
	sum := &out.Summary
	sum.P50Ms, sum.P99Ms, sum.P999Ms, sum.MaxMs = ms(total.ValueAtQuantile(50)), ms(total.ValueAtQuantile(99)), ms(total.ValueAtQuantile(99.9)), ms(total.Max())
	sum.BaselineP99Ms = ms(base.ValueAtQuantile(99))
	out.hist = total
	return nil
}

func addCounts(dst, src Counts) Counts {
	if dst == nil {
		dst = Counts{}
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

func ratio(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}
