// Command burstlab reproduces API traffic bursts and measures how the target
// copes: time-to-scale and p99 recovery. Each subcommand lives in its own file
// and calls into the profiles, attack, report and sim packages.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/burst"
)

// Exit codes of the CLI contract.
const (
	exitOK        = 0
	exitGateFail  = 1
	exitBadInput  = 2
	exitIO        = 3 // an I/O failure while writing the record or a report
	exitInvalid   = 4 // the run is invalid: the generator failed (out of file descriptors)
	exitInterrupt = 130
)

// usageError marks an error caused by bad flags, a bad profile or a bad input
// file: it exits 2 with one line and no stack trace.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// ioFailure marks an error writing a record or a report file (disk full,
// permissions): the one kind of error that exits 3.
type ioFailure struct{ err error }

func (e ioFailure) Error() string { return e.err.Error() }
func (e ioFailure) Unwrap() error { return e.err }

// exitError carries a specific exit code with its message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args))
}

// newApp builds the command-line application.
func newApp() *cli.App {
	app := &cli.App{
		Name:                      "burstlab",
		Usage:                     "reproduce API traffic bursts and measure time-to-scale and p99 recovery",
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true,
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError:              usageOnce,
		Version:                   version(),
		Commands:                  commands(),
	}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, "burstlab "+c.App.Version) }
	app.Setup()
	for _, c := range app.Commands {
		quietUsage(c)
	}
	return app
}

// usageOnce turns a flag parsing error into the one line burstlab prints on
// stderr: urfave/cli would print it, then the whole help on stdout, where it
// would corrupt a report redirected to a file.
func usageOnce(_ *cli.Context, err error, _ bool) error { return usageError{err} }

// quietUsage gives c and its subcommands usageOnce.
func quietUsage(c *cli.Command) {
	c.OnUsageError = usageOnce
	for _, sub := range c.Subcommands {
		quietUsage(sub)
	}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run is main without os.Exit, so tests can call it.
func run(args []string) int {
	app := newApp()
	args, err := reorderFlags(app, args)
	if err == nil {
		err = app.Run(args)
	}
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, "burstlab: "+ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "burstlab: "+err.Error())
	var io ioFailure
	var rw *burst.WriteError
	if errors.As(err, &io) || errors.As(err, &rw) {
		return exitIO
	}
	// Anything else is what the user gave: flags, a profile, an input file,
	// a target that cannot be set up.
	return exitBadInput
}
