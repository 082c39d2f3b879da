package burst

import (
	"context"
	"fmt"
	"math"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/report"
)

// AttackSpec is a vegeta-style ad-hoc attack: the targets, round-robin, at a
// constant rate for a duration. Its record is judged like a profile's, with
// the burst detected from the offered rate. Rate 0 is vegeta's "as fast as
// possible": the closed model, with the engine's MaxWorkers workers.
type AttackSpec struct {
	Name     string
	Targets  []vegeta.Target
	Rate     float64 // requests per second; 0: closed model
	Workers  int     // closed model: the number of workers
	Duration time.Duration
	Engine   []attack.Option
	SLOP99   time.Duration // a window is healthy with p99 under it (or under the baseline's times the tolerance)
	Warmup   time.Duration // windows before it are left out of the baseline
}

// MaxDuration is the longest run one process is asked for: a record keeps
// a summary of every window, 86,400 of them for a day of one-second windows,
// the longest stretch a record holds.
const MaxDuration = report.MaxSpan

// Check says what in spec cannot make a bounded run that sends something:
// a duration within (0, MaxDuration], a finite rate within attack.MaxRate,
// at least one request planned. It needs no targets, so a command can check
// its flags before it reads them.
func (spec AttackSpec) Check() error {
	switch {
	case spec.Duration <= 0:
		return fmt.Errorf("-duration must be > 0 (every run is bounded), got %v", spec.Duration)
	case spec.Duration > MaxDuration:
		return fmt.Errorf("-duration %v is above the %v one run is asked for: split it into several runs", spec.Duration, MaxDuration)
	case math.IsNaN(spec.Rate) || math.IsInf(spec.Rate, 0) || spec.Rate < 0 || spec.Rate > attack.MaxRate:
		return fmt.Errorf("-rate %v/s: want a finite rate within 0..%d/s", spec.Rate, attack.MaxRate)
	}
	if spec.Rate > 0 && spec.planned() < 1 {
		return fmt.Errorf("-rate %g/s for -duration %v plans no request (rate x duration < 1): make the run longer or the rate higher",
			spec.Rate, spec.Duration)
	}
	return nil
}

// planned is how many requests an open-model spec sends.
func (spec AttackSpec) planned() int64 {
	return int64(math.Floor(spec.Rate * spec.Duration.Seconds()))
}

// AttackStream is the name of the one stream of an attack's record.
const AttackStream = "attack"

// Attack runs spec and returns its record.
func Attack(ctx context.Context, spec AttackSpec, opt Options) (*report.Record, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	if len(spec.Targets) == 0 {
		return nil, fmt.Errorf("no targets")
	}
	if spec.Rate == 0 {
		return closedAttack(ctx, spec, opt)
	}
	n := spec.planned()
	at := func(k int64) time.Duration { return time.Duration(float64(k) / spec.Rate * float64(time.Second)) }
	cfg := attackConfig(spec)
	offered := make([]int64, int((spec.Duration+cfg.Window-1)/cfg.Window))
	// before(t) counts the requests due before t, in closed form corrected
	// to the rounding of at: a day at 1,000,000/s is not counted one by one.
	before := func(t time.Duration) int64 {
		k := min(max(int64(math.Ceil(t.Seconds()*spec.Rate)), 0), n)
		for k > 0 && at(k-1) >= t {
			k--
		}
		for k < n && at(k) < t {
			k++
		}
		return k
	}
	for w := range offered {
		offered[w] = before(time.Duration(w+1)*cfg.Window) - before(time.Duration(w)*cfg.Window)
	}
	cfg.Streams = []report.StreamOffer{{Name: AttackStream, Offered: offered}}
	started := time.Now().Add(lead)
	cfg.Started = started
	k := int64(0)
	src := attack.SourceFunc(func() (attack.Request, bool) {
		if k >= n {
			return attack.Request{}, false
		}
		r := spec.request(k)
		r.Intended = at(k)
		k++
		return r, true
	})
	return job{src: src, cfg: cfg, engine: spec.Engine, started: started}.execute(ctx, opt)
}

// closedAttack sends spec's targets as fast as the engine's workers get
// answers, for spec.Duration.
func closedAttack(ctx context.Context, spec AttackSpec, opt Options) (*report.Record, error) {
	cfg := attackConfig(spec)
	cfg.Streams = []report.StreamOffer{{Name: AttackStream, Closed: true}}
	started := time.Now().Add(lead)
	cfg.Started = started
	k := int64(0)
	src := attack.SourceFunc(func() (attack.Request, bool) {
		r := spec.request(k)
		k++
		return r, true
	})
	eng := append(spec.Engine[:len(spec.Engine):len(spec.Engine)], attack.ClosedLoop(src, spec.Workers, spec.Duration))
	return job{cfg: cfg, engine: eng, started: started}.execute(ctx, opt)
}

// attackConfig describes spec to a recorder, without its offered series.
func attackConfig(spec AttackSpec) report.Config {
	cfg := report.DefaultConfig()
	cfg.SLOP99 = spec.SLOP99
	cfg.Warmup = spec.Warmup
	cfg.Name = spec.Name
	cfg.Target = spec.Targets[0].URL
	cfg.Duration = spec.Duration
	cfg.Burst = nil
	return cfg
}

// request is the k-th request of spec: its targets in turn.
func (spec AttackSpec) request(k int64) attack.Request {
	t := spec.Targets[k%int64(len(spec.Targets))]
	return attack.Request{Seq: k, Method: t.Method, URL: t.URL, Header: t.Header, Body: t.Body}
}
