package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/profiles"
)

func profileCommand() *cli.Command {
	return &cli.Command{
		Name:  "profile",
		Usage: "check a traffic profile or show its plan without sending anything",
		Subcommands: []*cli.Command{
			{
				Name:      "validate",
				Usage:     `print "ok" when PROFILE is valid, else the problem with its file:line:column (exit 2)`,
				ArgsUsage: "PROFILE",
				Action: func(c *cli.Context) error {
					if _, err := planProfile(c, "validate"); err != nil {
						return err
					}
					_, err := os.Stdout.WriteString("ok\n")
					return err
				},
			},
			{
				Name:      "plan",
				Usage:     "print per-stream totals, the peak rate and a per-second rate sparkline of PROFILE",
				ArgsUsage: "PROFILE",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "json", Usage: "print per-stream per-second offered counts and totals as JSON"},
				},
				Action: func(c *cli.Context) error {
					pl, err := planProfile(c, "plan")
					if err != nil {
						return err
					}
					if c.Bool("json") {
						return profiles.WritePlanJSON(os.Stdout, pl)
					}
					return profiles.WritePlan(os.Stdout, pl)
				},
			},
			fromLogCommand(),
		},
	}
}

// planProfile loads and plans the command's one PROFILE argument; a bad
// profile is a usage error (exit 2).
func planProfile(c *cli.Context, name string) (*profiles.Plan, error) {
	if c.NArg() != 1 {
		return nil, usagef("profile %s: want one PROFILE, got %d arguments", name, c.NArg())
	}
	p, err := profiles.Load(c.Args().First())
	if err != nil {
		return nil, usageError{err}
	}
	// Counting a large plan takes a while: Ctrl-C stops it.
	ctx, stop := stopContext()
	defer stop()
	pl, err := profiles.PlanShard(ctx, p, profiles.Shard{})
	if ctx.Err() != nil {
		return nil, exitError{code: exitInterrupt, msg: "interrupted while counting the plan"}
	}
	if err != nil {
		return nil, usageError{err}
	}
	return pl, nil
}
