package capacity

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

// searched is the result of a steady search that found 1,180/s, bisected
// between 1,130/s and 1,230/s.
func searched() *Result {
	r := &Result{Mode: Steady, Name: "api", Target: "http://127.0.0.1:8080/", Settings: Settings{SLOP99Ms: 100, MaxErrorRatio: 0.01, Precision: 0.05}}
	for _, st := range []Step{
		{Level: 400, RateRPS: 400, P99Ms: 21, Verdict: Pass, Sent: 2000},
		{Level: 800, RateRPS: 800, P99Ms: 24, Verdict: Pass, Sent: 4000},
		{Level: 1600, RateRPS: 1600, P99Ms: 1900, ErrorRatio: 0.2, Verdict: Fail, Reason: "p99 1900ms > SLO 100ms, errors 20.00% > 1.00%", Sent: 8000},
		{Level: 1130, RateRPS: 1130, P99Ms: 30, Verdict: Pass, Sent: 5650, SettleS: 2.3},
		{Level: 1340, RateRPS: 1340, P99Ms: 700, Verdict: Fail, Reason: "p99 700ms > SLO 100ms", Sent: 6700},
		{Level: 1230, RateRPS: 1230, P99Ms: 240, Verdict: Fail, Reason: "p99 240ms > SLO 100ms", Sent: 6150, SettleS: 1.1},
		{Level: 1180, RateRPS: 1180, P99Ms: 45, Verdict: Pass, Sent: 5900},
	} {
		st.N = len(r.Steps) + 1
		r.add(st)
	}
	return r
}

func TestResultAnswer(t *testing.T) {
	r := searched()
	if !r.Found || *r.CapacityRPS != 1180 || *r.FailsAt != 1230 || r.Sent != 38400 || r.StepCount != 7 {
		t.Fatalf("answer %+v", r.Answer)
	}
	want := "capacity 1,180/s: the target holds it within the SLO; at 1,230/s p99 240ms > SLO 100ms (within 4%; 7 steps, 38,400 requests)"
	if r.Line != want {
		t.Errorf("line\n %q, want\n %q", r.Line, want)
	}
	g, err := AnswerFigures.Parse("capacity >= 1500/s")
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Judge(nil); len(res) != 0 {
		t.Errorf("no gates judged %d", len(res))
	}
	if res := r.Judge([]gate.Gate{g}); res[0].Pass || res[0].Measured != "1180/s" {
		t.Errorf("gate %+v", res[0])
	}
}

// Every format shows the answer; the HTML page draws both charts; the JSON
// is capacity.json.
func TestRenderers(t *testing.T) {
	r := searched()
	for _, name := range Formats() {
		f, err := Format(name)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f(&b, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		if !strings.Contains(out, "1,180/s") {
			t.Errorf("%s lacks the capacity:\n%s", name, out)
		}
		switch name {
		case "html":
			// The charts' data and the library are in the page (see
			// html_test.go for what the charts hold).
			if charts := pageCharts(t, out); len(charts) != 2 || !strings.Contains(out, "new uPlot(") {
				t.Errorf("html: want two charts drawn by uPlot, got %d", len(charts))
			}
		case "md":
			if !strings.Contains(out, "| 6 | 1,230/s | 240ms | 0.00% | 1.1s | fail | p99 240ms > SLO 100ms |") {
				t.Errorf("md lacks step 6's row:\n%s", out)
			}
		case "json":
			var back Result
			if err := json.Unmarshal(b.Bytes(), &back); err != nil || *back.CapacityRPS != 1180 || len(back.Steps) != 7 {
				t.Errorf("json does not read back: %v", err)
			}
		}
	}
	if _, err := Format("pdf"); err == nil {
		t.Error("Format(pdf) gave no error")
	}
}

// A step interrupted in its warm-up has no judged windows: it shows the
// p99 of what it measured, as its record does, not 0 ms.
func TestStoppedInWarmup(t *testing.T) {
	rec := &report.Record{
		Stopped:  true,
		Burst:    report.BurstWindow{Source: report.BurstNone},
		Settings: report.Settings{WarmupS: 1, LatenessBoundMs: 10},
		Windows:  []report.Window{{StartS: 0, Tally: report.Tally{Sent: 40, Completed: 40, OK: 40}, Percentiles: report.Percentiles{P99Ms: 8.3}}},
		Summary:  report.Summary{P99Ms: 8.3},
	}
	var st Step
	Criteria{SLOP99Ms: 100, MaxErrorRatio: 0.01}.judgeSteady(&st, rec)
	if st.Verdict != Stopped || st.P99Ms != 8.3 {
		t.Errorf("verdict %q, p99 %gms; want stopped, 8.3ms", st.Verdict, st.P99Ms)
	}
}
