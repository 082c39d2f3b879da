package profiles

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// interpolate replaces every ${NAME} in s with the environment variable
// NAME; "$${" writes a literal "${". It returns the names it used; an unset
// variable is an error naming it.
func interpolate(s string, lookup func(string) (string, bool), used map[string]string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed ${ in %q", s[i:])
		}
		name := s[i+2 : i+j]
		if !validEnvName(name) {
			return "", fmt.Errorf("${%s}: not a variable name (letters, digits and _, not starting with a digit)", name)
		}
		v, ok := lookup(name)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
		used[name] = v
		b.WriteString(v)
		s = s[i+j+1:]
	}
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Secrets returns the values the profile read from the environment, longest
// first, so that other outputs (logs, records, reports) can redact them.
// Empty values are left out.
func (p *Profile) Secrets() []string {
	if p.c == nil {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(p.c.env)) {
		if v := p.c.env[name]; v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// Redact replaces every secret value in s with the ${NAME} it came from.
func (p *Profile) Redact(s string) string {
	if p.c == nil || len(p.c.env) == 0 {
		return s
	}
	names := slices.Sorted(maps.Keys(p.c.env))
	slices.SortStableFunc(names, func(a, b string) int { return len(p.c.env[b]) - len(p.c.env[a]) })
	var pairs []string
	for _, n := range names {
		if v := p.c.env[n]; v != "" {
			pairs = append(pairs, v, "${"+n+"}")
		}
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Redacted returns a deep copy of the profile that is safe to print or
// store: header values and bodies hold the text as written (${NAME}, never
// the value), and no resolved state is carried over. NewPlan on the copy
// reads the environment again.
func (p *Profile) Redacted() *Profile {
	q := *p
	q.c = nil
	q.src = nil
	if p.Target.Sim != nil {
		s := *p.Target.Sim
		s.Routes = slices.Clone(s.Routes)
		q.Target.Sim = &s
	}
	q.Gates = slices.Clone(p.Gates)
	q.Alerts = slices.Clone(p.Alerts)
	q.Streams = make([]Stream, len(p.Streams))
	for i, s := range p.Streams {
		s.Request = s.Request.clone()
		if s.Requests != nil {
			rs := make([]RequestTemplate, len(s.Requests))
			for j, r := range s.Requests {
				rs[j] = r.clone()
			}
			s.Requests = rs
		}
		s.Constant = clonePtr(s.Constant)
		s.Ramp = clonePtr(s.Ramp)
		s.Stages = slices.Clone(s.Stages)
		s.Spike = clonePtr(s.Spike)
		s.Sine = clonePtr(s.Sine)
		s.Replay = clonePtr(s.Replay)
		if s.FanOut != nil {
			f := *s.FanOut
			f.Events.At = slices.Clone(f.Events.At)
			s.FanOut = &f
		}
		if s.Retry != nil {
			r := *s.Retry
			r.On = slices.Clone(r.On)
			s.Retry = &r
		}
		q.Streams[i] = s
	}
	return &q
}

func (r RequestTemplate) clone() RequestTemplate {
	r.Headers = maps.Clone(r.Headers)
	return r
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// osLookup is the environment the profile reads.
var osLookup = os.LookupEnv
