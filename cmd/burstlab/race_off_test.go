//go:build !race

package main

// raceEnabled: the tests run without -race, and so does the binary they
// drive.
const raceEnabled = false
