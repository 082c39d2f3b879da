package main

import (
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/capacity"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

func capacityCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.BoolFlag{Name: "burst", Usage: "search the largest factor on PROFILE's burst streams whose gates hold, instead of the highest steady rate"},
		&cli.DurationFlag{Name: "slo-p99", Usage: "steady: a step passes with the p99 of its judged part at most this (default: the profile's analysis.slo_p99)"},
		&cli.StringFlag{Name: "max-error-ratio", Value: "1%", Usage: "steady: a step passes with at most this share of errors (`RATIO`: 1% or 0.01)"},
		&cli.StringFlag{Name: "from", Usage: "first level: a rate (default 100/s), or with --burst a factor (default 1)"},
		&cli.StringFlag{Name: "to", Usage: "highest level tried: a rate (default 50000/s), or with --burst a factor (default 32)"},
		&cli.Float64Flag{Name: "growth", Value: 2, Usage: "each level over the previous one until a step fails"},
		&cli.StringFlag{Name: "precision", Value: "5%", Usage: "bisect until the first failing level is within this of the last passing one"},
		&cli.DurationFlag{Name: "step", Value: 5 * time.Second, Usage: "steady, targets on stdin: how long each step sends (a profile's step is its duration)"},
		&cli.DurationFlag{Name: "warmup", Value: time.Second, Usage: "steady, targets on stdin: the first part of each step, not judged (a profile's is its warmup)"},
		&cli.StringFlag{Name: "format", Value: "table", Usage: "report format on stdout: table, json, md or html"},
		&cli.StringFlag{Name: "targets-format", Value: "http", Usage: "targets format on stdin: http (vegeta's METHOD URL lines) or json"},
		&cli.StringFlag{Name: "targets", Usage: "read targets from `FILE` instead of stdin"},
		&cli.StringFlag{Name: "name", Value: "capacity", Usage: "name of the search"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "keep capacity.json and each step's record (step-NN/) in `DIR`"},
		&cli.StringSliceFlag{Name: "header", Aliases: []string{"H"}, Usage: "add `NAME: VALUE` to every request (repeatable)"},
	}
	flags = append(flags, clientFlags()...)
	flags = append(flags, gateFlags()...)
	return &cli.Command{
		Name:  "capacity",
		Usage: "search how much steady load, or how big a burst, the target survives",
		UsageText: "echo 'GET http://127.0.0.1:8080/' | burstlab capacity -slo-p99 100ms [-from 100/s] [-to 50000/s] [-step 5s] [-o DIR]\n" +
			"burstlab capacity -slo-p99 100ms PROFILE\n" +
			"burstlab capacity --burst PROFILE --gate 'p99_recovery < 30s' --gate 'error_ratio < 1%' [-o DIR]",
		ArgsUsage: "[PROFILE]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			spec, answerGates, err := capacitySpec(c)
			if err != nil {
				return err
			}
			out, err := capacity.Format(c.String("format"))
			if err != nil {
				return usageError{err}
			}
			ctx, abort, stop := interruptible()
			defer stop()
			res, err := capacity.Find(ctx, spec, burst.Options{
				Out: c.String("out"), Progress: os.Stderr, Live: isTerminal(os.Stderr), Abort: abort,
			})
			if res == nil {
				return usageError{err}
			}
			res.Judge(answerGates)
			if werr := out(os.Stdout, res); werr != nil && err == nil {
				err = werr
			}
			if err != nil {
				if profiles.IsError(err) {
					return usageError{err}
				}
				var fe *report.FileError
				var we *burst.WriteError
				if errors.As(err, &fe) && !errors.As(err, &we) {
					return writeFailure("the record", fe.Path, fe) // capacity.json
				}
				return err
			}
			return capacityExit(c, res)
		},
	}
}

// capacityExit turns the search's end into the exit code: 130 when it was
// interrupted, 1 without an answer or with a failed gate on it.
func capacityExit(c *cli.Context, res *capacity.Result) error {
	if res.Limit == capacity.LimitStopped {
		return exitError{code: exitInterrupt, msg: "interrupted: capacity.json holds the steps measured until then"}
	}
	gerr := reportRunGates(c, gate.JUnitRun{Record: res.Name, Started: res.Started, Duration: time.Since(res.Started)}, res.Gates)
	if !res.Found {
		return exitError{code: exitGateFail, msg: "no answer: " + res.Line}
	}
	return gerr
}

// capacitySpec reads the flags into a search, checking everything before
// a step is spent: the load, the levels, the criteria and the gates (those
// on capacity.json's figures judge the answer, the others every step).
func capacitySpec(c *cli.Context) (capacity.Spec, []gate.Gate, error) {
	spec := capacity.Spec{Mode: capacity.Steady}
	if c.Bool("burst") {
		spec.Mode = capacity.BurstMode
	}
	var profileGates []string
	switch c.NArg() {
	case 0:
		if spec.Mode == capacity.BurstMode {
			return spec, nil, usagef("capacity --burst: want a PROFILE whose burst streams to scale")
		}
	case 1:
		p, err := profiles.Load(c.Args().First())
		if err != nil {
			return spec, nil, usageError{err}
		}
		spec.Profile, profileGates = p, p.Gates
	default:
		return spec, nil, usagef("capacity: want at most one PROFILE, got %d arguments", c.NArg())
	}
	stepGates, answerGates, err := capacity.ParseGates(append(profileGates, c.StringSlice("gate")...))
	if err != nil {
		return spec, nil, usageError{err}
	}
	spec.Criteria.Gates = stepGates
	if spec.Search, err = searchFlags(c, spec.Mode); err != nil {
		return spec, nil, err
	}
	if spec.Criteria.MaxErrorRatio, err = parseRatio("-max-error-ratio", c.String("max-error-ratio")); err != nil {
		return spec, nil, err
	}
	slo := c.Duration("slo-p99")
	if slo == 0 && spec.Profile != nil {
		slo = spec.Profile.Analysis.SLOP99
	}
	spec.Criteria.SLOP99Ms = float64(slo) / float64(time.Millisecond)
	if spec.Mode == capacity.Steady && slo <= 0 {
		return spec, nil, usagef("capacity: a steady search needs -slo-p99 (the p99 a step must hold)")
	}
	if spec.Profile != nil {
		if c.IsSet("step") || c.IsSet("warmup") {
			return spec, nil, usagef("capacity: -step and -warmup are for targets on stdin; a profile's step is its duration and warmup")
		}
		if err := gate.CheckStreams(stepGates, spec.Profile.StreamNames()); err != nil {
			return spec, nil, usageError{err}
		}
		return spec, answerGates, nil
	}
	spec.Step, spec.Warmup = c.Duration("step"), c.Duration("warmup")
	if spec.Warmup < 0 || spec.Step <= spec.Warmup {
		return spec, nil, usagef("capacity: -step %v must be longer than -warmup %v", spec.Step, spec.Warmup)
	}
	if err := gate.CheckStreams(stepGates, []string{burst.AttackStream}); err != nil {
		return spec, nil, usageError{err}
	}
	tgts, err := readTargets(c, c.String("targets-format"))
	if err != nil {
		return spec, nil, err
	}
	client, err := clientBlock(c)
	if err != nil {
		return spec, nil, err
	}
	spec.Attack = &burst.AttackSpec{
		Name: c.String("name"), Targets: tgts, Engine: burst.ClientOptions(client),
		SLOP99: slo,
	}
	return spec, answerGates, nil
}

// searchFlags reads -from, -to, -growth and -precision: rates for a
// steady search, factors for a burst search.
func searchFlags(c *cli.Context, mode string) (capacity.Search, error) {
	s := capacity.Search{Growth: c.Float64("growth")}
	level := func(flag, def string) (float64, error) {
		v := c.String(flag)
		if v == "" {
			v = def
		}
		if mode == capacity.BurstMode {
			x, err := strconv.ParseFloat(strings.TrimRight(v, "x×"), 64)
			if err != nil || !(x > 0) || math.IsInf(x, 0) {
				return 0, usagef("capacity: -%s %q: want a factor > 0, like 1 or 2.5x", flag, v)
			}
			return x, nil
		}
		r, err := attack.ParseRate(v)
		if err != nil {
			return 0, usagef("capacity: -%s: %v", flag, err)
		}
		if r == 0 {
			return 0, usagef("capacity: -%s must be above 0/s", flag)
		}
		return r, nil
	}
	from, to := "100/s", "50000/s"
	if mode == capacity.BurstMode {
		from, to = "1", "32"
	}
	var err error
	if s.From, err = level("from", from); err != nil {
		return s, err
	}
	if s.To, err = level("to", to); err != nil {
		return s, err
	}
	if s.Precision, err = parseRatio("-precision", c.String("precision")); err != nil {
		return s, err
	}
	if err := s.Check(); err != nil {
		return s, usagef("capacity: %v", err)
	}
	return s, nil
}

// parseRatio reads 5% or 0.05.
func parseRatio(flag, v string) (float64, error) {
	s, pct := strings.CutSuffix(strings.TrimSpace(v), "%")
	x, err := strconv.ParseFloat(s, 64)
	if pct {
		x /= 100
	}
	if err != nil || x < 0 || x > 1 || math.IsNaN(x) {
		return 0, usagef("capacity: %s %q: want a share like 5%% or 0.05", flag, v)
	}
	return x, nil
}
