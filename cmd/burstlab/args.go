package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderFlags moves a subcommand's flags in front of its positional
// arguments, so `burstlab run p.yaml -o dir` means what a user expects: urfave/cli
// v2 stops parsing flags at the first positional argument. A flag that wants
// a value and has none is an error here: after the move it would take the
// `--` that separates the positional arguments as its value.
func reorderFlags(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	out := append([]string{}, args[0])
	i := 1
	// Global flags before the command name stay where they are.
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		out = append(out, args[i])
		i++
	}
	if i >= len(args) {
		return args, nil
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args, nil
	}
	out = append(out, args[i])
	i++
	// Nested subcommands (profile validate) are reordered at their own level.
	if len(cmd.Subcommands) > 0 && i < len(args) {
		if sub := cmd.Command(args[i]); sub != nil {
			out = append(out, args[i])
			i++
			cmd = sub
		}
	}
	var flags, pos []string
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if !strings.Contains(a, "=") && takesValue(cmd, strings.TrimLeft(a, "-")) {
			if i+1 >= len(args) || args[i+1] == "--" {
				return nil, usagef("%s: flag %s needs a value", cmd.Name, a)
			}
			flags = append(flags, args[i+1])
			i++
		}
	}
	out = append(out, flags...)
	if len(pos) > 0 {
		out = append(out, "--")
		out = append(out, pos...)
	}
	return out, nil
}

// takesValue reports whether the named flag of cmd expects a value.
func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if _, ok := f.(*cli.BoolFlag); ok {
				return false
			}
			return true
		}
	}
	return false
}
