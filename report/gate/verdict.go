package gate

import (
	"fmt"
	"strings"
)

// Verdict sums results up in one line for stderr:
//
//	gates: 5 passed, 1 failed: p99_recovery = not recovered (want < 30s)
//
// It is "" when there are no results.
func Verdict(results []Result) string {
	if len(results) == 0 {
		return ""
	}
	failed := Failed(results)
	if failed == 0 {
		return fmt.Sprintf("gates: %d passed", len(results))
	}
	var lines []string
	for _, r := range results {
		if !r.Pass {
			lines = append(lines, r.Line())
		}
	}
	return fmt.Sprintf("gates: %d passed, %d failed: %s", len(results)-failed, failed, strings.Join(lines, "; "))
}
