//go:build linux

package main

import (
	"fmt"
	"math"
	"time"
)

// The backed-up target: a server with a few slots that each take a while,
// which queues whatever it cannot serve at once. Sent at nearly twice what
// it serves, thousands of requests are in flight by the end, and a
// generator must still send each at its planned instant.
const (
	backedRate       = 1500                  // requests per second sent
	backedSpan       = 6 * time.Second       // for this long
	backedSlots      = 8                     // the server's slots ...
	backedService    = 10 * time.Millisecond // ... each this long: 800/s served
	backedTimeout    = 60 * time.Second      // per request: none times out in the queue
	backedMaxWorkers = 20000                 // vegeta's cap, far above what is ever in flight
)

// backedServer are the arrival server's flags for the backed-up target.
var backedServer = []string{"-slots", fmt.Sprint(backedSlots), "-service", durationFlag(backedService)}

// backedDrain bounds how long the queue takes to empty after the last send:
// no longer than serving every request one slot-round after another.
const backedDrain = time.Duration(backedRate*int(backedSpan/time.Second)) * backedService / backedSlots

func burstlabBacked(tls bool) func(url, out string) command {
	return func(url, out string) command {
		c := command{tool: "burstlab", stdin: "GET " + url + "\n",
			args: []string{"attack", "-rate", fmt.Sprintf("%d/s", backedRate), "-duration", durationFlag(backedSpan),
				"-timeout", durationFlag(backedTimeout), "-o", out}}
		if tls {
			c.args = append(c.args, "-insecure")
		}
		return c
	}
}

func vegetaBacked(tls bool) func(url, out string) command {
	return func(url, out string) command {
		c := command{tool: "vegeta", stdin: "GET " + url + "\n",
			args: []string{"attack", "-rate", fmt.Sprintf("%d/s", backedRate), "-duration", durationFlag(backedSpan),
				"-timeout", durationFlag(backedTimeout), "-max-workers", fmt.Sprint(backedMaxWorkers), "-output", out}}
		if tls {
			c.args = append(c.args, "-insecure")
		}
		return c
	}
}

// backedUp runs burstlab and the vegeta CLI against the backed-up target in
// interleaved rounds, over plain HTTP/1.1 and then over HTTPS with HTTP/2,
// and compares the server-side send lateness (p50, p99), peak RSS and CPU
// time.
func (l *lab) backedUp() ([]row, error) {
	var rows []row
	for _, tls := range []bool{false, true} {
		measure := "backed up"
		if tls {
			measure = "backed up h2"
		}
		var bl, vg []runResult
		for round := 1; round <= l.set.BackedRounds; round++ {
			for _, side := range []struct {
				name    string
				command func(url, out string) command
				into    *[]runResult
			}{
				{"burstlab", burstlabBacked(tls), &bl},
				{"vegeta", vegetaBacked(tls), &vg},
			} {
				r, err := l.run(trial{measure: measure, round: round, side: side.name, tls: tls, length: backedSpan,
					rate: backedRate, server: backedServer, drain: backedDrain, command: side.command})
				if err != nil {
					return nil, err
				}
				if tls && r.H2 < r.Arrived {
					r.Note += fmt.Sprintf(" only %d of %d requests came over HTTP/2", r.H2, r.Arrived)
					l.runs[len(l.runs)-1] = r
				}
				*side.into = append(*side.into, r)
			}
		}
		name := fmt.Sprintf("backed-up target (%d slots × %s, queued), %s/s × %s, %s",
			backedSlots, durationFlag(backedService), thousands(backedRate), durationFlag(backedSpan), count(l.set.BackedRounds, "round"))
		if tls {
			name = "same over HTTPS + HTTP/2 (-insecure), " + count(l.set.BackedRounds, "round")
		}
		p50 := compare(bl, vg, func(r runResult) float64 { return ms(r.P50) })
		p99 := compare(bl, vg, func(r runResult) float64 { return ms(r.P99) })
		rss := compare(bl, vg, func(r runResult) float64 { return mib(r.MaxRSS) })
		cpu := compare(bl, vg, func(r runResult) float64 { return r.CPU.Seconds() })
		p99Limit := math.Max(3, 1.2*p99.Peer)
		rows = append(rows,
			comparedRow(name+": server-side lateness p50 (ms)", "vegeta CLI -max-workers 20000", p50, 2, "—", true),
			comparedRow(name+": server-side lateness p99 (ms)", "vegeta CLI -max-workers 20000", p99, 2,
				fmt.Sprintf("≤ max(3 ms, 1.2× vegeta) = %.2f", p99Limit), p99.Burstlab <= p99Limit),
			comparedRow(name+": peak RSS (MiB)", "vegeta CLI -max-workers 20000", rss, 1,
				fmt.Sprintf("≤ 1.2× vegeta = %.1f", 1.2*rss.Peer), rss.Burstlab <= 1.2*rss.Peer),
			comparedRow(name+": CPU time (s)", "vegeta CLI -max-workers 20000", cpu, 2,
				fmt.Sprintf("≤ 1.2× vegeta = %.2f", 1.2*cpu.Peer), cpu.Burstlab <= 1.2*cpu.Peer),
		)
		rows[len(rows)-4].Target, rows[len(rows)-4].Met = "—", "—"
	}
	return rows, nil
}
