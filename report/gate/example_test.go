package gate_test

import (
	"fmt"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

func Example() {
	recovery := 42.0
	rec := &report.Record{Name: "checkout-burst", Summary: report.Summary{
		Tally:             report.Tally{Completed: 1000, OK: 998},
		ErrorRatio:        0.002,
		PeakP99Ms:         1840,
		P99RecoveryS:      &recovery,
		P99RecoveryStatus: report.StatusRecovered,
	}}
	gates, err := gate.ParseAll([]string{"error_ratio < 1%", "peak_p99 < 2s", "p99_recovery < 30s"})
	if err != nil {
		fmt.Println(err)
		return
	}
	results := gate.Evaluate(rec, gates)
	for _, r := range results {
		fmt.Printf("%-20s %-6s pass=%v\n", r.Expr, r.Measured, r.Pass)
	}
	fmt.Println(gate.Verdict(results))

	_, err = gate.Parse("p99_recovery << 30s")
	fmt.Println(err)
	_, err = gate.Parse("p99_recovry < 30s")
	fmt.Println(err)
	// Output:
	// error_ratio < 1%     0.2%   pass=true
	// peak_p99 < 2s        1.84s  pass=true
	// p99_recovery < 30s   42s    pass=false
	// gates: 2 passed, 1 failed: p99_recovery = 42s (want < 30s)
	// gate "p99_recovery << 30s": col 15: unexpected "<", want a number
	// gate "p99_recovry < 30s": col 1: unknown figure "p99_recovry" (did you mean p99_recovery?)
}
