package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/profiles/accesslog"
	"github.com/burstlab/burstlab/profiles/fromlog"
)

// fromLogCommand is `burstlab profile from-log FILE...`: production access
// logs in, a profile replaying them per route out.
func fromLogCommand() *cli.Command {
	return &cli.Command{
		Name:      "from-log",
		Usage:     "write a profile that replays access logs (nginx/Apache combined, AWS ALB, JSON lines; gzip or not) one stream per route, the burst's routes marked",
		ArgsUsage: "FILE...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "from-log.yaml", Usage: "the profile to write; each stream's curve is written beside it as PROFILE.STREAM.csv"},
			&cli.Float64Flag{Name: "speed", Value: 1, Usage: "replay speed: 10 replays an hour in 6 minutes at ten times the rate"},
			&cli.Float64Flag{Name: "scale", Value: 1, Usage: "multiply every rate"},
			&cli.StringFlag{Name: "from", Usage: "keep requests from this RFC 3339 time on, or from this long after the first request (20m)"},
			&cli.StringFlag{Name: "to", Usage: "keep requests before this RFC 3339 time, or before this long after the first request"},
			&cli.StringFlag{Name: "format", Value: "auto", Usage: "auto, combined (nginx/Apache), alb or json"},
			&cli.StringSliceFlag{Name: "route", Usage: "a route pattern such as /teams/{slug}/members or 'POST /reports/{year}', tried before the default grouping (repeatable)"},
			&cli.BoolFlag{Name: "keep-query", Usage: "keep query strings in routes and requests (they often hold tokens and user data)"},
			&cli.StringFlag{Name: "share", Value: "1%", Usage: "routes below this share of the requests fold into one stream"},
			&cli.Float64Flag{Name: "burst-factor", Value: 3, Usage: "a route bursts when its rate stays above this many times its median"},
			&cli.DurationFlag{Name: "burst-min", Value: 3 * time.Second, Usage: "the shortest burst"},
			&cli.StringFlag{Name: "target", Value: "http://127.0.0.1:8080", Usage: "the profile's target URL"},
			&cli.StringFlag{Name: "name", Value: "from-log", Usage: "the profile's name"},
			&cli.StringFlag{Name: "json-time", Value: "timestamp", Usage: "JSON lines: the time field (RFC 3339, CLF time or epoch number)"},
			&cli.StringFlag{Name: "json-method", Value: "method", Usage: "JSON lines: the method field"},
			&cli.StringFlag{Name: "json-path", Value: "path", Usage: "JSON lines: the path field (a path, URL or request line)"},
			&cli.StringFlag{Name: "json-status", Value: "status", Usage: "JSON lines: the status field"},
			&cli.StringFlag{Name: "json-latency", Value: "latency", Usage: "JSON lines: the latency field"},
			&cli.DurationFlag{Name: "latency-unit", Value: time.Second, Usage: "the unit of a bare latency number (JSON field, combined trailing field): 1s, 1ms, 1us"},
		},
		Action: fromLog,
	}
}

func fromLog(c *cli.Context) error {
	if c.NArg() == 0 {
		return usagef("profile from-log: want at least one log FILE")
	}
	files := c.Args().Slice()
	lo, err := fromLogReadOptions(c, files)
	if err != nil {
		return err
	}
	po, err := fromLogProfileOptions(c, files)
	if err != nil {
		return err
	}
	router, err := accesslog.NewRouter(c.StringSlice("route"), c.Bool("keep-query"))
	if err != nil {
		return usagef("profile from-log: --route: %v", err)
	}
	r, err := accesslog.Open(files, lo)
	if err != nil {
		return usageError{err}
	}
	defer r.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := fromlog.Read(ctx, r, router)
	if ctx.Err() != nil {
		return exitError{code: exitInterrupt, msg: "interrupted while reading the logs; nothing written"}
	}
	if err != nil {
		return usageError{err}
	}
	if m := l.Stats.Malformed; m.Count > 0 {
		fmt.Fprintln(os.Stderr, "burstlab: "+m.String())
	}
	if l.Requests == 0 {
		return usagef("%s: no requests read (%d malformed, %d outside the time range)", strings.Join(files, ", "), l.Stats.Malformed.Count, l.Stats.Cut)
	}
	if peak := l.PeakRate() * po.Speed * po.Scale; peak > profiles.MaxPeakRate {
		return usagef("the replay would send %.4g/s at its peak, above the %d/s one process sends: lower --scale or --speed, or shard the run", peak, profiles.MaxPeakRate)
	}
	streams := fromlog.Streams(l, po)
	out := c.String("out")
	written, err := fromlog.Write(out, l, streams, po)
	if err != nil {
		return ioFailure{err}
	}
	if _, err := profiles.Load(out); err != nil {
		// The profile asks for what one process cannot send (a scale too
		// high): say so and take the files back.
		for _, f := range written {
			os.Remove(f)
		}
		return usageError{fmt.Errorf("the profile written from the logs is not valid, nothing kept: %v", err)}
	}
	return fromlog.Summary(os.Stdout, l, streams, written)
}

func fromLogReadOptions(c *cli.Context, files []string) (accesslog.Options, error) {
	format, err := accesslog.ParseFormat(c.String("format"))
	if err != nil {
		return accesslog.Options{}, usagef("profile from-log: --format: %v", err)
	}
	o := accesslog.Options{
		Format:       format,
		TimeField:    c.String("json-time"),
		MethodField:  c.String("json-method"),
		PathField:    c.String("json-path"),
		StatusField:  c.String("json-status"),
		LatencyField: c.String("json-latency"),
		LatencyUnit:  c.Duration("latency-unit"),
	}
	if o.LatencyUnit <= 0 {
		return o, usagef("profile from-log: --latency-unit %v: want a positive duration such as 1s or 1ms", o.LatencyUnit)
	}
	var first time.Time // the logs' first request, for offsets
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"from", &o.From}, {"to", &o.To}} {
		s := c.String(f.name)
		if s == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			*f.t = t
			continue
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return o, usagef("profile from-log: --%s %q: want an RFC 3339 time such as 2019-11-14T15:04:00-05:00 or an offset from the first request such as 20m", f.name, s)
		}
		if first.IsZero() {
			peek := o
			peek.From, peek.To = time.Time{}, time.Time{}
			r, err := accesslog.Open(files, peek)
			if err != nil {
				return o, usageError{err}
			}
			first = r.First()
			r.Close()
		}
		*f.t = first.Add(d)
	}
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return o, usagef("profile from-log: --from %s is not before --to %s", c.String("from"), c.String("to"))
	}
	return o, nil
}

func fromLogProfileOptions(c *cli.Context, files []string) (fromlog.Options, error) {
	o := fromlog.Options{
		Factor:   c.Float64("burst-factor"),
		MinBurst: c.Duration("burst-min"),
		Speed:    c.Float64("speed"),
		Scale:    c.Float64("scale"),
		Target:   c.String("target"),
		Name:     c.String("name"),
		Sources:  files,
	}
	share, err := parseShare(c.String("share"))
	if err != nil {
		return o, usagef("profile from-log: --share %q: %v", c.String("share"), err)
	}
	o.Share = share
	for _, f := range []struct {
		name string
		v    float64
	}{{"speed", o.Speed}, {"scale", o.Scale}} {
		if !(f.v > 0 && f.v <= 1e6) {
			return o, usagef("profile from-log: --%s %v: want a number within (0, 1e6]", f.name, f.v)
		}
	}
	if !(o.Factor > 1) {
		return o, usagef("profile from-log: --burst-factor %v: want a number above 1", o.Factor)
	}
	if o.MinBurst <= 0 {
		return o, usagef("profile from-log: --burst-min %v: want a positive duration", o.MinBurst)
	}
	return o, nil
}

// parseShare reads a share as a percentage (1%) or a ratio (0.01).
func parseShare(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, errors.New("want a share such as 1% or 0.01")
	}
	if pct {
		v /= 100
	}
	if !(v >= 0 && v < 1) {
		return 0, errors.New("want a share within [0%, 100%)")
	}
	if v == 0 {
		v = 1e-12 // 0 keeps every route: below no share
	}
	return v, nil
}
