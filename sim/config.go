package sim

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/burstlab/burstlab/profiles/yamlfile"
)

// Balancer names accepted by Config.Balancer.
const (
	RoundRobin       = "round-robin"
	LeastOutstanding = "least-outstanding"
)

// Autoscaler metric names accepted by Autoscale.Metric.
const (
	MetricUtilization = "utilization"
	MetricRPS         = "rps"
)

// Config is the simulator's YAML config block. Zero values mean "use the
// default" (see WithDefaults); durations are written like "20ms" or "2s".
type Config struct {
	// Seed seeds the service-time and error-injection random source. Default 1.
	Seed int64 `yaml:"seed"`
	// Replicas is the number of replicas ready at start. Default 2.
	Replicas int `yaml:"replicas"`
	// Slots is how many requests one replica serves at once. Default 8.
	Slots int `yaml:"slots"`
	// QueueLimit bounds each replica's queue; a request arriving at a full
	// queue is answered 503 at once. Default 10000.
	QueueLimit int `yaml:"queue_limit"`
	// QueueTimeout is how long a request may wait in a queue before it is
	// answered 503. Default 2s.
	QueueTimeout time.Duration `yaml:"queue_timeout"`
	// Balancer spreads requests over ready replicas: "round-robin" (default)
	// or "least-outstanding" (fewest busy+queued requests).
	Balancer string `yaml:"balancer"`
	// Service is the service-time distribution of every route that no entry
	// of Routes matches. Default fixed 20ms.
	Service Dist `yaml:"service"`
	// Routes gives some paths their own service time; the first match wins.
	Routes []Route `yaml:"routes"`
	// ErrorRate is the fraction of served requests answered 500 (0..1).
	ErrorRate float64 `yaml:"error_rate"`
	// Autoscale is the HPA-like replica controller.
	Autoscale Autoscale `yaml:"autoscale"`
}

// Autoscale configures the HPA-like autoscaler.
type Autoscale struct {
	// Enabled turns the autoscaler on or off; unset means on.
	Enabled *bool `yaml:"enabled"`
	// Metric is "utilization" (default) or "rps".
	Metric string `yaml:"metric"`
	// TargetUtilization is the utilization the autoscaler aims for. Default 0.7.
	TargetUtilization float64 `yaml:"target_utilization"`
	// TargetRPS is the requests per second per replica the autoscaler aims
	// for; required when Metric is "rps".
	TargetRPS float64 `yaml:"target_rps"`
	// Interval is the time between two evaluations. Default 15s.
	Interval time.Duration `yaml:"interval"`
	// MetricWindow is the span over which the sampled metric is averaged.
	// Default Interval.
	MetricWindow time.Duration `yaml:"metric_window"`
	// ProvisionDelay is how long a new replica takes to become ready.
	// Default 60s.
	ProvisionDelay time.Duration `yaml:"provision_delay"`
	// ScaleDownStabilization is how long the desired count must stay lower
	// before replicas are removed (the highest recommendation of that window
	// wins, as in the HPA). Default 300s.
	ScaleDownStabilization time.Duration `yaml:"scale_down_stabilization"`
	// MinReplicas is the floor of the desired count. Default Replicas.
	MinReplicas int `yaml:"min_replicas"`
	// MaxReplicas is the ceiling of the desired count. Default 10 (or
	// Replicas when that is larger).
	MaxReplicas int `yaml:"max_replicas"`
	// MaxScaleUpStep caps the replicas added by one evaluation; 0 means no cap.
	MaxScaleUpStep int `yaml:"max_scale_up_step"`
	// HPA is the autoscaler's kind, and the knobs of kind "hpa" (hpa.go).
	HPA `yaml:",inline"`
}

// On reports whether the autoscaler is enabled (unset means enabled).
func (a Autoscale) On() bool { return a.Enabled == nil || *a.Enabled }

// Route gives the paths matching Pattern their own service time. Pattern is a
// path whose segments may be "*", matching any one segment:
// "/users/*/teams" matches "/users/42/teams" but not "/users/42/teams/7".
type Route struct {
	Pattern string `yaml:"pattern"`
	Service Dist   `yaml:"service"`
}

// Default values applied by WithDefaults.
const (
	DefaultSeed                   = 1
	DefaultReplicas               = 2
	DefaultSlots                  = 8
	DefaultQueueLimit             = 10000
	DefaultQueueTimeout           = 2 * time.Second
	DefaultService                = 20 * time.Millisecond
	DefaultTargetUtilization      = 0.7
	DefaultInterval               = 15 * time.Second
	DefaultProvisionDelay         = 60 * time.Second
	DefaultScaleDownStabilization = 300 * time.Second
	DefaultMaxReplicas            = 10
)

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Replicas == 0 {
		c.Replicas = DefaultReplicas
	}
	if c.Slots == 0 {
		c.Slots = DefaultSlots
	}
	if c.QueueLimit == 0 {
		c.QueueLimit = DefaultQueueLimit
	}
	if c.QueueTimeout == 0 {
		c.QueueTimeout = DefaultQueueTimeout
	}
	if c.Balancer == "" {
		c.Balancer = RoundRobin
	}
	if c.Service.isZero() {
		c.Service = Dist{Fixed: DefaultService}
	}
	c.Routes = append([]Route(nil), c.Routes...)
	a := &c.Autoscale
	if a.Enabled == nil {
		on := true
		a.Enabled = &on
	} else {
		on := *a.Enabled
		a.Enabled = &on // never share the caller's pointer
	}
	if a.Metric == "" {
		a.Metric = MetricUtilization
	}
	if a.TargetUtilization == 0 {
		a.TargetUtilization = DefaultTargetUtilization
	}
	if a.Interval == 0 {
		a.Interval = DefaultInterval
	}
	if a.MetricWindow == 0 {
		a.MetricWindow = a.Interval
	}
	if a.ProvisionDelay == 0 {
		a.ProvisionDelay = DefaultProvisionDelay
	}
	if a.ScaleDownStabilization == 0 {
		a.ScaleDownStabilization = DefaultScaleDownStabilization
	}
	if a.MinReplicas == 0 {
		a.MinReplicas = c.Replicas
	}
	if a.MaxReplicas == 0 {
		a.MaxReplicas = max(DefaultMaxReplicas, c.Replicas)
	}
	return c
}

// Upper bounds of a simulator's numbers: past them a config is a typo, and
// one that allocates for minutes (a replica each) or waits for ever.
const (
	MaxReplicaCount = 10_000         // replicas, min_replicas, max_replicas, max_scale_up_step
	MaxSlots        = 100_000        // slots of one replica
	MaxQueueLimit   = 1_000_000      // queue_limit of one replica
	MaxServiceTime  = time.Hour      // a service time (fixed, median, p99) and queue_timeout
	MaxPeriod       = 24 * time.Hour // the autoscaler's interval, metric_window, provision_delay and scale_down_stabilization
	MaxTargetRPS    = 10_000_000     // autoscale.target_rps
	MaxUtilization  = 100.0          // autoscale.target_utilization
)

// FieldError is a Validate error: Field is the YAML path of the offending
// field ("autoscale.interval", "routes[1].service.p99").
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Validate reports the first invalid field of c, which should already have
// its defaults applied. The error names the field: `slots: must be >= 1, got 0`.
func (c Config) Validate() error {
	if err := first(
		intWithin("replicas", c.Replicas, 1, MaxReplicaCount),
		intWithin("slots", c.Slots, 1, MaxSlots),
		intWithin("queue_limit", c.QueueLimit, 0, MaxQueueLimit),
		period("queue_timeout", c.QueueTimeout, MaxServiceTime),
	); err != nil {
		return err
	}
	if c.Balancer != RoundRobin && c.Balancer != LeastOutstanding {
		return fieldErr("balancer", "must be %q or %q, got %q", RoundRobin, LeastOutstanding, c.Balancer)
	}
	if err := c.validateServices(); err != nil {
		return err
	}
	if !(c.ErrorRate >= 0 && c.ErrorRate <= 1) {
		return fieldErr("error_rate", "must be within [0, 1], got %v", c.ErrorRate)
	}
	if !c.Autoscale.On() {
		return nil
	}
	return c.Autoscale.validate(c.Replicas)
}

// validateServices checks the service time and every route's.
func (c Config) validateServices() error {
	if err := first(c.Service.validate("service"), serviceBound("service", c.Service)); err != nil {
		return err
	}
	for i, r := range c.Routes {
		f := fmt.Sprintf("routes[%d]", i)
		if _, err := compilePattern(r.Pattern); err != nil {
			return fieldErr(f+".pattern", "%v", err)
		}
		if r.Service.isZero() {
			return fieldErr(f+".service", "is required")
		}
		if err := first(r.Service.validate(f+".service"), serviceBound(f+".service", r.Service)); err != nil {
			return err
		}
	}
	return nil
}

// serviceBound says which time of d, at field, is past MaxServiceTime.
func serviceBound(field string, d Dist) error {
	for _, t := range []struct {
		name string
		v    time.Duration
	}{{"fixed", d.Fixed}, {"median", d.Median}, {"p99", d.P99}} {
		if t.v > MaxServiceTime {
			return fieldErr(field+"."+t.name, "must be <= %s, got %s", MaxServiceTime, t.v)
		}
	}
	return nil
}

// validate checks a policy that is on, for a service starting with
// replicas.
func (a Autoscale) validate(replicas int) error {
	switch a.Metric {
	case MetricUtilization:
		if !(a.TargetUtilization > 0) || math.IsInf(a.TargetUtilization, 0) {
			return fieldErr("autoscale.target_utilization", "must be > 0, got %v", a.TargetUtilization)
		}
		if a.TargetUtilization > MaxUtilization {
			return fieldErr("autoscale.target_utilization", "must be <= %v, got %v", MaxUtilization, a.TargetUtilization)
		}
	case MetricRPS:
		if !(a.TargetRPS > 0) || math.IsInf(a.TargetRPS, 0) {
			return fieldErr("autoscale.target_rps", "must be > 0 with metric %q, got %v", MetricRPS, a.TargetRPS)
		}
		if a.TargetRPS > MaxTargetRPS {
			return fieldErr("autoscale.target_rps", "must be <= %d, got %v", MaxTargetRPS, a.TargetRPS)
		}
	default:
		return fieldErr("autoscale.metric", "must be %q or %q, got %q", MetricUtilization, MetricRPS, a.Metric)
	}
	if err := first(
		period("autoscale.interval", a.Interval, MaxPeriod),
		period("autoscale.metric_window", a.MetricWindow, MaxPeriod),
		period("autoscale.provision_delay", a.ProvisionDelay, MaxPeriod),
		period("autoscale.scale_down_stabilization", a.ScaleDownStabilization, MaxPeriod),
		intWithin("autoscale.min_replicas", a.MinReplicas, 1, MaxReplicaCount),
		intWithin("autoscale.max_replicas", a.MaxReplicas, a.MinReplicas, MaxReplicaCount),
		intWithin("autoscale.max_scale_up_step", a.MaxScaleUpStep, 0, MaxReplicaCount),
		a.validateKind(),
	); err != nil {
		return err
	}
	if replicas < a.MinReplicas || replicas > a.MaxReplicas {
		return fieldErr("replicas", "must be within autoscale [min_replicas, max_replicas] = [%d, %d], got %d",
			a.MinReplicas, a.MaxReplicas, replicas)
	}
	return nil
}

// intWithin says that field must be within lo..hi when v is not.
func intWithin(field string, v, lo, hi int) error {
	switch {
	case v < lo:
		return fieldErr(field, "must be >= %d, got %d", lo, v)
	case v > hi:
		return fieldErr(field, "must be <= %d, got %d", hi, v)
	}
	return nil
}

// period says that field must be within (0, hi] when d is not.
func period(field string, d, hi time.Duration) error {
	switch {
	case d <= 0:
		return fieldErr(field, "must be > 0, got %s", d)
	case d > hi:
		return fieldErr(field, "must be <= %s, got %s", hi, d)
	}
	return nil
}

// ValidateWritten validates c as a file wrote it, zero where the file is
// silent: it refuses a field written as 0 where 0 would silently become
// the default (replicas: 0 is not 2 replicas), with the message the flags
// give, then validates c with its defaults. written reports whether the
// file writes a field ("replicas", "autoscale.interval").
func (c Config) ValidateWritten(written func(field string) bool) error {
	if err := c.writtenZeros(written); err != nil {
		return err
	}
	return c.WithDefaults().Validate()
}

// writtenZeros refuses the first field that WithDefaults would take from
// its default although the file writes it (as 0).
func (c Config) writtenZeros(written func(field string) bool) error {
	a := c.Autoscale
	for _, f := range []struct {
		name string
		zero bool
		msg  string
	}{
		{"replicas", c.Replicas == 0, "must be >= 1, got 0"},
		{"slots", c.Slots == 0, "must be >= 1, got 0"},
		{"queue_limit", c.QueueLimit == 0, "must be >= 1, got 0"},
		{"queue_timeout", c.QueueTimeout == 0, "must be > 0, got 0s"},
		{"service", c.Service.isZero(), "must be > 0, got 0s"},
		{"autoscale.target_utilization", a.TargetUtilization == 0, "must be > 0, got 0"},
		{"autoscale.interval", a.Interval == 0, "must be > 0, got 0s"},
		{"autoscale.metric_window", a.MetricWindow == 0, "must be > 0, got 0s"},
		{"autoscale.provision_delay", a.ProvisionDelay == 0, "must be > 0, got 0s"},
		{"autoscale.scale_down_stabilization", a.ScaleDownStabilization == 0, "must be > 0, got 0s"},
		{"autoscale.min_replicas", a.MinReplicas == 0, "must be >= 1, got 0"},
		{"autoscale.max_replicas", a.MaxReplicas == 0, "must be >= 1, got 0"},
	} {
		if f.zero && written(f.name) {
			return fieldErr(f.name, "%s", f.msg)
		}
	}
	return nil
}

// first is the first of errs that is not nil.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// LoadConfig reads a simulator config from a YAML file. Unknown fields are
// errors, and the config is validated with defaults applied; every error
// starts with "FILE:LINE:COL: " when the position is known, "FILE: "
// otherwise. The returned Config is as written, zero where the file is
// silent, so a caller can lay overrides over it before New applies the
// defaults.
func LoadConfig(path string) (Config, error) {
	data, err := yamlfile.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %v", path, readError(err))
	}
	var c Config
	if err := yamlfile.Decode(data, &c); err != nil {
		return Config{}, fmt.Errorf("%s:%s", path, positioned(err))
	}
	if err := c.ValidateWritten(yamlfile.Written(data, "$")); err != nil {
		return Config{}, fmt.Errorf("%s:%s", path, fieldPosition(data, err))
	}
	return c, nil
}

// positioned is a decoding error as "LINE:COL: msg" when it has a
// position, " msg" otherwise (the caller prefixes the file name).
func positioned(err error) string {
	var ye *yamlfile.Error
	if errors.As(err, &ye) && ye.Line > 0 {
		return ye.Error()
	}
	return " " + err.Error()
}

// readError says why a file cannot be read, without Go's "open FILE:"
// prefix: the caller names the file.
func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return "cannot read: " + pe.Err.Error()
	}
	return err.Error()
}

// fieldPosition prefixes a Validate error with the line and column of its
// field in the YAML source, when the field is there.
func fieldPosition(data []byte, err error) string {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return " " + err.Error()
	}
	p, perr := yaml.PathString("$." + fe.Field)
	if perr != nil {
		return " " + err.Error()
	}
	file, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return " " + err.Error()
	}
	node, perr := p.FilterFile(file)
	if perr != nil || node == nil || node.GetToken() == nil {
		return " " + err.Error()
	}
	pos := node.GetToken().Position
	return strconv.Itoa(pos.Line) + ":" + strconv.Itoa(pos.Column) + ": " + err.Error()
}

func oneLine(s string) string {
	return string(bytes.Join(bytes.Fields([]byte(s)), []byte(" ")))
}
