package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

// gateFlags are the flags of every command that judges a record.
func gateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "gate", Usage: "exit 1 unless `EXPR` holds, e.g. 'p99_recovery < 30s' (repeatable; see docs/gates.md)"},
		&cli.StringFlag{Name: "junit", Usage: "write the gate results as JUnit XML to `FILE`"},
		&cli.StringFlag{Name: "summary", Usage: "write the gate results as Markdown to `FILE` (default: append them to $GITHUB_STEP_SUMMARY when it is set)"},
	}
}

// parseGateFlags parses the profile's gates, then --gate's, so that a bad
// gate is refused (exit 2) before a run is spent on it.
func parseGateFlags(c *cli.Context, profileGates []string) ([]gate.Gate, error) {
	pg, err := gate.ParseAll(profileGates)
	if err != nil {
		return nil, usagef("profile gates: %v", err)
	}
	fg, err := gate.ParseAll(c.StringSlice("gate"))
	if err != nil {
		return nil, usageError{err}
	}
	return append(pg, fg...), nil
}

// applyGates judges rec against gates (the profile's and --gate's, parsed
// by parseGateFlags, their alert figures checked with the rules), writes
// --junit and --summary, prints the verdict on stderr and returns exit 1
// when a gate failed.
func applyGates(c *cli.Context, rec *report.Record, gates []gate.Gate) error {
	if err := gate.CheckStreams(gates, gate.StreamNames(rec)); err != nil {
		return usageError{err}
	}
	if rec.Stopped && len(gates) > 0 {
		// Gates judge a whole plan: part of one cannot pass them.
		g, err := gate.Parse("stopped == false")
		if err != nil {
			return err
		}
		gates = append(gates, g)
	}
	return reportGates(c, rec, gate.Evaluate(rec, gates))
}

// judge applies the gates, then refuses a run in which the generator failed
// (exit 4) or no request reached the target (or nothing was sent; exit 1),
// whatever the gates say, with one line saying so.
func judge(c *cli.Context, rec *report.Record, gates []gate.Gate) error {
	err := applyGates(c, rec, gates)
	var ue usageError
	var io ioFailure
	if errors.As(err, &ue) || errors.As(err, &io) {
		return err
	}
	if rec.Invalid != "" {
		return exitError{code: exitInvalid, msg: rec.Invalid}
	}
	if msg := report.Unreached(rec); msg != "" {
		return exitError{code: exitGateFail, msg: msg}
	}
	return err
}

// reportGates writes results where the gate flags ask, prints the verdict
// and turns a failed gate into exit 1. rec is the record judged.
func reportGates(c *cli.Context, rec *report.Record, results []gate.Result) error {
	return reportRunGates(c, gate.JUnitRun{Record: rec.Name, Started: rec.Started, Duration: time.Duration(rec.DurationS * float64(time.Second))}, results)
}

// reportRunGates is reportGates for what is judged, whether a record or a
// capacity search's answer.
func reportRunGates(c *cli.Context, run gate.JUnitRun, results []gate.Result) error {
	record := run.Record
	if path := c.String("junit"); path != "" {
		run.Hostname, _ = os.Hostname()
		var b bytes.Buffer
		if err := gate.WriteJUnit(&b, run, results); err != nil {
			return err
		}
		if err := report.WriteFileAtomic(path, b.Bytes()); err != nil {
			return writeFailure("--junit", path, err)
		}
	}
	if err := writeSummary(c.String("summary"), record, results); err != nil {
		return err
	}
	verdict := gate.Verdict(results)
	if gate.Failed(results) > 0 {
		return exitError{code: exitGateFail, msg: verdict}
	}
	if verdict != "" {
		fmt.Fprintln(os.Stderr, "burstlab: "+verdict)
	}
	return nil
}

// writeFailure is a failure to write what (the report, --junit) to path:
// an I/O failure (exit 3) that reads "writing WHAT: FILE: OPERATION: ERR".
// err names the operation when it is a *report.FileError; any other is a
// write.
func writeFailure(what, path string, err error) error {
	return ioFailure{fmt.Errorf("writing %s: %w", what, report.AsFileError("write", path, err))}
}

// writeSummary writes the Markdown results to path, or, without a path and
// with gates, appends them to $GITHUB_STEP_SUMMARY: GitHub collects that
// file after the step, and other tools of the step may have written to it
// already, so it is appended to, not replaced.
func writeSummary(path, record string, results []gate.Result) error {
	var b bytes.Buffer
	if err := gate.WriteMarkdown(&b, record, results); err != nil {
		return err
	}
	if path != "" {
		if err := report.WriteFileAtomic(path, b.Bytes()); err != nil {
			return writeFailure("--summary", path, err)
		}
		return nil
	}
	step := os.Getenv("GITHUB_STEP_SUMMARY")
	if step == "" || len(results) == 0 {
		return nil
	}
	f, err := os.OpenFile(step, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return writeFailure("$GITHUB_STEP_SUMMARY", step, report.AsFileError("open", step, err))
	}
	if _, err := f.Write(append(b.Bytes(), '\n')); err != nil {
		f.Close()
		return writeFailure("$GITHUB_STEP_SUMMARY", step, err)
	}
	if err := f.Close(); err != nil {
		return writeFailure("$GITHUB_STEP_SUMMARY", step, report.AsFileError("close", step, err))
	}
	return nil
}
