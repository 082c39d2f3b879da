package profiles

import (
	"bytes"
	"math"
	"testing"
)

// FuzzReplayCSV feeds arbitrary rate CSVs to the replay reader: steps with
// finite, non-negative rates and lengths, or an error; never a panic.
func FuzzReplayCSV(f *testing.F) {
	f.Add([]byte("t,rate\n0,10\n5,100\n10,10\n"))
	f.Add([]byte("time,rate\n2026-11-24T23:03:23Z,5\n2026-11-24T23:03:33Z,50\n"))
	f.Add([]byte("0,NaN\n1,-1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		steps, err := readRateCSV("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		checkSteps(t, steps)
	})
}

// FuzzReplayAccessLog feeds arbitrary access logs (Common or Combined Log
// Format) to the replay reader.
func FuzzReplayAccessLog(f *testing.F) {
	f.Add([]byte(`127.0.0.1 - - [24/Nov/2026:23:03:23 +0000] "GET / HTTP/1.1" 200 12` + "\n"))
	f.Add([]byte(`127.0.0.1 - - [24/Nov/2026:23:03:23 +0000] "GET / HTTP/1.1" 200 12 "-" "curl"` + "\n" + `h - - [01/Jan/1970:00:00:00 +0000] "GET /" 500 0` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		steps, err := readAccessLog("fuzz.log", bytes.NewReader(data))
		if err != nil {
			return
		}
		checkSteps(t, steps)
	})
}

func checkSteps(t *testing.T, steps []step) {
	t.Helper()
	for _, s := range steps {
		for _, v := range []float64{s.t, s.d, s.rate} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("a step %+v that is not finite", s)
			}
		}
		if s.rate < 0 || s.d < 0 {
			t.Fatalf("a negative step %+v", s)
		}
	}
}
