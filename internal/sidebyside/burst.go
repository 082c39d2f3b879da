//go:build linux

package main

import (
	"fmt"
	"math"
	"slices"
)

// burst sends 2,000 requests in 100 ms as the first traffic to a fresh
// server: burstlab's CLI and the bare-vegeta reference in interleaved pairs,
// and burstlab over HTTPS with HTTP/2 after each pair. It compares the
// server-side lateness p99 and counts the connections the server saw
// opened while the burst was arriving.
func (l *lab) burst() ([]row, error) {
	planned := trial{rate: burstRate, length: burstSpan}.planned()
	var bl, ref, h2 []runResult
	for pair := 1; pair <= l.set.BurstPairs; pair++ {
		for _, side := range []struct {
			name    string
			tls     bool
			command func(url, out string) command
			into    *[]runResult
		}{
			{"burstlab", false, burstlabBurst(false), &bl},
			{"reference", false, referenceBurst, &ref},
			{"burstlab", true, burstlabBurst(true), &h2},
		} {
			measure := "burst"
			if side.tls {
				measure = "burst h2"
			}
			r, err := l.run(trial{measure: measure, round: pair, side: side.name, tls: side.tls, length: burstSpan,
				rate: burstRate, command: side.command})
			if err != nil {
				return nil, err
			}
			if side.tls && r.H2 < r.Arrived {
				r.Note += fmt.Sprintf(" only %d of %d requests came over HTTP/2", r.H2, r.Arrived)
				l.runs[len(l.runs)-1] = r
			}
			*side.into = append(*side.into, r)
		}
	}
	name := fmt.Sprintf("%s requests in %s, first traffic, %s", thousands(planned), durationFlag(burstSpan), count(l.set.BurstPairs, "pair"))
	p99 := compare(bl, ref, func(r runResult) float64 { return ms(r.P99) })
	p99Limit := math.Max(10, 1.2*p99.Peer)
	conns := func(rs []runResult) (med float64, most int) {
		var v []float64
		for _, r := range rs {
			v = append(v, float64(r.Conns))
			most = max(most, r.Conns)
		}
		return median(v), most
	}
	fewest := func(rs []runResult) int64 {
		return slices.MinFunc(rs, func(a, b runResult) int { return int(a.Arrived - b.Arrived) }).Arrived
	}
	blConns, blMost := conns(bl)
	refConns, refMost := conns(ref)
	h2Conns, h2Most := conns(h2)
	h2p99 := compare(h2, nil, func(r runResult) float64 { return ms(r.P99) })
	h2All := true
	for _, r := range h2 {
		h2All = h2All && r.H2 == r.Arrived && r.Arrived > 0
	}
	h2Met := verdict(h2Most == 0 && h2All)
	if !h2All {
		h2Met += " (not all over HTTP/2)"
	}
	return []row{
		comparedRow(name+": server-side lateness p99 (ms)", "bare-vegeta reference", p99, 2,
			fmt.Sprintf("≤ max(10 ms, 1.2× reference) = %.2f", p99Limit), p99.Burstlab <= p99Limit),
		{Measure: name + ": connections opened during the burst, median (max)", Burstlab: fmt.Sprintf("%.0f (%d)", blConns, blMost),
			Peer: "bare-vegeta reference", PeerValue: fmt.Sprintf("%.0f (%d)", refConns, refMost), Ratio: "—",
			Target: "0 in every burst", Met: verdict(blMost == 0)},
		{Measure: name + ": fewest requests arrived of " + thousands(planned), Burstlab: fmt.Sprint(fewest(bl)),
			Peer: "bare-vegeta reference", PeerValue: fmt.Sprint(fewest(ref)), Ratio: "—",
			Target: "all sent", Met: verdict(fewest(bl) == int64(planned))},
		{Measure: "same over HTTPS + HTTP/2 (-insecure): server-side lateness p99 (ms)", Burstlab: number(h2p99.Burstlab, 2),
			Peer: "—", PeerValue: "—", Ratio: "—", Target: "—", Met: "—"},
		{Measure: "same over HTTPS + HTTP/2: connections opened during the burst, median (max)", Burstlab: fmt.Sprintf("%.0f (%d)", h2Conns, h2Most),
			Peer: "—", PeerValue: "—", Ratio: "—", Target: "0 in every burst", Met: h2Met},
	}, nil
}
