package render

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/burstlab/burstlab/report"
)

// TestUnknownsFromVegeta: vegeta results have no intended send times and
// no scale timeline, so the table says send lateness is unknown rather
// than 0.0ms, and the CSV leaves lateness and replicas empty.
func TestUnknownsFromVegeta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := vegeta.NewEncoder(f)
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i := range 300 {
		r := vegeta.Result{Attack: "v", Seq: uint64(i), Code: 200, Timestamp: t0.Add(time.Duration(i) * 10 * time.Millisecond), Latency: 5 * time.Millisecond, Method: "GET", URL: "http://127.0.0.1:8080/"}
		if err := enc.Encode(&r); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	rec, err := report.ReadVegeta(path)
	if err != nil {
		t.Fatal(err)
	}

	var table bytes.Buffer
	if err := WriteTable(&table, rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "unknown") || strings.Contains(table.String(), "0.0ms") {
		t.Errorf("table of vegeta results: want send lateness unknown, not 0.0ms:\n%s", table.String())
	}

	var out bytes.Buffer
	if err := (CSV{}).Render(&out, rec); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	late, reps, at, stream := slices.Index(rows[0], "lateness_p99_ms"), slices.Index(rows[0], "replicas"), slices.Index(rows[0], "start_time"), slices.Index(rows[0], "stream")
	// A window's row, then stream v's share of it.
	if len(rows) != 7 || late < 0 || reps < 0 || at < 0 || stream < 0 {
		t.Fatalf("CSV of 3 windows of one stream: %d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if r[late] != "" || r[reps] != "" {
			t.Errorf("window at %s, stream %s: lateness %q, replicas %q; want empty (unknown)", r[0], r[stream], r[late], r[reps])
		}
	}
	if rows[3][at] != "2026-03-04T05:06:08.000Z" || rows[3][stream] != "*" {
		t.Errorf("second window's start_time %q (stream %q), want 2026-03-04T05:06:08.000Z", rows[3][at], rows[3][stream])
	}
}
