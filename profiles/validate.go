package profiles

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// problem is a validation failure at a YAML path such as $.streams[0].constant.rate.
type problem struct {
	path string
	msg  string
}

// validate checks the decoded profile and reports the first problem with the
// line and column of the offending field in data.
func (p *Profile) validate(data []byte) error {
	probs := p.problems()
	if len(probs) == 0 {
		return nil
	}
	pr := probs[0]
	line, col := position(data, pr.path)
	field := strings.TrimPrefix(pr.path, "$.")
	return &Error{File: p.path, Line: line, Col: col, Msg: fmt.Sprintf("%s: %s", field, pr.msg)}
}

// position finds the line and column of a YAML path in data; it falls back to
// the nearest existing parent.
func position(data []byte, path string) (line, col int) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0, 0
	}
	for p := path; p != "$" && p != ""; p = parentPath(p) {
		yp, err := yaml.PathString(p)
		if err != nil {
			continue
		}
		n, err := yp.FilterFile(f)
		if err != nil || n == nil || n.GetToken() == nil {
			continue
		}
		pos := n.GetToken().Position
		return pos.Line, pos.Column
	}
	return 0, 0
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

func (p *Profile) problems() []problem {
	var out []problem
	add := func(path, format string, args ...any) {
		out = append(out, problem{path, fmt.Sprintf(format, args...)})
	}
	if p.Duration <= 0 {
		add("$.duration", "must be > 0, got %v", p.Duration)
	}
	if p.Warmup < 0 || (p.Duration > 0 && p.Warmup >= p.Duration) {
		add("$.warmup", "must be >= 0 and shorter than duration, got %v", p.Warmup)
	}
	if p.MaxRate < 0 {
		add("$.max_rate", "must be >= 0, got %v", p.MaxRate)
	}
	switch {
	case p.Target.URL == "" && p.Target.Sim == nil:
		add("$.target", "needs url or sim")
	case p.Target.URL != "" && p.Target.Sim != nil:
		add("$.target", "has both url and sim; pick one")
	case p.Target.URL != "":
		u, err := url.Parse(p.Target.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("$.target.url", "must be an http(s) URL, got %q", p.Target.URL)
		}
	case p.Target.Sim != nil:
		if err := p.Target.Sim.WithDefaults().Validate(); err != nil {
			add("$.target.sim", "%v", err)
		}
	}
	if p.Client.Timeout < 0 {
		add("$.client.timeout", "must be > 0, got %v", p.Client.Timeout)
	}
	if p.Client.Workers > p.Client.MaxWorkers {
		add("$.client.workers", "must be <= max_workers (%d), got %d", p.Client.MaxWorkers, p.Client.Workers)
	}
	a := p.Analysis
	if a.Window < time.Millisecond {
		add("$.analysis.window", "must be >= 1ms, got %v", a.Window)
	}
	if a.Tolerance < 1 {
		add("$.analysis.tolerance", "must be >= 1, got %v", a.Tolerance)
	}
	if a.HealthyWindows < 1 {
		add("$.analysis.healthy_windows", "must be >= 1, got %d", a.HealthyWindows)
	}
	if a.ErrorRatio < 0 || a.ErrorRatio > 1 {
		add("$.analysis.error_ratio", "must be within 0..1, got %v", a.ErrorRatio)
	}
	if len(p.Streams) == 0 {
		add("$.streams", "needs at least one stream")
	}
	seen := map[string]bool{}
	for i, s := range p.Streams {
		at := fmt.Sprintf("$.streams[%d]", i)
		if s.Name == "" {
			add(at+".name", "is required")
		} else if seen[s.Name] {
			add(at+".name", "duplicate stream name %q", s.Name)
		}
		seen[s.Name] = true
		if !strings.HasPrefix(s.Request.Path, "/") {
			add(at+".request.path", "must start with /, got %q", s.Request.Path)
		} else if _, err := ParseTemplate(s.Request.Path); err != nil {
			add(at+".request.path", "%v", err)
		}
		if s.Arrivals != "even" && s.Arrivals != "poisson" {
			add(at+".arrivals", "must be even or poisson, got %q", s.Arrivals)
		}
		shapes := 0
		if s.Constant != nil {
			shapes++
			c := s.Constant
			if c.Rate <= 0 {
				add(at+".constant.rate", "must be > 0, got %v", c.Rate)
			}
			if c.Start < 0 {
				add(at+".constant.start", "must be >= 0, got %v", c.Start)
			}
			if c.Duration < 0 {
				add(at+".constant.duration", "must be >= 0, got %v", c.Duration)
			}
		}
		if s.FanOut != nil {
			shapes++
			f := s.FanOut
			if f.Subscribers < 1 {
				add(at+".fanout.subscribers", "must be >= 1, got %d", f.Subscribers)
			}
			e := f.Events
			if len(e.At) == 0 && e.Count < 1 {
				add(at+".fanout.events", "needs at (a list of times) or count")
			}
			if len(e.At) > 0 && e.Count > 0 {
				add(at+".fanout.events", "has both at and count; pick one")
			}
			for j, t := range e.At {
				if t < 0 {
					add(fmt.Sprintf("%s.fanout.events.at[%d]", at, j), "must be >= 0, got %v", t)
				}
			}
			if e.Over < 0 || e.Start < 0 {
				add(at+".fanout.events", "start and over must be >= 0")
			}
			if msg := f.Reaction.check(); msg != "" {
				add(at+".fanout.reaction", "%s", msg)
			}
		}
		if shapes != 1 {
			add(at, "needs exactly one arrival shape (constant or fanout), got %d", shapes)
		}
	}
	return out
}

func (d Delay) check() string {
	switch d.Dist {
	case "", "fixed":
		if d.Value < 0 {
			return fmt.Sprintf("value must be >= 0, got %v", d.Value)
		}
	case "uniform":
		if d.Min < 0 || d.Max < d.Min {
			return fmt.Sprintf("uniform needs 0 <= min <= max, got min %v max %v", d.Min, d.Max)
		}
	case "exponential":
		if d.Mean <= 0 {
			return fmt.Sprintf("exponential needs mean > 0, got %v", d.Mean)
		}
	default:
		return fmt.Sprintf("dist must be fixed, uniform or exponential, got %q", d.Dist)
	}
	return ""
}
