package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad feeds arbitrary run.json contents to Load and the analysis: a
// record or an error naming the file, never a panic.
func FuzzLoad(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "synthetic", RunFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"schema":1,"window_s":1,"windows":[{"offered":3}],"burst":{"source":"profile","start_s":5,"end_s":2}}`))
	f.Add([]byte(`{"schema":1,"window_s":1e-300,"stopped":true,"stopped_at_s":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, RunFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if len(data) > 1<<16 {
			return
		}
		rec, err := Load(dir)
		if err != nil {
			return
		}
		if len(rec.Windows) > 1e5 {
			return
		}
		Analyze(rec)
	})
}

// FuzzReadVegeta feeds arbitrary vegeta results (gob, JSON or CSV, told
// apart by their first byte): a record or an error, never a panic, and
// memory bounded by the span cap.
func FuzzReadVegeta(f *testing.F) {
	f.Add([]byte(`{"attack":"a","seq":0,"code":200,"timestamp":"2026-11-24T23:03:23Z","latency":1000000,"bytes_out":0,"bytes_in":0,"error":""}` + "\n"))
	f.Add([]byte("1795561403000000000,200,1000000,0,0,,,a,0,GET,http://127.0.0.1/,\n1795561404000000000,503,5,0,0,,,a,1,GET,http://127.0.0.1/,\n"))
	f.Add([]byte("1795561403000000000,200,1000000,0,0,,,a,0,GET,http://127.0.0.1/,\n2679561403000000000,200,1,0,0,,,a,1,GET,http://127.0.0.1/,\n"))
	f.Add([]byte{0x1f, 0xff, 0x81, 0x03})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "results")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rec, err := ReadVegeta(path)
		if err != nil {
			return
		}
		if span := time.Duration(rec.DurationS * float64(time.Second)); span > MaxSpan+time.Second {
			t.Fatalf("a record of %v, above the cap", span)
		}
	})
}

// FuzzIntervalLog feeds arbitrary interval logs to the reader: intervals or
// an error naming the line, never a panic.
func FuzzIntervalLog(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "synthetic", HlogFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("#[StartTime: 1795561403.000 (seconds since epoch)]\nTag=a,0.0,1.0,0.1,HISTFAAAABx4nJNpmSzMwMDAxQABzFCaEUzygWkAKZICMA==\n"))
	f.Add([]byte("Tag=a\n0,1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), HlogFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		n := 0
		err := readIntervals(path, func(iv interval) error {
			n++
			if iv.hist == nil {
				t.Fatal("an interval without a histogram")
			}
			return nil
		})
		if err != nil && !bytes.Contains([]byte(err.Error()), []byte(path)) {
			t.Fatalf("an error not naming the log: %v", err)
		}
	})
}
