// Package report turns results into records and analyses them.
//
// Results are grouped into windows keyed by their intended send time (default
// 1 s): a window holds the requests planned inside it, whenever they finished.
// Each window keeps a latency HDR histogram (latency = response end − intended
// send time, so coordinated omission cannot hide a stall), a send-lateness
// histogram, counters by outcome class and an apdex score.
//
// Analysis reads the window series. The burst window [B0, B1] runs from the
// first to the last request of the burst streams, or is detected from the
// offered rate. The baseline is the windows before B0 after warm-up. A window
// is healthy when its p99 is at most max(SLO p99, baseline p99 × tolerance)
// and its error ratio at most the error bound; otherwise it is degraded.
// time_to_scale is B0 to the start of the first run of K healthy windows after
// the first degraded one while the burst is on; p99_recovery is B1 to the
// start of the first run of K healthy windows. Definitions lists the
// definition of every figure as run.json carries it.
//
// A record is saved as a directory (run.json and latency.hlog, the standard
// HdrHistogram interval log: a tagged line per stream and an untagged line
// for the whole window, per window). Open reads records back,
// merges the shards of one plan exactly from their interval logs, and reads
// vegeta result files. Package report/render writes a record in each output
// format; report/gate judges it against thresholds.
package report

import (
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// SchemaVersion is the version of run.json's layout.
const SchemaVersion = 1

// Record is everything a run measured: what run.json holds.
type Record struct {
	Schema    int         `json:"schema"`
	Name      string      `json:"name"`
	Profile   string      `json:"profile,omitempty"`
	Target    string      `json:"target"`
	Seed      int64       `json:"seed"`
	Started   time.Time   `json:"started"`
	DurationS float64     `json:"duration_s"`
	WindowS   float64     `json:"window_s"`
	Unit      string      `json:"latency_unit"` // unit of recorded histogram values
	Settings  Settings    `json:"settings"`
	Burst     BurstWindow `json:"burst"`
	Generator Generator   `json:"generator"`
	Stopped   bool        `json:"stopped"` // the run was interrupted before its plan ended
	// Invalid says why the run's figures are not the target's: the
	// generator failed (see Generator.Fault and the generator_fd class);
	// "" for a valid run.
	Invalid string `json:"invalid,omitempty"`
	// StoppedAtS is when it was, in seconds from the start.
	StoppedAtS *float64 `json:"stopped_at_s,omitempty"`
	// Incomplete: the run died before it finished the record (SIGKILL, a
	// full disk); it holds the windows final by StoppedAtS.
	Incomplete bool `json:"incomplete,omitempty"`
	// Model is "open" (requests leave at planned times; latency counts from
	// them), "closed" (workers send as fast as answers come; latency counts
	// from the actual send, and offered is what was sent) or "mixed" (closed
	// streams beside planned ones; StreamSummary.Closed says which).
	Model       string          `json:"model"`
	Summary     Summary         `json:"summary"`
	Streams     []StreamSummary `json:"streams"`
	Windows     []Window        `json:"windows"`
	ScaleEvents []ScaleEvent    `json:"scale_events,omitempty"`
	// ScaleSignalFailure says how sampling the scale signal failed.
	ScaleSignalFailure string `json:"scale_signal_failure,omitempty"`
	// Alerts are the alert rules the run was judged with and when each
	// would have fired (see alerts.go).
	Alerts []Alert `json:"alerts,omitempty"`
	// Notes say where the record came from when that limits what it
	// means (vegeta results, merged shards); Summary.Warnings says what the
	// analysis found.
	Notes   []string `json:"notes,omitempty"`
	Clamped int64    `json:"clamped_latencies,omitempty"` // latencies above the histogram's range, recorded as its top (1 h)
	Shards  int      `json:"shards,omitempty"`            // records merged into this one; 0 or 1: a single run
	// Plan identifies the plan run (a hash of its profile), so records of
	// different plans are not merged as shards; ShardOf says which shard of
	// it a run sent (nil: the whole plan, or a merge).
	Plan    string   `json:"plan,omitempty"`
	ShardOf *ShardOf `json:"shard_of,omitempty"`
	// PlanShards is the number of shards the plan was split into, for a
	// merged record (0: not known).
	PlanShards  int               `json:"plan_shards,omitempty"`
	Definitions map[string]string `json:"definitions"`

	// hist is the merged latency histogram of the whole run, when known;
	// dirs are the record directories whose interval logs rebuild it.
	hist *hdr.Histogram
	dirs []string
}

// Settings are the analysis settings a record was judged with.
type Settings struct {
	SLOP99Ms        float64 `json:"slo_p99_ms"`
	Tolerance       float64 `json:"tolerance"`
	HealthyWindows  int     `json:"healthy_windows"`
	ErrorRatio      float64 `json:"error_ratio"`
	ApdexTMs        float64 `json:"apdex_t_ms"`
	WarmupS         float64 `json:"warmup_s"`
	LatenessBoundMs float64 `json:"lateness_bound_ms"`
}

// BurstWindow is [B0, B1] in seconds from the start of the run.
type BurstWindow struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	Source string  `json:"source"` // BurstProfile, BurstDetected or BurstNone
}

// Generator says whether the load generator kept to the plan.
type Generator struct {
	LatenessP50Ms float64 `json:"lateness_p50_ms"`
	LatenessP99Ms float64 `json:"lateness_p99_ms"`
	LatenessMaxMs float64 `json:"lateness_max_ms"`
	Saturated     bool    `json:"saturated"`
	// PeakInFlight is the most requests the generator had sent and not yet
	// seen answered (or given up) at once: what a backed-up target held.
	PeakInFlight int64 `json:"peak_in_flight,omitempty"`
	// LatenessUnknown says the input had no intended send times (vegeta
	// results): the lateness figures above are 0 for want of data, and
	// reports show them as unknown.
	LatenessUnknown bool `json:"lateness_unknown,omitempty"`
	// Fault says how the generator's process failed beside its requests'
	// own outcomes (the embedded simulator could not accept a connection
	// for want of a file descriptor): the run is invalid.
	Fault string `json:"fault,omitempty"`
}

// Summary holds the headline figures. A figure that was not reached is null,
// with its status saying why.
type Summary struct {
	Tally
	AchievedRPS       float64  `json:"achieved_rps"` // completed per second of the run
	ErrorRatio        float64  `json:"error_ratio"`
	BaselineP99Ms     float64  `json:"baseline_p99_ms"`
	BaselineDegraded  bool     `json:"baseline_degraded"`
	HealthyP99Ms      float64  `json:"healthy_p99_ms"` // the p99 bound of a healthy window
	P50Ms             float64  `json:"p50_ms"`
	P99Ms             float64  `json:"p99_ms"`
	P999Ms            float64  `json:"p999_ms"`
	MaxMs             float64  `json:"max_ms"`
	PeakP99Ms         float64  `json:"peak_p99_ms"`
	PeakP999Ms        float64  `json:"peak_p999_ms"`
	PeakErrorRatio    float64  `json:"peak_error_ratio"`
	Apdex             float64  `json:"apdex"`
	MinApdex          float64  `json:"min_apdex"`
	TimeToDegradeS    *float64 `json:"time_to_degrade_s"`
	TimeToScaleS      *float64 `json:"time_to_scale_s"`
	TimeToScaleStatus string   `json:"time_to_scale_status"` // reached, no degradation, not reached
	P99RecoveryS      *float64 `json:"p99_recovery_s"`
	P99RecoveryStatus string   `json:"p99_recovery_status"` // recovered, healthy at burst end, not recovered
	DegradedForS      float64  `json:"degraded_for_s"`
	// RecoveryCause says why the target was healthy again (see cause.go);
	// Recovery holds the evidence.
	RecoveryCause      string   `json:"recovery_cause"`
	Recovery           Recovery `json:"recovery"`
	ScaleReactionS     *float64 `json:"scale_reaction_s,omitempty"`
	ScaleCompleteS     *float64 `json:"scale_complete_s,omitempty"`
	ReplicasStart      int      `json:"replicas_start,omitempty"`
	ReplicasPeak       int      `json:"replicas_peak,omitempty"`
	GeneratorSaturated bool     `json:"generator_saturated"`
	Stopped            bool     `json:"stopped"`      // the run was stopped (or died) before its plan ended
	StoppedAtS         *float64 `json:"stopped_at_s"` // when, from the start; null when it was not
	ErrorRatios        Ratios   `json:"error_ratios"`
	// StatusCodes counts the answers by HTTP status; ErrorSamples keeps
	// the first distinct messages of each failing class.
	StatusCodes  Counts              `json:"status_codes,omitempty"`
	ErrorSamples map[string][]string `json:"error_samples,omitempty"`
	// Warnings are what a reader must know before trusting the figures
	// (a saturated generator, a degraded baseline, a stopped run); every
	// renderer shows them first.
	Warnings []string `json:"warnings"`
}

// Load models: how requests were sent.
const (
	ModelOpen   = "open"   // at planned times, whatever the answers (latency from the intended time)
	ModelClosed = "closed" // each worker sends once its last answer came (latency from the send)
	ModelMixed  = "mixed"  // planned streams beside closed ones
)

// setLatency fills the run's latency figures from the whole run's
// percentiles.
func (s *Summary) setLatency(p Percentiles) {
	s.P50Ms, s.P99Ms, s.P999Ms, s.MaxMs = p.P50Ms, p.P99Ms, p.P999Ms, p.MaxMs
}

// Burst window sources.
const (
	BurstProfile  = "profile"  // the streams marked burst
	BurstDetected = "detected" // the windows offering more than twice the median rate
	BurstNone     = "none"     // no burst found: the time figures are null
)

// Figure statuses.
const (
	StatusReached       = "reached"
	StatusNoDegradation = "no degradation"
	StatusNotReached    = "not reached"
	StatusRecovered     = "recovered"
	StatusHealthyAtEnd  = "healthy at burst end"
	StatusNotRecovered  = "not recovered"
	StatusNoBurst       = "no burst"
)

// Counts are request counts by outcome class name (5xx, timeout, ...); ok is
// not among them.
type Counts map[string]int64

// Ratios are shares of completed requests by outcome class name.
type Ratios map[string]float64

// StreamSummary sums one stream up over the whole run.
type StreamSummary struct {
	Name   string `json:"name"`
	Burst  bool   `json:"burst"`
	Closed bool   `json:"closed,omitempty"` // a closed-model stream: offered is what it sent
	Tally
	Retries    int64   `json:"retries"`
	ErrorRatio float64 `json:"error_ratio"`
	Percentiles
	Apdex float64 `json:"apdex"`
}

// Window is one window of the series, keyed by intended send time.
type Window struct {
	StartS float64 `json:"start_s"`
	Tally
	ErrorRatio float64 `json:"error_ratio"`
	Percentiles
	LatenessP99Ms float64 `json:"lateness_p99_ms"`
	Apdex         float64 `json:"apdex"`
	Replicas      int     `json:"replicas,omitempty"`
	Healthy       bool    `json:"healthy"`
	// Streams is each stream's share of the window, in the record's stream
	// order, for the streams that were offered or sent anything in it.
	// Records made before burstlab kept them have none.
	Streams []StreamWindow `json:"streams,omitempty"`
}

// StreamWindow is one stream's share of a window: its counts, error ratio,
// apdex and the percentiles of its ok responses. Send lateness is the
// generator's, kept for the whole window only.
type StreamWindow struct {
	Stream string `json:"stream"`
	Tally
	ErrorRatio float64 `json:"error_ratio"`
	Percentiles
	Apdex float64 `json:"apdex"`
}

// Stream returns the share of the stream called name in w, or nil when it
// was neither offered nor sent anything there.
func (w *Window) Stream(name string) *StreamWindow {
	for i := range w.Streams {
		if w.Streams[i].Stream == name {
			return &w.Streams[i]
		}
	}
	return nil
}

// Tally is what every level of a record counts (a window, a stream, the
// whole run): requests planned, sent and completed, ok responses and their
// apdex split, errors by class. Summing windows into the run and shards into
// one record is add.
type Tally struct {
	Offered    int64  `json:"offered"`
	Sent       int64  `json:"sent"`
	Completed  int64  `json:"completed"`
	OK         int64  `json:"ok"`
	Satisfied  int64  `json:"satisfied"`  // ok responses within apdex T
	Tolerating int64  `json:"tolerating"` // ok responses within 4T
	Errors     Counts `json:"errors"`
}

// add sums o into t.
func (t *Tally) add(o Tally) {
	t.Offered += o.Offered
	t.Sent += o.Sent
	t.Completed += o.Completed
	t.OK += o.OK
	t.Satisfied += o.Satisfied
	t.Tolerating += o.Tolerating
	if t.Errors == nil {
		t.Errors = Counts{}
	}
	for k, v := range o.Errors {
		t.Errors[k] += v
	}
}

// errorRatio is (completed - ok) / completed, 0 when nothing completed.
func (t Tally) errorRatio() float64 {
	if t.Completed == 0 {
		return 0
	}
	return float64(t.Completed-t.OK) / float64(t.Completed)
}

// apdex is (satisfied + tolerating/2) / completed, 1 when nothing completed.
func (t Tally) apdex() float64 {
	if t.Completed == 0 {
		return 1
	}
	return (float64(t.Satisfied) + float64(t.Tolerating)/2) / float64(t.Completed)
}

// Percentiles are the latency percentiles of a window or a stream, in
// milliseconds.
type Percentiles struct {
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p999_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// quantiles is a latency histogram, dense or sparse, in microseconds.
type quantiles interface {
	ValueAtPercentilesSlice(percentiles []float64) []int64
	Max() int64
}

// percentilesOf reads the percentiles of h.
func percentilesOf(h quantiles) Percentiles {
	p := h.ValueAtPercentilesSlice([]float64{50, 90, 99, 99.9})
	return Percentiles{P50Ms: ms(p[0]), P90Ms: ms(p[1]), P99Ms: ms(p[2]), P999Ms: ms(p[3]), MaxMs: ms(h.Max())}
}

// ScaleEvent is a point of the target's scale timeline (the simulator's
// ground truth, or a sampled scale signal).
type ScaleEvent struct {
	AtS      float64 `json:"at_s"`
	Kind     string  `json:"kind"` // decision, ready, removed, sample
	Replicas int     `json:"replicas"`
	Desired  int     `json:"desired,omitempty"`
}
