package main

import (
	"bufio"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "re-render saved records, merge the shards of one plan, or analyse vegeta results",
		ArgsUsage: "RECORD...",
		Description: "A RECORD is a directory written by -o; several directories are shards of one plan and are merged\n" +
			"exactly (histograms from their interval logs). Vegeta result files (gob, JSON or CSV; - for stdin)\n" +
			"get the same burst analysis, with vegeta's own latency. Exit 2 on bad flags or unreadable records.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "table", Usage: "`FORMAT`: table, json, csv (per-window series), md, html (self-contained, with charts), hgrm (percentile distribution) or metrics (name value lines: GitLab metrics report)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the report to `FILE` (whole or not at all) instead of stdout"},
		}, append(gateFlags(), alertFlag())...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("report: want one or more RECORDs (record directories or vegeta result files)")
			}
			gates, err := parseGateFlags(c, nil)
			if err != nil {
				return err
			}
			r, err := render.Format(c.String("format"))
			if err != nil {
				return usagef("report: --format: %v", err)
			}
			rec, err := report.Open(c.Args().Slice()...)
			if err != nil {
				return usagef("report: %v", err)
			}
			if err := evaluateAlerts(c, rec, gates); err != nil {
				return err
			}
			if c.String("format") == "hgrm" {
				if _, err := rec.Histogram(); err != nil {
					return usagef("report: %v", err)
				}
			}
			path := c.String("out")
			if path != "" {
				err = render.RenderFile(path, r, rec)
			} else {
				path = "stdout"
				w := bufio.NewWriterSize(os.Stdout, 1<<16)
				if err = r.Render(w, rec); err == nil {
					err = w.Flush()
				}
			}
			if err != nil {
				return writeFailure("the report", path, err)
			}
			// Gates judge the record last, after it is rendered.
			return judge(c, rec, gates)
		},
	}
}
