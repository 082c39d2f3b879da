package burst

import (
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/report"
)

// TestFilesNeeded works out the descriptors a run may need from the most
// requests it plans within one timeout, capped by the workers, and far
// fewer for the embedded simulator spoken to over HTTP/2.
func TestFilesNeeded(t *testing.T) {
	cfg := report.Config{Window: time.Second, Streams: []report.StreamOffer{
		{Name: "base", Offered: []int64{10, 10, 10, 10, 10, 10}},
		{Name: "burst", Offered: []int64{0, 0, 300, 300, 0, 0}},
	}}
	cases := []struct {
		name    string
		timeout time.Duration
		opts    []attack.Option
		served  bool
		peak    int // requests that may be in flight
		conns   int
	}{
		{"one window", time.Second, nil, false, 310, 310},
		{"timeout spans the burst", 3 * time.Second, nil, false, 630, 630},
		{"workers cap it", 3 * time.Second, []attack.Option{attack.MaxWorkers(100)}, false, 630, 100},
		{"connection cap", 3 * time.Second, []attack.Option{attack.WithClient(attack.Client{MaxConnections: 50})}, false, 630, 50},
		{"embedded simulator", 3 * time.Second, []attack.Option{attack.CleartextHTTP2(1000)}, true, 630, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := attack.New(append(c.opts, attack.Timeout(c.timeout))...)
			peak := inFlightPeak(cfg, eng.RequestTimeout())
			need, conns := eng.FilesNeeded(peak, c.served)
			want := 64 + c.conns
			if c.served {
				want += c.conns
			}
			if peak != c.peak || conns != c.conns || need != want {
				t.Errorf("peak %d, conns %d, need %d; want %d, %d, %d", peak, conns, need, c.peak, c.conns, want)
			}
		})
	}
}

// TestFilesNeededClosed: a closed run (rate 0) holds its workers' requests
// in flight, no more.
func TestFilesNeededClosed(t *testing.T) {
	eng := attack.New(attack.ClosedLoop(nil, 50, time.Second))
	if need, conns := eng.FilesNeeded(inFlightPeak(report.Config{Window: time.Second}, eng.RequestTimeout()), false); conns != 50 || need != 64+50 {
		t.Errorf("need %d, conns %d; want %d, 50", need, conns, 64+50)
	}
}
