package profiles

import (
	"fmt"
	"strconv"
	"strings"
)

// Template is a request path with placeholders, learned in a minute:
//
//	{subscriber}   the fan-out subscriber id (0 for rate streams)
//	{event}        the fan-out trigger event index
//	{seq}          the arrival's index within its stream
//	{rand:1..1000} a uniform integer in the range, fixed by the seed
//	{choice:a,b,c} one of the listed words, fixed by the seed
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

// ParseTemplate parses s; errors name the bad placeholder.
func ParseTemplate(s string) (Template, error) {
	var t Template
	for len(s) > 0 {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t.parts = append(t.parts, part{lit: s})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, part{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return t, fmt.Errorf("unclosed placeholder in %q", s)
		}
		p, err := parsePlaceholder(s[i+1 : i+j])
		if err != nil {
			return t, err
		}
		t.parts = append(t.parts, p)
		s = s[i+j+1:]
	}
	return t, nil
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
		if !ok || err1 != nil || err2 != nil || hi < lo {
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

// Render fills the template in.
func (t Template) Render(v Vars) string {
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
			b.WriteString(strconv.FormatInt(p.lo+int64(r%uint64(p.hi-p.lo+1)), 10))
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
