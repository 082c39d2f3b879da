package gate

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		expr      string
		figure    string
		op        Op
		threshold float64 // in the figure's own unit
		want      string  // normal form
	}{
		{"p99_recovery < 30s", "p99_recovery", Less, 30, "p99_recovery < 30s"},
		{"p99_recovery<30s", "p99_recovery", Less, 30, "p99_recovery < 30s"},
		{"  time_to_scale <= 45 s ", "time_to_scale", LessEqual, 45, "time_to_scale <= 45s"},
		{"time_to_scale <= 2m", "time_to_scale", LessEqual, 120, "time_to_scale <= 2m"},
		{"time_to_scale <= 45", "time_to_scale", LessEqual, 45, "time_to_scale <= 45"},
		{"time_to_scale < 1500ms", "time_to_scale", Less, 1.5, "time_to_scale < 1500ms"},
		{"error_ratio < 1%", "error_ratio", Less, 0.01, "error_ratio < 1%"},
		{"error_ratio < 0.01", "error_ratio", Less, 0.01, "error_ratio < 0.01"},
		{"stream.teams.p99 < 800ms", "stream.teams.p99", Less, 800, "stream.teams.p99 < 800ms"},
		{"stream.teams-refetch.p99 < 0.8s", "stream.teams-refetch.p99", Less, 800, "stream.teams-refetch.p99 < 0.8s"},
		{"min_apdex >= 0.85", "min_apdex", GreaterEqual, 0.85, "min_apdex >= 0.85"},
		{"min_apdex >= 85%", "min_apdex", GreaterEqual, 0.85, "min_apdex >= 85%"},
		{"generator_saturated == false", "generator_saturated", Equal, 0, "generator_saturated == false"},
		{"generator_saturated != true", "generator_saturated", NotEqual, 1, "generator_saturated != true"},
		{"peak_p99 < 2s", "peak_p99", Less, 2000, "peak_p99 < 2s"},
		{"peak_p99 < 2000", "peak_p99", Less, 2000, "peak_p99 < 2000"},
		{"peak_p99 < 2500us", "peak_p99", Less, 2.5, "peak_p99 < 2500us"},
		{"peak_p99 < 2500µs", "peak_p99", Less, 2.5, "peak_p99 < 2500µs"},
		{"peak_p99 < 500000ns", "peak_p99", Less, 0.5, "peak_p99 < 500000ns"},
		{"p99_recovery < 1h", "p99_recovery", Less, 3600, "p99_recovery < 1h"},
		{"degraded_for <= 20s", "degraded_for", LessEqual, 20, "degraded_for <= 20s"},
		{"offered > 1000", "offered", Greater, 1000, "offered > 1000"},
		{"replicas_peak == 8", "replicas_peak", Equal, 8, "replicas_peak == 8"},
		{"achieved >= 1500/s", "achieved", GreaterEqual, 1500, "achieved >= 1500/s"},
		{"achieved_rps >= 1500", "achieved_rps", GreaterEqual, 1500, "achieved_rps >= 1500"},
		{"achieved > 60000/m", "achieved", Greater, 1000, "achieved > 60000/m"},
	}
	for _, tt := range tests {
		g, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		if g.Figure.Name != tt.figure || g.Op != tt.op || g.Threshold != tt.threshold || g.String() != tt.want || g.Expr != tt.expr {
			t.Errorf("Parse(%q) = %s %s %v (%q), want %s %s %v (%q)", tt.expr, g.Figure.Name, g.Op, g.Threshold, g.String(), tt.figure, tt.op, tt.threshold, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr string
		col  int
		msg  string // in the message
	}{
		{"p99_recovery << 30s", 15, `unexpected "<", want a number`},
		{"", 1, "empty gate"},
		{"   ", 4, "empty gate"},
		{"< 30s", 1, `unexpected "<", want a figure name`},
		{"p99_recovery", 13, "unexpected end, want an operator"},
		{"p99_recovery 30s", 14, `unexpected "3", want an operator`},
		{"p99_recovery = 30s", 14, "want == to compare"},
		{"p99_recovery =< 30s", 14, "want == to compare"},
		{"p99_recovery <", 15, "unexpected end, want a number"},
		{"p99_recovry < 30s", 1, `unknown figure "p99_recovry" (did you mean p99_recovery?)`},
		{"p99_recovery_s < 30", 1, `(did you mean p99_recovery`},
		{"peak_p99_ms < 30", 1, `(did you mean peak_p99`},
		{"latency < 30", 1, `unknown figure "latency" (known: `},
		{"stream.teams < 30", 1, "want stream.NAME.FIELD"},
		{"stream.teams.p98 < 30", 1, `unknown stream field "p98" in "stream.teams.p98" (did you mean p90, p99`},
		{"p99_recovery < 30sec", 18, `unknown unit "sec"`},
		{"p99_recovery < 30%", 18, `unit "%" does not fit p99_recovery, a duration`},
		{"error_ratio < 30s", 17, `unit "s" does not fit error_ratio, a ratio`},
		{"min_apdex > 2ms", 14, `unit "ms" does not fit min_apdex, a score`},
		{"offered > 5%", 12, `unit "%" does not fit offered, a count`},
		{"generator_saturated < true", 21, "operator < does not apply to generator_saturated, a boolean"},
		{"generator_saturated == 1", 24, "generator_saturated is true or false, not a number"},
		{"generator_saturated == maybe", 24, `unexpected "maybe", want a number`},
		{"p99_recovery < true", 16, "p99_recovery is a duration, not true or false"},
		{"p99_recovery < 1.2.3s", 16, `bad number "1.2.3"`},
		{"p99_recovery < 30s and more", 20, `unexpected "and more" after the threshold`},
		{"p99_recovery < -3s", 16, `unexpected "-", want a number`},
		{"p99_recovery < 30s,", 19, `unexpected ","`},
		// A share is from 0 to 1 (#20 item 10): a bare 5 is not 5%.
		{"error_ratio < 5", 15, "error_ratio is a share from 0 to 1 (0% to 100%): 5 would be 500%; write 5% for a percentage"},
		{"error_ratio < 200%", 15, "error_ratio is a share from 0 to 1 (0% to 100%), not 200%"},
		{"apdex > 2", 9, "apdex is a share from 0 to 1 (0% to 100%), not 2"},
		{"stream.teams.error_ratio < 3", 28, "3 would be 300%"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.expr)
		var ge *Error
		if !errors.As(err, &ge) {
			t.Errorf("Parse(%q) = %v, want an *Error", tt.expr, err)
			continue
		}
		if ge.Col != tt.col || !strings.Contains(ge.Msg, tt.msg) || ge.Expr != tt.expr {
			t.Errorf("Parse(%q):\n got col %d: %s\nwant col %d: ...%s...", tt.expr, ge.Col, ge.Msg, tt.col, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "gate \""+strings.ReplaceAll(tt.expr, `"`, `\"`)+"\": col ") {
			t.Errorf("error %q does not start by naming the expression and column", err)
		}
	}
}

// A long expression is echoed once, cut (#20 item 15).
func TestParseErrorLong(t *testing.T) {
	expr := "p99 < 1s " + strings.Repeat("x", 10000)
	_, err := Parse(expr)
	if err == nil || len(err.Error()) > 200 || strings.Count(err.Error(), "…") != 2 {
		t.Errorf("error of %d characters: %.300v", len(fmt.Sprint(err)), err)
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := Parse("p99_recovery << 30s")
	if want := `gate "p99_recovery << 30s": col 15: unexpected "<", want a number`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestParseAll(t *testing.T) {
	gates, err := ParseAll([]string{"p99_recovery < 30s", "error_ratio < 1%"})
	if err != nil || len(gates) != 2 {
		t.Fatalf("ParseAll = %d gates, %v", len(gates), err)
	}
	if _, err := ParseAll([]string{"p99_recovery < 30s", "bogus > 1"}); err == nil || !strings.Contains(err.Error(), `"bogus > 1"`) {
		t.Errorf("ParseAll with a bad gate: %v, want an error naming it", err)
	}
}

func TestCheckStreams(t *testing.T) {
	gates, err := ParseAll([]string{"p99_recovery < 30s", "stream.fanuot.p99 < 1s"})
	if err != nil {
		t.Fatal(err)
	}
	err = CheckStreams(gates, []string{"base", "fanout"})
	if err == nil || err.Error() != `gate "stream.fanuot.p99 < 1s": col 8: no stream "fanuot" (did you mean fanout?)` {
		t.Errorf("CheckStreams = %v", err)
	}
	if err := CheckStreams(gates[:1], nil); err != nil {
		t.Errorf("CheckStreams without stream figures = %v", err)
	}
}

func TestFigures(t *testing.T) {
	figs := strings.Join(Figures(), " ")
	for _, name := range []string{"p99_recovery", "time_to_scale", "error_ratio", "peak_p99", "min_apdex", "degraded_for", "generator_saturated", "scale_reaction"} {
		if !strings.Contains(" "+figs+" ", " "+name+" ") {
			t.Errorf("Figures() lacks %s: %s", name, figs)
		}
	}
	for _, status := range []string{"time_to_scale_status", "p99_recovery_status", "errors"} {
		if strings.Contains(" "+figs+" ", " "+status+" ") {
			t.Errorf("Figures() holds %s, not a number", status)
		}
	}
	better := map[string]Better{
		"p99_recovery": LowerIsBetter, "error_ratio": LowerIsBetter, "peak_p99": LowerIsBetter,
		"min_apdex": HigherIsBetter, "time_to_degrade": HigherIsBetter, "stream.x.apdex": HigherIsBetter,
		"offered": NoDirection, "generator_saturated": NoDirection,
	}
	for name, want := range better {
		f, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Better() != want {
			t.Errorf("%s.Better() = %v, want %v", name, f.Better(), want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p99_recovery < 30s", "stream.a.b.p99>=1.5ms", "generator_saturated == false", "error_ratio<1%", "x <<", "µs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		g, err := Parse(expr)
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) || ge.Col < 1 || ge.Col > len([]rune(expr))+1 {
				t.Fatalf("Parse(%q): %v (%#v)", expr, err, ge)
			}
			return
		}
		// The normal form parses to the same gate.
		again, err := Parse(g.String())
		if err != nil || again.Figure.Name != g.Figure.Name || again.Op != g.Op || again.Threshold != g.Threshold {
			t.Fatalf("Parse(%q) = %q, which parses to %v, %v", expr, g.String(), again, err)
		}
	})
}
