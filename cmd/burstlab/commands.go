package main

import "github.com/urfave/cli/v2"

// commands lists burstlab's subcommands; each is built in its own file.
func commands() []*cli.Command {
	return []*cli.Command{
		runCommand(),
		attackCommand(),
		reportCommand(),
		simCommand(),
		profileCommand(),
		compareCommand(),
		capacityCommand(),
		versionCommand(),
	}
}
