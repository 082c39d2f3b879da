package sim

// The HPA's replica calculator (replica_calculator.go, GetResourceReplicas,
// and metrics/utilization.go): which pods' CPU samples it trusts, and the
// count it proposes for a CPU utilization target.

import (
	"errors"
	"fmt"
	"math"
	"time"
)

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
