package latencybuckets

import (
	"math"
	"testing"
)

// TestSecondsResolution pins the promise: neighbouring bounds differ by at
// most 5 %, and the range covers 100 µs to 60 s.
func TestSecondsResolution(t *testing.T) {
	b := Seconds()
	if b[0] > Min*1.0001 || b[len(b)-1] < Max*0.9999 {
		t.Fatalf("buckets cover %g..%g s, want %g..%g", b[0], b[len(b)-1], Min, Max)
	}
	for i := 1; i < len(b); i++ {
		if r := b[i] / b[i-1]; r > Factor+1e-9 || math.IsNaN(r) {
			t.Fatalf("bounds %g and %g differ by %.4f, more than %.2f", b[i-1], b[i], r, Factor)
		}
	}
	if len(b) > 300 {
		t.Errorf("%d buckets: more than the resolution needs", len(b))
	}
}
