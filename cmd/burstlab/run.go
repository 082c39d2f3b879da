package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a burst profile against its target and report time-to-scale and p99 recovery",
		ArgsUsage: "PROFILE",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "keep the record (run.json, latency.hlog) in `DIR`"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("run: want one PROFILE, got %d arguments", c.NArg())
			}
			p, err := profiles.Load(c.Args().First())
			if err != nil {
				return usageError{err}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rec, err := burst.Run(ctx, p, burst.Options{
				Out:      c.String("out"),
				Progress: os.Stderr,
				Live:     isTerminal(os.Stderr),
			})
			if err != nil && rec == nil {
				if profiles.IsError(err) {
					return usageError{err}
				}
				return err
			}
			if werr := report.WriteTable(os.Stdout, rec); werr != nil && err == nil {
				err = werr
			}
			if err != nil {
				return err
			}
			if rec.Stopped {
				return exitError{code: exitInterrupt, msg: "interrupted: the record holds what was measured until then"}
			}
			return nil
		},
	}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
