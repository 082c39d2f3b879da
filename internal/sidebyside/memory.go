//go:build linux

package main

import (
	"fmt"
	"math"
)

// memory runs burstlab and the vegeta CLI once each for the long run at the
// steady rate, and burstlab once more for the short run: peak RSS and CPU
// per request beside vegeta's, and how burstlab's RSS grows with the length
// of the run.
func (l *lab) memory() ([]row, error) {
	s := l.set
	long := func(side string, cmd func(url, out string) command) (runResult, error) {
		return l.run(trial{measure: "long " + durationFlag(s.Long), round: 1, side: side, length: s.Long,
			rate: float64(s.Rate), command: cmd})
	}
	bl, err := long("burstlab", burstlabSteady(s.Rate, s.Long))
	if err != nil {
		return nil, err
	}
	vg, err := long("vegeta", vegetaSteady(s.Rate, s.Long))
	if err != nil {
		return nil, err
	}
	short, err := l.run(trial{measure: "short " + durationFlag(s.Short), round: 1, side: "burstlab", length: s.Short,
		rate: float64(s.Rate), command: burstlabSteady(s.Rate, s.Short)})
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s/s × %s", thousands(s.Rate), durationFlag(s.Long))
	one := []runResult{bl}
	rss := compare(one, []runResult{vg}, func(r runResult) float64 { return mib(r.MaxRSS) })
	cpu := compare(one, []runResult{vg}, func(r runResult) float64 { return float64(r.cpuPerRequest()) / 1e3 })
	growth := ratio(mib(bl.MaxRSS), mib(short.MaxRSS))
	rssLimit := math.Max(64, 2*rss.Peer)
	cpuLimit := 1.1 * cpu.Peer
	return []row{
		comparedRow(name+": peak RSS (MiB)", "vegeta CLI", rss, 1,
			fmt.Sprintf("≤ max(64 MiB, 2× vegeta) = %.1f", rssLimit), rss.Burstlab <= rssLimit),
		{Measure: fmt.Sprintf("peak RSS (MiB), burstlab's %s run beside its own %s run", durationFlag(s.Long), durationFlag(s.Short)),
			Burstlab: number(mib(bl.MaxRSS), 1), Peer: "burstlab " + durationFlag(s.Short), PeerValue: number(mib(short.MaxRSS), 1),
			Ratio: times(growth), Target: "ratio ≤ 1.25×", Met: verdict(growth <= 1.25, growth)},
		comparedRow(name+": CPU per request (µs)", "vegeta CLI", cpu, 1,
			fmt.Sprintf("≤ 1.1× vegeta = %.1f", cpuLimit), cpu.Burstlab <= cpuLimit),
	}, nil
}
