// Package profiles describes traffic bursts and turns them into plans.
//
// The arrival model comes first. Every stream of a profile has a rate
// function r(t), requests per second over the run, and its cumulative
// Λ(t) = ∫₀ᵗ r. Rate shapes (constant, ramp, stages, spike, sine, replay)
// give Λ in closed form, so arrivals come from inverting it: evenly spaced
// arrivals put the k-th request (k = 0, 1, …) at Λ⁻¹(k); Poisson arrivals put
// them at Λ⁻¹(S_k), where S_k are the arrival times of a unit-rate Poisson
// process. Either way a stream over [a, b) holds about Λ(b) − Λ(a) requests,
// exactly ⌈Λ(b)⌉ − ⌈Λ(a)⌉ when even, and totals are known before anything is
// sent. A fan-out stream is the incident's shape instead: trigger events
// (listed, counted or at a rate) each cause one request per subscriber after
// that subscriber's reaction delay, optionally coalesced so that a client
// refetches at most once per window however many events arrive.
//
// Planning turns a profile and its seed into a deterministic, time-sorted
// schedule of arrivals, produced lazily so that long plans never sit in
// memory: same profile and seed, same schedule, bit for bit. The model is
// open: the schedule says when each request is meant to leave, whatever
// happened to the ones before it.
//
// A profile is YAML (see docs/profiles.md), decoded strictly: unknown fields
// are errors, and every error names the file, line, column and field.
// Header values and bodies may read secrets from the environment with
// ${NAME}; the Profile keeps the text as written and only the Plan holds the
// values, so a Profile is safe to print (see Profile.Redacted and
// Profile.Secrets).
package profiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/profiles/yamlfile"
	"github.com/burstlab/burstlab/sim"
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
	Alerts   []Alert       `yaml:"alerts"`

	path string    // file the profile was read from, for messages
	src  []byte    // the YAML text, to place errors found after parsing
	c    *compiled // templates, secrets and rate functions, set by Parse
}

// Target says where requests go: a base URL, or the embedded simulator.
type Target struct {
	URL         string       `yaml:"url"`
	Sim         *sim.Config  `yaml:"sim"`
	ScaleSignal *ScaleSignal `yaml:"scale_signal"` // the target's replica count, sampled beside the attack
}

// ScaleSignal says where to read the target's replica count while a run goes
// on: a URL answering a number or Prometheus text (then Metric names the
// series, optionally with labels: `up{job="api"}`), a Prometheus server
// asked a PromQL Query through its HTTP API, or a shell command that prints
// a number. The samples land in the record's scale timeline, from which
// scale_reaction and scale_complete are measured.
type ScaleSignal struct {
	URL        string        `yaml:"url"`
	Metric     string        `yaml:"metric"`
	Prometheus string        `yaml:"prometheus"` // a Prometheus server's base URL, asked Query at each sample
	Query      string        `yaml:"query"`      // PromQL: a scalar, or a vector whose samples are summed
	Command    string        `yaml:"command"`
	Every      time.Duration `yaml:"every"` // default 1s
}

// Client holds the attack engine's HTTP client settings.
type Client struct {
	Timeout        time.Duration       `yaml:"timeout"`         // per request, body and redirects included; default 30s
	Workers        uint64              `yaml:"workers"`         // workers ready at start, default 64
	MaxWorkers     uint64              `yaml:"max_workers"`     // cap on requests in flight, default 10000
	MaxBody        int64               `yaml:"max_body"`        // bytes of each response body kept, -1: all; default 1 MiB
	KeepAlive      *bool               `yaml:"keepalive"`       // reuse connections, default true
	Connections    int                 `yaml:"connections"`     // idle connections kept per host, default 10000
	MaxConnections int                 `yaml:"max_connections"` // open connections per host, 0: unlimited
	HTTP2          *bool               `yaml:"http2"`           // negotiate HTTP/2 over TLS, default true
	H2C            bool                `yaml:"h2c"`             // HTTP/2 without TLS
	Insecure       bool                `yaml:"insecure"`        // skip TLS certificate verification
	RootCAs        []string            `yaml:"root_cas"`        // PEM files of CAs to trust instead of the system's
	Cert           string              `yaml:"cert"`            // PEM file of a TLS client certificate
	Key            string              `yaml:"key"`             // PEM file of its key
	Redirects      int                 `yaml:"redirects"`       // redirects to follow, -1: none; default 10
	LocalAddr      string              `yaml:"local_addr"`      // local IP address to send from
	DNSTTL         time.Duration       `yaml:"dns_ttl"`         // cache DNS answers this long, 0: no cache
	ProxyHeader    map[string][]string `yaml:"proxy_header"`    // headers of CONNECT requests to a proxy
	UnixSocket     string              `yaml:"unix_socket"`     // send over this unix socket instead of TCP
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

// Stream is one named flow of requests with a single arrival shape: exactly
// one of Constant, Ramp, Stages, Spike, Sine, Replay and FanOut is set, or
// Rate is "max": the closed model, MaxWorkers workers sending each its next
// request as soon as its last one is answered, for the whole run (vegeta's
// -rate 0). A closed stream has no plan: what it offers is what it sent.
type Stream struct {
	Name     string `yaml:"name"`     // ASCII letters, digits, _ . and -: gates name it as stream.NAME.FIELD
	Burst    bool   `yaml:"burst"`    // the stream forms the burst window
	Arrivals string `yaml:"arrivals"` // even (default) or poisson, for rate shapes

	// Request is the stream's one request template; Requests is a weighted
	// mix instead (each arrival picks one by weight, fixed by the seed).
	Request  RequestTemplate   `yaml:"request"`
	Requests []RequestTemplate `yaml:"requests"`

	Rate       string `yaml:"rate"`        // "max": the closed model (as fast as possible)
	MaxWorkers uint64 `yaml:"max_workers"` // workers of a rate: max stream

	Constant *Constant `yaml:"constant"`
	Ramp     *Ramp     `yaml:"ramp"`
	Stages   []Stage   `yaml:"stages"`
	Spike    *Spike    `yaml:"spike"`
	Sine     *Sine     `yaml:"sine"`
	Replay   *Replay   `yaml:"replay"`
	FanOut   *FanOut   `yaml:"fanout"`

	// Retry is the client's retry policy for this stream's requests; the
	// attack engine issues the retries at run time.
	Retry *Retry `yaml:"retry"`
}

// RequestTemplate describes a stream's requests. Path, header values and the
// body may hold placeholders (see Template); header values and the body may
// also read ${NAME} from the environment.
type RequestTemplate struct {
	Weight   float64           `yaml:"weight"` // share in a Requests mix, default 1
	Method   string            `yaml:"method"` // default GET
	Path     string            `yaml:"path"`
	Headers  map[string]string `yaml:"headers"`
	Body     string            `yaml:"body"`
	BodyFile string            `yaml:"body_file"` // read at load time, relative to the profile's directory; at most attack.MaxBodyBytes
}

// Path returns the file the profile was loaded from ("" when parsed from bytes).
func (p *Profile) Path() string { return p.path }

// Load reads, defaults and validates the profile at path. Errors name the file,
// line, column and field.
func Load(path string) (*Profile, error) {
	data, err := yamlfile.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: readError(err)}
	}
	return Parse(path, data)
}

// Parse decodes a profile strictly (unknown fields are errors), applies
// defaults, validates it and resolves what it refers to: environment
// variables, body files and replay files, read relative to name's directory.
// name is used in error messages.
func Parse(name string, data []byte) (*Profile, error) {
	data = yamlfile.StripBOM(data)
	var p Profile
	if err := yamlfile.Decode(data, &p); err != nil {
		return nil, decodeError(name, err)
	}
	p.path = name
	p.src = data
	p.applyDefaults()
	c, probs := p.checked()
	if len(probs) > 0 {
		return nil, p.errorAt(probs[0])
	}
	p.c = c
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
	if n, _ := fmt.Sscanf(e.Msg, "[%d:%d]", &l, &c); n == 2 {
		rest := e.Msg[strings.IndexByte(e.Msg, ']')+1:]
		return fmt.Sprintf("%s:%d:%d:%s", e.File, l, c, rest)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// IsError reports whether err is a profile error (bad input, exit 2).
func IsError(err error) bool {
	var pe *Error
	return errors.As(err, &pe)
}

// oneLine keeps a message on one line, as the CLI prints it.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// readError describes a file error without Go's "open FILE:" prefix when
// the caller names the file already.
func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("cannot read: %v", pe.Err)
	}
	return err.Error()
}

// resolve returns name relative to the profile's directory.
func (p *Profile) resolve(name string) string {
	if filepath.IsAbs(name) || p.path == "" {
		return name
	}
	return filepath.Join(filepath.Dir(p.path), name)
}

func (p *Profile) applyDefaults() {
	if sg := p.Target.ScaleSignal; sg != nil && sg.Every == 0 {
		sg.Every = time.Second
	}
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
		c.Timeout = attack.DefaultTimeout
	}
	if c.MaxWorkers == 0 {
		c.MaxWorkers = attack.DefaultMaxWorkers
	}
	if c.MaxBody == 0 {
		c.MaxBody = attack.DefaultMaxBody
	}
	for i := range p.Streams {
		s := &p.Streams[i]
		if s.Arrivals == "" {
			s.Arrivals = "even"
		}
		if s.Request.Method == "" && len(s.Requests) == 0 {
			s.Request.Method = "GET"
		}
		for j := range s.Requests {
			r := &s.Requests[j]
			if r.Method == "" {
				r.Method = "GET"
			}
			if r.Weight == 0 {
				r.Weight = 1
			}
		}
		if s.Replay != nil {
			if s.Replay.Speed == 0 {
				s.Replay.Speed = 1
			}
			if s.Replay.Scale == 0 {
				s.Replay.Scale = 1
			}
		}
		if s.Retry != nil {
			s.Retry.applyDefaults()
		}
	}
}

// mix returns the stream's request templates: Requests, or Request alone.
func (s *Stream) mix() []RequestTemplate {
	if len(s.Requests) > 0 {
		return s.Requests
	}
	return []RequestTemplate{s.Request}
}

// mixPath is the YAML path of the stream's i-th request template.
func mixPath(at string, s *Stream, i int) string {
	if len(s.Requests) > 0 {
		return fmt.Sprintf("%s.requests[%d]", at, i)
	}
	return at + ".request"
}
