package profiles

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// withAlerts is the good profile with two alert rules.
const withAlerts = good + `alerts:
  - {name: p99-high, expr: "p99 > 1s", for: 10s}
  - name: apdex-low
    expr: apdex < 0.7
  - {name: teams-errors, expr: "stream.teams.error_ratio > 1%"}
`

func TestProfileAlerts(t *testing.T) {
	p := mustParse(t, withAlerts)
	rules := p.Rules()
	if len(rules) != 3 || rules[2].Expr != "stream.teams.error_ratio > 1%" || rules[0].Name != "p99-high" || rules[0].For != 10*time.Second || rules[1].Expr != "apdex < 0.7" || rules[1].For != 0 {
		t.Errorf("rules = %+v", rules)
	}
}

// TestMalformedAlerts: a bad rule is one line naming the file, line,
// column and field.
func TestMalformedAlerts(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown field", "for: 10s}", "fore: 10s}", `18:40: unknown field "fore"`},
		{"unknown window figure", `"p99 > 1s"`, `"p99_recovery > 1s"`, `18:28: alerts\[0\].expr: alert p99-high "p99_recovery > 1s": col 1: unknown window figure "p99_recovery"`},
		{"bad unit", `"p99 > 1s"`, `"p99 > 1%"`, `18:28: alerts\[0\].expr: .*unit "%" does not fit p99`},
		{"negative for", "for: 10s}", "for: -10s}", `18:45: alerts\[0\].for: must be >= 0, got -10s`},
		{"no name", "{name: p99-high, ", "{", `18:5: alerts\[0\].name: is required`},
		{"bad name", "name: apdex-low", "name: apdex low", `19:11: alerts\[1\].name: alert name "apdex low"`},
		{"duplicate name", "name: apdex-low", "name: p99-high", `19:11: alerts\[1\].name: duplicate alert name "p99-high"`},
		{"no expr", "    expr: apdex < 0.7\n", "", `19:9: alerts\[1\].expr: is required`},
		{"misspelt stream", `"p99 > 1s"`, `"stream.team.p99 > 1s"`, `18:28: alerts\[0\].expr: alert p99-high "stream.team.p99 > 1s": col 8: no stream "team" \(did you mean teams\?\)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(withAlerts, tc.old) {
				t.Fatalf("the profile lacks %q", tc.old)
			}
			_, err := Parse("bad.yaml", []byte(strings.Replace(withAlerts, tc.old, tc.new, 1)))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !IsError(err) || strings.Contains(msg, "\n") || !regexp.MustCompile(`^bad\.yaml:`+tc.want).MatchString(msg) {
				t.Errorf("error %q\nwant    bad.yaml:%s", msg, tc.want)
			}
		})
	}
}
