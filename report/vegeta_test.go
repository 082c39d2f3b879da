package report

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// vegetaResults is a 30 s vegeta run: 50/s with a burst of 250/s from 10 s
// to 15 s, during which latency climbs to 400 ms and some requests fail.
func vegetaResults() []vegeta.Result {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	var out []vegeta.Result
	var seq uint64
	for s := range 30 {
		rate := 50
		if s >= 10 && s < 15 {
			rate = 250
		}
		for k := range rate {
			at := time.Duration(s)*time.Second + time.Duration(k)*time.Second/time.Duration(rate)
			r := vegeta.Result{Attack: "burst", Seq: seq, Code: 200, Timestamp: t0.Add(at), Latency: 5*time.Millisecond + time.Duration(seq%7)*time.Millisecond,
				Method: "GET", URL: "http://127.0.0.1:8080/users/1/teams"}
			if s >= 11 && s < 14 {
				r.Latency = 400 * time.Millisecond
				if k%20 == 0 {
					r.Code, r.Error = 0, "Get \"http://127.0.0.1:8080/\": dial tcp: connect: connection refused"
				}
			}
			out = append(out, r)
			seq++
		}
	}
	return out
}

// TestReadVegeta reads the same results in vegeta's three encodings and
// checks the burst analysis and the note on coordinated omission.
func TestReadVegeta(t *testing.T) {
	dir := t.TempDir()
	encoders := map[string]func(*bytes.Buffer) vegeta.Encoder{
		"results.bin":  func(b *bytes.Buffer) vegeta.Encoder { return vegeta.NewEncoder(b) },
		"results.json": func(b *bytes.Buffer) vegeta.Encoder { return vegeta.NewJSONEncoder(b) },
		"results.csv":  func(b *bytes.Buffer) vegeta.Encoder { return vegeta.NewCSVEncoder(b) },
	}
	var first *Record
	for name, enc := range encoders {
		var buf bytes.Buffer
		e := enc(&buf)
		for _, r := range vegetaResults() {
			if err := e.Encode(&r); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, buf.Bytes(), 0o644)
		rec, err := Open(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rec.Streams) != 1 || rec.Streams[0].Name != "vegeta" || rec.Name != "burst" || rec.Target != "http://127.0.0.1:8080" {
			t.Errorf("%s: streams %+v name %q target %q", name, rec.Streams, rec.Name, rec.Target)
		}
		if rec.Burst != (BurstWindow{StartS: 10, EndS: 15, Source: BurstDetected}) {
			t.Errorf("%s: burst %+v, want [10, 15] detected", name, rec.Burst)
		}
		s := rec.Summary
		if s.Offered != 2500 || s.Errors["refused"] != 3*13 {
			t.Errorf("%s: offered %d refused %d", name, s.Offered, s.Errors["refused"])
		}
		if s.TimeToScaleS == nil || *s.TimeToScaleS != 4 || s.P99RecoveryStatus != StatusHealthyAtEnd || s.DegradedForS != 3 {
			t.Errorf("%s: time_to_scale %s, p99_recovery %s, degraded_for %v; want 4s, healthy at burst end, 3", name, show(s.TimeToScaleS), s.P99RecoveryStatus, s.DegradedForS)
		}
		if len(rec.Notes) != 1 || !strings.Contains(rec.Notes[0], "coordinated omission") {
			t.Errorf("%s: notes %q", name, rec.Notes)
		}
		if first == nil {
			first = rec
		} else if !reflect.DeepEqual(first.Windows, rec.Windows) {
			t.Errorf("%s: windows differ from another encoding's", name)
		}
	}
}

func TestReadVegetaBadInput(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"junk.txt": "this is not a vegeta file\x00\x01", "empty.bin": ""} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(data), 0o644)
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}
