package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/burstlab/burstlab/attack/outcome"
)

// Histogram bounds: latencies are recorded in microseconds from 1 µs to one
// hour at 3 significant digits; larger values are clamped to the top and
// counted in Recorder.Clamped.
const (
	unitName       = "us"
	lowestValue    = 1
	highestValue   = int64(time.Hour / time.Microsecond)
	sigFigs        = 3
	hlogUnitRemark = "latency values in microseconds; Interval_Max in seconds"
)

func newHist() *hdr.Histogram { return hdr.New(lowestValue, highestValue, sigFigs) }

// Config is what a Recorder needs to know before the first result.
type Config struct {
	Name, Profile, Target string
	Seed                  int64
	Started               time.Time
	Duration              time.Duration
	Window                time.Duration
	Warmup                time.Duration
	Streams               []StreamOffer
	Burst                 *[2]time.Duration // [B0, B1] from the profile; nil: detect from the offered rate
	SLOP99                time.Duration
	Tolerance             float64
	HealthyWindows        int
	ErrorRatio            float64
	ApdexT                time.Duration
	LatenessBound         time.Duration
	// Plan identifies the plan (a hash of the profile); Shard and Of say
	// which shard of it this run sends (Of 0: the whole plan).
	Plan      string
	Shard, Of int
	// Timeout bounds each request. A window with closed streams is final
	// only once no request sent in it can still be answered: Timeout after
	// its end.
	Timeout time.Duration
}

// StreamOffer is what the plan offers in one stream, window by window: all
// a recorder needs of a profiles.StreamPlan.
type StreamOffer struct {
	Name    string
	Burst   bool
	Offered []int64 // planned requests per window
	// Closed is a stream of the closed model (as fast as possible): it has
	// no plan, and what it offers in a window is what it sent there.
	Closed bool
}

// Recorder folds results into windows with constant memory per open window.
// A window is final once every request planned in it has a result; it is then
// summarised, written to the interval log and its histograms are dropped.
// Record is not safe for concurrent use: the engine calls it from one goroutine.
type Recorder struct {
	cfg           Config
	log           *hdr.HistogramLogWriter
	logErr        error
	open          map[int]*winAcc
	next          int     // first window not yet flushed
	offered       []int64 // planned requests per window, all streams
	windows       []Window
	streams       []streamAcc
	total         *hdr.Histogram
	late          *hdr.Histogram
	base          *hdr.Histogram
	burst         [2]time.Duration
	source        string
	free          []*hdr.Histogram
	closed        bool          // some streams are closed (as fast as possible)
	latest        time.Duration // the latest result's end
	seen          errorsSeen
	stopAt        time.Duration // when the run was stopped, if it was
	peakInFlight  int64         // the most requests in flight at once
	signalFailure string
	fault         string
	// Clamped counts latencies above the histogram's range, recorded as its top.
	Clamped int64
}

// tallying is a Tally counted result by result. Errors are counted by class
// in an array until the tally is read, so counting allocates nothing.
type tallying struct {
	Tally
	errs [outcome.Classes]int64
}

// count adds one result: apdexT splits ok responses into satisfied and
// tolerating.
func (t *tallying) count(res outcome.Result, apdexT time.Duration) {
	if res.Class != outcome.Unsent {
		t.Sent++
	}
	if res.Class.Answered() {
		t.Completed++
	}
	t.errs[res.Class]++
	if res.Class != outcome.OK {
		return
	}
	t.OK++
	switch l := res.Latency(); {
	case l <= apdexT:
		t.Satisfied++
	case l <= 4*apdexT:
		t.Tolerating++
	}
}

// tally returns the counts so far.
func (t *tallying) tally() Tally {
	out := t.Tally
	out.Errors = counts(t.errs[:])
	return out
}

type streamAcc struct {
	tallying
	retries int64
	results int64 // planned requests with a final outcome
	hist    *hdr.Histogram
}

// winAcc is an open window. Its counts are its streams' added up when it
// is flushed; results counts what flushing waits for.
type winAcc struct {
	results int64            // planned requests with a final outcome
	lat     []*hdr.Histogram // per stream, created on first use
	late    *hdr.Histogram
	streams []streamWin // per stream
}

// streamWin counts one stream's requests in one open window.
type streamWin struct {
	tallying
	results int64 // planned requests with a final outcome
}

// NewRecorder starts a record. When hlog is not nil the HdrHistogram interval
// log (one line per window and stream, tagged with the stream name) is
// written to it as windows become final.
func NewRecorder(cfg Config, hlog io.Writer) *Recorder {
	nwin := int((cfg.Duration + cfg.Window - 1) / cfg.Window)
	r := &Recorder{
		cfg:     cfg,
		open:    map[int]*winAcc{},
		offered: make([]int64, nwin),
		windows: make([]Window, nwin),
		streams: make([]streamAcc, len(cfg.Streams)),
		total:   newHist(),
		late:    newHist(),
		base:    newHist(),
	}
	for i, s := range cfg.Streams {
		r.closed = r.closed || s.Closed
		r.streams[i].hist = newHist()
		for w, n := range s.Offered {
			r.streams[i].Offered += n
			if w < nwin {
				r.offered[w] += n
			}
		}
	}
	if cfg.Burst != nil {
		r.burst, r.source = *cfg.Burst, BurstProfile
	} else {
		r.burst, r.source = detectBurst(r.offered, cfg.Window)
	}
	if hlog != nil {
		r.log = hdr.NewHistogramLogWriter(hlog)
		ms := cfg.Started.UnixMilli()
		// The log states its base time in whole seconds: a base with a
		// fraction would shift every interval by it when read back.
		base := ms - ms%1000
		r.log.SetBaseTime(base)
		r.logErr = firstErr(
			r.log.OutputLogFormatVersion(),
			r.log.OutputComment(fmt.Sprintf("[burstlab %s: %s]", tagName(cfg.Name), hlogUnitRemark)),
			r.log.OutputStartTime(ms),
			r.log.OutputBaseTime(base),
			r.log.OutputLegend(),
		)
	}
	return r
}

// hist returns an empty histogram, reusing one a flushed window gave back.
func (r *Recorder) hist() *hdr.Histogram {
	if n := len(r.free); n > 0 {
		h := r.free[n-1]
		r.free = r.free[:n-1]
		return h
	}
	return newHist()
}

// release gives a histogram back for reuse.
func (r *Recorder) release(h *hdr.Histogram) {
	if h != nil {
		h.Reset()
		h.SetTag("")
		r.free = append(r.free, h)
	}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (r *Recorder) win(i int) *winAcc {
	w := r.open[i]
	if w == nil {
		w = &winAcc{lat: make([]*hdr.Histogram, len(r.cfg.Streams)), late: r.hist(), streams: make([]streamWin, len(r.cfg.Streams))}
		for si, s := range r.cfg.Streams {
			if i < len(s.Offered) {
				w.streams[si].Offered = s.Offered[i]
			}
		}
		r.open[i] = w
	}
	return w
}

// Record folds one result in. A retry belongs to the window of the planned
// request it retries (its latency still counts from its own intended time),
// and a window is final once each of its planned requests has an outcome
// that will not be retried.
func (r *Recorder) Record(res outcome.Result) {
	at := res.Intended
	if res.Attempt > 0 {
		at = res.FirstIntended
	}
	if res.Stream < 0 || res.Stream >= len(r.streams) {
		return
	}
	closed := r.cfg.Streams[res.Stream].Closed
	i := int(at / r.cfg.Window)
	if closed && i == len(r.windows) {
		i-- // sent as the run ended: a closed loop checks the time before a send
	}
	if i < 0 || i >= len(r.windows) || i < r.next {
		return
	}
	w := r.win(i)
	s, sw := &r.streams[res.Stream], &w.streams[res.Stream]
	if res.Attempt > 0 {
		s.retries++
	}
	switch {
	case res.Retried:
	case closed:
		s.Offered++
		sw.Offered++
	default:
		w.results++
		s.results++
		sw.results++
	}
	r.latest = max(r.latest, res.End)
	s.count(res, r.cfg.ApdexT)
	sw.count(res, r.cfg.ApdexT)
	r.seen.add(res)
	if res.Class != outcome.Unsent {
		// A closed stream has no intended time, so no lateness to count.
		if !closed {
			if err := w.late.RecordValue(clamp(res.Lateness())); err != nil {
				r.Clamped++
			}
		}
	}
	// Latency percentiles are of successful responses: a refused
	// connection's microsecond must not make a dead target look fast, nor
	// set the healthy bound. Failures count by class.
	if res.Class == outcome.OK {
		lat := clamp(res.Latency())
		if lat == highestValue {
			r.Clamped++
		}
		h := w.lat[res.Stream]
		if h == nil {
			h = r.hist()
			w.lat[res.Stream] = h
		}
		h.RecordValue(lat)
	}
	r.flushFinal()
}

func clamp(d time.Duration) int64 {
	v := int64(d / time.Microsecond)
	switch {
	case v < 0:
		return 0
	case v > highestValue:
		return highestValue
	}
	return v
}

// flushFinal summarises windows, in order, whose every planned request has a
// result and, when the run has closed streams, in which no request can still
// be answered.
func (r *Recorder) flushFinal() {
	for r.next < len(r.windows) {
		if r.closed && time.Duration(r.next+1)*r.cfg.Window+r.cfg.Timeout+time.Second >= r.latest {
			return
		}
		w := r.open[r.next]
		if w == nil {
			if r.offered[r.next] > 0 {
				return
			}
		} else if w.results < r.offered[r.next] {
			return
		}
		r.flush(r.next)
		r.next++
	}
}

func (r *Recorder) flush(i int) {
	w := r.win(i)
	delete(r.open, i)
	start := time.Duration(i) * r.cfg.Window
	merged := r.hist()
	defer func() {
		r.release(merged)
		r.release(w.late)
		for _, h := range w.lat {
			r.release(h)
		}
	}()
	for si, h := range w.lat {
		if h == nil {
			continue
		}
		merged.Merge(h)
		r.streams[si].hist.Merge(h)
		if r.log != nil && r.logErr == nil {
			h.SetStartTimeMs(r.cfg.Started.Add(start).UnixMilli())
			h.SetEndTimeMs(r.cfg.Started.Add(start + r.cfg.Window).UnixMilli())
			h.SetTag(tagName(r.cfg.Streams[si].Name))
			r.logErr = r.log.OutputIntervalHistogram(h)
		}
	}
	if r.log != nil && r.logErr == nil && merged.TotalCount() > 0 {
		// The whole window, untagged, after its streams' lines: what
		// HdrHistogram's tools read with their default flags. burstlab's
		// readers take the tagged lines and skip this one.
		merged.SetStartTimeMs(r.cfg.Started.Add(start).UnixMilli())
		merged.SetEndTimeMs(r.cfg.Started.Add(start + r.cfg.Window).UnixMilli())
		merged.SetTag("")
		r.logErr = r.log.OutputIntervalHistogram(merged)
	}
	r.total.Merge(merged)
	r.late.Merge(w.late)
	if inBaseline(start.Seconds(), r.cfg.Window.Seconds(), r.cfg.Warmup.Seconds(), r.burst[0].Seconds(), r.source) {
		r.base.Merge(merged)
	}
	shares, t := r.streamWindows(w)
	r.windows[i] = Window{
		StartS:        start.Seconds(),
		Tally:         t,
		ErrorRatio:    t.errorRatio(),
		Percentiles:   percentilesOf(merged),
		LatenessP99Ms: ms(w.late.ValueAtQuantile(99)),
		Apdex:         t.apdex(),
		Streams:       shares,
	}
}

// streamWindows sums up each stream's share of the open window w (those
// that were offered or sent anything in it) and the window's counts, which
// are theirs added up.
func (r *Recorder) streamWindows(w *winAcc) ([]StreamWindow, Tally) {
	var out []StreamWindow
	all := Tally{Errors: Counts{}}
	for si := range w.streams {
		t := w.streams[si].tally()
		all.add(t)
		if t.Offered == 0 && t.Sent == 0 {
			continue
		}
		sw := StreamWindow{Stream: r.cfg.Streams[si].Name, Tally: t, ErrorRatio: t.errorRatio(), Apdex: t.apdex()}
		if h := w.lat[si]; h != nil {
			sw.Percentiles = percentilesOf(h)
		}
		out = append(out, sw)
	}
	return out, all
}

// tagName makes a stream name usable as an interval log tag (no commas,
// spaces or line breaks).
func tagName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return '_'
		}
		return r
	}, s)
}

func ms(us int64) float64 { return float64(us) / UsPerMs }

func counts(errs []int64) Counts {
	c := Counts{}
	for cl, n := range errs {
		if n > 0 && outcome.Class(cl) != outcome.OK {
			c[outcome.Class(cl).String()] = n
		}
	}
	return c
}

// ScaleSignalFailure notes how sampling the scale signal failed ("" when
// it did not): the record's warnings say so.
func (r *Recorder) ScaleSignalFailure(msg string) { r.signalFailure = msg }

// StopAt says when the run was stopped, from its start, for a record
// finished with stopped set.
func (r *Recorder) StopAt(d time.Duration) { r.stopAt = d }

// InFlight notes n requests in flight at once; the record keeps the most.
func (r *Recorder) InFlight(n int64) { r.peakInFlight = max(r.peakInFlight, n) }

// Finish flushes every window (also those still missing results, as after a
// stopped run), analyses the series and returns the record. events is the
// target's scale timeline, if any. In a stopped run every planned request
// without an outcome counts as unsent: planned - sent, window by window,
// whether or not the engine had read it from the plan.
func (r *Recorder) Finish(stopped bool, events []ScaleEvent) (*Record, error) {
	for ; r.next < len(r.windows); r.next++ {
		if stopped && (r.open[r.next] != nil || r.offered[r.next] > 0) {
			r.markUnsent(r.next)
		}
		r.flush(r.next)
	}
	if stopped {
		for i := range r.streams {
			if r.cfg.Streams[i].Closed {
				continue // a closed stream offers what it sent: none unsent
			}
			s := &r.streams[i]
			s.errs[outcome.Unsent] += max(s.Offered-s.results, 0)
		}
	}
	rec := r.record(stopped, events, r.windows)
	Analyze(rec)
	if r.logErr != nil {
		return rec, fmt.Errorf("writing the interval log: %w", r.logErr)
	}
	return rec, nil
}

// markUnsent counts every planned request of window i without an outcome
// as unsent, in the window and in its streams.
func (r *Recorder) markUnsent(i int) {
	w := r.win(i)
	for si := range w.streams {
		if sw := &w.streams[si]; !r.cfg.Streams[si].Closed {
			sw.errs[outcome.Unsent] += max(sw.Offered-sw.results, 0)
		}
	}
}

// Snapshot returns the record of the windows final so far, marked
// incomplete: what a reader gets if the run dies before Finish. The
// streams' counts include requests of windows not yet final.
func (r *Recorder) Snapshot(events []ScaleEvent) *Record {
	windows := append([]Window(nil), r.windows[:r.next]...)
	rec := r.record(true, events, windows)
	rec.Incomplete = true
	rec.StoppedAtS = ptr(float64(r.next) * r.cfg.Window.Seconds())
	Analyze(rec)
	return rec
}

// GeneratorFault notes how the generator's process failed during the run
// beside its requests' outcomes; the run is then invalid.
func (r *Recorder) GeneratorFault(msg string) { r.fault = msg }

// LogErr is the first error writing the interval log, if any.
func (r *Recorder) LogErr() error { return r.logErr }

// Final is the number of windows final so far.
func (r *Recorder) Final() int { return r.next }

// record builds the record of windows, not yet analysed.
func (r *Recorder) record(stopped bool, events []ScaleEvent, windows []Window) *Record {
	c := r.cfg
	rec := &Record{
		Schema:    SchemaVersion,
		Name:      c.Name,
		Profile:   c.Profile,
		Target:    outcome.RedactURL(c.Target),
		Seed:      c.Seed,
		Started:   c.Started.UTC(),
		DurationS: c.Duration.Seconds(),
		WindowS:   c.Window.Seconds(),
		Unit:      unitName,
		Settings: Settings{
			SLOP99Ms:        float64(c.SLOP99) / float64(time.Millisecond),
			Tolerance:       c.Tolerance,
			HealthyWindows:  c.HealthyWindows,
			ErrorRatio:      c.ErrorRatio,
			ApdexTMs:        float64(c.ApdexT) / float64(time.Millisecond),
			WarmupS:         c.Warmup.Seconds(),
			LatenessBoundMs: float64(c.LatenessBound) / float64(time.Millisecond),
		},
		Burst:       BurstWindow{StartS: r.burst[0].Seconds(), EndS: r.burst[1].Seconds(), Source: r.source},
		Stopped:     stopped,
		Plan:        c.Plan,
		Windows:     windows,
		ScaleEvents: events,
		Clamped:     r.Clamped,
		Definitions: Definitions,
		hist:        r.total,
	}
	rec.Model = modelOf(c.Streams)
	if c.Of > 1 {
		rec.ShardOf = &ShardOf{Index: c.Shard, Count: c.Of}
	}
	rec.Generator = Generator{
		LatenessP50Ms: ms(r.late.ValueAtQuantile(50)),
		LatenessP99Ms: ms(r.late.ValueAtQuantile(99)),
		LatenessMaxMs: ms(r.late.Max()),
		PeakInFlight:  r.peakInFlight,
	}
	rec.Generator.Saturated = rec.Generator.LatenessP99Ms > rec.Settings.LatenessBoundMs
	rec.Generator.Fault = r.fault
	for i := range r.streams {
		s := &r.streams[i]
		t := s.tally()
		rec.Streams = append(rec.Streams, StreamSummary{
			Name: c.Streams[i].Name, Burst: c.Streams[i].Burst, Closed: c.Streams[i].Closed, Tally: t, Retries: s.retries,
			ErrorRatio: t.errorRatio(), Percentiles: percentilesOf(s.hist), Apdex: t.apdex(),
		})
	}
	if stopped {
		rec.StoppedAtS = ptr(r.stopAt.Seconds())
	}
	rec.ScaleSignalFailure = r.signalFailure
	rec.Summary.setLatency(percentilesOf(r.total))
	rec.Summary.BaselineP99Ms = ms(r.base.ValueAtQuantile(99))
	rec.Summary.StatusCodes, rec.Summary.ErrorSamples = r.seen.codes(), r.seen.samples()
	return rec
}

// modelOf says how a run with these streams sent its requests.
func modelOf(streams []StreamOffer) string {
	closed := 0
	for _, s := range streams {
		if s.Closed {
			closed++
		}
	}
	switch closed {
	case 0:
		return ModelOpen
	case len(streams):
		return ModelClosed
	}
	return ModelMixed
}
