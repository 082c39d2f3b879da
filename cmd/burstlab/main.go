// Command burstlab reproduces API traffic bursts and measures how the target
// copes: time-to-scale and p99 recovery. Each subcommand lives in its own file
// and calls into the profiles, attack, report and sim packages.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// Exit codes of the CLI contract.
const (
	exitOK        = 0
	exitGateFail  = 1
	exitBadInput  = 2
	exitFailed    = 3 // the run itself could not be carried out
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
		Commands:                  commands(),
	}
	app.Setup()
	return app
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run is main without os.Exit, so tests can call it.
func run(args []string) int {
	app := newApp()
	err := app.Run(reorderFlags(app, args))
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
	var ue usageError
	if errors.As(err, &ue) || isCLIUsage(err) {
		return exitBadInput
	}
	return exitFailed
}
