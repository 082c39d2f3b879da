package profiles

import (
	"fmt"
	"strconv"
	"strings"
)

// Template is a request path, header value or body with placeholders,
// learned in a minute:
//
//	{subscriber}   the fan-out subscriber id (0 for rate streams)
//	{event}        the fan-out trigger event index
//	{seq}          the arrival's index within its stream
//	{rand:1..1000} a uniform integer in the range, fixed by the seed
//	{choice:a,b,c} one of the listed words, fixed by the seed
//
// In a path every "{" opens a placeholder. In header values and bodies a
// "{" opens one only when a lowercase name follows it, so JSON bodies need no
// escaping, and "${NAME}" is left alone for environment interpolation.
type Template struct {
	parts []part
}

type part struct {
	lit     string
	kind    string // "", subscriber, event, seq, rand, choice
	lo, hi  int64
	choices []string
}

// Vars are the values a template is rendered with.
type Vars struct {
	Subscriber int64
	Event      int64
	Seq        int64
	Rand       uint64 // per-arrival random bits, from the plan's seed
}

// ParseTemplate parses a path template; errors name the bad placeholder.
func ParseTemplate(s string) (Template, error) {
	return parseTemplate(s, false)
}

// parseTextTemplate parses a header value or body template: a "{" opens a
// placeholder only when a lowercase letter follows it and no "$" precedes it.
func parseTextTemplate(s string) (Template, error) {
	return parseTemplate(s, true)
}

func parseTemplate(s string, lenient bool) (Template, error) {
	var t Template
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '{' || (lenient && !opensPlaceholder(s, i)) {
			lit.WriteByte(c)
			i++
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return Template{}, fmt.Errorf("unclosed placeholder in %q", s)
		}
		p, err := parsePlaceholder(s[i+1 : i+j])
		if err != nil {
			return Template{}, err
		}
		flush()
		t.parts = append(t.parts, p)
		i += j + 1
	}
	flush()
	return t, nil
}

// opensPlaceholder reports whether the "{" at s[i] starts a placeholder in a
// header value or body.
func opensPlaceholder(s string, i int) bool {
	if i > 0 && s[i-1] == '$' {
		return false
	}
	return i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z'
}

func parsePlaceholder(s string) (part, error) {
	name, arg, _ := strings.Cut(s, ":")
	switch name {
	case "subscriber", "event", "seq":
		if arg != "" {
			return part{}, fmt.Errorf("placeholder {%s} takes no argument", s)
		}
		return part{kind: name}, nil
	case "rand":
		a, b, ok := strings.Cut(arg, "..")
		lo, err1 := strconv.ParseInt(a, 10, 64)
		hi, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || hi < lo || hi-lo < 0 {
			return part{}, fmt.Errorf("placeholder {%s}: want {rand:LO..HI} with LO <= HI", s)
		}
		return part{kind: name, lo: lo, hi: hi}, nil
	case "choice":
		cs := strings.Split(arg, ",")
		if arg == "" {
			return part{}, fmt.Errorf("placeholder {%s}: want {choice:a,b,c}", s)
		}
		return part{kind: name, choices: cs}, nil
	}
	return part{}, fmt.Errorf("unknown placeholder {%s} (know subscriber, event, seq, rand, choice)", s)
}

// constant returns the template's text when it has no placeholders.
func (t Template) constant() (string, bool) {
	switch {
	case len(t.parts) == 0:
		return "", true
	case len(t.parts) == 1 && t.parts[0].kind == "":
		return t.parts[0].lit, true
	}
	return "", false
}

// mapLiterals returns a copy of t with f applied to every literal part.
func (t Template) mapLiterals(f func(string) (string, error)) (Template, error) {
	out := Template{parts: make([]part, len(t.parts))}
	for i, p := range t.parts {
		if p.kind == "" {
			s, err := f(p.lit)
			if err != nil {
				return Template{}, err
			}
			p.lit = s
		}
		out.parts[i] = p
	}
	return out, nil
}

// Render fills the template in.
func (t Template) Render(v Vars) string {
	if s, ok := t.constant(); ok {
		return s
	}
	var b strings.Builder
	r := v.Rand
	for _, p := range t.parts {
		switch p.kind {
		case "":
			b.WriteString(p.lit)
		case "subscriber":
			b.WriteString(strconv.FormatInt(v.Subscriber, 10))
		case "event":
			b.WriteString(strconv.FormatInt(v.Event, 10))
		case "seq":
			b.WriteString(strconv.FormatInt(v.Seq, 10))
		case "rand":
			r = mix(r)
			b.WriteString(strconv.FormatInt(p.lo+int64(r%(uint64(p.hi-p.lo)+1)), 10))
		case "choice":
			r = mix(r)
			b.WriteString(p.choices[r%uint64(len(p.choices))])
		}
	}
	return b.String()
}

// mix is splitmix64's finaliser: a cheap, well-spread hash step.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps random bits to a float64 in [0, 1).
func unit(x uint64) float64 {
	return float64(x>>11) / (1 << 53)
}
