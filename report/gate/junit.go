package gate

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// JUnitSuite is the name of the test suite WriteJUnit writes.
const JUnitSuite = "burstlab gates"

// JUnitRun is what a JUnit report says about the run judged.
type JUnitRun struct {
	Record   string        // the record's name; the test cases' class name ends with it
	Started  time.Time     // the run's start: the suite's timestamp
	Duration time.Duration // the run's length: the suite's time
	Hostname string        // the machine that wrote the report
}

type junitSuites struct {
	XMLName xml.Name   `xml:"testsuites"`
	Name    string     `xml:"name,attr"`
	Tests   int        `xml:"tests,attr"`
	Fails   int        `xml:"failures,attr"`
	Errs    int        `xml:"errors,attr"`
	Time    string     `xml:"time,attr"`
	Suites  []junitSet `xml:"testsuite"`
}

// junitSet is a <testsuite>; the fields' order is the XSD's sequence.
type junitSet struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Fails     int             `xml:"failures,attr"`
	Errs      int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr,omitempty"`
	Hostname  string          `xml:"hostname,attr,omitempty"`
	Props     []junitProperty `xml:"properties>property,omitempty"`
	Cases     []junitCase     `xml:"testcase"`
}

// junitCase is a <testcase>: the XSD allows no properties here, so the
// measured value and the threshold go in the failure body and the output.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML for CI test reports, valid against
// the JUnit XSD Jenkins' xunit plugin uses: one test suite, "burstlab
// gates", stamped with the run's start, length and the hostname, with one
// test case per gate named by its expression. A failed gate has a <failure>
// whose message is its one-line verdict and whose body (what GitLab shows)
// names the measured value, the threshold and why it failed. Every case's
// output holds the measured value and the threshold.
func WriteJUnit(w io.Writer, run JUnitRun, results []Result) error {
	failed := Failed(results)
	secs := strconv.FormatFloat(run.Duration.Seconds(), 'f', 3, 64)
	set := junitSet{Name: JUnitSuite, Tests: len(results), Fails: failed, Time: secs, Hostname: run.Hostname}
	if !run.Started.IsZero() {
		// Ant's JUnit format: ISO 8601 without a zone; ours is UTC.
		set.Timestamp = run.Started.UTC().Format("2006-01-02T15:04:05")
	}
	class := "burstlab.gates"
	if run.Record != "" {
		class += "." + run.Record
		set.Props = append(set.Props, junitProperty{"record", run.Record})
	}
	for _, r := range results {
		c := junitCase{
			Name:      r.Expr,
			Classname: class,
			Time:      "0",
			SystemOut: fmt.Sprintf("measured %s, threshold %s\n", r.Measured, r.Threshold),
		}
		if !r.Pass {
			body := fmt.Sprintf("%s: measured %s, threshold %s", r.Figure, r.Measured, r.Threshold)
			if r.Reason != "" {
				body += "\n" + r.Reason
			}
			c.Failure = &junitFailure{Message: r.Line(), Type: "gate", Text: body}
		}
		set.Cases = append(set.Cases, c)
	}
	doc := junitSuites{Name: JUnitSuite, Tests: len(results), Fails: failed, Time: secs, Suites: []junitSet{set}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
