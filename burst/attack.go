package burst

import (
	"context"
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/report"
)

// AttackSpec is a vegeta-style ad-hoc attack: the targets, round-robin, at a
// constant rate for a duration. Its record is judged like a profile's, with
// the burst detected from the offered rate.
type AttackSpec struct {
	Name     string
	Targets  []vegeta.Target
	Rate     float64 // requests per second
	Duration time.Duration
	Engine   []attack.Option
	SLOP99   time.Duration // a window is healthy with p99 under it (or under the baseline's times the tolerance)
}

// Attack runs spec and returns its record.
func Attack(ctx context.Context, spec AttackSpec, opt Options) (*report.Record, error) {
	n := int64(math.Floor(spec.Rate * spec.Duration.Seconds()))
	at := func(k int64) time.Duration { return time.Duration(float64(k) / spec.Rate * float64(time.Second)) }
	cfg := report.DefaultConfig()
	cfg.SLOP99 = spec.SLOP99
	offered := make([]int64, int((spec.Duration+cfg.Window-1)/cfg.Window))
	for k := int64(0); k < n; k++ {
		offered[int(at(k)/cfg.Window)]++
	}
	cfg.Name = spec.Name
	cfg.Target = spec.Targets[0].URL
	cfg.Duration = spec.Duration
	cfg.Streams = []report.StreamOffer{{Name: "attack", Offered: offered}}
	cfg.Burst = nil

	started := time.Now().Add(lead)
	cfg.Started = started
	k := int64(0)
	src := attack.SourceFunc(func() (attack.Request, bool) {
		if k >= n {
			return attack.Request{}, false
		}
		t := spec.Targets[k%int64(len(spec.Targets))]
		r := attack.Request{Seq: k, At: at(k), Method: t.Method, URL: t.URL, Header: t.Header, Body: t.Body}
		k++
		return r, true
	})
	return job{src: src, cfg: cfg, engine: spec.Engine, started: started}.execute(ctx, opt)
}
