package profiles

import (
	"fmt"
	"time"

	"github.com/burstlab/burstlab/report/gate"
)

// Alert is an alert rule the run is judged with: when its condition over a
// window's figures (the gate grammar: p99 > 1s, apdex < 0.7) has held for
// For, it fires. The report says when it would have fired and how long
// users were hurt before it did.
type Alert struct {
	Name string        `yaml:"name"`
	Expr string        `yaml:"expr"`
	For  time.Duration `yaml:"for"`
}

// Rules returns the profile's alert rules, parsed. The profile was
// validated, so they parse.
func (p *Profile) Rules() []gate.Rule {
	out := make([]gate.Rule, 0, len(p.Alerts))
	for _, a := range p.Alerts {
		if r, err := gate.ParseRule(a.Name, a.Expr, a.For); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// StreamNames lists the profile's streams by name, in profile order.
func (p *Profile) StreamNames() []string {
	out := make([]string, len(p.Streams))
	for i, s := range p.Streams {
		out[i] = s.Name
	}
	return out
}

// alerts checks every alert rule: a unique name, an expression over window
// figures of the profile's streams (names), a for >= 0.
func (ps *problems) alerts(as []Alert, names []string) {
	seen := map[string]bool{}
	for i, a := range as {
		at := fmt.Sprintf("$.alerts[%d]", i)
		switch {
		case a.Name == "":
			ps.add(at+".name", "is required")
			continue
		case seen[a.Name]:
			ps.add(at+".name", "duplicate alert name %q", a.Name)
			continue
		}
		seen[a.Name] = true
		if err := gate.CheckRuleName(a.Name); err != nil {
			ps.add(at+".name", "%v", err)
			continue
		}
		if a.Expr == "" {
			ps.add(at+".expr", "is required, e.g. \"p99 > 1s\"")
			continue
		}
		if a.For < 0 {
			ps.add(at+".for", "must be >= 0, got %v", a.For)
			continue
		}
		r, err := gate.ParseRule(a.Name, a.Expr, a.For)
		if err == nil {
			err = gate.CheckRuleStreams([]gate.Rule{r}, names)
		}
		if err != nil {
			ps.add(at+".expr", "%v", err)
		}
	}
}
