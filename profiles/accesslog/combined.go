package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// clfTime is the timestamp layout of the Common Log Format ($time_local).
const clfTime = "02/Jan/2006:15:04:05 -0700"

// clock parses timestamps, remembering the last one: a busy log writes the
// same second on thousands of lines in a row.
type clock struct {
	last []byte
	t    time.Time
}

func (c *clock) parse(layout string, b []byte) (time.Time, error) {
	if len(c.last) > 0 && bytes.Equal(b, c.last) {
		return c.t, nil
	}
	t, err := time.Parse(layout, string(b))
	if err != nil {
		return time.Time{}, err
	}
	c.last = append(c.last[:0], b...)
	c.t = t
	return t, nil
}

// parseCombined reads one line of the Common or Combined Log Format:
//
//	host ident user [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 2326 "referer" "agent" 0.012
//
// The referer and agent (combined) and the trailing request time are
// optional. The logged time is when the request ended, to the second; the
// arrival is that minus the request time, rounded to the second.
func (p *parser) parseCombined(line []byte, e *Entry) error {
	i := bytes.IndexByte(line, '[')
	j := bytes.IndexByte(line, ']')
	if i < 0 || j < i || !bytes.HasPrefix(line[j+1:], []byte(` "`)) {
		return errors.New(`not Common or Combined Log Format (want host ident user [time] "request" status bytes)`)
	}
	ts, err := p.clock.parse(clfTime, line[i+1:j])
	if err != nil {
		return fmt.Errorf("time %q: want a time like 10/Oct/2000:13:55:36 -0700", line[i+1:j])
	}
	rest := line[j+3:]
	k := closingQuote(rest)
	if k < 0 {
		return errors.New("request: no closing quote")
	}
	if err := splitRequest(rest[:k], e); err != nil {
		return err
	}
	rest = rest[k+1:]
	status, rest := field(rest)
	e.Status, err = atoi(status)
	if err != nil || e.Status < 100 || e.Status > 999 {
		return fmt.Errorf("status %q: want a 3-digit HTTP status", status)
	}
	_, rest = field(rest) // bytes sent
	e.Latency = -1
	if last := lastField(rest); len(last) > 0 && last[0] != '"' {
		d, err := p.latency(last)
		if err != nil {
			return fmt.Errorf("request time %q: %v", last, err)
		}
		e.Latency = d
	}
	e.Time = ts
	if e.Latency > 0 {
		// The end, somewhere in [ts, ts+1s), less the request time, to the
		// nearest second: end ≈ ts + 0.5 s.
		e.Time = ts.Add(time.Second/2 - e.Latency).Truncate(time.Second)
	}
	e.Sub = false
	return nil
}

// splitRequest reads a request line "METHOD target PROTO" into e.
func splitRequest(req []byte, e *Entry) error {
	m, rest := field(req)
	t, _ := field(rest)
	if len(m) == 0 || len(t) == 0 || !isToken(m) {
		return fmt.Errorf("request %q: want \"METHOD target PROTOCOL\"", req)
	}
	e.Method = m
	e.Target = stripOrigin(t)
	if len(e.Target) == 0 || (e.Target[0] != '/' && e.Target[0] != '*') {
		return fmt.Errorf("request %q: the target is not a path", req)
	}
	return nil
}

// stripOrigin turns an absolute URL (http://host:port/path) into its path.
func stripOrigin(t []byte) []byte {
	if len(t) > 0 && t[0] == '/' {
		return t
	}
	i := bytes.Index(t, []byte("://"))
	if i < 0 {
		return t
	}
	rest := t[i+3:]
	j := bytes.IndexAny(rest, "/?")
	if j < 0 {
		return []byte("/")
	}
	if rest[j] == '?' {
		// "http://h?q": the path is "/", keep the query. The line's bytes
		// are ours to reuse: the byte before the query becomes the slash.
		k := i + 3 + j - 1
		t[k] = '/'
		return t[k:]
	}
	return rest[j:]
}

// isToken reports whether b looks like an HTTP method.
func isToken(b []byte) bool {
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// latency reads a bare number in the configured unit.
func (p *parser) latency(b []byte) (time.Duration, error) {
	if len(b) == 1 && b[0] == '-' {
		return -1, nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || v < 0 || v > 1e9 {
		return 0, errors.New("want a number >= 0")
	}
	return time.Duration(v * float64(p.o.LatencyUnit)), nil
}

// closingQuote returns the index of the first '"' in b that is not escaped
// by a backslash (Apache writes \" inside quoted fields; nginx writes \x22).
func closingQuote(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// field returns b's first space-separated field and what follows it.
func field(b []byte) (f, rest []byte) {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+1:]
}

// lastField returns b's last space-separated field, trailing space and CR
// trimmed.
func lastField(b []byte) []byte {
	b = bytes.TrimRight(b, " \t\r")
	i := bytes.LastIndexByte(b, ' ')
	f := b[i+1:]
	if len(f) > 0 && f[len(f)-1] == '"' {
		return []byte{'"'} // the combined format's quoted agent ends the line
	}
	return f
}

// atoi reads a non-negative decimal integer.
func atoi(b []byte) (int, error) {
	if len(b) == 0 || len(b) > 9 {
		return 0, errors.New("not a number")
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
