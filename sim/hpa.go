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
//     limit, on a metric that counts the queue ((busy + queued) / slots,
//     closer to the concurrency Knative's KPA and KEDA's HTTP add-on scale
//     on), read fresh at each evaluation, and a new replica counts at once.
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
	"errors"
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

// notNegative says that field must be >= 0 when d is not.
func notNegative(field string, d time.Duration) error {
	if d < 0 {
		return fieldErr(field, "must be >= 0, got %s", d)
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

// Pod phases and readiness as the HPA reads them from the API server.
type podPhase int

const (
	podRunning podPhase = iota
	podPending
	podFailed
)

type readiness int

const (
	noReadyCondition readiness = iota
	isReady
	notReady
)

// hpaPod is what the HPA reads of one pod.
type hpaPod struct {
	name     string
	phase    podPhase
	deleting bool
	ready    readiness
	// readySince is the Ready condition's last transition.
	readySince time.Time
	// started is the pod's start time; hasStart is false when it has none.
	started  time.Time
	hasStart bool
	// requestMilli is the pod's CPU request; 0 means none.
	requestMilli int64
}

// podSample is one pod's CPU as metrics-server serves it: milli-CPU
// averaged over window, ending at at.
type podSample struct {
	milli  int64
	at     time.Time
	window time.Duration
}

// podGroups sorts the pods of one sync (groupPods).
type podGroups struct {
	ready                     int
	unready, missing, ignored map[string]bool
}

// groupPods sets aside the pods whose sample the HPA does not trust: deleted
// and failed pods are ignored; pending pods, and pods whose CPU sample is
// not yet a ready pod's, are unready; running pods without a sample are
// missing.
func groupPods(now time.Time, pods []hpaPod, samples map[string]podSample, cpuInit, readinessDelay time.Duration) podGroups {
	g := podGroups{unready: map[string]bool{}, missing: map[string]bool{}, ignored: map[string]bool{}}
	for _, p := range pods {
		if p.deleting || p.phase == podFailed {
			g.ignored[p.name] = true
			continue
		}
		if p.phase == podPending {
			g.unready[p.name] = true
			continue
		}
		s, ok := samples[p.name]
		if !ok {
			g.missing[p.name] = true
			continue
		}
		var unready bool
		switch {
		case p.ready == noReadyCondition || !p.hasStart:
			unready = true
		case p.started.Add(cpuInit).After(now):
			// Initializing: trust only a sample whose whole window is after
			// the pod became ready.
			unready = p.ready == notReady || s.at.Before(p.readySince.Add(s.window))
		default:
			// Unready and never ready since its start.
			unready = p.ready == notReady && p.started.Add(readinessDelay).After(p.readySince)
		}
		if unready {
			g.unready[p.name] = true
			continue
		}
		g.ready++
	}
	return g
}

// errNoSamples is a sync without a usable sample: the HPA does not scale.
var errNoSamples = errors.New("did not receive metrics for targeted pods (pods might be unready)")

// utilizationRatio is the pods' total CPU over their total request, as an
// integer percent, and that over the target; raw is the mean milli-CPU.
// Samples of pods without a request are left out.
func utilizationRatio(samples map[string]podSample, requests map[string]int64, target int32) (ratio float64, util int32, raw int64, err error) {
	var used, requested, n int64
	for name, s := range samples {
		req, ok := requests[name]
		if !ok {
			continue
		}
		used += s.milli
		requested += req
		n++
	}
	if requested == 0 {
		return 0, 0, 0, errors.New("no metrics returned matched known pods")
	}
	util = int32(used * 100 / requested)
	return float64(util) / float64(target), util, used / n, nil
}

// resourceReplicas is the replica count the HPA proposes for a CPU
// utilization target (GetResourceReplicas), with the utilization it saw.
func resourceReplicas(now time.Time, current, target int32, tol tolerances, pods []hpaPod, samples map[string]podSample,
	cpuInit, readinessDelay time.Duration) (replicas, util int32, raw int64, err error) {
	if len(pods) == 0 {
		return 0, 0, 0, errors.New("no pods returned by selector while calculating replica count")
	}
	g := groupPods(now, pods, samples, cpuInit, readinessDelay)
	trusted := make(map[string]podSample, len(samples))
	for name, s := range samples {
		if !g.ignored[name] && !g.unready[name] {
			trusted[name] = s
		}
	}
	if len(trusted) == 0 {
		return 0, 0, 0, errNoSamples
	}
	requests := make(map[string]int64, len(pods))
	for _, p := range pods {
		if p.requestMilli <= 0 {
			return 0, 0, 0, fmt.Errorf("missing request for cpu in pod %s", p.name)
		}
		requests[p.name] = p.requestMilli
	}
	ratio, util, raw, err := utilizationRatio(trusted, requests, target)
	if err != nil {
		return 0, 0, 0, err
	}
	upWithUnready := len(g.unready) > 0 && ratio > 1
	if !upWithUnready && len(g.missing) == 0 {
		if tol.within(ratio) {
			return current, util, raw, nil
		}
		return int32(math.Ceil(ratio * float64(g.ready))), util, raw, nil
	}
	// Fill in the pods set aside, against the direction: missing ones at
	// 0 % on a scale-up, at max(100 %, target) on a scale-down; unready ones
	// at 0 % on a scale-up.
	if len(g.missing) > 0 {
		fallback := int64(max(100, target))
		for name := range g.missing {
			switch {
			case ratio < 1:
				trusted[name] = podSample{milli: requests[name] * fallback / 100}
			case ratio > 1:
				trusted[name] = podSample{}
			}
		}
	}
	if upWithUnready {
		for name := range g.unready {
			trusted[name] = podSample{}
		}
	}
	again, _, _, err := utilizationRatio(trusted, requests, target)
	if err != nil {
		return 0, util, raw, err
	}
	if tol.within(again) || (ratio < 1 && again > 1) || (ratio > 1 && again < 1) {
		return current, util, raw, nil
	}
	replicas = int32(math.Ceil(again * float64(len(trusted))))
	if (again < 1 && replicas > current) || (again > 1 && replicas < current) {
		return current, util, raw, nil
	}
	return replicas, util, raw, nil
}

// hpaRecommendation is one sync's proposed count, kept for stabilization.
type hpaRecommendation struct {
	replicas int32
	at       time.Time
}

// scaleEvent is one change of the count, kept for the behavior policies.
type scaleEvent struct {
	change   int32
	at       time.Time
	outdated bool
}

// Reasons the HPA gives in its ScalingLimited condition.
const (
	reasonWithinRange  = "DesiredWithinRange"
	reasonTooFew       = "TooFewReplicas"
	reasonTooMany      = "TooManyReplicas"
	reasonScaleUpLimit = "ScaleUpLimit"
	reasonDownLimit    = "ScaleDownLimit"
)

// The legacy path's per-sync scale-up cap is max(factor × current,
// minimum); the controller ships factor 2 (horizontal.go's
// scaleUpLimitFactor), its tests run with 8.
const (
	scaleUpLimitFactor  = 2.0
	scaleUpLimitMinimum = 4.0
)

// scaleUpLimit is the legacy path's per-sync cap (calculateScaleUpLimit).
func scaleUpLimit(current int32, factor float64) int32 {
	return int32(math.Max(factor*float64(current), scaleUpLimitMinimum))
}

// convertWithRules bounds a count on the legacy path
// (convertDesiredReplicasWithRules).
func convertWithRules(current, desired, minReplicas, maxReplicas int32, factor float64) (int32, string) {
	hi, why := maxReplicas, reasonTooMany
	if limit := scaleUpLimit(current, factor); maxReplicas > limit {
		hi, why = limit, reasonScaleUpLimit
	}
	switch {
	case desired < minReplicas:
		return minReplicas, reasonTooFew
	case desired > hi:
		return hi, why
	}
	return desired, reasonWithinRange
}

// stabilizeLegacy records desired and returns the highest recommendation of
// the window (stabilizeRecommendation): one recommendation older than the
// window is overwritten, else desired is appended.
func stabilizeLegacy(now time.Time, recs *[]hpaRecommendation, window time.Duration, desired int32) int32 {
	highest := desired
	cutoff := now.Add(-window)
	old := -1
	for i, r := range *recs {
		if r.at.Before(cutoff) {
			old = i
		} else if r.replicas > highest {
			highest = r.replicas
		}
	}
	if old >= 0 {
		(*recs)[old] = hpaRecommendation{desired, now}
	} else {
		*recs = append(*recs, hpaRecommendation{desired, now})
	}
	return highest
}

// stabilizeWithBehavior records desired and returns the current count
// brought within [lowest recommendation of the scale-up window, highest of
// the scale-down window] (stabilizeRecommendationWithBehaviors).
func stabilizeWithBehavior(now time.Time, recs *[]hpaRecommendation, upWindow, downWindow time.Duration, current, desired int32) int32 {
	up, down := desired, desired
	upCut, downCut := now.Add(-upWindow), now.Add(-downWindow)
	old := -1
	for i, r := range *recs {
		if r.at.After(upCut) {
			up = min(up, r.replicas)
		}
		if r.at.After(downCut) {
			down = max(down, r.replicas)
		}
		if r.at.Before(upCut) && r.at.Before(downCut) {
			old = i
		}
	}
	rec := min(max(current, up), down)
	if old >= 0 {
		(*recs)[old] = hpaRecommendation{desired, now}
	} else {
		*recs = append(*recs, hpaRecommendation{desired, now})
	}
	return rec
}

// changeInPeriod sums the changes of the events less than period old.
func changeInPeriod(now time.Time, period time.Duration, events []scaleEvent) int32 {
	cutoff := now.Add(-period)
	var sum int32
	for _, e := range events {
		if e.at.After(cutoff) {
			sum += e.change
		}
	}
	return sum
}

// periodStart is the count at the start of a policy's period: current,
// less what was added in it, plus what was removed.
func periodStart(now time.Time, current int32, p ScalingPolicy, ups, downs []scaleEvent) int32 {
	period := time.Duration(p.PeriodSeconds) * time.Second
	return current - changeInPeriod(now, period, ups) + changeInPeriod(now, period, downs)
}

// scaleUpLimitWithRules is the highest count the scale-up policies allow
// (calculateScaleUpLimitWithScalingRules).
func scaleUpLimitWithRules(now time.Time, current int32, ups, downs []scaleEvent, r rules) int32 {
	if r.selected == SelectDisabled {
		return current
	}
	result, pick := int32(math.MinInt32), func(a, b int32) int32 { return max(a, b) }
	if r.selected == SelectMin {
		result, pick = math.MaxInt32, func(a, b int32) int32 { return min(a, b) }
	}
	for _, p := range r.policies {
		start := periodStart(now, current, p, ups, downs)
		var proposed int32
		switch p.Type {
		case PodsPolicy:
			proposed = start + p.Value
		case PercentPolicy:
			// Rounded up, or a small percent would never add a pod.
			proposed = int32(math.Ceil(float64(start) * (1 + float64(p.Value)/100)))
		}
		result = pick(result, proposed)
	}
	return result
}

// scaleDownLimitWithRules is the lowest count the scale-down policies allow
// (calculateScaleDownLimitWithBehaviors).
func scaleDownLimitWithRules(now time.Time, current int32, ups, downs []scaleEvent, r rules) int32 {
	if r.selected == SelectDisabled {
		return current
	}
	result, pick := int32(math.MaxInt32), func(a, b int32) int32 { return min(a, b) }
	if r.selected == SelectMin {
		result, pick = math.MinInt32, func(a, b int32) int32 { return max(a, b) }
	}
	for _, p := range r.policies {
		start := periodStart(now, current, p, ups, downs)
		var proposed int32
		switch p.Type {
		case PodsPolicy:
			proposed = start - p.Value
		case PercentPolicy:
			proposed = int32(float64(start) * (1 - float64(p.Value)/100))
		}
		result = pick(result, proposed)
	}
	return result
}

// bounds is what limits one sync's change.
type bounds struct {
	minReplicas, maxReplicas int32
	up, down                 rules
}

// convertWithBehaviorRate bounds a stabilized count by the behavior's
// policies and [min, max] (convertDesiredReplicasWithBehaviorRate).
func convertWithBehaviorRate(now time.Time, current, desired int32, b bounds, ups, downs []scaleEvent) (int32, string) {
	switch {
	case desired > current:
		limit := max(scaleUpLimitWithRules(now, current, ups, downs, b.up), current)
		hi, why := b.maxReplicas, reasonTooMany
		if hi > limit {
			hi, why = limit, reasonScaleUpLimit
		}
		if desired > hi {
			return hi, why
		}
	case desired < current:
		limit := min(scaleDownLimitWithRules(now, current, ups, downs, b.down), current)
		lo, why := b.minReplicas, reasonTooFew
		if lo < limit {
			lo, why = limit, reasonDownLimit
		}
		if desired < lo {
			return lo, why
		}
	}
	return desired, reasonWithinRange
}

// hpaController is the HPA controller's memory of one autoscaler: its
// recommendations and, with behavior, its scale events.
type hpaController struct {
	spec            HPA
	downscaleWindow time.Duration
	upFactor        float64
	b               bounds
	recs            []hpaRecommendation
	ups, downs      []scaleEvent
}

func newHPAController(a Autoscale) *hpaController {
	c := &hpaController{spec: a.HPA, downscaleWindow: a.ScaleDownStabilization, upFactor: scaleUpLimitFactor}
	c.b = bounds{minReplicas: int32(a.MinReplicas), maxReplicas: int32(a.MaxReplicas)}
	if bh := a.HPA.Behavior; bh != nil {
		c.b.up = scaleUpRules(bh.ScaleUp)
		c.b.down = scaleDownRules(bh.ScaleDown, a.ScaleDownStabilization)
	}
	return c
}

// reasonScalingDisabled is a target scaled to zero by hand: the HPA
// leaves it alone.
const reasonScalingDisabled = "ScalingDisabled"

// reconcile is one sync's decision (reconcileAutoscaler) for a target at
// current replicas: the count to scale to, and why it is limited. propose
// reads the metric and proposes a count; it is called only when current is
// within [min, max], and its error means no scaling.
func (c *hpaController) reconcile(now time.Time, current int32, propose func() (int32, error)) (int32, string, error) {
	if c.recs == nil {
		c.recs = []hpaRecommendation{{current, now}}
	}
	var desired int32
	why := reasonWithinRange
	switch {
	case current == 0 && c.b.minReplicas != 0:
		return current, reasonScalingDisabled, nil
	case current > c.b.maxReplicas:
		desired = c.b.maxReplicas
	case current < c.b.minReplicas:
		desired = c.b.minReplicas
	default:
		proposed, err := propose()
		if err != nil {
			return current, "", err
		}
		if c.spec.Behavior == nil {
			stable := stabilizeLegacy(now, &c.recs, c.downscaleWindow, proposed)
			desired, why = convertWithRules(current, stable, c.b.minReplicas, c.b.maxReplicas, c.upFactor)
		} else {
			stable := stabilizeWithBehavior(now, &c.recs, c.b.up.window, c.b.down.window, current, proposed)
			desired, why = convertWithBehaviorRate(now, current, stable, c.b, c.ups, c.downs)
		}
	}
	if desired != current {
		c.storeScaleEvent(now, current, desired)
	}
	return desired, why, nil
}

// storeScaleEvent keeps a change for the behavior's policies, overwriting
// an event older than the direction's longest period (storeScaleEvent).
func (c *hpaController) storeScaleEvent(now time.Time, prev, next int32) {
	if c.spec.Behavior == nil {
		return
	}
	events, r, change := &c.downs, c.b.down, prev-next
	if next > prev {
		events, r, change = &c.ups, c.b.up, next-prev
	}
	var longest int32
	for _, p := range r.policies {
		longest = max(longest, p.PeriodSeconds)
	}
	cutoff := now.Add(-time.Duration(longest) * time.Second)
	old := -1
	for i := range *events {
		if (*events)[i].at.Before(cutoff) {
			(*events)[i].outdated = true
		}
		if (*events)[i].outdated {
			old = i
		}
	}
	e := scaleEvent{change: change, at: now}
	if old >= 0 {
		(*events)[old] = e
	} else {
		*events = append(*events, e)
	}
}
