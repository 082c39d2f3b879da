package gate

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes results as a Markdown section for a CI job summary
// ($GITHUB_STEP_SUMMARY, a merge request note): a heading with the verdict,
// then one table row per gate. record names the record judged ("" for none).
func WriteMarkdown(w io.Writer, record string, results []Result) error {
	failed := Failed(results)
	mark := "✅"
	if failed > 0 {
		mark = "❌"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### %s burstlab gates: %d passed, %d failed\n\n", mark, len(results)-failed, failed)
	if record != "" {
		fmt.Fprintf(&b, "Record `%s`.\n\n", strings.ReplaceAll(record, "`", "'"))
	}
	if len(results) == 0 {
		b.WriteString("No gates were set.\n")
	} else {
		b.WriteString("| | gate | measured | threshold | reason |\n|---|---|---|---|---|\n")
		for _, r := range results {
			status := "✅ pass"
			if !r.Pass {
				status = "❌ fail"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", status, cell(r.Expr), cell(r.Measured), cell(r.Threshold), cell(r.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "`", "'")
}
