package gate

import (
	"encoding/xml"
	"fmt"
	"io"
)

// JUnitSuite is the name of the test suite WriteJUnit writes.
const JUnitSuite = "burstlab gates"

type junitSuites struct {
	XMLName xml.Name   `xml:"testsuites"`
	Name    string     `xml:"name,attr"`
	Tests   int        `xml:"tests,attr"`
	Fails   int        `xml:"failures,attr"`
	Suites  []junitSet `xml:"testsuite"`
}

type junitSet struct {
	Name  string      `xml:"name,attr"`
	Tests int         `xml:"tests,attr"`
	Fails int         `xml:"failures,attr"`
	Errs  int         `xml:"errors,attr"`
	Time  string      `xml:"time,attr"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string          `xml:"name,attr"`
	Classname string          `xml:"classname,attr"`
	Time      string          `xml:"time,attr"`
	Props     []junitProperty `xml:"properties>property"`
	Failure   *junitFailure   `xml:"failure"`
	SystemOut string          `xml:"system-out"`
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

// WriteJUnit writes results as JUnit XML for CI test reports: one test
// suite, "burstlab gates", with one test case per gate named by its
// expression and carrying the measured value and the threshold (as
// properties and in its output). A failed gate has a <failure> whose
// message is its one-line verdict. record names the record judged and
// becomes the test cases' class name.
func WriteJUnit(w io.Writer, record string, results []Result) error {
	failed := Failed(results)
	set := junitSet{Name: JUnitSuite, Tests: len(results), Fails: failed, Time: "0"}
	class := "burstlab.gates"
	if record != "" {
		class += "." + record
	}
	for _, r := range results {
		c := junitCase{
			Name:      r.Expr,
			Classname: class,
			Time:      "0",
			Props:     []junitProperty{{"measured", r.Measured}, {"threshold", r.Threshold}},
			SystemOut: fmt.Sprintf("measured %s, threshold %s\n", r.Measured, r.Threshold),
		}
		if !r.Pass {
			c.Failure = &junitFailure{Message: r.Line(), Type: "gate", Text: r.Reason}
		}
		set.Cases = append(set.Cases, c)
	}
	doc := junitSuites{Name: JUnitSuite, Tests: len(results), Fails: failed, Suites: []junitSet{set}}
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
