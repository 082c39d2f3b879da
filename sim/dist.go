package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Dist is a service-time distribution: either Fixed, or lognormal given by
// its Median and P99. In YAML: `{fixed: 20ms}` or `{median: 20ms, p99: 120ms}`.
type Dist struct {
	Fixed  time.Duration `yaml:"fixed,omitempty" json:"fixed,omitempty"`
	Median time.Duration `yaml:"median,omitempty" json:"median,omitempty"`
	P99    time.Duration `yaml:"p99,omitempty" json:"p99,omitempty"`
}

// z99 is the standard normal quantile of 0.99.
const z99 = 2.3263478740408408

func (d Dist) isZero() bool { return d == Dist{} }

// String says what the distribution is in one line.
func (d Dist) String() string {
	if d.Fixed > 0 {
		return "fixed " + d.Fixed.String()
	}
	return fmt.Sprintf("lognormal median %s p99 %s", d.Median, d.P99)
}

// Mean is the distribution's expected value.
func (d Dist) Mean() time.Duration {
	if d.Fixed > 0 {
		return d.Fixed
	}
	s := d.sigma()
	return time.Duration(float64(d.Median) * math.Exp(s*s/2))
}

func (d Dist) sigma() float64 {
	return math.Log(float64(d.P99)/float64(d.Median)) / z99
}

func (d Dist) validate(field string) error {
	switch {
	case d.Fixed < 0 || d.Median < 0 || d.P99 < 0:
		return fieldErr(field, "durations must be >= 0, got %+v", d)
	case d.Fixed > 0 && (d.Median > 0 || d.P99 > 0):
		return fieldErr(field, "set either fixed or median and p99, not both")
	case d.Fixed > 0:
		return nil
	case d.Median <= 0:
		return fieldErr(field+".median", "must be > 0 (or set fixed), got %s", d.Median)
	case d.P99 < d.Median:
		return fieldErr(field+".p99", "must be >= median %s, got %s", d.Median, d.P99)
	}
	return nil
}

// source is the simulator's deterministic random source, shared by all
// requests behind a mutex.
type source struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newSource(seed int64) *source {
	return &source{rng: rand.New(rand.NewPCG(uint64(seed), 0x6275727374))}
}

// draw returns a service time from d and whether the request fails (with
// probability errorRate), from one locked draw.
func (s *source) draw(d Dist, errorRate float64) (time.Duration, bool) {
	s.mu.Lock()
	var z float64
	if d.Fixed == 0 {
		z = s.rng.NormFloat64()
	}
	fail := errorRate > 0 && s.rng.Float64() < errorRate
	s.mu.Unlock()
	if d.Fixed > 0 {
		return d.Fixed, fail
	}
	return time.Duration(float64(d.Median) * math.Exp(d.sigma()*z)), fail
}

// pattern is a compiled Route pattern: one entry per path segment, "*"
// matching any one segment.
type pattern []string

func compilePattern(p string) (pattern, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("must start with \"/\", got %q", p)
	}
	return splitPath(p), nil
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (p pattern) match(segs []string) bool {
	if len(p) != len(segs) {
		return false
	}
	for i, s := range p {
		if s != "*" && s != segs[i] {
			return false
		}
	}
	return true
}

// router picks a request path's service-time distribution.
type router struct {
	patterns []pattern
	routes   []Route
	fallback Dist
}

func newRouter(c Config) *router {
	r := &router{routes: c.Routes, fallback: c.Service}
	for _, rt := range c.Routes {
		p, _ := compilePattern(rt.Pattern) // validated
		r.patterns = append(r.patterns, p)
	}
	return r
}

// lookup returns the distribution for path and the matching pattern ("" for
// the default service).
func (r *router) lookup(path string) (Dist, string) {
	if len(r.routes) == 0 {
		return r.fallback, ""
	}
	segs := splitPath(path)
	for i, p := range r.patterns {
		if p.match(segs) {
			return r.routes[i].Service, r.routes[i].Pattern
		}
	}
	return r.fallback, ""
}
