//go:build linux

package main

import (
	"fmt"
	"math"
)

// comparison is one measure of burstlab beside a peer over paired runs:
// the median of each side and the median of the per-pair ratios
// burstlab / peer.
type comparison struct {
	Burstlab, Peer, Ratio float64
}

// compare pairs a[i] with b[i] and takes f of each run.
func compare(a, b []runResult, f func(runResult) float64) comparison {
	var av, bv, rv []float64
	for _, r := range a {
		av = append(av, f(r))
	}
	for _, r := range b {
		bv = append(bv, f(r))
	}
	for i := range min(len(a), len(b)) {
		rv = append(rv, ratio(av[i], bv[i]))
	}
	return comparison{Burstlab: median(av), Peer: median(bv), Ratio: median(rv)}
}

// row is one line of the table.
type row struct {
	Measure   string
	Burstlab  string
	Peer      string // who burstlab is compared with
	PeerValue string
	Ratio     string // burstlab / peer, median of the pairs
	Target    string
	Met       string
}

// comparedRow writes c with prec decimals, and target text with its verdict.
func comparedRow(measure, peer string, c comparison, prec int, target string, met bool) row {
	return row{
		Measure: measure, Burstlab: number(c.Burstlab, prec), Peer: peer, PeerValue: number(c.Peer, prec),
		Ratio: times(c.Ratio), Target: target, Met: verdict(met, c.Burstlab, c.Peer),
	}
}

// number is v with prec decimals, "n/a" when there is none.
func number(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// times is a ratio written as 1.23×.
func times(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", v)
}

// verdict says whether a target was met; a measure with no value meets
// nothing.
func verdict(met bool, values ...float64) string {
	for _, v := range values {
		if math.IsNaN(v) {
			return "not met (no value)"
		}
	}
	if met {
		return "met"
	}
	return "**not met**"
}

// thousands writes n with commas: 5,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// count writes n things: 1 round, 3 rounds.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
