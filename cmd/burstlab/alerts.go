package main

import (
	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

// alertFlag is the flag of every command that judges a run with alert rules.
func alertFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "alert", Usage: "say when the alert rule `'NAME: EXPR [for DURATION]'` would have fired, e.g. 'p99-high: p99 > 1s for 30s' (repeatable; gate it as alert.NAME.time_to_alert; see docs/gates.md)"}
}

// parseAlertFlags parses --alert's, and checks that every alert figure of
// gates names one of them or of the rules already known (the profile's, the
// record's), and that every stream figure of the rules names one of
// streams, so that a bad rule or a misspelt alert or stream is refused
// (exit 2) before a run is spent on it.
func parseAlertFlags(c *cli.Context, known []gate.Rule, gates []gate.Gate, streams []string) ([]gate.Rule, error) {
	var rules []gate.Rule
	for _, s := range c.StringSlice("alert") {
		r, err := gate.ParseRuleFlag(s)
		if err != nil {
			return nil, usagef("--alert: %v", err)
		}
		rules = append(rules, r)
	}
	if err := gate.CheckRuleStreams(rules, streams); err != nil {
		return nil, usagef("--alert: %v", err)
	}
	if err := gate.CheckAlerts(gates, gate.RuleNames(gate.MergeRules(known, rules))); err != nil {
		return nil, usageError{err}
	}
	return rules, nil
}

// evaluateAlerts judges a record read back with the rules it was judged
// with and --alert's: merged shards need theirs evaluated again.
func evaluateAlerts(c *cli.Context, rec *report.Record, gates []gate.Gate) error {
	known, err := gate.RulesOf(rec)
	if err != nil {
		return usageError{err}
	}
	rules, err := parseAlertFlags(c, known, gates, gate.StreamNames(rec))
	if err != nil {
		return err
	}
	all := gate.MergeRules(known, rules)
	if !rec.KeepsStreamWindows() {
		// A rule on a stream would never fire, and a gate on it would
		// pass on no data.
		for _, r := range all {
			if r.Stream() != "" {
				return usagef("alert %s %q reads stream %s, but record %q was made before burstlab kept each stream's share of the windows", r.Name, r.Expr, r.Stream(), rec.Name)
			}
		}
	}
	gate.EvaluateAlerts(rec, all)
	return nil
}
