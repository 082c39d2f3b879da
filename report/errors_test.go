package report

import (
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// recordOf records one result of class c (with its message) for every
// planned request of synthConfig's plan.
func recordOf(t *testing.T, c outcome.Class, msg string, fault string) *Record {
	t.Helper()
	cfg := synthConfig()
	r := NewRecorder(cfg, nil)
	for _, res := range synthResults(cfg) {
		res.Class, res.Error, res.Code = c, msg, 0
		if c == outcome.OK {
			res.Code = 200
		}
		res.End = res.Sent + time.Millisecond
		r.Record(res)
	}
	if fault != "" {
		r.GeneratorFault(fault)
	}
	rec, err := r.Finish(false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestTargetAnsweredWithoutStatus: a redirect loop and a body broken off
// after its status are the target's answers, not requests that never
// reached it.
func TestTargetAnsweredWithoutStatus(t *testing.T) {
	for _, c := range []outcome.Class{outcome.Redirects, outcome.Truncated} {
		rec := recordOf(t, c, "the target's answer", "")
		if msg := Unreached(rec); msg != "" {
			t.Errorf("%v: %q, but the target answered every request", c, msg)
		}
		if rec.Summary.ErrorRatio != 1 || rec.Invalid != "" {
			t.Errorf("%v: error ratio %v, invalid %q: want every request the target's error, a valid run", c, rec.Summary.ErrorRatio, rec.Invalid)
		}
	}
}

// TestGeneratorOutOfFiles: requests the generator could not open a socket
// for are its own failure: the run is invalid, says so first, and nothing
// is charged to the target; the simulator failing to accept does the same.
func TestGeneratorOutOfFiles(t *testing.T) {
	rec := recordOf(t, outcome.OutOfFiles, "dial tcp: socket: too many open files", "")
	s := rec.Summary
	if !strings.Contains(rec.Invalid, "ran out of file descriptors") || s.Warnings[0] != rec.Invalid {
		t.Errorf("invalid %q, warnings %q: want the generator named first", rec.Invalid, s.Warnings)
	}
	if s.ErrorRatio != 0 || s.Completed != 0 || s.PeakErrorRatio != 0 {
		t.Errorf("error ratio %v (peak %v), completed %d: the target was charged", s.ErrorRatio, s.PeakErrorRatio, s.Completed)
	}
	rec = recordOf(t, outcome.OK, "", "the embedded simulator failed 3 times to accept a connection for want of file descriptors")
	if !strings.Contains(rec.Invalid, "failed 3 times to accept") || rec.Summary.Warnings[0] != rec.Invalid {
		t.Errorf("invalid %q, warnings %q: want the simulator's failure first", rec.Invalid, rec.Summary.Warnings)
	}
	if ok := recordOf(t, outcome.OK, "", ""); ok.Invalid != "" {
		t.Errorf("a clean run is invalid: %q", ok.Invalid)
	}
}
