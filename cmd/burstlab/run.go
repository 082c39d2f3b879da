package main

import (
	"context"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

func runCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "keep the record (run.json, latency.hlog) in `DIR`, new or empty"},
		forceFlag,
		&cli.StringFlag{Name: "shard", Usage: "send shard `i/n` of the plan: every n-th planned request from the i-th (merge the records with burstlab report)"},
		&cli.TimestampFlag{Name: "start-at", Layout: time.RFC3339, Usage: "start the plan at this RFC 3339 `TIME`, so shards on several machines share t=0"},
	}
	return &cli.Command{
		Name:      "run",
		Usage:     "run a burst profile against its target and report time-to-scale and p99 recovery",
		ArgsUsage: "PROFILE",
		Flags:     append(append(append(flags, resultFlags()...), gateFlags()...), alertFlag()),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("run: want one PROFILE, got %d arguments", c.NArg())
			}
			p, err := profiles.Load(c.Args().First())
			if err != nil {
				return usageError{err}
			}
			var shard profiles.Shard
			if v := c.String("shard"); v != "" {
				if shard, err = profiles.ParseShard(v); err != nil {
					return usageError{err}
				}
			}
			if shard.Count > 1 && c.Timestamp("start-at") == nil {
				return usagef("run: --shard %s needs --start-at TIME: the shards of one plan share its t=0", c.String("shard"))
			}
			var startAt time.Time
			if t := c.Timestamp("start-at"); t != nil {
				if startAt = *t; startAt.Before(time.Now()) {
					return usagef("run: --start-at %s has passed", startAt.Format(time.RFC3339))
				}
			}
			// A bad gate must not waste a run: check them all first.
			gates, err := parseGateFlags(c, p.Gates)
			if err != nil {
				return err
			}
			streams := p.StreamNames()
			if err := gate.CheckStreams(gates, streams); err != nil {
				return usageError{err}
			}
			alerts, err := parseAlertFlags(c, p.Rules(), gates, streams)
			if err != nil {
				return err
			}
			return runAndReport(c, func(ctx context.Context, opt burst.Options) (*report.Record, error) {
				opt.Shard, opt.StartAt = shard, startAt
				rec, err := burst.Run(ctx, p, opt)
				if err != nil && profiles.IsError(err) {
					return nil, usageError{err}
				}
				return rec, err
			}, gates, alerts)
		},
	}
}
