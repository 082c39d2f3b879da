package sim

// This file is the "hpa" autoscaler kind: Kubernetes' HorizontalPodAutoscaler
// as its controller computes replicas (k8s.io/kubernetes
// pkg/controller/podautoscaler: replica_calculator.go, horizontal.go,
// metrics/utilization.go, and the API defaults of
// pkg/apis/autoscaling/v2/defaults.go), for one CPU utilization metric.
//
// The autoscaler kinds, and which real autoscaler each one is:
//   - "simple" (the default) is no real autoscaler: the HPA's formula with a
//     fixed 10 % tolerance and scale-down stabilization, but no scale-up rate
//     limit beyond max_scale_up_step, on a metric that counts the queue
//     ((busy + queued) / slots, closer to the concurrency Knative's KPA and
//     KEDA's HTTP add-on scale on) averaged over metric_window from 100 ms
//     samples up to each evaluation, and a new replica counts at once.
//   - "hpa" is the HorizontalPodAutoscaler (autoscaling/v2) on a Resource
//     metric "cpu" with target type Utilization. One sync:
//     1. Pods are grouped (groupPods): a pod still provisioning is pending
//        (unready); a ready pod without a sample is missing; in its first
//        cpu_initialization_period a pod's sample counts only if its window
//        began after the pod became ready.
//     2. desired = ceil(usageRatio × ready pods), usageRatio = utilization /
//        target, utilization the integer percent of the pods' CPU requests;
//        no change while usageRatio is within the tolerance (per direction
//        when behavior sets one). With unready pods on a scale-up, or missing
//        samples, the ratio is recomputed with unready pods at 0 %, missing
//        ones at 0 % (up) or max(100 %, target) (down), and a change of
//        direction means no change.
//     3. Without behavior (the legacy path): the highest recommendation of
//        the last scale_down_stabilization, then at most max(2 × current, 4)
//        replicas per sync, within [min_replicas, max_replicas]. With
//        behavior (defaulted as the API server does: scaleUp window 0 s,
//        Pods 4 / 15 s and Percent 100 / 15 s, selectPolicy Max; scaleDown
//        window scale_down_stabilization, Percent 100 / 15 s): the lowest
//        recommendation of the scale-up window and the highest of the
//        scale-down window bound the count, then each policy limits the
//        change over its periodSeconds, counted from the replicas at the
//        period's start.
//     The metric is what metrics-server serves: each pod's CPU over the
//     window between its last two scrapes (metrics_resolution apart), so a
//     new pod has no sample until its second scrape after it is ready. CPU
//     is the pod's busy slots over its slots (each pod requests one CPU with
//     the limit equal to the request), so it never exceeds 100 % and never
//     sees the queue. Syncs run every interval, sync_phase after the
//     simulator's start.

import (
	"fmt"
	"math"
	"time"
)

// Autoscaler kinds accepted by Autoscale.Kind.
const (
	KindSimple = "simple"
	KindHPA    = "hpa"
)

// Scaling policy types and policy selections of a Behavior, named as in
// Kubernetes' autoscaling/v2 API.
const (
	PodsPolicy      = "Pods"
	PercentPolicy   = "Percent"
	SelectMax       = "Max"
	SelectMin       = "Min"
	SelectDisabled  = "Disabled"
	maxPeriodSecond = 1800 // the API server's bound on periodSeconds
	maxWindowSecond = 3600 // and on stabilizationWindowSeconds
)

// Defaults of the "hpa" kind: the kube-controller-manager flags
// (--horizontal-pod-autoscaler-tolerance, -cpu-initialization-period,
// -initial-readiness-delay) and metrics-server's --metric-resolution.
const (
	DefaultHPATolerance            = 0.1
	DefaultCPUInitializationPeriod = 5 * time.Minute
	DefaultInitialReadinessDelay   = 30 * time.Second
	DefaultMetricsResolution       = 15 * time.Second
)

// HPA selects the autoscaler kind and holds the knobs only the "hpa" kind
// has. It sits inline in the autoscale block, beside the fields both kinds
// share: target_utilization (the CPU target, as a fraction of the request),
// interval (the controller's sync period), scale_down_stabilization (the
// controller's --horizontal-pod-autoscaler-downscale-stabilization),
// min_replicas, max_replicas and provision_delay (from scale-up to ready).
// metric_window and max_scale_up_step belong to kind "simple". Zero values
// mean the default.
type HPA struct {
	// Kind is which real autoscaler the simulator plays: "simple" (default)
	// or "hpa" (see the kinds above).
	Kind string `yaml:"kind"`
	// Behavior is the HorizontalPodAutoscaler's spec.behavior, written as in
	// the manifest. Unset means the legacy path (no behavior); an empty
	// block means every default.
	Behavior *Behavior `yaml:"behavior"`
	// Tolerance is the controller's dead band around a usage ratio of 1.
	// Default 0.1.
	Tolerance *float64 `yaml:"tolerance"`
	// CPUInitializationPeriod is how long after a pod starts its CPU sample
	// counts only if taken after the pod became ready. Default 5m.
	CPUInitializationPeriod time.Duration `yaml:"cpu_initialization_period"`
	// InitialReadinessDelay is how long after a pod starts an unready pod is
	// taken as never ready. Default 30s.
	InitialReadinessDelay time.Duration `yaml:"initial_readiness_delay"`
	// MetricsResolution is how often metrics-server scrapes the pods; a
	// sample is the CPU between two scrapes. Default 15s.
	MetricsResolution time.Duration `yaml:"metrics_resolution"`
	// SyncPhase is when the controller's sync clock ticks relative to the
	// simulator's start: syncs at start + sync_phase + k × interval (the
	// first at start + interval when 0). Within [0, interval).
	SyncPhase time.Duration `yaml:"sync_phase"`
}

// Behavior is spec.behavior of an autoscaling/v2 HorizontalPodAutoscaler.
type Behavior struct {
	ScaleUp   *ScalingRules `yaml:"scaleUp"`
	ScaleDown *ScalingRules `yaml:"scaleDown"`
}

// ScalingRules is one direction of a Behavior (HPAScalingRules). Unset
// fields take the API server's defaults.
type ScalingRules struct {
	// StabilizationWindowSeconds is how far back recommendations bound the
	// count: scale-up takes the lowest, scale-down the highest.
	StabilizationWindowSeconds *int32 `yaml:"stabilizationWindowSeconds"`
	// SelectPolicy is "Max" (the policy allowing the largest change), "Min"
	// or "Disabled" (no scaling this way).
	SelectPolicy *string `yaml:"selectPolicy"`
	// Policies limit the change over a period.
	Policies []ScalingPolicy `yaml:"policies"`
	// Tolerance overrides the controller's tolerance for this direction.
	Tolerance *float64 `yaml:"tolerance"`
}

// ScalingPolicy is one HPAScalingPolicy: at most Value pods ("Pods") or
// Value percent of the replicas at the period's start ("Percent") per
// PeriodSeconds.
type ScalingPolicy struct {
	Type          string `yaml:"type"`
	Value         int32  `yaml:"value"`
	PeriodSeconds int32  `yaml:"periodSeconds"`
}

// IsHPA reports whether the autoscaler plays Kubernetes' HPA.
func (h HPA) IsHPA() bool { return h.Kind == KindHPA }

// KindName is the autoscaler's kind, "simple" when unset.
func (h HPA) KindName() string {
	if h.Kind == "" {
		return KindSimple
	}
	return h.Kind
}

// tolerance is the controller-wide tolerance, default applied.
func (h HPA) tolerance() float64 {
	if h.Tolerance == nil {
		return DefaultHPATolerance
	}
	return *h.Tolerance
}

// orDefault is d, or def when d is zero.
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// validateKind checks the kind and the knobs that belong to it; a is the
// autoscale block with its defaults applied.
func (a Autoscale) validateKind() error {
	h := a.HPA
	switch h.Kind {
	case "", KindSimple:
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"behavior", h.Behavior != nil}, {"tolerance", h.Tolerance != nil},
			{"cpu_initialization_period", h.CPUInitializationPeriod != 0},
			{"initial_readiness_delay", h.InitialReadinessDelay != 0},
			{"metrics_resolution", h.MetricsResolution != 0}, {"sync_phase", h.SyncPhase != 0},
		} {
			if f.set {
				return fieldErr("autoscale."+f.name, "applies to kind %q only", KindHPA)
			}
		}
		return nil
	case KindHPA:
	default:
		return fieldErr("autoscale.kind", "must be %q or %q, got %q", KindSimple, KindHPA, h.Kind)
	}
	if a.Metric != MetricUtilization {
		return fieldErr("autoscale.metric", "kind %q scales on CPU utilization, got %q", KindHPA, a.Metric)
	}
	if a.MaxScaleUpStep != 0 {
		return fieldErr("autoscale.max_scale_up_step", "applies to kind %q only; kind %q limits scale-up with behavior.scaleUp.policies", KindSimple, KindHPA)
	}
	if p := targetPercent(a.TargetUtilization); p < 1 {
		return fieldErr("autoscale.target_utilization", "must be at least 0.01 (1 %% of the CPU request) with kind %q, got %v", KindHPA, a.TargetUtilization)
	}
	if t := h.tolerance(); !(t >= 0 && t < 1) {
		return fieldErr("autoscale.tolerance", "must be within [0, 1), got %v", t)
	}
	if err := first(
		notNegative("autoscale.cpu_initialization_period", h.CPUInitializationPeriod),
		notNegative("autoscale.initial_readiness_delay", h.InitialReadinessDelay),
		notNegative("autoscale.metrics_resolution", h.MetricsResolution),
		notNegative("autoscale.sync_phase", h.SyncPhase),
	); err != nil {
		return err
	}
	if h.SyncPhase >= a.Interval {
		return fieldErr("autoscale.sync_phase", "must be below interval %s, got %s", a.Interval, h.SyncPhase)
	}
	if h.Behavior == nil {
		return nil
	}
	if err := h.Behavior.ScaleUp.validate("autoscale.behavior.scaleUp"); err != nil {
		return err
	}
	return h.Behavior.ScaleDown.validate("autoscale.behavior.scaleDown")
}

// validate checks one direction's rules as the API server would.
func (r *ScalingRules) validate(field string) error {
	if r == nil {
		return nil
	}
	if w := r.StabilizationWindowSeconds; w != nil && (*w < 0 || *w > maxWindowSecond) {
		return fieldErr(field+".stabilizationWindowSeconds", "must be within [0, %d], got %d", maxWindowSecond, *w)
	}
	if p := r.SelectPolicy; p != nil && *p != SelectMax && *p != SelectMin && *p != SelectDisabled {
		return fieldErr(field+".selectPolicy", "must be %q, %q or %q, got %q", SelectMax, SelectMin, SelectDisabled, *p)
	}
	if t := r.Tolerance; t != nil && !(*t >= 0) {
		return fieldErr(field+".tolerance", "must be >= 0, got %v", *t)
	}
	if r.Policies != nil && len(r.Policies) == 0 && (r.SelectPolicy == nil || *r.SelectPolicy != SelectDisabled) {
		return fieldErr(field+".policies", "must hold at least one policy unless selectPolicy is %q", SelectDisabled)
	}
	for i, p := range r.Policies {
		f := fmt.Sprintf("%s.policies[%d]", field, i)
		if p.Type != PodsPolicy && p.Type != PercentPolicy {
			return fieldErr(f+".type", "must be %q or %q, got %q", PodsPolicy, PercentPolicy, p.Type)
		}
		if p.Value <= 0 {
			return fieldErr(f+".value", "must be > 0, got %d", p.Value)
		}
		if p.PeriodSeconds <= 0 || p.PeriodSeconds > maxPeriodSecond {
			return fieldErr(f+".periodSeconds", "must be within [1, %d], got %d", maxPeriodSecond, p.PeriodSeconds)
		}
	}
	return nil
}

// notNegative says that field must be within [0, MaxPeriod] when d is not.
func notNegative(field string, d time.Duration) error {
	switch {
	case d < 0:
		return fieldErr(field, "must be >= 0, got %s", d)
	case d > MaxPeriod:
		return fieldErr(field, "must be <= %s, got %s", MaxPeriod, d)
	}
	return nil
}

// targetPercent is the HPA's averageUtilization: an integer percent of the
// CPU request.
func targetPercent(fraction float64) int32 {
	return int32(math.Round(fraction * 100))
}

// rules is one direction's scaling rules, defaults filled in.
type rules struct {
	window   time.Duration
	selected string
	policies []ScalingPolicy
}

// scaleUpRules fills r as the API server does (GenerateHPAScaleUpRules):
// window 0, Pods 4 and Percent 100 per 15 s, the larger change.
func scaleUpRules(r *ScalingRules) rules {
	return fillRules(r, rules{selected: SelectMax, policies: []ScalingPolicy{
		{Type: PodsPolicy, Value: 4, PeriodSeconds: 15},
		{Type: PercentPolicy, Value: 100, PeriodSeconds: 15},
	}})
}

// scaleDownRules fills r as the API server does (GenerateHPAScaleDownRules),
// with the controller's downscale stabilization as the window's default:
// Percent 100 per 15 s.
func scaleDownRules(r *ScalingRules, downscaleWindow time.Duration) rules {
	return fillRules(r, rules{window: downscaleWindow, selected: SelectMax, policies: []ScalingPolicy{
		{Type: PercentPolicy, Value: 100, PeriodSeconds: 15},
	}})
}

// fillRules lays the fields r sets over def.
func fillRules(r *ScalingRules, def rules) rules {
	if r == nil {
		return def
	}
	if r.StabilizationWindowSeconds != nil {
		def.window = time.Duration(*r.StabilizationWindowSeconds) * time.Second
	}
	if r.SelectPolicy != nil {
		def.selected = *r.SelectPolicy
	}
	if r.Policies != nil {
		def.policies = r.Policies
	}
	return def
}

// tolerances is the dead band around a usage ratio of 1 within which the
// HPA keeps the current count: [1 - down, 1 + up].
type tolerances struct{ down, up float64 }

func (t tolerances) within(ratio float64) bool {
	return 1-t.down <= ratio && ratio <= 1+t.up
}

// tolerancesOf is the controller's tolerance, overridden per direction by
// behavior (Kubernetes' HPAConfigurableTolerance).
func (h HPA) tolerancesOf() tolerances {
	t := tolerances{h.tolerance(), h.tolerance()}
	if b := h.Behavior; b != nil {
		if b.ScaleDown != nil && b.ScaleDown.Tolerance != nil {
			t.down = *b.ScaleDown.Tolerance
		}
		if b.ScaleUp != nil && b.ScaleUp.Tolerance != nil {
			t.up = *b.ScaleUp.Tolerance
		}
	}
	return t
}
