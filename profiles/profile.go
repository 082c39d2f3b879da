// Package profiles describes traffic bursts and turns them into plans.
//
// A profile is a YAML document of named streams. Each stream has a request
// template and an arrival shape: a constant rate, or a fan-out, where trigger
// events each cause one request per subscriber after that subscriber's
// reaction delay (the incident shape: one team change, one refetch per online
// user). Planning turns a profile and its seed into a deterministic,
// time-sorted schedule of arrivals, produced lazily so that long plans never
// sit in memory. Same profile and seed, same schedule, bit for bit.
//
// The arrival model is open: the schedule says when each request is meant to
// leave, whatever happened to the ones before it.
package profiles

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/burstlab/burstlab/sim"
	"github.com/goccy/go-yaml"
)

// Profile is one burst test: what to send, when, where, and how to judge it.
type Profile struct {
	Name     string        `yaml:"name"`
	Seed     int64         `yaml:"seed"`
	Duration time.Duration `yaml:"duration"` // the plan's length; arrivals after it are not sent
	Warmup   time.Duration `yaml:"warmup"`   // windows before it are left out of the baseline
	MaxRate  float64       `yaml:"max_rate"` // planning refuses a plan whose peak per-second rate exceeds it (0: no cap)
	Target   Target        `yaml:"target"`
	Client   Client        `yaml:"client"`
	Streams  []Stream      `yaml:"streams"`
	Analysis Analysis      `yaml:"analysis"`
	Gates    []string      `yaml:"gates"`

	path string // file the profile was read from, for messages
}

// Target says where requests go: a base URL, or the embedded simulator.
type Target struct {
	URL string      `yaml:"url"`
	Sim *sim.Config `yaml:"sim"`
}

// Client holds the attack engine's HTTP client settings.
type Client struct {
	Timeout    time.Duration `yaml:"timeout"`     // per request, default 30s
	Workers    uint64        `yaml:"workers"`     // workers ready at start, default sized from the plan
	MaxWorkers uint64        `yaml:"max_workers"` // cap on concurrent requests, default 10000
	MaxBody    int64         `yaml:"max_body"`    // bytes of each response body read, default 1 MiB
}

// Analysis holds the settings that judge windows healthy or degraded.
type Analysis struct {
	Window         time.Duration `yaml:"window"`          // default 1s
	SLOP99         time.Duration `yaml:"slo_p99"`         // a window with p99 under it is healthy (with the error bound)
	Tolerance      float64       `yaml:"tolerance"`       // or p99 under baseline p99 × tolerance, default 3
	HealthyWindows int           `yaml:"healthy_windows"` // K consecutive healthy windows count as recovered, default 3
	ErrorRatio     float64       `yaml:"error_ratio"`     // error bound of a healthy window, default 0.01
	ApdexT         time.Duration `yaml:"apdex_t"`         // apdex threshold T, default 100ms
	LatenessBound  time.Duration `yaml:"lateness_bound"`  // send-lateness p99 above it flags a saturated generator, default 10ms
}

// Stream is one named flow of requests with a single arrival shape.
type Stream struct {
	Name     string          `yaml:"name"`
	Burst    bool            `yaml:"burst"`    // the stream forms the burst window
	Arrivals string          `yaml:"arrivals"` // even (default) or poisson, for rate shapes
	Request  RequestTemplate `yaml:"request"`
	Constant *Constant       `yaml:"constant"`
	FanOut   *FanOut         `yaml:"fanout"`
}

// RequestTemplate describes a stream's requests. Path may hold placeholders
// (see Template).
type RequestTemplate struct {
	Method  string            `yaml:"method"` // default GET
	Path    string            `yaml:"path"`
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
}

// Constant sends Rate requests per second from Start for Duration (default:
// to the end of the run).
type Constant struct {
	Rate     float64       `yaml:"rate"`
	Start    time.Duration `yaml:"start"`
	Duration time.Duration `yaml:"duration"`
}

// FanOut is the incident's shape: every trigger event causes one request per
// subscriber, each after the subscriber's own reaction delay.
type FanOut struct {
	Events      Events `yaml:"events"`
	Subscribers int    `yaml:"subscribers"`
	Reaction    Delay  `yaml:"reaction"`
}

// Events are the trigger times of a fan-out: an explicit list, or Count
// events spread evenly over Over starting at Start.
type Events struct {
	At    []time.Duration `yaml:"at"`
	Count int             `yaml:"count"`
	Start time.Duration   `yaml:"start"`
	Over  time.Duration   `yaml:"over"`
}

// Delay is a random delay distribution: fixed (Value), uniform (Min..Max) or
// exponential (Mean).
type Delay struct {
	Dist  string        `yaml:"dist"` // fixed, uniform, exponential
	Value time.Duration `yaml:"value"`
	Min   time.Duration `yaml:"min"`
	Max   time.Duration `yaml:"max"`
	Mean  time.Duration `yaml:"mean"`
}

// Path returns the file the profile was loaded from ("" when parsed from bytes).
func (p *Profile) Path() string { return p.path }

// Load reads, defaults and validates the profile at path. Errors name the file,
// line, column and field.
func Load(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes a profile strictly (unknown fields are errors), applies
// defaults and validates it. name is used in error messages.
func Parse(name string, data []byte) (*Profile, error) {
	var p Profile
	if err := yaml.UnmarshalWithOptions(data, &p, yaml.Strict()); err != nil {
		return nil, &Error{File: name, Msg: yaml.FormatError(err, false, false)}
	}
	p.path = name
	p.applyDefaults()
	if err := p.validate(data); err != nil {
		return nil, err
	}
	return &p, nil
}

// Error is a profile problem with its position.
type Error struct {
	File string
	Line int    // 0 when unknown
	Col  int    // 0 when unknown
	Msg  string // for YAML errors, carries "[line:col] msg"
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	// goccy errors read "[3:5] unknown field ..."; turn them into file:3:5.
	var l, c int
	var rest string
	if n, _ := fmt.Sscanf(e.Msg, "[%d:%d]", &l, &c); n == 2 {
		if i := indexByte(e.Msg, ']'); i >= 0 {
			rest = e.Msg[i+1:]
		}
		return fmt.Sprintf("%s:%d:%d:%s", e.File, l, c, rest)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// IsError reports whether err is a profile error (bad input, exit 2).
func IsError(err error) bool {
	var pe *Error
	return errors.As(err, &pe)
}

func (p *Profile) applyDefaults() {
	if p.Seed == 0 {
		p.Seed = 1
	}
	a := &p.Analysis
	if a.Window == 0 {
		a.Window = time.Second
	}
	if a.Tolerance == 0 {
		a.Tolerance = 3
	}
	if a.HealthyWindows == 0 {
		a.HealthyWindows = 3
	}
	if a.ErrorRatio == 0 {
		a.ErrorRatio = 0.01
	}
	if a.ApdexT == 0 {
		a.ApdexT = 100 * time.Millisecond
	}
	if a.LatenessBound == 0 {
		a.LatenessBound = 10 * time.Millisecond
	}
	c := &p.Client
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxWorkers == 0 {
		c.MaxWorkers = 10000
	}
	if c.MaxBody == 0 {
		c.MaxBody = 1 << 20
	}
	for i := range p.Streams {
		s := &p.Streams[i]
		if s.Request.Method == "" {
			s.Request.Method = "GET"
		}
		if s.Arrivals == "" {
			s.Arrivals = "even"
		}
	}
}
