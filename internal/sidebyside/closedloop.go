//go:build linux

package main

import "fmt"

// closedLoop runs burstlab's closed model (-rate 0 -max-workers 64) and
// hey -c 64 as fast as each can, in interleaved rounds, and compares the
// requests per second the server received. When burstlab refuses -rate 0
// the row says so and only hey runs on.
func (l *lab) closedLoop() ([]row, error) {
	s := l.set
	var bl, hey []runResult
	refused := ""
	for round := 1; round <= s.ClosedRounds; round++ {
		if refused == "" {
			r, err := l.run(trial{measure: "closed loop", round: round, side: "burstlab", length: s.Closed, command: burstlabClosed(s.Closed)})
			if err != nil {
				return nil, err
			}
			if r.Exit != 0 && r.Arrived == 0 {
				refused = r.Note
			} else {
				bl = append(bl, r)
			}
		}
		r, err := l.run(trial{measure: "closed loop", round: round, side: "hey", length: s.Closed, command: heyClosed(s.Closed)})
		if err != nil {
			return nil, err
		}
		hey = append(hey, r)
	}
	name := fmt.Sprintf("closed loop, %d connections, %s, %s: requests/s received", loopConns, durationFlag(s.Closed), count(s.ClosedRounds, "round"))
	rate := compare(bl, hey, func(r runResult) float64 { return r.Rate })
	if refused != "" {
		return []row{{Measure: name, Burstlab: "not supported (" + refused + ")", Peer: "hey",
			PeerValue: number(rate.Peer, 0), Ratio: "—", Target: "≥ 0.95× hey", Met: "**not met**"}}, nil
	}
	limit := 0.95 * rate.Peer
	return []row{comparedRow(name, "hey", rate, 0, fmt.Sprintf("≥ 0.95× hey = %.0f", limit), rate.Burstlab >= limit)}, nil
}
