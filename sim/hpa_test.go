package sim

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// The tables below replay Kubernetes' own test cases for the HPA
// controller (kubernetes/kubernetes, pkg/controller/podautoscaler) through
// the "hpa" kind's code and expect Kubernetes' answers. Each row names the
// upstream file and test (and row, for table tests). Inputs are as upstream
// writes them; the upstream helpers' conventions are kept: two containers
// per pod (requests and levels count twice), metric samples stamped at the
// zero time with a one-minute window, pods started at the zero time unless
// "hot" (started now) or "cool" (3 minutes ago), and the test controller's
// CPU initialization period of 2 minutes and readiness delay of 10 seconds.

const (
	rcTest = "replica_calculator_test.go"
	hTest  = "horizontal_test.go"

	testCPUInit        = 2 * time.Minute  // defaultTestingCPUInitializationPeriod
	testReadinessDelay = 10 * time.Second // defaultTestingDelayOfInitialReadinessStatus
	containersPerPod   = 2                // numContainersPerPod
)

var testNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

type startAt int

const (
	zeroStart startAt = iota // metav1.Time{}
	hot                      // hotCPUCreationTime: now
	cool                     // coolCPUCreationTime: now - 3m
)

// calcCase is one replicaCalcTestCase on a CPU resource.
type calcCase struct {
	upstream  string
	current   int32
	requests  []int64 // milli-CPU per container
	levels    []int64 // milli-CPU per container, one per pod with a sample
	podNames  []string
	readiness []readiness
	starts    []startAt
	phases    []podPhase
	deleting  []bool
	target    int32

	want     int32
	wantUtil int32
	wantRaw  int64
	wantErr  string // a substring; "" for none
}

// pods builds the upstream fake pod list and metrics for c.
func (c calcCase) pods() ([]hpaPod, map[string]podSample) {
	n := max(int(c.current), len(c.phases))
	var pods []hpaPod
	for i := range n {
		p := hpaPod{name: fmt.Sprintf("test-pod-%d", i), phase: podRunning, ready: isReady, hasStart: true}
		if i < len(c.readiness) {
			p.ready = c.readiness[i]
		}
		if i < len(c.starts) {
			switch c.starts[i] {
			case hot:
				p.started = testNow
			case cool:
				p.started = testNow.Add(-3 * time.Minute)
			}
		}
		if i < len(c.phases) {
			p.phase = c.phases[i]
		}
		if i < len(c.deleting) {
			p.deleting = c.deleting[i]
		}
		if i < len(c.requests) {
			p.requestMilli = containersPerPod * c.requests[i]
		}
		pods = append(pods, p)
	}
	samples := map[string]podSample{}
	for i, l := range c.levels {
		name := fmt.Sprintf("test-pod-%d", i)
		if i < len(c.podNames) {
			name = c.podNames[i]
		}
		samples[name] = podSample{milli: containersPerPod * l, window: time.Minute}
	}
	return pods, samples
}

func ones(n int) []int64 {
	r := make([]int64, n)
	for i := range r {
		r[i] = 1000
	}
	return r
}

const (
	T = isReady
	F = notReady
	R = podRunning
	P = podPending
	X = podFailed
)

func TestReplicaCalcReplaysKubernetes(t *testing.T) {
	tests := []calcCase{
		{upstream: rcTest + " TestReplicaCalcDisjointResourcesMetrics", current: 1, requests: ones(1), levels: []int64{100},
			podNames: []string{"an-older-pod-name"}, target: 100, wantErr: "no metrics returned matched known pods"},
		{upstream: rcTest + " TestReplicaCalcScaleUp", current: 3, requests: ones(3), levels: []int64{300, 500, 700},
			target: 30, want: 5, wantUtil: 50, wantRaw: 2 * 500},
		{upstream: rcTest + " TestReplicaCalcScaleUpUnreadyLessScale", current: 3, readiness: []readiness{F, T, T},
			requests: ones(3), levels: []int64{300, 500, 700}, target: 30, want: 4, wantUtil: 60, wantRaw: 2 * 600},
		{upstream: rcTest + " TestReplicaCalcScaleUpHotCpuLessScale", current: 3, starts: []startAt{hot, cool, cool},
			requests: ones(3), levels: []int64{300, 500, 700}, target: 30, want: 4, wantUtil: 60, wantRaw: 2 * 600},
		{upstream: rcTest + " TestReplicaCalcScaleUpUnreadyNoScale", current: 3, readiness: []readiness{T, F, F},
			requests: ones(3), levels: []int64{400, 500, 700}, target: 30, want: 3, wantUtil: 40, wantRaw: 2 * 400},
		{upstream: rcTest + " TestReplicaCalcScaleHotCpuNoScale", current: 3, readiness: []readiness{T, F, F},
			starts: []startAt{cool, hot, hot}, requests: ones(3), levels: []int64{400, 500, 700}, target: 30,
			want: 3, wantUtil: 40, wantRaw: 2 * 400},
		{upstream: rcTest + " TestReplicaCalcScaleUpIgnoresFailedPods", current: 2, readiness: []readiness{T, T, F, F},
			phases: []podPhase{R, R, X, X}, requests: ones(4), levels: []int64{500, 700}, target: 30,
			want: 4, wantUtil: 60, wantRaw: 2 * 600},
		{upstream: rcTest + " TestReplicaCalcScaleUpIgnoresDeletionPods", current: 2, readiness: []readiness{T, T, F, F},
			phases: []podPhase{R, R, R, R}, deleting: []bool{false, false, true, true}, requests: ones(4),
			levels: []int64{500, 700}, target: 30, want: 4, wantUtil: 60, wantRaw: 2 * 600},
		{upstream: rcTest + " TestReplicaCalcScaleDown", current: 5, requests: ones(5), levels: []int64{100, 300, 500, 250, 250},
			target: 50, want: 3, wantUtil: 28, wantRaw: 2 * 280},
		{upstream: rcTest + " TestReplicaCalcScaleDownExcludeUnreadyPods", current: 5, readiness: []readiness{T, T, T, F, F},
			requests: ones(5), levels: []int64{100, 300, 500, 250, 250}, target: 50, want: 2, wantUtil: 30, wantRaw: 2 * 300},
		{upstream: rcTest + " TestReplicaCalcScaleDownExcludeUnscheduledPods", current: 5, readiness: []readiness{T, F, F, F, F},
			phases: []podPhase{R, P, P, P, P}, requests: ones(5), levels: []int64{100}, target: 50,
			want: 1, wantUtil: 10, wantRaw: 2 * 100},
		{upstream: rcTest + " TestReplicaCalcScaleDownIgnoreHotCpuPods", current: 5, starts: []startAt{cool, cool, cool, hot, hot},
			requests: ones(5), levels: []int64{100, 300, 500, 250, 250}, target: 50, want: 2, wantUtil: 30, wantRaw: 2 * 300},
		{upstream: rcTest + " TestReplicaCalcScaleDownIgnoresFailedPods", current: 5, readiness: []readiness{T, T, T, T, T, F, F},
			phases: []podPhase{R, R, R, R, R, X, X}, requests: ones(7), levels: []int64{100, 300, 500, 250, 250}, target: 50,
			want: 3, wantUtil: 28, wantRaw: 2 * 280},
		{upstream: rcTest + " TestReplicaCalcScaleDownIgnoresDeletionPods", current: 5, readiness: []readiness{T, T, T, T, T, F, F},
			phases: []podPhase{R, R, R, R, R, R, R}, deleting: []bool{false, false, false, false, false, true, true},
			requests: ones(7), levels: []int64{100, 300, 500, 250, 250}, target: 50, want: 3, wantUtil: 28, wantRaw: 2 * 280},
		{upstream: rcTest + " TestReplicaCalcTolerance", current: 3, requests: []int64{900, 1000, 1100},
			levels: []int64{1010, 1030, 1020}, target: 100, want: 3, wantUtil: 102, wantRaw: 2 * 1020},
		{upstream: rcTest + " TestReplicaCalcSuperfluousMetrics", current: 4, requests: ones(4),
			levels: []int64{4000, 9500, 3000, 7000, 3200, 2000}, target: 100, want: 24, wantUtil: 587, wantRaw: 2 * 5875},
		{upstream: rcTest + " TestReplicaCalcMissingMetrics", current: 4, requests: ones(4), levels: []int64{400, 95},
			target: 100, want: 3, wantUtil: 24, wantRaw: 495},
		// Upstream the metrics client fails first ("no metrics returned from
		// resource metrics API"); either way: an error, no scaling.
		{upstream: rcTest + " TestReplicaCalcEmptyMetrics", current: 4, requests: ones(3), target: 100, wantErr: "did not receive metrics"},
		{upstream: rcTest + " TestReplicaCalcEmptyCPURequest", current: 1, levels: []int64{200}, target: 100, wantErr: "missing request for"},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsNoChangeEq", current: 2, requests: ones(2), levels: []int64{1000},
			target: 100, want: 2, wantUtil: 100, wantRaw: 2 * 1000},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsNoChangeGt", current: 2, requests: ones(2), levels: []int64{1900},
			target: 100, want: 2, wantUtil: 190, wantRaw: 2 * 1900},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsNoChangeLt", current: 2, requests: ones(2), levels: []int64{600},
			target: 100, want: 2, wantUtil: 60, wantRaw: 2 * 600},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsUnreadyChange", current: 3, readiness: []readiness{F, T, T},
			requests: ones(3), levels: []int64{100, 450}, target: 50, want: 3, wantUtil: 45, wantRaw: 2 * 450},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsHotCpuNoChange", current: 3, starts: []startAt{hot, cool, cool},
			requests: ones(3), levels: []int64{100, 450}, target: 50, want: 3, wantUtil: 45, wantRaw: 2 * 450},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsUnreadyScaleUp", current: 3, readiness: []readiness{F, T, T},
			requests: ones(3), levels: []int64{100, 2000}, target: 50, want: 4, wantUtil: 200, wantRaw: 2 * 2000},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsHotCpuScaleUp", current: 3, readiness: []readiness{F, T, T},
			starts: []startAt{hot, cool, cool}, requests: ones(3), levels: []int64{100, 2000}, target: 50,
			want: 4, wantUtil: 200, wantRaw: 2 * 2000},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsUnreadyScaleDown", current: 4, readiness: []readiness{F, T, T, T},
			requests: ones(4), levels: []int64{100, 100, 100}, target: 50, want: 3, wantUtil: 10, wantRaw: 2 * 100},
		{upstream: rcTest + " TestReplicaCalcMissingMetricsScaleDownTargetOver100", current: 4, readiness: []readiness{F, T, T, T},
			requests: []int64{1000, 1000, 2000, 2000}, levels: []int64{200, 100, 100}, target: 300, want: 2, wantUtil: 6, wantRaw: 2 * 100},
		{upstream: rcTest + " TestReplicaCalcDuringRollingUpdateWithMaxSurge", current: 2, phases: []podPhase{R, R, R},
			requests: ones(3), levels: []int64{100, 100}, target: 50, want: 2, wantUtil: 10, wantRaw: 2 * 100},
		// TestReplicaCalcComputedToleranceAlgImplementation computes its
		// target: int32((1/(2 × 0.9) + .01) × 100) = 56 scales 10 pods at 50 %
		// to ceil(50/56 × 10) = 9; with + .004, target 55 is within the
		// tolerance: 10.
		{upstream: rcTest + " TestReplicaCalcComputedToleranceAlgImplementation (scale)", current: 10,
			requests: []int64{400, 200, 310, 290, 302, 298, 301, 299, 300, 300},
			levels:   []int64{150, 150, 150, 150, 150, 150, 150, 150, 150, 150}, target: 56, want: 9, wantUtil: 50, wantRaw: 2 * 150},
		{upstream: rcTest + " TestReplicaCalcComputedToleranceAlgImplementation (no scale)", current: 10,
			requests: []int64{400, 200, 310, 290, 302, 298, 301, 299, 300, 300},
			levels:   []int64{150, 150, 150, 150, 150, 150, 150, 150, 150, 150}, target: 55, want: 10, wantUtil: 50, wantRaw: 2 * 150},
	}
	for _, tc := range tests {
		t.Run(tc.upstream, func(t *testing.T) {
			pods, samples := tc.pods()
			got, util, raw, err := resourceReplicas(testNow, tc.current, tc.target, tolerances{0.1, 0.1}, pods, samples,
				testCPUInit, testReadinessDelay)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || util != tc.wantUtil || raw != tc.wantRaw {
				t.Errorf("replicas, utilization, raw = %d, %d, %d; Kubernetes says %d, %d, %d",
					got, util, raw, tc.want, tc.wantUtil, tc.wantRaw)
			}
		})
	}
}

// TestGroupPodsReplaysKubernetes replays replica_calculator_test.go
// TestGroupPods (its CPU rows and the phase rows).
func TestGroupPodsReplaysKubernetes(t *testing.T) {
	ago := func(d time.Duration) time.Time { return testNow.Add(-d) }
	tests := []struct {
		name                     string
		pods                     []hpaPod
		samples                  map[string]podSample
		ready                    int
		unready, missing, ignore string // comma-separated names
	}{
		{name: "void"},
		{name: "unready a pod without ready condition - CPU",
			pods:    []hpaPod{{name: "lucretius", phase: podRunning, hasStart: true, started: testNow}},
			samples: map[string]podSample{"lucretius": {milli: 1}}, unready: "lucretius"},
		{name: "count in a ready pod with fresh metrics during initialization period - CPU",
			pods:    []hpaPod{{name: "bentham", hasStart: true, started: ago(time.Minute), ready: isReady, readySince: ago(30 * time.Second)}},
			samples: map[string]podSample{"bentham": {milli: 1, at: testNow, window: 30 * time.Second}}, ready: 1},
		{name: "unready a ready pod without fresh metrics during initialization period - CPU",
			pods:    []hpaPod{{name: "bentham", hasStart: true, started: ago(time.Minute), ready: isReady, readySince: ago(30 * time.Second)}},
			samples: map[string]podSample{"bentham": {milli: 1, at: testNow, window: time.Minute}}, unready: "bentham"},
		{name: "unready an unready pod during initialization period - CPU",
			pods:    []hpaPod{{name: "lucretius", hasStart: true, started: ago(10 * time.Minute), ready: notReady, readySince: ago(9*time.Minute + 54*time.Second)}},
			samples: map[string]podSample{"lucretius": {milli: 1}}, unready: "lucretius"},
		{name: "count in a ready pod without fresh metrics after initialization period - CPU",
			pods:    []hpaPod{{name: "bentham", hasStart: true, started: ago(3 * time.Minute), ready: isReady, readySince: ago(3 * time.Minute)}},
			samples: map[string]podSample{"bentham": {milli: 1, at: ago(2 * time.Minute), window: time.Minute}}, ready: 1},
		{name: "count in an unready pod that was ready after initialization period - CPU",
			pods:    []hpaPod{{name: "lucretius", hasStart: true, started: ago(10 * time.Minute), ready: notReady, readySince: ago(9 * time.Minute)}},
			samples: map[string]podSample{"lucretius": {milli: 1}}, ready: 1},
		{name: "unready pod that has never been ready after initialization period - CPU",
			pods:    []hpaPod{{name: "lucretius", hasStart: true, started: ago(10 * time.Minute), ready: notReady, readySince: ago(9*time.Minute + 50*time.Second)}},
			samples: map[string]podSample{"lucretius": {milli: 1}}, ready: 1},
		{name: "a missing pod",
			pods: []hpaPod{{name: "epicurus", hasStart: true, started: ago(3 * time.Minute)}}, missing: "epicurus"},
		{name: "several pods",
			pods: []hpaPod{
				{name: "lucretius", hasStart: true, started: testNow},
				{name: "niccolo", hasStart: true, started: ago(3 * time.Minute), ready: isReady, readySince: ago(3 * time.Minute)},
				{name: "epicurus", hasStart: true, started: ago(3 * time.Minute)},
			},
			samples: map[string]podSample{"lucretius": {milli: 1}, "niccolo": {milli: 1}},
			ready:   1, unready: "lucretius", missing: "epicurus"},
		{name: "pending pods are unreadied", pods: []hpaPod{{name: "unscheduled", phase: podPending}}, unready: "unscheduled"},
		{name: "ignore pods with deletion timestamps", pods: []hpaPod{{name: "deleted", phase: podPending, deleting: true}},
			samples: map[string]podSample{"deleted": {milli: 1}}, ignore: "deleted"},
		{name: "ignore pods in a failed state", pods: []hpaPod{{name: "failed", phase: podFailed}},
			samples: map[string]podSample{"failed": {milli: 1}}, ignore: "failed"},
	}
	names := func(m map[string]bool) string {
		var s []string
		for _, p := range []string{"lucretius", "niccolo", "epicurus", "bentham", "unscheduled", "deleted", "failed"} {
			if m[p] {
				s = append(s, p)
			}
		}
		return strings.Join(s, ",")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := groupPods(testNow, tc.pods, tc.samples, testCPUInit, testReadinessDelay)
			if g.ready != tc.ready || names(g.unready) != tc.unready || names(g.missing) != tc.missing || names(g.ignored) != tc.ignore {
				t.Errorf("ready %d unready %q missing %q ignored %q; Kubernetes says %d %q %q %q",
					g.ready, names(g.unready), names(g.missing), names(g.ignored), tc.ready, tc.unready, tc.missing, tc.ignore)
			}
		})
	}
}

func TestConvertDesiredReplicasWithRulesReplaysKubernetes(t *testing.T) {
	// The last row expects calculateScaleUpLimit(3): max(2 × 3, 4) = 6 in
	// the controller as shipped; horizontal_test.go's init() sets
	// scaleUpLimitFactor = 8, so in its own run the row is max(8 × 3, 4) = 24.
	tests := []struct {
		row                                string
		current, desired, minR, maxR, want int32
		factor                             float64
		reason                             string
	}{
		{"prenormalized desired replicas within range", 5, 7, 3, 8, 7, 2, reasonWithinRange},
		{"prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, 2, reasonTooFew},
		{"prenormalized desired zeroed replicas within range", 1, 0, 0, 10, 0, 2, reasonWithinRange},
		{"maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10, 2, reasonTooMany},
		{"scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 6, 2, reasonScaleUpLimit},
		{"scaleUpLimit is the limit because scaleUpLimit < maxReplicas (factor 8)", 3, 1000, 1, 2000, 24, 8, reasonScaleUpLimit},
	}
	for _, tc := range tests {
		t.Run(hTest+" TestConvertDesiredReplicasWithRules "+tc.row, func(t *testing.T) {
			got, why := convertWithRules(tc.current, tc.desired, tc.minR, tc.maxR, tc.factor)
			if got != tc.want || why != tc.reason {
				t.Errorf("got %d (%s); Kubernetes says %d (%s)", got, why, tc.want, tc.reason)
			}
		})
	}
}

func TestScaleLimitsWithRulesReplayKubernetes(t *testing.T) {
	two := []ScalingPolicy{{Type: PodsPolicy, Value: 2, PeriodSeconds: 60}, {Type: PercentPolicy, Value: 50, PeriodSeconds: 60}}
	r := rules{window: 300 * time.Second, selected: SelectMin, policies: two}
	if got := scaleUpLimitWithRules(testNow, 1, nil, nil, r); got != 2 {
		t.Errorf("%s TestCalculateScaleUpLimitWithScalingRules: got %d, Kubernetes says 2", hTest, got)
	}
	if got := scaleDownLimitWithRules(testNow, 5, nil, nil, r); got != 3 {
		t.Errorf("%s TestCalculateScaleDownLimitWithBehaviors: got %d, Kubernetes says 3", hTest, got)
	}
}

func TestNormalizeDesiredReplicasReplaysKubernetes(t *testing.T) {
	ago := func(d time.Duration) time.Time { return testNow.Add(-d) }
	tests := []struct {
		row           string
		recs          []hpaRecommendation
		desired, want int32
		wantLogLength int
	}{
		{"empty log", nil, 5, 5, 1},
		{"stabilize", []hpaRecommendation{{4, ago(2 * time.Minute)}, {5, ago(time.Minute)}}, 3, 5, 3},
		{"no stabilize", []hpaRecommendation{{1, ago(2 * time.Minute)}, {2, ago(time.Minute)}}, 3, 3, 3},
		{"no stabilize - old recommendations", []hpaRecommendation{{10, ago(10 * time.Minute)}, {9, ago(9 * time.Minute)}}, 3, 3, 2},
		{"stabilize - old recommendations", []hpaRecommendation{{10, ago(10 * time.Minute)}, {4, ago(time.Minute)},
			{5, ago(2 * time.Minute)}, {9, ago(9 * time.Minute)}}, 3, 5, 4},
	}
	for _, tc := range tests {
		t.Run(hTest+" TestNormalizeDesiredReplicas "+tc.row, func(t *testing.T) {
			recs := append([]hpaRecommendation(nil), tc.recs...)
			got := stabilizeLegacy(testNow, &recs, 5*time.Minute, tc.desired)
			if got != tc.want || len(recs) != tc.wantLogLength {
				t.Errorf("got %d with %d recommendations kept; Kubernetes says %d with %d", got, len(recs), tc.want, tc.wantLogLength)
			}
		})
	}
}

// generateScalingRules is horizontal_test.go's helper: selectPolicy Max,
// a Pods policy when pods > 0, a Percent policy when percent > 0.
func generateScalingRules(pods, podsPeriod, percent, percentPeriod, window int32) *ScalingRules {
	max := SelectMax
	r := &ScalingRules{StabilizationWindowSeconds: &window, SelectPolicy: &max}
	if pods != 0 {
		r.Policies = append(r.Policies, ScalingPolicy{Type: PodsPolicy, Value: pods, PeriodSeconds: podsPeriod})
	}
	if percent != 0 {
		r.Policies = append(r.Policies, ScalingPolicy{Type: PercentPolicy, Value: percent, PeriodSeconds: percentPeriod})
	}
	return r
}

// uniformEvents is horizontal_test.go's generateEventsUniformDistribution:
// the events spread over the last period, each in the middle of its share.
func uniformEvents(changes []int32, periodSeconds int) []scaleEvent {
	events := make([]scaleEvent, len(changes))
	segment := float64(periodSeconds) / float64(len(changes))
	for i, c := range changes {
		back := time.Duration(float64(periodSeconds) - segment*float64(i+1) + segment/2)
		events[i] = scaleEvent{change: c, at: testNow.Add(-time.Second * back)}
	}
	return events
}

func TestScalingWithRulesReplaysKubernetes(t *testing.T) {
	ev := uniformEvents
	tests := []struct {
		row              string
		ups, downs       []scaleEvent
		minR, maxR       int32
		up, down         *ScalingRules
		current, desired int32
		want             int32
		reason           string
	}{
		{row: "prenormalized desired replicas within range", current: 5, desired: 7, minR: 3, maxR: 8, want: 7, reason: reasonWithinRange},
		{row: "prenormalized desired replicas < minReplicas", current: 3, desired: 1, minR: 2, maxR: 8, want: 2, reason: reasonTooFew},
		{row: "prenormalized desired replicas within range when minReplicas is 0", current: 1, desired: 0, minR: 0, maxR: 10, want: 0, reason: reasonWithinRange},
		{row: "maxReplicas is the limit because maxReplicas < scaleUpLimit", current: 20, desired: 1000, minR: 1, maxR: 10, want: 10, reason: reasonTooMany},
		{row: "desired replica count is more than the maximum replica count", current: 100, desired: 1000, minR: 100, maxR: 150, want: 150, reason: reasonTooMany},
		{row: "scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", current: 3, desired: 1000, minR: 1, maxR: 2000,
			up: generateScalingRules(0, 0, 1, 60, 0), want: 4, reason: reasonScaleUpLimit},
		// Upstream skips this row (testThis); Kubernetes' code gives 980.
		{row: "scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies", current: 1000, desired: 3, minR: 3, maxR: 2000,
			down: generateScalingRules(20, 60, 0, 0, 0), want: 980, reason: reasonDownLimit},
		{row: "scaleUp with default behavior", minR: 1, maxR: 1000, current: 10, desired: 50, want: 20, reason: reasonScaleUpLimit},
		{row: "scaleUp with pods policy larger than percent policy", minR: 1, maxR: 1000, up: generateScalingRules(100, 60, 100, 60, 0),
			current: 10, desired: 500, want: 110, reason: reasonScaleUpLimit},
		{row: "scaleUp with percent policy larger than pods policy", minR: 1, maxR: 1000, up: generateScalingRules(2, 60, 100, 60, 0),
			current: 10, desired: 500, want: 20, reason: reasonScaleUpLimit},
		{row: "scaleUp with spec MaxReplicas limitation with large pod policy", minR: 1, maxR: 1000, up: generateScalingRules(100, 60, 0, 0, 0),
			current: 10, desired: 50, want: 50, reason: reasonWithinRange},
		{row: "scaleUp with spec MaxReplicas limitation with large percent policy", minR: 1, maxR: 1000, up: generateScalingRules(10000, 60, 0, 0, 0),
			current: 10, desired: 50, want: 50, reason: reasonWithinRange},
		{row: "scaleUp with pod policy limitation", minR: 1, maxR: 1000, up: generateScalingRules(30, 60, 0, 0, 0),
			current: 10, desired: 50, want: 40, reason: reasonScaleUpLimit},
		{row: "scaleUp with percent policy limitation", minR: 1, maxR: 1000, up: generateScalingRules(0, 0, 200, 60, 0),
			current: 10, desired: 50, want: 30, reason: reasonScaleUpLimit},
		{row: "scaleDown with percent policy larger than pod policy", minR: 1, maxR: 1000, down: generateScalingRules(20, 60, 1, 60, 300),
			current: 100, desired: 2, want: 80, reason: reasonDownLimit},
		{row: "scaleDown with pod policy larger than percent policy", minR: 1, maxR: 1000, down: generateScalingRules(2, 60, 1, 60, 300),
			current: 100, desired: 2, want: 98, reason: reasonDownLimit},
		{row: "scaleDown with spec MinReplicas=nil limitation with large pod policy", minR: 1, maxR: 1000, down: generateScalingRules(100, 60, 0, 0, 300),
			current: 10, desired: 0, want: 1, reason: reasonTooFew},
		{row: "scaleDown with spec MinReplicas limitation with large pod policy", minR: 1, maxR: 1000, down: generateScalingRules(100, 60, 0, 0, 300),
			current: 10, desired: 0, want: 1, reason: reasonTooFew},
		{row: "scaleDown with spec MinReplicas limitation with large percent policy", minR: 5, maxR: 1000, down: generateScalingRules(0, 0, 100, 60, 300),
			current: 10, desired: 2, want: 5, reason: reasonTooFew},
		{row: "scaleDown with pod policy limitation", minR: 1, maxR: 1000, down: generateScalingRules(5, 60, 0, 0, 300),
			current: 10, desired: 2, want: 5, reason: reasonDownLimit},
		{row: "scaleDown with percent policy limitation", minR: 1, maxR: 1000, down: generateScalingRules(0, 0, 50, 60, 300),
			current: 10, desired: 5, want: 5, reason: reasonWithinRange},
		{row: "scaleUp with spec MaxReplicas limitation with large pod policy and events", ups: ev([]int32{1, 5, 9}, 120), minR: 1, maxR: 200,
			up: generateScalingRules(300, 60, 0, 0, 0), current: 100, desired: 500, want: 200, reason: reasonTooMany},
		{row: "scaleUp with spec MaxReplicas limitation with large percent policy and events", ups: ev([]int32{1, 5, 9}, 120), minR: 1, maxR: 200,
			up: generateScalingRules(0, 0, 10000, 60, 0), current: 100, desired: 500, want: 200, reason: reasonTooMany},
		{row: "scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events", ups: ev([]int32{1, 5, 9}, 120),
			minR: 1, maxR: 1000, up: generateScalingRules(5, 120, 0, 0, 0), current: 100, desired: 500, want: 100, reason: reasonScaleUpLimit},
		{row: "scaleUp with pod policy and previous scale up events", ups: ev([]int32{1, 5, 9}, 120), minR: 1, maxR: 1000,
			up: generateScalingRules(150, 120, 0, 0, 0), current: 100, desired: 500, want: 235, reason: reasonScaleUpLimit},
		{row: "scaleUp with percent policy and previous scale up events", ups: ev([]int32{1, 5, 9}, 120), minR: 1, maxR: 1000,
			up: generateScalingRules(0, 0, 200, 120, 0), current: 100, desired: 500, want: 255, reason: reasonScaleUpLimit},
		{row: "scaleUp with percent policy and previous scale up and down events", ups: ev([]int32{4}, 120), downs: ev([]int32{2}, 120),
			minR: 1, maxR: 1000, up: generateScalingRules(0, 0, 300, 300, 0), current: 6, desired: 24, want: 16, reason: reasonScaleUpLimit},
		{row: "scaleDown with default policy and previous events", downs: ev([]int32{1, 5, 9}, 120), minR: 1, maxR: 1000,
			current: 10, desired: 5, want: 5, reason: reasonWithinRange},
		{row: "scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", downs: ev([]int32{1, 5, 9}, 120),
			minR: 1, maxR: 1000, down: generateScalingRules(115, 120, 0, 0, 300), current: 100, desired: 0, want: 1, reason: reasonTooFew},
		{row: "scaleDown with spec MinReplicas limitation with large pod policy and previous events", downs: ev([]int32{1, 5, 9}, 120),
			minR: 5, maxR: 1000, down: generateScalingRules(130, 120, 0, 0, 300), current: 100, desired: 0, want: 5, reason: reasonTooFew},
		{row: "scaleDown with spec MinReplicas limitation with large percent policy and previous events", downs: ev([]int32{1, 5, 9}, 120),
			minR: 5, maxR: 1000, down: generateScalingRules(0, 0, 100, 120, 300), current: 100, desired: 2, want: 5, reason: reasonTooFew},
		{row: "scaleDown with pod policy limitation and previous events", downs: ev([]int32{1, 5, 9}, 120), minR: 1, maxR: 1000,
			down: generateScalingRules(5, 120, 0, 0, 300), current: 100, desired: 2, want: 100, reason: reasonDownLimit},
		{row: "scaleDown with percent policy limitation and previous events", downs: ev([]int32{2, 4, 6}, 120), minR: 1, maxR: 1000,
			down: generateScalingRules(0, 0, 50, 120, 300), current: 100, desired: 0, want: 56, reason: reasonDownLimit},
		{row: "scaleDown with percent policy and previous scale up and down events", ups: ev([]int32{2}, 120), downs: ev([]int32{4}, 120),
			minR: 1, maxR: 1000, down: generateScalingRules(0, 0, 50, 180, 0), current: 10, desired: 1, want: 6, reason: reasonDownLimit},
		{row: "scaleDown with previous events preventing further scale down", downs: ev([]int32{10, 10, 10}, 120), minR: 1, maxR: 1000,
			down: generateScalingRules(0, 0, 10, 120, 300), current: 100, desired: 0, want: 100, reason: reasonDownLimit},
		{row: "scaleDown with with previous events still allowing more scale down", downs: ev([]int32{10, 10, 10}, 120), minR: 1, maxR: 1000,
			down: generateScalingRules(0, 0, 1000, 120, 300), current: 10, desired: 5, want: 5, reason: reasonWithinRange},
		{row: "check 'outdated' flag for events for one behavior for up", ups: ev([]int32{8, 12, 9, 11}, 120), minR: 1, maxR: 1000,
			up: generateScalingRules(1000, 60, 0, 0, 0), current: 100, desired: 200, want: 200, reason: reasonWithinRange},
		{row: "check that events were not marked 'outdated' for two different policies in the behavior for up", ups: ev([]int32{8, 12, 9, 11}, 120),
			minR: 1, maxR: 1000, up: generateScalingRules(1000, 120, 100, 60, 0), current: 100, desired: 200, want: 200, reason: reasonWithinRange},
		{row: "check that events were marked 'outdated' for two different policies in the behavior for up", ups: ev([]int32{8, 12, 9, 11}, 120),
			minR: 1, maxR: 1000, up: generateScalingRules(1000, 30, 100, 60, 0), current: 100, desired: 200, want: 200, reason: reasonWithinRange},
		{row: "check 'outdated' flag for events for one behavior for down", downs: ev([]int32{8, 12, 9, 11}, 120), minR: 1, maxR: 1000,
			down: generateScalingRules(1000, 60, 0, 0, 300), current: 100, desired: 5, want: 5, reason: reasonWithinRange},
		{row: "check that events were not marked 'outdated' for two different policies in the behavior for down", downs: ev([]int32{8, 12, 9, 11}, 120),
			minR: 1, maxR: 1000, down: generateScalingRules(1000, 120, 100, 60, 300), current: 100, desired: 5, want: 5, reason: reasonWithinRange},
		{row: "check that events were marked 'outdated' for two different policies in the behavior for down", downs: ev([]int32{8, 12, 9, 11}, 120),
			minR: 1, maxR: 1000, down: generateScalingRules(1000, 30, 100, 60, 300), current: 100, desired: 5, want: 5, reason: reasonWithinRange},
	}
	for _, tc := range tests {
		t.Run(hTest+" TestScalingWithRules "+tc.row, func(t *testing.T) {
			b := bounds{minReplicas: tc.minR, maxReplicas: tc.maxR, up: scaleUpRules(tc.up), down: scaleDownRules(tc.down, 5*time.Minute)}
			got, why := convertWithBehaviorRate(testNow, tc.current, tc.desired, b, tc.ups, tc.downs)
			if got != tc.want || why != tc.reason {
				t.Errorf("got %d (%s); Kubernetes says %d (%s)", got, why, tc.want, tc.reason)
			}
		})
	}
}

func TestNormalizeDesiredReplicasWithBehaviorReplaysKubernetes(t *testing.T) {
	ago := func(d time.Duration) time.Time { return testNow.Add(-d) }
	tests := []struct {
		row                  string
		recs                 []hpaRecommendation
		current, desired     int32
		want                 int32
		wantRecs             []int32 // nil: not checked upstream
		upWindow, downWindow time.Duration
	}{
		{row: "empty recommendations for scaling down", current: 100, desired: 5, want: 5, wantRecs: []int32{5}},
		{row: "simple scale down stabilization", recs: []hpaRecommendation{{4, ago(2 * time.Minute)}, {5, ago(time.Minute)}},
			current: 100, desired: 3, want: 5, wantRecs: []int32{4, 5, 3}, downWindow: 3 * time.Minute},
		{row: "simple scale up stabilization", recs: []hpaRecommendation{{4, ago(2 * time.Minute)}, {5, ago(time.Minute)}},
			current: 1, desired: 7, want: 4, wantRecs: []int32{4, 5, 7}, upWindow: 5 * time.Minute},
		{row: "no scale down stabilization", recs: []hpaRecommendation{{1, ago(2 * time.Minute)}, {2, ago(time.Minute)}},
			current: 100, desired: 3, want: 3, wantRecs: []int32{1, 2, 3}, upWindow: 5 * time.Minute},
		{row: "no scale up stabilization", recs: []hpaRecommendation{{4, ago(2 * time.Minute)}, {5, ago(time.Minute)}},
			current: 1, desired: 3, want: 3, wantRecs: []int32{4, 5, 3}, downWindow: 5 * time.Minute},
		{row: "no scale down stabilization, reuse recommendation element", recs: []hpaRecommendation{{10, ago(10 * time.Minute)}, {9, ago(9 * time.Minute)}},
			current: 100, desired: 3, want: 3, wantRecs: []int32{10, 3}},
		{row: "no scale up stabilization, reuse recommendation element", recs: []hpaRecommendation{{10, ago(10 * time.Minute)}, {9, ago(9 * time.Minute)}},
			current: 1, desired: 100, want: 100, wantRecs: []int32{10, 100}},
		{row: "scale down stabilization, reuse one of obsolete recommendation element", recs: []hpaRecommendation{{10, ago(10 * time.Minute)},
			{4, ago(time.Minute)}, {5, ago(2 * time.Minute)}, {9, ago(9 * time.Minute)}},
			current: 100, desired: 3, want: 5, wantRecs: []int32{10, 4, 5, 3}, downWindow: 3 * time.Minute},
		{row: "scale up stabilization, reuse one of obsolete recommendation element", recs: []hpaRecommendation{{10, ago(100 * time.Minute)},
			{6, ago(time.Minute)}, {5, ago(2 * time.Minute)}, {9, ago(3 * time.Minute)}},
			current: 1, desired: 100, want: 5, wantRecs: []int32{100, 6, 5, 9}, upWindow: 300 * time.Second},
		{row: "scale up and down stabilization, do not scale up when prenormalized rec goes down", recs: []hpaRecommendation{{2, ago(100 * time.Minute)},
			{3, ago(3 * time.Minute)}}, current: 2, desired: 1, want: 2, upWindow: 300 * time.Second, downWindow: 300 * time.Second},
		{row: "scale up and down stabilization, do not scale down when prenormalized rec goes up", recs: []hpaRecommendation{{2, ago(100 * time.Minute)},
			{1, ago(3 * time.Minute)}}, current: 2, desired: 3, want: 2, upWindow: 300 * time.Second, downWindow: 300 * time.Second},
	}
	for _, tc := range tests {
		t.Run(hTest+" TestNormalizeDesiredReplicasWithBehavior "+tc.row, func(t *testing.T) {
			recs := append([]hpaRecommendation(nil), tc.recs...)
			got := stabilizeWithBehavior(testNow, &recs, tc.upWindow, tc.downWindow, tc.current, tc.desired)
			if got != tc.want {
				t.Errorf("got %d; Kubernetes says %d", got, tc.want)
			}
			if tc.wantRecs != nil {
				var kept []int32
				for _, r := range recs {
					kept = append(kept, r.replicas)
				}
				if fmt.Sprint(kept) != fmt.Sprint(tc.wantRecs) {
					t.Errorf("recommendations kept %v; Kubernetes keeps %v", kept, tc.wantRecs)
				}
			}
		})
	}
}

func TestStoreScaleEventsReplaysKubernetes(t *testing.T) {
	ago := func(s int) time.Time { return testNow.Add(-time.Duration(s) * time.Second) }
	type ev struct {
		change   int32
		outdated bool
	}
	tests := []struct {
		row        string
		change     int32
		prev       []scaleEvent
		want       []ev
		rules      *ScalingRules
		wantChange int32 // getReplicasChangePerPeriod(60, prev)
	}{
		{row: "empty entries with default behavior", change: 5},
		{row: "empty entries with two-policy-behavior", change: 5, want: []ev{{5, false}}, rules: generateScalingRules(10, 60, 100, 60, 0)},
		{row: "one outdated entry to be kept untouched without behavior", change: 5, prev: []scaleEvent{{change: 7, at: ago(61)}},
			want: []ev{{7, false}}},
		{row: "one outdated entry to be replaced with behavior", change: 5, prev: []scaleEvent{{change: 7, at: ago(61)}},
			want: []ev{{5, false}}, rules: generateScalingRules(10, 60, 100, 60, 0)},
		{row: "one actual entry to be not touched with behavior", change: 5, prev: []scaleEvent{{change: 7, at: ago(58)}},
			want: []ev{{7, false}, {5, false}}, rules: generateScalingRules(10, 60, 100, 60, 0), wantChange: 7},
		{row: "two entries, one of them to be replaced", change: 5, prev: []scaleEvent{{change: 7, at: ago(61)}, {change: 6, at: ago(59)}},
			want: []ev{{5, false}, {6, false}}, rules: generateScalingRules(10, 60, 0, 0, 0), wantChange: 6},
		{row: "replace one entry, use policies with different periods", change: 5, prev: []scaleEvent{{change: 8, at: ago(29)},
			{change: 6, at: ago(59)}, {change: 7, at: ago(61)}, {change: 9, at: ago(61)}},
			want: []ev{{8, false}, {6, false}, {7, true}, {5, false}}, rules: generateScalingRules(10, 60, 100, 30, 0), wantChange: 14},
		{row: "two entries, both actual", change: 5, prev: []scaleEvent{{change: 7, at: ago(58)}, {change: 6, at: ago(59)}},
			want: []ev{{7, false}, {6, false}, {5, false}}, rules: generateScalingRules(10, 120, 100, 30, 0), wantChange: 13},
	}
	for _, tc := range tests {
		for _, up := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s TestStoreScaleEvents %s (up %v)", hTest, tc.row, up), func(t *testing.T) {
				if got := changeInPeriod(testNow, time.Minute, tc.prev); got != tc.wantChange {
					t.Errorf("change in the last 60s = %d; Kubernetes says %d", got, tc.wantChange)
				}
				c := &hpaController{}
				events := &c.downs
				next := 10 - tc.change
				if up {
					events, next = &c.ups, 10+tc.change
				}
				*events = append([]scaleEvent(nil), tc.prev...)
				if tc.rules != nil {
					c.spec.Behavior = &Behavior{}
					c.b.up, c.b.down = scaleUpRules(tc.rules), scaleDownRules(tc.rules, 0)
				}
				c.storeScaleEvent(testNow, 10, next)
				var got []ev
				for _, e := range *events {
					got = append(got, ev{e.change, e.outdated})
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("events %v; Kubernetes keeps %v", got, tc.want)
				}
			})
		}
	}
}

// TestHPARulesBeyondTheReplays pins rules the upstream tables above do not
// reach, each computed by hand from the upstream code.
func TestHPARulesBeyondTheReplays(t *testing.T) {
	// calculateScaleUpLimit: max(2 × current, 4): 1 or 2 replicas may
	// become 4 in one sync, not 8.
	for current, want := range map[int32]int32{1: 4, 2: 4, 3: 6, 10: 20} {
		if got := scaleUpLimit(current, scaleUpLimitFactor); got != want {
			t.Errorf("scaleUpLimit(%d) = %d, want %d", current, got, want)
		}
	}
	// A scale-down that the missing pods (at 100 %) turn into a scale-up
	// is no change: 2 pods at 40 % of a 50 % target, 2 without samples:
	// (40 + 40 + 100 + 100) / 4 = 70 % > 50 %.
	pods := []hpaPod{
		{name: "a", ready: isReady, hasStart: true, requestMilli: 1000},
		{name: "b", ready: isReady, hasStart: true, requestMilli: 1000},
		{name: "c", ready: isReady, hasStart: true, requestMilli: 1000},
		{name: "d", ready: isReady, hasStart: true, requestMilli: 1000},
	}
	samples := map[string]podSample{"a": {milli: 400}, "b": {milli: 400}}
	if got, _, _, _ := resourceReplicas(testNow, 4, 50, tolerances{0.1, 0.1}, pods, samples, testCPUInit, testReadinessDelay); got != 4 {
		t.Errorf("scale-down flipped by missing pods: %d replicas, want 4 (no change)", got)
	}
	// A ready pod pinned at 100 % against a 70 % target asks for
	// ceil(2 × 100/70) = 3, never more: CPU cannot exceed its limit.
	samples = map[string]podSample{"a": {milli: 1000}, "b": {milli: 1000}}
	if got, _, _, _ := resourceReplicas(testNow, 2, 70, tolerances{0.1, 0.1}, pods[:2], samples, testCPUInit, testReadinessDelay); got != 3 {
		t.Errorf("2 pods at 100 %% of a 70 %% target: %d replicas, want 3", got)
	}
	// Per-direction tolerance: 1.15 is a change with the default 0.1 and
	// none with scaleUp.tolerance 0.2.
	ten := ones(10)
	pods = nil
	samples = map[string]podSample{}
	for i := range ten {
		name := fmt.Sprint(i)
		pods = append(pods, hpaPod{name: name, ready: isReady, hasStart: true, requestMilli: 1000})
		samples[name] = podSample{milli: 575}
	}
	if got, _, _, _ := resourceReplicas(testNow, 10, 50, tolerances{0.1, 0.1}, pods, samples, testCPUInit, testReadinessDelay); got != 12 {
		t.Errorf("ratio 1.15 with tolerance 0.1: %d replicas, want 12", got)
	}
	up := 0.2
	h := HPA{Behavior: &Behavior{ScaleUp: &ScalingRules{Tolerance: &up}}}
	if got, _, _, _ := resourceReplicas(testNow, 10, 50, h.tolerancesOf(), pods, samples, testCPUInit, testReadinessDelay); got != 10 {
		t.Errorf("ratio 1.15 with scaleUp tolerance 0.2: %d replicas, want 10", got)
	}
}

func TestHPAConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := dir + "/sim.yaml"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := LoadConfig(write(`
replicas: 2
autoscale:
  kind: hpa
  target_utilization: 0.7
  sync_phase: 5s
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      selectPolicy: Max
      policies:
        - type: Pods
          value: 4
          periodSeconds: 15
        - type: Percent
          value: 100
          periodSeconds: 15
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Percent
          value: 100
          periodSeconds: 15
`))
	if err != nil {
		t.Fatal(err)
	}
	a := c.WithDefaults().Autoscale
	if !a.IsHPA() || a.SyncPhase != 5*time.Second || a.Behavior == nil || len(a.Behavior.ScaleUp.Policies) != 2 ||
		*a.Behavior.ScaleDown.StabilizationWindowSeconds != 300 || a.Behavior.ScaleDown.SelectPolicy != nil {
		t.Errorf("decoded %+v", a.HPA)
	}
	ctl := newHPAController(a)
	if ctl.b.up.selected != SelectMax || ctl.b.down.selected != SelectMax || ctl.b.down.window != 300*time.Second {
		t.Errorf("defaulted rules up %+v down %+v", ctl.b.up, ctl.b.down)
	}

	for _, tc := range []struct{ body, want string }{
		{"autoscale:\n  kind: keda\n", `:2:9: autoscale.kind: must be "simple" or "hpa", got "keda"`},
		{"autoscale:\n  behavior: {}\n", `:2:13: autoscale.behavior: applies to kind "hpa" only`},
		{"autoscale:\n  kind: hpa\n  metric: rps\n  target_rps: 5\n", `:3:11: autoscale.metric: kind "hpa" scales on CPU utilization, got "rps"`},
		{"autoscale:\n  kind: hpa\n  max_scale_up_step: 2\n", `autoscale.max_scale_up_step: applies to kind "simple" only`},
		{"autoscale:\n  kind: hpa\n  sync_phase: 15s\n", `:3:15: autoscale.sync_phase: must be below interval 15s, got 15s`},
		{"autoscale:\n  kind: hpa\n  behavior:\n    scaleUp:\n      policies:\n        - type: Pod\n          value: 4\n          periodSeconds: 15\n",
			`:6:17: autoscale.behavior.scaleUp.policies[0].type: must be "Pods" or "Percent", got "Pod"`},
		{"autoscale:\n  kind: hpa\n  behavior:\n    scaleDown:\n      selectPolicy: Fastest\n",
			`autoscale.behavior.scaleDown.selectPolicy: must be "Max", "Min" or "Disabled", got "Fastest"`},
		{"autoscale:\n  kind: hpa\n  behavior:\n    scaleDown:\n      policies:\n        - type: Percent\n          value: 10\n          periodSeconds: 3600\n",
			`autoscale.behavior.scaleDown.policies[0].periodSeconds: must be within [1, 1800], got 3600`},
		{"autoscale:\n  kind: hpa\n  behavior:\n    scaleUp:\n      stabilizationWindow: 10\n", `unknown field "stabilizationWindow"`},
	} {
		_, err := LoadConfig(write(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.body, err, tc.want)
		}
	}
}

// syncCase is one horizontal_test.go testCase on a CPU utilization target:
// a whole sync of the controller. The upstream harness lists
// len(reportedCPURequests) pods (statusReplicas when nil), each with its
// Ready condition's transition at its start time, splits each pod's
// request and level over two containers (halving with integer division),
// stamps samples now with a one-minute window, and runs the legacy path
// with scaleUpLimitFactor 8.
type syncCase struct {
	upstream   string
	minR, maxR int32
	current    int32
	target     int32
	levels     []int64 // per pod
	requests   []int64 // per pod; nil: 1000 for each of current pods
	readiness  []readiness
	starts     []startAt
	phases     []podPhase
	noRecs     bool // recommendations: []timestampedRecommendation{}
	up, down   *ScalingRules
	want       int32
}

func (c syncCase) run(t *testing.T) int32 {
	t.Helper()
	requests := c.requests
	if requests == nil {
		requests = ones(int(c.current))
	}
	var pods []hpaPod
	for i, req := range requests {
		p := hpaPod{name: fmt.Sprintf("test-pod-%d", i), phase: podRunning, ready: isReady, hasStart: true,
			requestMilli: req / 2 * 2}
		if i < len(c.readiness) {
			p.ready = c.readiness[i]
		}
		if i < len(c.starts) {
			switch c.starts[i] {
			case hot:
				p.started = testNow
			case cool:
				p.started = testNow.Add(-3 * time.Minute)
			}
		}
		p.readySince = p.started
		if i < len(c.phases) {
			p.phase = c.phases[i]
		}
		pods = append(pods, p)
	}
	samples := map[string]podSample{}
	for i, l := range c.levels {
		samples[fmt.Sprintf("test-pod-%d", i)] = podSample{milli: l / 2 * 2, at: testNow, window: time.Minute}
	}
	a := Autoscale{MinReplicas: int(c.minR), MaxReplicas: int(c.maxR), ScaleDownStabilization: 5 * time.Minute}
	if c.up != nil || c.down != nil {
		a.Behavior = &Behavior{ScaleUp: c.up, ScaleDown: c.down}
	}
	ctl := newHPAController(a)
	ctl.upFactor = 8 // horizontal_test.go's init()
	if c.noRecs {
		ctl.recs = []hpaRecommendation{}
	}
	got, _, err := ctl.reconcile(testNow, c.current, func() (int32, error) {
		n, _, _, err := resourceReplicas(testNow, c.current, c.target, tolerances{0.1, 0.1}, pods, samples, testCPUInit, testReadinessDelay)
		return n, err
	})
	if err != nil {
		t.Logf("no scaling: %v", err)
	}
	return got
}

func TestHorizontalControllerReplaysKubernetes(t *testing.T) {
	lvl := func(l ...int64) []int64 { return l }
	tests := []syncCase{
		{upstream: "TestScaleUp", minR: 2, maxR: 6, current: 3, target: 30, levels: lvl(300, 500, 700), want: 5},
		{upstream: "TestScaleUpUnreadyLessScale", minR: 2, maxR: 6, current: 3, target: 30, levels: lvl(300, 500, 700),
			readiness: []readiness{F, T, T}, want: 4},
		{upstream: "TestScaleUpHotCpuLessScale", minR: 2, maxR: 6, current: 3, target: 30, levels: lvl(300, 500, 700),
			starts: []startAt{hot, cool, cool}, want: 4},
		{upstream: "TestScaleUpUnreadyNoScale", minR: 2, maxR: 6, current: 3, target: 30, levels: lvl(400, 500, 700),
			readiness: []readiness{T, F, F}, want: 3},
		{upstream: "TestScaleUpHotCpuNoScale", minR: 2, maxR: 6, current: 3, target: 30, levels: lvl(400, 500, 700),
			readiness: []readiness{T, F, F}, starts: []startAt{cool, hot, hot}, want: 3},
		{upstream: "TestScaleUpIgnoresFailedPods", minR: 2, maxR: 6, current: 2, target: 30, levels: lvl(500, 700),
			requests: ones(4), readiness: []readiness{T, T, F, F}, phases: []podPhase{R, R, X, X}, want: 4},
		{upstream: "TestScaleDown", minR: 2, maxR: 6, current: 5, target: 50, levels: lvl(100, 300, 500, 250, 250), noRecs: true, want: 3},
		{upstream: "TestScaleDownWithScalingRules", minR: 2, maxR: 6, current: 5, target: 50, levels: lvl(100, 300, 500, 250, 250),
			noRecs: true, up: generateScalingRules(0, 0, 100, 15, 30), want: 3},
		{upstream: "TestScaleDownStabilizeInitialSize", minR: 2, maxR: 6, current: 5, target: 50, levels: lvl(100, 300, 500, 250, 250), want: 5},
		{upstream: "TestTolerance", minR: 1, maxR: 5, current: 3, target: 100, levels: lvl(1010, 1030, 1020),
			requests: []int64{900, 1000, 1100}, want: 3},
		{upstream: "TestMinReplicas", minR: 2, maxR: 5, current: 3, target: 90, levels: lvl(10, 95, 10),
			requests: []int64{900, 1000, 1100}, noRecs: true, want: 2},
		{upstream: "TestZeroMinReplicasDesiredZero", minR: 0, maxR: 5, current: 3, target: 90, levels: lvl(0, 0, 0),
			requests: []int64{900, 1000, 1100}, noRecs: true, want: 0},
		{upstream: "TestMinReplicasDesiredZero", minR: 2, maxR: 5, current: 3, target: 90, levels: lvl(0, 0, 0),
			requests: []int64{900, 1000, 1100}, noRecs: true, want: 2},
		{upstream: "TestZeroReplicas", minR: 3, maxR: 5, current: 0, target: 90, requests: []int64{}, want: 0},
		{upstream: "TestTooFewReplicas", minR: 3, maxR: 5, current: 2, target: 90, requests: []int64{}, want: 3},
		{upstream: "TestTooManyReplicas", minR: 3, maxR: 5, current: 10, target: 90, requests: []int64{}, want: 5},
		{upstream: "TestMaxReplicas", minR: 2, maxR: 5, current: 3, target: 90, levels: lvl(8000, 9500, 1000),
			requests: []int64{900, 1000, 1100}, want: 5},
		{upstream: "TestSuperfluousMetrics", minR: 2, maxR: 6, current: 4, target: 100, levels: lvl(4000, 9500, 3000, 7000, 3200, 2000), want: 6},
		{upstream: "TestMissingMetrics", minR: 2, maxR: 6, current: 4, target: 100, levels: lvl(400, 95), noRecs: true, want: 3},
		{upstream: "TestEmptyMetrics", minR: 2, maxR: 6, current: 4, target: 100, want: 4},
		{upstream: "TestEmptyCPURequest", minR: 1, maxR: 5, current: 1, target: 100, levels: lvl(200), requests: []int64{}, want: 1},
		{upstream: "TestEventCreated", minR: 1, maxR: 5, current: 1, target: 50, levels: lvl(200), requests: []int64{200}, want: 2},
		{upstream: "TestEventNotCreated", minR: 1, maxR: 5, current: 2, target: 50, levels: lvl(200, 200), requests: []int64{400, 400}, want: 2},
		{upstream: "TestMissingReports", minR: 1, maxR: 5, current: 4, target: 50, levels: lvl(200), requests: []int64{200}, noRecs: true, want: 2},
		{upstream: "TestUpscaleCap", minR: 1, maxR: 100, current: 3, target: 10, levels: lvl(100, 200, 300),
			requests: []int64{100, 100, 100}, up: generateScalingRules(0, 0, 700, 60, 0), want: 24},
		{upstream: "TestUpscaleCapGreaterThanMaxReplicas", minR: 1, maxR: 20, current: 3, target: 10, levels: lvl(100, 200, 300),
			requests: []int64{100, 100, 100}, up: generateScalingRules(0, 0, 700, 60, 0), want: 20},
		{upstream: "TestScaleUpRCImmediately", minR: 2, maxR: 6, current: 1, levels: lvl(0, 0, 0, 0), requests: ones(4), want: 2},
		{upstream: "TestScaleDownRCImmediately", minR: 2, maxR: 5, current: 6, target: 50, levels: lvl(8000, 9500, 1000),
			requests: []int64{900, 1000, 1100}, want: 5},
	}
	for _, tc := range tests {
		t.Run(hTest+" "+tc.upstream, func(t *testing.T) {
			if got := tc.run(t); got != tc.want {
				t.Errorf("desired %d; Kubernetes says %d", got, tc.want)
			}
		})
	}
}
