package report

import "fmt"

// Alert rules are evaluated on the window series the way Prometheus
// evaluates a rule with `for:`. A window's figures are known at its end, so
// the rule is evaluated at every window end. Once its condition holds, the
// rule is pending from the start of the first window of the run of windows
// where it holds; it fires at the end of the first window of that run whose
// end lies at least `for` after the pending start, so `for: 0s` fires at the
// end of the first window where the condition holds. A window where the
// condition does not hold (or with nothing completed: nothing is known)
// resets the rule.
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
	pending := -1
	for i := range rec.Windows {
		w := &rec.Windows[i]
		if w.Completed == 0 || !holds(w) {
			pending = -1
			continue
		}
		if pending < 0 {
			pending = i
		}
		start, end := float64(pending)*window, float64(i+1)*window
		if end-start >= forS-1e-9 {
			a.PendingS, a.FiringS = ptr(start), ptr(end)
			a.TimeToAlertStatus = AlertFired
			if rec.Burst.Source != BurstNone {
				a.TimeToAlertS = ptr(end - rec.Burst.StartS)
			}
			if d := rec.Summary.TimeToDegradeS; d != nil {
				a.DetectionGapS = ptr(end - firstDegradedStart(rec, *d))
			}
			break
		}
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

// firstDegradedStart is the start of the burst's first degraded window,
// from time_to_degrade: B0 to that start, or 0 when it is the window
// holding B0, which may start before B0.
func firstDegradedStart(rec *Record, timeToDegrade float64) float64 {
	if timeToDegrade > 0 {
		return rec.Burst.StartS + timeToDegrade
	}
	first, _ := rec.Burst.Span(rec.WindowS)
	return float64(first) * rec.WindowS
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
