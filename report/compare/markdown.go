package compare

import (
	"fmt"
	"io"
	"strings"

	"github.com/burstlab/burstlab/report/gate"
)

// WriteMarkdown writes the comparison as Markdown, for a pull request
// comment or a CI job summary: the figures table, then the checks as
// gate.WriteMarkdown writes them.
func WriteMarkdown(w io.Writer, c *Comparison) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### burstlab compare: `%s` → `%s`\n\n", cell(describeRun(c.Base)), cell(describeRun(c.New)))
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", cell(n))
	}
	b.WriteString("| figure | base | new | delta | delta % | change |\n|---|--:|--:|--:|--:|---|\n")
	for _, r := range c.Rows {
		change := r.Change
		if change == Worse {
			change = "**worse**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(r.Figure), cell(r.BaseText), cell(r.NewText), deltaText(r), pctText(r), change)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(c.Checks) == 0 {
		return nil
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return gate.WriteMarkdown(w, c.New.Name, c.Checks)
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "`", "'")
}
