package report

import (
	"fmt"
	"math"
)

// Alert rules are evaluated on the window series the way Prometheus
// evaluates a rule with `for:`. A window's figures are known at its end, so
// the rule is evaluated at every window end. Once its condition holds, the
// rule is pending from the start of the first window of the run of windows
// where it holds; it fires at the end of the first window of that run whose
// end lies at least `for` after the pending start, so `for: 0s` fires at the
// end of the first window where the condition holds. It stays firing until
// a window where the condition does not hold (or with nothing completed:
// nothing is known) resolves it. Each run of windows where the condition
// held is an episode of the rule.
//
// Windows are keyed by intended send time: a window's latency is complete
// only once its slowest request has answered, later than the window's end
// when the target is slow. The timings say when the rule would have fired
// on what users met, as a monitor with complete data would see it.

// Alert statuses.
const (
	AlertFired      = "fired"
	AlertNeverFired = "never fired"
)

// Alert is one alert rule and when it would have fired during the run.
type Alert struct {
	Name string  `json:"name"`
	Expr string  `json:"expr"`  // the condition, in the gate grammar over window figures
	ForS float64 `json:"for_s"` // how long the condition must hold before the rule fires
	// PendingS and FiringS are when the rule began pending and first fired,
	// in seconds from the start of the run; null when it never fired.
	PendingS *float64 `json:"pending_s"`
	FiringS  *float64 `json:"firing_s"`
	// TimeToAlertS is B0 to FiringS (negative: it fired before the burst).
	TimeToAlertS      *float64 `json:"time_to_alert_s"`
	TimeToAlertStatus string   `json:"time_to_alert_status"` // fired, never fired
	// DetectionGapS is the start of the burst's first degraded window to
	// FiringS: how long users were hurt before the rule fired. Null when the
	// burst never degraded the target or the rule never fired.
	DetectionGapS *float64 `json:"detection_gap_s"`
	// Episodes are the runs of windows where the condition held, in time
	// order, whether or not the rule fired in them.
	Episodes []AlertEpisode `json:"episodes,omitempty"`
}

// AlertEpisode is one run of windows where an alert rule's condition held,
// in seconds from the start of the run.
type AlertEpisode struct {
	PendingS float64 `json:"pending_s"` // the start of its first window
	// FiringS is when the rule fired; null when the condition stopped
	// holding before `for` had passed.
	FiringS *float64 `json:"firing_s"`
	// ResolvedS is the end of its last window; null when the condition
	// still held in the last window of the run.
	ResolvedS *float64 `json:"resolved_s"`
}

// States says what the rule was at the end of each of the n windows of a
// record with windows of windowS seconds: "firing", "pending" or ""
// (inactive), as Prometheus' ALERTS series would; one pass over the
// episodes.
func (a *Alert) States(n int, windowS float64) []string {
	out := make([]string, n)
	at := func(s float64) int { return int(math.Round(s / windowS)) } // episode times lie on window bounds
	for _, e := range a.Episodes {
		last, fire := n-1, n // the episode's last window; its first firing one
		if e.ResolvedS != nil {
			last = min(at(*e.ResolvedS)-1, n-1)
		}
		if e.FiringS != nil {
			fire = at(*e.FiringS) - 1
		}
		for i := max(at(e.PendingS), 0); i <= last; i++ {
			out[i] = "pending"
			if i >= fire {
				out[i] = "firing"
			}
		}
	}
	return out
}

// EvaluateAlert evaluates the rule (name, expr, forS) whose condition is
// holds on rec's windows, and puts the result in rec.Alerts, replacing a
// rule of the same name. Call it after Analyze: the detection gap reads
// time_to_degrade.
func EvaluateAlert(rec *Record, name, expr string, forS float64, holds func(*Window) bool) Alert {
	a := Alert{Name: name, Expr: expr, ForS: forS, TimeToAlertStatus: AlertNeverFired}
	window := rec.WindowS
	if window <= 0 {
		window = 1
	}
	var ep *AlertEpisode // the episode under way
	for i := range rec.Windows {
		w := &rec.Windows[i]
		start, end := float64(i)*window, float64(i+1)*window
		if w.Completed == 0 || !holds(w) {
			if ep != nil {
				ep.ResolvedS = ptr(start)
				a.Episodes = append(a.Episodes, *ep)
				ep = nil
			}
			continue
		}
		if ep == nil {
			ep = &AlertEpisode{PendingS: start}
		}
		if ep.FiringS == nil && end-ep.PendingS >= forS-1e-9 {
			ep.FiringS = ptr(end)
		}
	}
	if ep != nil {
		a.Episodes = append(a.Episodes, *ep)
	}
	for _, e := range a.Episodes {
		if e.FiringS == nil {
			continue
		}
		a.PendingS, a.FiringS = ptr(e.PendingS), e.FiringS
		a.TimeToAlertStatus = AlertFired
		if rec.Burst.Source != BurstNone {
			a.TimeToAlertS = ptr(*e.FiringS - rec.Burst.StartS)
		}
		if d := rec.Summary.Recovery.DegradedAtS; d != nil {
			a.DetectionGapS = ptr(*e.FiringS - *d)
		}
		break
	}
	for i := range rec.Alerts {
		if rec.Alerts[i].Name == name {
			rec.Alerts[i] = a
			return a
		}
	}
	rec.Alerts = append(rec.Alerts, a)
	return a
}

// Line says what the rule did in one sentence:
//
//	apdex-low (apdex < 0.7 for 20s) fired 21s after the burst began; users were hurt 20s before it fired
func (a Alert) Line() string {
	rule := fmt.Sprintf("%s (%s for %s)", a.Name, a.Expr, FormatS(a.ForS))
	if a.FiringS == nil {
		return rule + " never fired"
	}
	out := rule + " fired at " + FormatS(*a.FiringS)
	if t := a.TimeToAlertS; t != nil {
		if *t >= 0 {
			out = fmt.Sprintf("%s fired %s after the burst began", rule, FormatS(*t))
		} else {
			out = fmt.Sprintf("%s fired %s before the burst began", rule, FormatS(-*t))
		}
	}
	if g := a.DetectionGapS; g != nil {
		if *g >= 0 {
			out += fmt.Sprintf("; users were hurt %s before it fired", FormatS(*g))
		} else {
			out += fmt.Sprintf("; it fired %s before users were hurt", FormatS(-*g))
		}
	}
	return out
}
