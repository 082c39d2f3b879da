// Command burstlab reproduces API traffic bursts and measures how the target
// copes: time-to-scale and p99 recovery. Each subcommand lives in its own file
// and calls into the profiles, attack, report and sim packages.
package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

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
		Commands:                  append(commands(), helpCommand()),
		Action:                    unknownCommand,
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

// quietUsage gives c and its subcommands usageOnce, and a command with
// subcommands unknownCommand for a name it does not have.
func quietUsage(c *cli.Command) {
	c.OnUsageError = usageOnce
	if len(c.Subcommands) > 0 && c.Action == nil {
		c.Action = unknownCommand
	}
	for _, sub := range c.Subcommands {
		quietUsage(sub)
	}
}

// helpWithoutArgs drops the positional arguments of a command asked for
// its help (`burstlab run PROFILE --help`), which urfave/cli would take
// as a help topic. The flags come first once reorderFlags has run.
func helpWithoutArgs(args []string) []string {
	for i, a := range args {
		if a == "--" {
			return args
		}
		if a == "--help" || a == "-help" || a == "-h" {
			if j := slices.Index(args, "--"); j > i {
				return args[:j]
			}
			return args
		}
	}
	return args
}

// helpCommand is `burstlab help [COMMAND [SUBCOMMAND]]`: the same help as
// `burstlab COMMAND --help`, exit 0; an unknown topic is an unknown command.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or the flags of one command",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Action: func(c *cli.Context) error {
			topic := c.Args().Slice()
			commands, path := c.App.Commands, []string{}
			for _, name := range topic {
				var found *cli.Command
				for _, cmd := range commands {
					if cmd.HasName(name) {
						found = cmd
					}
				}
				if found == nil {
					return unknownName(path, name, commands)
				}
				path = append(path, found.Name)
				commands = found.Subcommands
			}
			if len(path) == 0 {
				return cli.ShowAppHelp(c)
			}
			return c.App.Run(append(append([]string{c.App.Name}, path...), "--help"))
		},
	}
}

// unknownCommand is the action of burstlab, and of a command with
// subcommands, when no (sub)command was named: with no argument it shows
// the help; any other argument is a name burstlab does not know (exit 2).
func unknownCommand(c *cli.Context) error {
	root := c.Command == nil || c.Command.Name == c.App.Name
	if c.NArg() == 0 {
		if root {
			return cli.ShowAppHelp(c)
		}
		return cli.ShowSubcommandHelp(c)
	}
	var path []string
	commands := c.App.Commands
	if !root {
		path, commands = []string{c.Command.Name}, c.Command.Subcommands
	}
	return unknownName(path, c.Args().First(), commands)
}

// unknownName is the usage error for a command name that is not among
// commands (below the command path): it names the closest when one is close.
func unknownName(path []string, name string, commands []*cli.Command) error {
	msg := fmt.Sprintf("unknown command %q", strings.Join(append(path, name), " "))
	best, bestDist := "", 0
	for _, cmd := range commands {
		if cmd.Hidden {
			continue
		}
		if d := editDistance(name, cmd.Name); d <= max(2, len(cmd.Name)/3) && (best == "" || d < bestDist) {
			best, bestDist = cmd.Name, d
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return usageError{errors.New(msg)}
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
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
	args = helpWithoutArgs(args)
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
