package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hdrJar finds the HdrHistogram jar: $HDRHISTOGRAM_JAR, Debian's
// libhdrhistogram-java, or Maven's local repository.
func hdrJar() string {
	home, _ := os.UserHomeDir()
	for _, p := range []string{
		os.Getenv("HDRHISTOGRAM_JAR"),
		"/usr/share/java/hdrhistogram.jar",
		filepath.Join(home, ".m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar"),
	} {
		if _, err := os.Stat(p); p != "" && err == nil {
			return p
		}
	}
	return ""
}

// TestHlogJavaProcessor has HdrHistogram's own HistogramLogProcessor read
// a record's latency.hlog with its default flags (the untagged whole-window
// lines) and with -tag (one stream's lines): its totals, max and p99 are the
// record's.
func TestHlogJavaProcessor(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("no java: HistogramLogProcessor cannot run here")
	}
	jar := hdrJar()
	if jar == "" {
		t.Skip("no HdrHistogram jar (Debian: apt-get install libhdrhistogram-java, or set HDRHISTOGRAM_JAR)")
	}
	dir := t.TempDir()
	cfg := synthConfig()
	rec := record(t, cfg, synthResults(cfg), nil, dir)
	hlp := func(args ...string) (intervals, hgrm string) {
		t.Helper()
		out := filepath.Join(dir, "hlp")
		args = append([]string{"-cp", jar, "org.HdrHistogram.HistogramLogProcessor", "-i", filepath.Join(dir, HlogFile), "-o", out, "-outputValueUnitRatio", "1000"}, args...)
		b, err := exec.Command(java, args...).CombinedOutput()
		if err != nil || strings.Contains(string(b), "Exception") {
			t.Fatalf("HistogramLogProcessor %v: %v\n%s", args, err, b)
		}
		iv, err1 := os.ReadFile(out)
		h, err2 := os.ReadFile(out + ".hgrm")
		if err1 != nil || err2 != nil {
			t.Fatalf("HistogramLogProcessor wrote no output: %v %v", err1, err2)
		}
		return string(iv), string(h)
	}
	footer := regexp.MustCompile(`#\[Max\s+=\s+([0-9.]+), Total count\s+=\s+(\d+)\]`)
	totals := func(hgrm string) (maxMs float64, count int64) {
		t.Helper()
		m := footer.FindStringSubmatch(hgrm)
		if m == nil {
			t.Fatalf("no totals in the percentile distribution:\n%s", hgrm)
		}
		maxMs, _ = strconv.ParseFloat(m[1], 64)
		count, _ = strconv.ParseInt(m[2], 10, 64)
		return maxMs, count
	}

	intervals, hgrm := hlp()
	maxMs, count := totals(hgrm)
	// The log holds the latencies of ok responses.
	if count != rec.Summary.OK || !near(maxMs, rec.Summary.MaxMs, 0.01) {
		t.Errorf("without -tag: %d values, max %.3f ms; the record: %d ok, max %.3f ms", count, maxMs, rec.Summary.OK, rec.Summary.MaxMs)
	}
	lines := 0
	for _, l := range strings.Split(intervals, "\n") {
		if l != "" && l[0] >= '0' && l[0] <= '9' {
			lines++
		}
	}
	if lines != len(rec.Windows) {
		t.Errorf("without -tag: %d intervals, want one per window (%d)", lines, len(rec.Windows))
	}
	for _, s := range rec.Streams {
		_, hgrm := hlp("-tag", s.Name)
		if maxMs, count := totals(hgrm); count != s.OK || !near(maxMs, s.MaxMs, 0.01) {
			t.Errorf("-tag %s: %d values, max %.3f ms; the record: %d ok, max %.3f ms", s.Name, count, maxMs, s.OK, s.MaxMs)
		}
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }
