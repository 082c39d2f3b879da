package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the profile parser arbitrary bytes: it must return a
// profile or a positioned profile error, never panic. The seed corpus is
// every example profile.
func FuzzParse(f *testing.F) {
	for _, path := range exampleProfiles(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(good))
	f.Add([]byte(everything))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !IsError(err) || !strings.HasPrefix(err.Error(), "fuzz.yaml:") {
				t.Fatalf("not a profile error: %v", err)
			}
			return
		}
		_ = p.Redacted()
		_ = p.Secrets()
	})
}

// exampleProfiles lists the profiles among examples/ and examples/shapes/:
// the YAML files with a top-level streams key (the others configure the
// simulator).
func exampleProfiles(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"../examples", "../examples/shapes"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(string(data), "streams:") || strings.Contains(string(data), "\nstreams:") {
				out = append(out, f)
			}
		}
	}
	return out
}

func TestExamplesValidateAndPlan(t *testing.T) {
	t.Setenv("BURSTLAB_TOKEN", "example-token")
	files := exampleProfiles(t)
	shapes := 0
	for _, f := range files {
		if strings.Contains(f, "shapes") {
			shapes++
		}
		p, err := Load(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if _, err := NewPlan(p); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The fix: coalescing cuts the fan-out's load, totals and peak alike.
	retries, err1 := Load("../examples/kustomer-2019-retries.yaml")
	fixed, err2 := Load("../examples/kustomer-2019-coalesced.yaml")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	a, _ := NewPlan(retries)
	b, _ := NewPlan(fixed)
	if b.Streams[1].Total*10 > a.Streams[1].Total || b.Streams[1].PeakRate*10 > a.Streams[1].PeakRate {
		t.Errorf("coalesced teams: %d requests, peak %v/s; uncoalesced %d, %v/s", b.Streams[1].Total, b.Streams[1].PeakRate, a.Streams[1].Total, a.Streams[1].PeakRate)
	}
	if len(files) < 3 || shapes < 7 {
		t.Errorf("found %d example profiles, %d in shapes/: %v", len(files), shapes, files)
	}
}
