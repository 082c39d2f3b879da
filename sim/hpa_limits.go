package sim

// The HPA controller's limits on a proposed count (horizontal.go):
// stabilization over past recommendations, the legacy scale-up cap or the
// behavior's policies over past scale events, [min, max]; and one sync,
// reconcileAutoscaler, that puts the pieces together.

import (
	"math"
	"time"
)

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
