package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/compare"
	"github.com/burstlab/burstlab/report/gate"
)

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "set two records side by side and fail on regressions",
		ArgsUsage: "BASE NEW",
		Description: "BASE and NEW are record directories written by -o. Prints the headline figures of both\n" +
			"with their deltas. --max-regression bounds how much worse NEW may be than BASE; --gate judges NEW.\n" +
			"Exit 1 when a bound or gate fails, 2 on bad flags or records.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "format", Value: "table", Usage: "`FORMAT` of the comparison on stdout: table, json or md"},
			&cli.StringSliceFlag{Name: "max-regression", Usage: "exit 1 when NEW is worse than BASE by more than `FIGURE=LIMIT`: p99_recovery=20% (relative) or peak_p99=100ms (absolute); repeatable"},
		}, gateFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("compare: want BASE and NEW record directories, got %d arguments", c.NArg())
			}
			write := map[string]func(*os.File, *compare.Comparison) error{
				"table": func(f *os.File, cmp *compare.Comparison) error { return compare.WriteTable(f, cmp) },
				"json":  func(f *os.File, cmp *compare.Comparison) error { return compare.WriteJSON(f, cmp) },
				"md":    func(f *os.File, cmp *compare.Comparison) error { return compare.WriteMarkdown(f, cmp) },
			}[c.String("format")]
			if write == nil {
				return usagef("compare: --format %q: want table, json or md", c.String("format"))
			}
			bounds, err := compare.ParseBounds(c.StringSlice("max-regression"))
			if err != nil {
				return usageError{err}
			}
			gates, err := parseGateFlags(c, nil)
			if err != nil {
				return err
			}
			base, err := report.Load(c.Args().Get(0))
			if err != nil {
				return usagef("compare: base: %v", err)
			}
			next, err := report.Load(c.Args().Get(1))
			if err != nil {
				return usagef("compare: new: %v", err)
			}
			if err := gate.CheckStreams(gates, gate.StreamNames(next)); err != nil {
				return usageError{err}
			}
			cmp, err := compare.Compare(base, next, bounds)
			if err != nil {
				return usagef("compare: %v", err)
			}
			cmp.Checks = append(cmp.Checks, gate.Evaluate(next, gates)...)
			if err := write(os.Stdout, cmp); err != nil {
				return err
			}
			return reportGates(c, next, cmp.Checks)
		},
	}
}
