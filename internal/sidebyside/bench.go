//go:build linux

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// settings are the lengths and repetitions of one bench.
type settings struct {
	Quick        bool
	Rate         int           // the steady rate, requests per second
	Steady       time.Duration // each steady run
	SteadyRounds int
	Long, Short  time.Duration // the memory growth runs
	BurstPairs   int
	Closed       time.Duration // each closed-loop run
	ClosedRounds int
	BackedRounds int // rounds against the backed-up target, each protocol
}

// fullSettings are the measures; quickSettings try the bench out.
var (
	fullSettings = settings{
		Rate: 5000, Steady: 20 * time.Second, SteadyRounds: 3,
		Long: 60 * time.Second, Short: 15 * time.Second,
		BurstPairs: 7, Closed: 10 * time.Second, ClosedRounds: 3, BackedRounds: 3,
	}
	quickSettings = settings{
		Quick: true, Rate: 5000, Steady: 5 * time.Second, SteadyRounds: 1,
		Long: 12 * time.Second, Short: 3 * time.Second,
		BurstPairs: 2, Closed: 3 * time.Second, ClosedRounds: 1, BackedRounds: 1,
	}
)

// bench builds the tools, runs every measure side by side and writes the
// table.
func bench(args []string) error {
	fs := flag.NewFlagSet("sidebyside", flag.ExitOnError)
	quick := fs.Bool("quick", false, "shorter runs, one round each: for trying the bench out")
	out := fs.String("out", "docs/bench.md", "write the Markdown table to this file (\"\" for stdout only)")
	keep := fs.Bool("keep", false, "keep the work directory (binaries, tool output, records)")
	heyVersion := fs.String("hey-version", "v0.1.5", "version of github.com/rakyll/hey to install")
	only := fs.String("only", "", "run only these measures, comma-separated ("+strings.Join(measureNames, ",")+"); with -out \"\" for a look without a report")
	rounds := fs.Int("rounds", 0, "rounds against the backed-up target (0: the bench's own)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./internal/sidebyside [-quick] [-out FILE] [-keep]")
		fs.PrintDefaults()
	}
	fs.Parse(args)
	set := fullSettings
	if *quick {
		set = quickSettings
	}
	if *rounds > 0 {
		set.BackedRounds = *rounds
	}
	chosen, err := chooseMeasures(*only)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sidebyside-")
	if err != nil {
		return err
	}
	cleanup := func() {
		if *keep {
			fmt.Fprintln(os.Stderr, "sidebyside: work directory kept:", dir)
			return
		}
		os.RemoveAll(dir)
	}
	defer cleanup()
	defer running.killAll()

	progress("building burstlab, the vegeta CLI and hey into %s", dir)
	t, err := buildTools(ctx, root, dir, *heyVersion)
	if err != nil {
		return interrupted(ctx, err)
	}
	l := &lab{ctx: ctx, self: self, tools: t, dir: dir, set: set}
	rep := &benchReport{Machine: describeMachine(), Settings: set, Tools: t}
	for _, name := range chosen {
		rows, err := l.measure(name)
		if err != nil {
			return interrupted(ctx, err)
		}
		rep.Rows = append(rep.Rows, rows...)
	}
	rep.Runs = l.runs
	rep.Commands = l.commands

	md := rep.markdown()
	fmt.Print(md)
	if *out != "" {
		path := *out
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			return err
		}
		progress("wrote %s", path)
	}
	return nil
}

// measureNames are the bench's measures, in the order it runs them.
var measureNames = []string{"steady", "memory", "burst", "closed", "backedup"}

// chooseMeasures returns the measures -only names, in the bench's order:
// every one when only is empty.
func chooseMeasures(only string) ([]string, error) {
	if only == "" {
		return measureNames, nil
	}
	want := strings.Split(only, ",")
	for _, w := range want {
		if !slices.Contains(measureNames, w) {
			return nil, fmt.Errorf("-only: no measure %q (have %s)", w, strings.Join(measureNames, ", "))
		}
	}
	var out []string
	for _, m := range measureNames {
		if slices.Contains(want, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// measure runs the named measure.
func (l *lab) measure(name string) ([]row, error) {
	switch name {
	case "steady":
		return l.steady()
	case "memory":
		return l.memory()
	case "burst":
		return l.burst()
	case "closed":
		return l.closedLoop()
	}
	return l.backedUp()
}

// interrupted says so when err came from an interrupt.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: the child processes were stopped, nothing was written")
	}
	return err
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sidebyside: "+format+"\n", args...)
}
