package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/internal/golden"
	"github.com/burstlab/burstlab/report"
)

// fixture is the synthetic record that report's tests pin
// (report/testdata/synthetic), read back as `burstlab report DIR` reads it:
// the hgrm comes from its interval log.
func fixture(t testing.TB) *report.Record {
	t.Helper()
	rec, err := report.Open(filepath.Join("..", "testdata", "synthetic"))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestRenderGolden renders the synthetic record in every format and
// compares each with its golden file.
func TestRenderGolden(t *testing.T) {
	rec := fixture(t)
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			r, err := Format(name)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := r.Render(&buf, rec); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "synthetic."+name+".golden"), buf.Bytes())
		})
	}
}

func TestFormatUnknown(t *testing.T) {
	if _, err := Format("pdf"); err == nil || !strings.Contains(err.Error(), "table") {
		t.Errorf("Format(pdf) = %v, want an error listing the formats", err)
	}
}

// TestRenderFileAtomic checks a failed render leaves no file behind.
func TestRenderFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.hgrm")
	rec := &report.Record{} // no histogram: Hgrm fails
	if err := RenderFile(path, Hgrm{}, rec); err == nil {
		t.Fatal("want an error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a failed render left %v", entries)
	}
}

// TestTableNotes checks the table carries a record's notes, such as the
// warning that vegeta's latency is its own.
func TestTableNotes(t *testing.T) {
	rec := fixture(t)
	rec.Notes = []string{report.VegetaNote}
	var table bytes.Buffer
	WriteTable(&table, rec)
	if !strings.Contains(table.String(), "coordinated omission") {
		t.Errorf("the table does not say latency is vegeta's own")
	}
}

// TestMetricsLeaveOutUnknown checks a figure that was not reached is left
// out of the metrics lines, not written as 0.
func TestMetricsLeaveOutUnknown(t *testing.T) {
	rec := fixture(t)
	rec.Summary.TimeToScaleS, rec.Summary.TimeToScaleStatus = nil, report.StatusNotReached
	var buf bytes.Buffer
	if err := (Metrics{}).Render(&buf, rec); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "time_to_scale_s") || !strings.Contains(buf.String(), "p99_recovery_s 0\n") {
		t.Errorf("metrics:\n%s\nwant no time_to_scale_s line and p99_recovery_s 0", buf.String())
	}
}
