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
	if err := checkShards(recs); err != nil {
		return nil, err
	}
	a := recs[0]
	out := &Record{
		Schema: SchemaVersion, Name: a.Name, Profile: a.Profile, Target: a.Target, Seed: a.Seed,
		Started: a.Started, WindowS: a.WindowS, Unit: a.Unit, Settings: a.Settings,
		Plan:        a.Plan,
		Model:       a.Model, // one plan, one model
		Windows:     make([]Window, len(a.Windows)),
		Alerts:      a.Alerts, // the rules; their timings are for the caller to evaluate again on the merged windows
		Streams:     make([]StreamSummary, len(a.Streams)),
		Definitions: Definitions,
	}
	for _, r := range recs {
		out.addShard(r)
	}
	out.Notes = append(out.Notes, fmt.Sprintf("merged from %d shards: histograms merged exactly from their interval logs; send lateness is the highest shard's", out.Shards))
	if spread := startSpread(recs); spread > time.Millisecond {
		out.Notes = append(out.Notes, fmt.Sprintf("the shards' start times differ by up to %s: windows are aligned by index", spread.Round(time.Millisecond)))
	}
	some, all := false, true
	for _, r := range recs {
		some, all = some || r.KeepsStreamWindows(), all && r.KeepsStreamWindows()
	}
	if some && !all {
		// Partial shares would read as the whole plan's.
		for i := range out.Windows {
			out.Windows[i].Streams = nil
		}
		out.Notes = append(out.Notes, "some shards were made before burstlab kept each stream's share of the windows: the merged record keeps none")
	}
	out.Burst = mergedBurst(recs, out.Windows)
	if err := mergeHistograms(out, recs); err != nil {
		return nil, err
	}
	for i := range out.Windows {
		w := &out.Windows[i]
		w.ErrorRatio, w.Apdex = w.errorRatio(), w.apdex()
		for j := range w.Streams {
			s := &w.Streams[j]
			s.ErrorRatio, s.Apdex = s.errorRatio(), s.apdex()
		}
	}
	for i := range out.Streams {
		s := &out.Streams[i]
		s.ErrorRatio, s.Apdex = s.errorRatio(), s.apdex()
	}
	Analyze(out)
	return out, nil
}

// checkShards says why recs cannot be merged, or nil.
func checkShards(recs []*Record) error {
	for _, r := range recs {
		if len(r.dirs) == 0 {
			return fmt.Errorf("merge: record %q was not loaded from a record directory: its interval log is needed", r.Name)
		}
	}
	if err := checkShardSet(recs); err != nil {
		return err
	}
	a := recs[0]
	for _, r := range recs[1:] {
		if err := sameShape(a, r); err != nil {
			return fmt.Errorf("%s and %s are not shards of one plan: %v", a.dirs[0], r.dirs[0], err)
		}
	}
	return nil
}

// addShard sums shard r's counters into the merged record out and keeps the
// worst of its generator figures; percentiles are merged separately.
func (out *Record) addShard(r *Record) {
	out.Shards += max(r.Shards, 1)
	if r.ShardOf != nil {
		out.PlanShards = r.ShardOf.Count
	}
	out.dirs = append(out.dirs, r.dirs...)
	out.DurationS = math.Max(out.DurationS, r.DurationS)
	if r.Started.Before(out.Started) {
		out.Started = r.Started
	}
	out.Stopped = out.Stopped || r.Stopped
	out.Incomplete = out.Incomplete || r.Incomplete
	out.addSeen(r)
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
	if g.Fault == "" {
		g.Fault = r.Generator.Fault
	}
	for i, w := range r.Windows {
		m := &out.Windows[i]
		m.StartS = w.StartS
		m.Tally.add(w.Tally)
		m.LatenessP99Ms = math.Max(m.LatenessP99Ms, w.LatenessP99Ms)
		for _, s := range w.Streams {
			m.streamShare(r.Streams, s.Stream).Tally.add(s.Tally)
		}
	}
	for i, s := range r.Streams {
		m := &out.Streams[i]
		m.Name, m.Burst, m.Closed = s.Name, s.Burst, s.Closed
		m.Tally.add(s.Tally)
		m.Retries += s.Retries
	}
}

// streamShare returns the share of the stream called name in the merged
// window w, adding it (in the order of streams) when w has none yet.
func (w *Window) streamShare(streams []StreamSummary, name string) *StreamWindow {
	if s := w.Stream(name); s != nil {
		return s
	}
	w.Streams = append(w.Streams, StreamWindow{Stream: name})
	order := func(n string) int {
		return slices.IndexFunc(streams, func(s StreamSummary) bool { return s.Name == n })
	}
	slices.SortStableFunc(w.Streams, func(a, b StreamWindow) int { return order(a.Stream) - order(b.Stream) })
	return w.Stream(name)
}

// startSpread is how far the shards' start times lie from the first's.
func startSpread(recs []*Record) time.Duration {
	var spread time.Duration
	for _, r := range recs {
		spread = max(spread, r.Started.Sub(recs[0].Started).Abs())
	}
	return spread
}

// mergedBurst is the burst of the merged record: the span of the shards'
// marked bursts when every shard has one from the profile, otherwise
// detected from the merged offered rate.
func mergedBurst(recs []*Record, windows []Window) BurstWindow {
	burst := [2]float64{math.Inf(1), math.Inf(-1)}
	for _, r := range recs {
		if r.Burst.Source != BurstProfile {
			offered := make([]int64, len(windows))
			for i, w := range windows {
				offered[i] = w.Offered
			}
			window := time.Duration(recs[0].WindowS * float64(time.Second))
			b, src := detectBurst(offered, window)
			return BurstWindow{StartS: b[0].Seconds(), EndS: b[1].Seconds(), Source: src}
		}
		burst[0], burst[1] = math.Min(burst[0], r.Burst.StartS), math.Max(burst[1], r.Burst.EndS)
	}
	return BurstWindow{StartS: burst[0], EndS: burst[1], Source: BurstProfile}
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
// windows, their streams' shares, streams, the whole run and the baseline.
// Memory stays constant: a sparse accumulator per stream for the current
// window.
func mergeHistograms(out *Record, recs []*Record) error {
	streams := make([]*hdr.Histogram, len(out.Streams))
	index := map[string]int{}
	for i, s := range out.Streams {
		streams[i] = newHist()
		index[tagName(s.Name)] = i
	}
	logs := make([]*shardLog, 0, len(recs))
	defer func() {
		for _, l := range logs {
			l.Close()
		}
	}()
	for _, r := range recs {
		l, err := openShardLog(r, len(out.Windows), index)
		if err != nil {
			return err
		}
		logs = append(logs, l)
	}
	total, base := newHist(), newHist()
	shares := make([]*hdr.PackedHistogram, len(out.Streams)) // the current window's, per stream
	for i := range out.Windows {
		w := &out.Windows[i]
		w.Percentiles = Percentiles{}
		clear(shares)
		for _, l := range logs {
			if err := l.take(i, streams, shares); err != nil {
				return err
			}
		}
		var acc *hdr.PackedHistogram
		for si, h := range shares {
			if h == nil {
				continue
			}
			if sw := w.Stream(out.Streams[si].Name); sw != nil {
				sw.Percentiles = percentilesOf(h)
			}
			if acc == nil {
				acc = h // merged into below: its stream's percentiles are read
			} else {
				acc.Merge(h)
			}
		}
		if acc == nil {
			continue
		}
		w.Percentiles = percentilesOf(acc)
		acc.MergeInto(total)
		if inBaseline(w.StartS, out.WindowS, out.Settings.WarmupS, out.Burst.StartS, out.Burst.Source) {
			acc.MergeInto(base)
		}
	}
	for i, h := range streams {
		out.Streams[i].Percentiles = percentilesOf(h)
	}
	out.Summary.setLatency(percentilesOf(total))
	out.Summary.BaselineP99Ms = ms(base.ValueAtQuantile(99))
	out.hist = total
	return nil
}

// shardLog reads one shard's interval log a window at a time.
type shardLog struct {
	*hlogReader
	started int64          // the shard's start, ms since the epoch
	nwin    int            // windows of the record
	winMs   float64        // window length, ms
	streams map[string]int // stream index by interval tag
	head    interval       // the next interval not yet taken
	headWin int            // window of head; -1: none read yet; nwin: log ended
	cut     bool           // an incomplete record: intervals past its windows are ignored
}

// openShardLog opens the interval log of r and reads its first interval.
func openShardLog(r *Record, nwin int, streams map[string]int) (*shardLog, error) {
	hr, err := openHlog(filepath.Join(r.dirs[0], HlogFile))
	if err != nil {
		return nil, err
	}
	l := &shardLog{hlogReader: hr, started: r.Started.UnixMilli(), nwin: nwin, winMs: r.WindowS * 1000, streams: streams, headWin: -1, cut: r.Incomplete}
	if err := l.advance(); err != nil {
		hr.Close()
		return nil, err
	}
	return l, nil
}

// advance reads the next interval into head, and says where the log is
// wrong: an interval outside the record, out of time order, or tagged with
// no stream of the record.
func (l *shardLog) advance() error {
	iv, ok, err := l.nextStream()
	if err != nil {
		return err
	}
	if !ok {
		l.headWin = l.nwin
		return nil
	}
	i := int(math.Round(float64(iv.startMs-l.started) / l.winMs))
	if l.cut && i >= l.nwin {
		l.headWin = l.nwin
		return nil
	}
	switch {
	case i < 0 || i >= l.nwin:
		return fmt.Errorf("%s:%d: the interval at %s lies outside the record's %d windows", l.path, l.n, time.UnixMilli(iv.startMs).UTC().Format(time.RFC3339Nano), l.nwin)
	case i < l.headWin:
		return fmt.Errorf("%s:%d: intervals out of time order", l.path, l.n)
	}
	if _, ok := l.streams[iv.tag]; !ok {
		return fmt.Errorf("%s:%d: interval tagged %q: no such stream in %s", l.path, l.n, iv.tag, RunFile)
	}
	l.head, l.headWin = iv, i
	return nil
}

// take merges the log's intervals of window i into their streams' histograms
// of the whole run and into shares, the window's histogram per stream (nil
// where a stream has none yet).
func (l *shardLog) take(i int, streams []*hdr.Histogram, shares []*hdr.PackedHistogram) error {
	for l.headWin == i {
		h, si := l.head.hist, l.streams[l.head.tag]
		h.MergeInto(streams[si])
		if shares[si] == nil {
			shares[si] = h
		} else {
			shares[si].Merge(h)
		}
		if err := l.advance(); err != nil {
			return err
		}
	}
	return nil
}
