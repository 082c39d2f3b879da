// Package report turns results into records, analyses them and renders them.
//
// Results are grouped into windows keyed by their intended send time (default
// 1 s): a window holds the requests planned inside it, whenever they finished.
// Each window keeps a latency HDR histogram (latency = response end − intended
// send time, so coordinated omission cannot hide a stall), a send-lateness
// histogram, counters by outcome class and an apdex score.
//
// Analysis reads the window series. The burst window [B0, B1] runs from the
// first to the last request of the burst streams. The baseline is the windows
// before B0 after warm-up. A window is healthy when its p99 is at most
// max(SLO p99, baseline p99 × tolerance) and its error ratio at most the error
// bound; otherwise it is degraded. time_to_scale is B0 to the start of the
// first run of K healthy windows after the first degraded one while the burst
// is on; p99_recovery is B1 to the start of the first run of K healthy windows.
// Definitions lists the definition of every figure as run.json carries it.
package report

import (
	"time"
)

// SchemaVersion is the version of run.json's layout.
const SchemaVersion = 1

// Record is everything a run measured: what run.json holds.
type Record struct {
	Schema      int               `json:"schema"`
	Name        string            `json:"name"`
	Profile     string            `json:"profile,omitempty"`
	Target      string            `json:"target"`
	Seed        int64             `json:"seed"`
	Started     time.Time         `json:"started"`
	DurationS   float64           `json:"duration_s"`
	WindowS     float64           `json:"window_s"`
	Unit        string            `json:"latency_unit"` // unit of recorded histogram values
	Settings    Settings          `json:"settings"`
	Burst       BurstWindow       `json:"burst"`
	Generator   Generator         `json:"generator"`
	Stopped     bool              `json:"stopped"` // the run was interrupted before its plan ended
	Summary     Summary           `json:"summary"`
	Streams     []StreamSummary   `json:"streams"`
	Windows     []Window          `json:"windows"`
	ScaleEvents []ScaleEvent      `json:"scale_events,omitempty"`
	Definitions map[string]string `json:"definitions"`
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
	Source string  `json:"source"` // "profile" (marked streams) or "detected" (offered rate)
}

// Generator says whether the load generator kept to the plan.
type Generator struct {
	LatenessP50Ms float64 `json:"lateness_p50_ms"`
	LatenessP99Ms float64 `json:"lateness_p99_ms"`
	LatenessMaxMs float64 `json:"lateness_max_ms"`
	Saturated     bool    `json:"saturated"`
}

// Summary holds the headline figures. A figure that was not reached is null,
// with its status saying why.
type Summary struct {
	Offered            int64    `json:"offered"`
	Sent               int64    `json:"sent"`
	Completed          int64    `json:"completed"`
	OK                 int64    `json:"ok"`
	ErrorRatio         float64  `json:"error_ratio"`
	BaselineP99Ms      float64  `json:"baseline_p99_ms"`
	BaselineDegraded   bool     `json:"baseline_degraded"`
	HealthyP99Ms       float64  `json:"healthy_p99_ms"` // the p99 bound of a healthy window
	P50Ms              float64  `json:"p50_ms"`
	P99Ms              float64  `json:"p99_ms"`
	P999Ms             float64  `json:"p999_ms"`
	MaxMs              float64  `json:"max_ms"`
	PeakP99Ms          float64  `json:"peak_p99_ms"`
	PeakP999Ms         float64  `json:"peak_p999_ms"`
	PeakErrorRatio     float64  `json:"peak_error_ratio"`
	Apdex              float64  `json:"apdex"`
	MinApdex           float64  `json:"min_apdex"`
	TimeToDegradeS     *float64 `json:"time_to_degrade_s"`
	TimeToScaleS       *float64 `json:"time_to_scale_s"`
	TimeToScaleStatus  string   `json:"time_to_scale_status"` // reached, no degradation, not reached
	P99RecoveryS       *float64 `json:"p99_recovery_s"`
	P99RecoveryStatus  string   `json:"p99_recovery_status"` // recovered, healthy at burst end, not recovered
	DegradedForS       float64  `json:"degraded_for_s"`
	ScaleReactionS     *float64 `json:"scale_reaction_s,omitempty"`
	ScaleCompleteS     *float64 `json:"scale_complete_s,omitempty"`
	ReplicasStart      int      `json:"replicas_start,omitempty"`
	ReplicasPeak       int      `json:"replicas_peak,omitempty"`
	GeneratorSaturated bool     `json:"generator_saturated"`
	Errors             Counts   `json:"errors"`
}

// Figure statuses.
const (
	StatusReached       = "reached"
	StatusNoDegradation = "no degradation"
	StatusNotReached    = "not reached"
	StatusRecovered     = "recovered"
	StatusHealthyAtEnd  = "healthy at burst end"
	StatusNotRecovered  = "not recovered"
)

// Counts are request counts by outcome class name (5xx, timeout, ...); ok is
// not among them.
type Counts map[string]int64

// StreamSummary sums one stream up over the whole run.
type StreamSummary struct {
	Name       string  `json:"name"`
	Burst      bool    `json:"burst"`
	Offered    int64   `json:"offered"`
	Sent       int64   `json:"sent"`
	Completed  int64   `json:"completed"`
	OK         int64   `json:"ok"`
	Retries    int64   `json:"retries"`
	ErrorRatio float64 `json:"error_ratio"`
	P50Ms      float64 `json:"p50_ms"`
	P90Ms      float64 `json:"p90_ms"`
	P99Ms      float64 `json:"p99_ms"`
	P999Ms     float64 `json:"p999_ms"`
	MaxMs      float64 `json:"max_ms"`
	Apdex      float64 `json:"apdex"`
	Errors     Counts  `json:"errors"`
}

// Window is one window of the series, keyed by intended send time.
type Window struct {
	StartS        float64 `json:"start_s"`
	Offered       int64   `json:"offered"`
	Sent          int64   `json:"sent"`
	Completed     int64   `json:"completed"`
	OK            int64   `json:"ok"`
	Errors        Counts  `json:"errors"`
	ErrorRatio    float64 `json:"error_ratio"`
	P50Ms         float64 `json:"p50_ms"`
	P90Ms         float64 `json:"p90_ms"`
	P99Ms         float64 `json:"p99_ms"`
	P999Ms        float64 `json:"p999_ms"`
	MaxMs         float64 `json:"max_ms"`
	LatenessP99Ms float64 `json:"lateness_p99_ms"`
	Apdex         float64 `json:"apdex"`
	Replicas      int     `json:"replicas,omitempty"`
	Healthy       bool    `json:"healthy"`
}

// ScaleEvent is a point of the target's scale timeline (the simulator's
// ground truth, or a sampled scale signal).
type ScaleEvent struct {
	AtS      float64 `json:"at_s"`
	Kind     string  `json:"kind"` // decision, ready, removed, sample
	Replicas int     `json:"replicas"`
	Desired  int     `json:"desired,omitempty"`
}
