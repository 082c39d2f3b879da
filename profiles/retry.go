package profiles

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Retry is a client's retry policy, as the incident's clients had: a failed
// request is sent again, up to MaxAttempts attempts in all, after a backoff
// that grows by Multiplier per attempt (capped at MaxBackoff) plus a uniform
// jitter. Retries are extra load the plan does not count: the attack engine
// issues them at run time, keyed by the original arrival's intended time.
type Retry struct {
	MaxAttempts int           `yaml:"max_attempts"` // attempts in all, the first included; >= 2
	Backoff     time.Duration `yaml:"backoff"`      // wait before the second attempt
	Multiplier  float64       `yaml:"multiplier"`   // growth of the wait per further attempt, default 2 (1: constant)
	MaxBackoff  time.Duration `yaml:"max_backoff"`  // cap on the wait before jitter (0: none)
	Jitter      time.Duration `yaml:"jitter"`       // uniform extra wait in [0, Jitter)
	On          []string      `yaml:"on"`           // outcome classes retried, default [5xx, timeout]
}

// RetryClasses are the outcome classes a Retry may name in On, as the attack
// engine classifies results.
var RetryClasses = []string{"4xx", "429", "5xx", "timeout", "refused", "reset", "dns", "tls", "other"}

func (r *Retry) applyDefaults() {
	if r.Multiplier == 0 {
		r.Multiplier = 2
	}
	if r.On == nil {
		r.On = []string{"5xx", "timeout"}
	}
}

// check returns the first problem of the policy, with the field it concerns.
func (r *Retry) check() (field, msg string) {
	switch {
	case r.MaxAttempts < 2:
		return "max_attempts", fmt.Sprintf("must be >= 2 (the first attempt counts), got %d", r.MaxAttempts)
	case r.MaxAttempts > 100:
		return "max_attempts", fmt.Sprintf("must be <= 100, got %d", r.MaxAttempts)
	case r.Backoff < 0:
		return "backoff", fmt.Sprintf("must be >= 0, got %v", r.Backoff)
	case !(r.Multiplier >= 1) || math.IsInf(r.Multiplier, 0):
		return "multiplier", fmt.Sprintf("must be >= 1, got %v", r.Multiplier)
	case r.MaxBackoff < 0:
		return "max_backoff", fmt.Sprintf("must be >= 0, got %v", r.MaxBackoff)
	case r.Jitter < 0:
		return "jitter", fmt.Sprintf("must be >= 0, got %v", r.Jitter)
	case len(r.On) == 0:
		return "on", "needs at least one outcome class"
	}
	for _, c := range r.On {
		if !slices.Contains(RetryClasses, c) {
			return "on", fmt.Sprintf("unknown outcome class %q (know %v)", c, RetryClasses)
		}
	}
	return "", ""
}

// Retries reports whether a result of the named class (see RetryClasses)
// is retried after the given attempt (1 for the original request).
func (r *Retry) Retries(class string, attempt int) bool {
	return r != nil && attempt < r.MaxAttempts && slices.Contains(r.On, class)
}

// Delay is the wait before attempt (2 for the first retry), measured from
// the failure of the attempt before it: Backoff·Multiplier^(attempt−2),
// capped at MaxBackoff, plus u·Jitter. u is a random value in [0, 1) that the
// caller draws deterministically (Plan.RetryRand); attempt < 2 waits 0.
func (r *Retry) Delay(attempt int, u float64) time.Duration {
	if r == nil || attempt < 2 {
		return 0
	}
	d := float64(r.Backoff) * math.Pow(r.Multiplier, float64(attempt-2))
	if r.MaxBackoff > 0 {
		d = math.Min(d, float64(r.MaxBackoff))
	}
	d = math.Min(d, float64(time.Hour*24*365))
	u = math.Min(math.Max(u, 0), 1)
	return time.Duration(d) + time.Duration(u*float64(r.Jitter))
}

// String says the policy in one line.
func (r *Retry) String() string {
	s := fmt.Sprintf("up to %d attempts on %v, backoff %v ×%g", r.MaxAttempts, r.On, r.Backoff, r.Multiplier)
	if r.MaxBackoff > 0 {
		s += fmt.Sprintf(" max %v", r.MaxBackoff)
	}
	if r.Jitter > 0 {
		s += fmt.Sprintf(" + jitter %v", r.Jitter)
	}
	return s
}
