//go:build linux

// Command sidebyside measures burstlab's generator beside the tools users
// compare it with, through their command lines, against an out-of-process
// loopback server that logs every arrival: the vegeta CLI at a steady rate,
// a bare vegeta Attacker set up for a dense burst, and hey in a closed loop.
// `make bench` runs it and it writes the table to docs/bench.md.
//
//	go run ./internal/sidebyside [-quick] [-out docs/bench.md] [-keep]
//
// The same binary plays two more parts, started by itself as child processes:
//
//	sidebyside serve -addr 127.0.0.1:0 [-tls]   the arrival server (serve.go)
//	sidebyside reference -url URL               the bare-vegeta burst (reference.go)
//
// It reads rusage and /proc, so it runs on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	var err error
	part := ""
	if len(os.Args) > 1 {
		part = os.Args[1]
	}
	switch part {
	case "serve":
		err = serve(os.Args[2:])
	case "reference":
		err = reference(os.Args[2:])
	default:
		err = bench(os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sidebyside:", err)
		os.Exit(1)
	}
}
