package gate

import (
	"sort"
	"strings"
)

// suggest returns ` (did you mean a, b?)` naming up to three of known close
// to name, or ` (figures: ...)` listing them all when none is close.
func suggest(name string, known []string) string {
	type match struct {
		name string
		dist int
	}
	var close []match
	for _, k := range known {
		d := distance(name, k)
		if d <= max(2, len(k)/3) || (len(name) >= 3 && strings.Contains(k, name)) {
			close = append(close, match{k, d})
		}
	}
	if len(close) == 0 {
		return " (known: " + strings.Join(known, ", ") + ")"
	}
	sort.SliceStable(close, func(i, j int) bool { return close[i].dist < close[j].dist })
	var out []string
	for i := 0; i < len(close) && i < 3; i++ {
		out = append(out, close[i].name)
	}
	return " (did you mean " + strings.Join(out, ", ") + "?)"
}

// distance is the Levenshtein distance between a and b, with the unit
// suffixes of run.json's keys (_ms, _s) ignored on a, since a reader copying
// a key from run.json means the figure.
func distance(a, b string) int {
	for _, suf := range []string{"_ms", "_s"} {
		if t, ok := strings.CutSuffix(a, suf); ok && t == b {
			return 0
		}
	}
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
