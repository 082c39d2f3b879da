package gate

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/burstlab/burstlab/report"
)

// An alert rule is a condition over one window's figures, in the gate
// grammar (FIGURE OP VALUE), held for a while before it fires:
//
//	p99 > 1s            the window's p99
//	apdex < 0.7         its apdex
//	error_ratio > 1%    its error ratio
//	rate > 500          requests sent per second in it
//	stream.teams.p99 > 1s   the p99 of stream teams in the window
//
// Window figures are the keys of a window in run.json without their unit
// suffix (p50, p90, p99, p999, max, lateness_p99, error_ratio, apdex,
// offered, sent, completed, ok, replicas), and rate; stream.NAME.FIELD
// reads the stream's share of the window (the same figures but
// lateness_p99 and replicas, which are the generator's and the target's).
// A figure that is unknown in a window (a latency without an ok response,
// a stream that completed nothing there) does not hold. report.EvaluateAlert
// says how a rule is evaluated on the window series.

// Rule is a parsed alert rule.
type Rule struct {
	Name string
	Expr string
	For  time.Duration
	cond Gate
}

// ruleName is what an alert's name may hold: it becomes part of a gate
// figure (alert.NAME.time_to_alert).
var ruleName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// CheckRuleName checks an alert rule's name: letters, digits, _ and -.
func CheckRuleName(name string) error {
	if !ruleName.MatchString(name) {
		return fmt.Errorf("alert name %q: want letters, digits, _ and - (it is used in gates as alert.NAME.time_to_alert)", name)
	}
	return nil
}

// ParseRule checks an alert rule: a name of letters, digits, _ and -, a
// condition over window figures, a for duration >= 0.
func ParseRule(name, expr string, forD time.Duration) (Rule, error) {
	if err := CheckRuleName(name); err != nil {
		return Rule{}, err
	}
	if forD < 0 {
		return Rule{}, fmt.Errorf("alert %s: for must be >= 0, got %s", name, forD)
	}
	p := parser{expr: expr, in: []rune(expr), lookup: lookupWindow}
	g, err := p.gate()
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return Rule{}, fmt.Errorf("alert %s %q: col %d: %s", name, expr, e.Col, e.Msg)
		}
		return Rule{}, err
	}
	g.Expr = expr
	return Rule{Name: name, Expr: expr, For: forD, cond: g}, nil
}

// CheckRuleStreams checks that every stream figure of rules names one of
// streams, so that a misspelt stream is refused before a run (with the
// profile's stream names) or before judging a record.
func CheckRuleStreams(rules []Rule, streams []string) error {
	for _, r := range rules {
		if err := CheckStreams([]Gate{r.cond}, streams); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return fmt.Errorf("alert %s %q: col %d: %s", r.Name, r.Expr, e.Col, e.Msg)
			}
			return err
		}
	}
	return nil
}

// ParseRuleFlag reads an --alert flag: `NAME: EXPR [for DURATION]`, such as
// `p99-high: p99 > 1s for 30s`; without for, the rule fires at the end of
// the first window where EXPR holds.
func ParseRuleFlag(s string) (Rule, error) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Rule{}, fmt.Errorf("alert %q: want NAME: EXPR [for DURATION], e.g. 'p99-high: p99 > 1s for 30s'", s)
	}
	name, rest = strings.TrimSpace(name), strings.TrimSpace(rest)
	var forD time.Duration
	if i := strings.LastIndex(rest, " for "); i >= 0 {
		d, err := time.ParseDuration(strings.TrimSpace(rest[i+len(" for "):]))
		if err != nil {
			return Rule{}, fmt.Errorf("alert %q: for: %v", s, err)
		}
		rest, forD = strings.TrimSpace(rest[:i]), d
	}
	return ParseRule(name, rest, forD)
}

// MergeRules returns base's rules followed by more's, a rule of more
// replacing the rule of base with its name.
func MergeRules(base, more []Rule) []Rule {
	out := slices.Clone(base)
	for _, r := range more {
		if i := slices.IndexFunc(out, func(b Rule) bool { return b.Name == r.Name }); i >= 0 {
			out[i] = r
		} else {
			out = append(out, r)
		}
	}
	return out
}

// RulesOf re-reads the alert rules a record was judged with.
func RulesOf(rec *report.Record) ([]Rule, error) {
	var out []Rule
	for _, a := range rec.Alerts {
		r, err := ParseRule(a.Name, a.Expr, time.Duration(a.ForS*float64(time.Second)))
		if err != nil {
			return nil, fmt.Errorf("record %q: %v", rec.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// EvaluateAlerts evaluates every rule on rec's windows into rec.Alerts (a
// rule replaces a recorded rule of the same name). Call it after the record
// is analysed.
func EvaluateAlerts(rec *report.Record, rules []Rule) {
	for _, r := range rules {
		g := r.cond
		report.EvaluateAlert(rec, r.Name, r.Expr, r.For.Seconds(), func(w *report.Window) bool {
			v, known := g.Figure.windowValue(rec, w)
			return known && g.Op.holds(v, g.Threshold)
		})
	}
}

// CheckAlerts checks that every alert figure of gates names one of rules,
// so that a misspelt alert is refused before a run.
func CheckAlerts(gates []Gate, rules []string) error {
	for _, g := range gates {
		if g.Figure.Alert == "" || slices.Contains(rules, g.Figure.Alert) {
			continue
		}
		col := g.col + len("alert.")
		return &Error{Expr: g.Expr, Col: col, Msg: fmt.Sprintf("no alert %q%s", g.Figure.Alert, suggest(g.Figure.Alert, rules))}
	}
	return nil
}

// RuleNames lists the names of rules.
func RuleNames(rules []Rule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Name
	}
	return out
}

// Window figures, a stream's window figures and alert figures, read from
// the JSON keys of the record types like the summary's.
var (
	windowFields       = windowFieldsOf(reflect.TypeFor[report.Window]())
	streamWindowFields = windowFieldsOf(reflect.TypeFor[report.StreamWindow]())
	alertFields        = fieldsOf(reflect.TypeFor[report.Alert]())
)

// rateField is the one window figure that is not a field: requests sent per
// second of the window.
const rateField = "rate"

func windowFieldsOf(t reflect.Type) []field {
	var out []field
	for _, f := range fieldsOf(t) {
		if f.name != "start" && f.kind != Bool {
			out = append(out, f)
		}
	}
	return append(out, field{name: rateField, key: rateField, kind: Count})
}

// WindowFigures lists the figures an alert condition may test, sorted;
// stream.NAME.FIELD takes FIELD from the same but lateness_p99 and replicas.
func WindowFigures() []string { return names(windowFields) }

// Stream is the stream whose share of the windows the rule reads, "" when
// it reads whole windows.
func (r Rule) Stream() string { return r.cond.Figure.Stream }

// lookupWindow finds the window figure called name: a figure of the whole
// window or stream.NAME.FIELD.
func lookupWindow(name string) (Figure, error) {
	if strings.HasPrefix(name, "stream.") {
		stream, f, err := lookupOwned(name, "stream", "stream window", streamWindowFields)
		if err != nil {
			return Figure{}, err
		}
		return Figure{Name: name, Kind: f.kind, Unit: f.unit, Stream: stream, f: f}, nil
	}
	f, ok := find(windowFields, name)
	if !ok {
		return Figure{}, fmt.Errorf("unknown window figure %q%s", name, suggest(name, WindowFigures()))
	}
	return Figure{Name: name, Kind: f.kind, Unit: f.unit, f: f}, nil
}

// windowValue reads a window figure from w, in the figure's own unit, and
// says whether it is known there: a stream figure is unknown in a window
// where the stream completed nothing (as a window's figures are where the
// window completed nothing), a latency without an ok response.
func (f Figure) windowValue(rec *report.Record, w *report.Window) (float64, bool) {
	v, sent := reflect.ValueOf(w).Elem(), w.Sent
	if f.Stream != "" {
		sw := w.Stream(f.Stream)
		if sw == nil || sw.Completed == 0 {
			return 0, false
		}
		v, sent = reflect.ValueOf(sw).Elem(), sw.Sent
	}
	if f.f.name == rateField {
		if rec.WindowS <= 0 {
			return float64(sent), true
		}
		return float64(sent) / rec.WindowS, true
	}
	out := f.f.read(v)
	return out.Num, !out.Null
}

// lookupAlert finds alert.NAME.FIELD.
func lookupAlert(name string) (Figure, error) {
	alert, f, err := lookupOwned(name, "alert", "alert", alertFields)
	if err != nil {
		return Figure{}, err
	}
	return Figure{Name: name, Kind: f.kind, Unit: f.unit, Alert: alert, f: f}, nil
}
