//go:build linux

package main

import (
	"fmt"
	"math"
)

// steady runs burstlab and the vegeta CLI at the same constant rate in
// interleaved rounds and compares the server-side send lateness (p50, p99),
// the CPU each spends per request and its peak RSS.
func (l *lab) steady() ([]row, error) {
	s := l.set
	var bl, vg []runResult
	for round := 1; round <= s.SteadyRounds; round++ {
		for _, side := range []struct {
			name    string
			command func(url, out string) command
			into    *[]runResult
		}{
			{"burstlab", burstlabSteady(s.Rate, s.Steady), &bl},
			{"vegeta", vegetaSteady(s.Rate, s.Steady), &vg},
		} {
			r, err := l.run(trial{measure: "steady", round: round, side: side.name, length: s.Steady,
				rate: float64(s.Rate), command: side.command})
			if err != nil {
				return nil, err
			}
			*side.into = append(*side.into, r)
		}
	}
	name := fmt.Sprintf("steady %s/s × %s, %s", thousands(s.Rate), durationFlag(s.Steady), count(s.SteadyRounds, "round"))
	p50 := compare(bl, vg, func(r runResult) float64 { return ms(r.P50) })
	p99 := compare(bl, vg, func(r runResult) float64 { return ms(r.P99) })
	cpu := compare(bl, vg, func(r runResult) float64 { return float64(r.cpuPerRequest()) / 1e3 })
	rss := compare(bl, vg, func(r runResult) float64 { return mib(r.MaxRSS) })
	p50Limit := math.Max(0.5, 1.2*p50.Peer)
	p99Limit := math.Max(3, 1.2*p99.Peer)
	cpuLimit := 1.1 * cpu.Peer
	return []row{
		comparedRow(name+": server-side lateness p50 (ms)", "vegeta CLI", p50, 2,
			fmt.Sprintf("≤ max(0.5 ms, 1.2× vegeta) = %.2f", p50Limit), p50.Burstlab <= p50Limit),
		comparedRow(name+": server-side lateness p99 (ms)", "vegeta CLI", p99, 2,
			fmt.Sprintf("≤ max(3 ms, 1.2× vegeta) = %.2f", p99Limit), p99.Burstlab <= p99Limit),
		comparedRow(name+": CPU per request (µs)", "vegeta CLI", cpu, 1,
			fmt.Sprintf("≤ 1.1× vegeta = %.1f", cpuLimit), cpu.Burstlab <= cpuLimit),
		{Measure: name + ": peak RSS (MiB)", Burstlab: number(rss.Burstlab, 1), Peer: "vegeta CLI",
			PeerValue: number(rss.Peer, 1), Ratio: times(rss.Ratio), Target: "— (see the 60 s row)", Met: "—"},
	}, nil
}
