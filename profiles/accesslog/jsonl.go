package accesslog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// parseJSON reads one JSON object per line, taking the fields named by
// Options. Values may be strings or numbers; nested values of other fields
// are skipped. The path field may hold a URL or a whole request line
// ("GET /a HTTP/1.1", nginx's $request), and then the method field is
// optional.
func (p *parser) parseJSON(line []byte, e *Entry) error {
	var tv, mv, pv, sv, lv []byte
	err := scanObject(line, func(key, val []byte) {
		switch string(key) {
		case p.o.TimeField:
			tv = val
		case p.o.MethodField:
			mv = val
		case p.o.PathField:
			pv = val
		case p.o.StatusField:
			sv = val
		case p.o.LatencyField:
			lv = val
		}
	})
	if err != nil {
		return err
	}
	if tv == nil {
		return fmt.Errorf("no %q field", p.o.TimeField)
	}
	if pv == nil {
		return fmt.Errorf("no %q field", p.o.PathField)
	}
	t, sub, err := p.jsonTime(tv)
	if err != nil {
		return fmt.Errorf("%s %s: %v", p.o.TimeField, tv, err)
	}
	e.Time, e.Sub = t, sub
	path := unquote(pv)
	if i := bytes.IndexByte(path, ' '); i > 0 {
		if err := splitRequest(path, e); err != nil {
			return fmt.Errorf("%s: %v", p.o.PathField, err)
		}
	} else {
		e.Target = stripOrigin(path)
		if len(e.Target) == 0 || e.Target[0] != '/' {
			return fmt.Errorf("%s %s: want a path", p.o.PathField, pv)
		}
		if mv == nil {
			return fmt.Errorf("no %q field", p.o.MethodField)
		}
		e.Method = unquote(mv)
		if len(e.Method) == 0 || !isToken(e.Method) {
			return fmt.Errorf("%s %s: want an HTTP method", p.o.MethodField, mv)
		}
	}
	e.Status = 0
	if sv != nil {
		st, err := atoi(unquote(sv))
		if err != nil || st < 100 || st > 999 {
			return fmt.Errorf("%s %s: want a 3-digit HTTP status", p.o.StatusField, sv)
		}
		e.Status = st
	}
	e.Latency = -1
	if lv != nil && string(lv) != "null" {
		s := unquote(lv)
		if d, err := p.latency(s); err == nil {
			e.Latency = d
		} else if d, err := time.ParseDuration(string(s)); err == nil && d >= 0 {
			e.Latency = d
		} else {
			return fmt.Errorf("%s %s: want a number >= 0 or a duration such as 12ms", p.o.LatencyField, lv)
		}
	}
	return nil
}

// jsonTime reads an RFC 3339 or CLF time string, or epoch seconds,
// milliseconds, microseconds or nanoseconds as a number (told apart by
// size) or a numeric string (nginx's $msec).
func (p *parser) jsonTime(v []byte) (time.Time, bool, error) {
	s := unquote(v)
	if ns, ok := epochNanos(s); ok {
		return time.Unix(0, ns), ns%int64(time.Second) != 0, nil
	}
	for _, layout := range [...]string{time.RFC3339Nano, clfTime} {
		if t, err := p.clock.parse(layout, s); err == nil {
			return t, t.Nanosecond() != 0, nil
		}
	}
	return time.Time{}, false, errors.New("want an RFC 3339 time, a CLF time or an epoch number")
}

// unquote returns a JSON string's bytes without its quotes (escapes are
// decoded only when there are any), or a number or literal as is.
func unquote(v []byte) []byte {
	if len(v) < 2 || v[0] != '"' {
		return v
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return inner
	}
	return []byte(s)
}

// scanObject walks the top-level members of the JSON object in b, calling
// fn with each key (unquoted, escapes kept) and raw value.
func scanObject(b []byte, fn func(key, val []byte)) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errors.New("not a JSON object")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return fmt.Errorf("JSON: want a key at byte %d", i+1)
		}
		end := stringEnd(b, i)
		if end < 0 {
			return errors.New("JSON: unterminated string")
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("JSON: want ':' at byte %d", i+1)
		}
		i = skipSpace(b, i+1)
		vend, err := valueEnd(b, i)
		if err != nil {
			return err
		}
		fn(key, b[i:vend])
		i = skipSpace(b, vend)
		if i >= len(b) {
			return errors.New("JSON: the object is not closed")
		}
		if b[i] == '}' {
			return nil
		}
		if b[i] != ',' {
			return fmt.Errorf("JSON: want ',' or '}' at byte %d", i+1)
		}
		i = skipSpace(b, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string opening at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// valueEnd returns the index just past the JSON value starting at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("JSON: a value is missing")
	}
	switch b[i] {
	case '"':
		if e := stringEnd(b, i); e > 0 {
			return e, nil
		}
		return 0, errors.New("JSON: unterminated string")
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := stringEnd(b, j)
				if e < 0 {
					return 0, errors.New("JSON: unterminated string")
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("JSON: unterminated object or array")
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ' ' && b[j] != '\t' && b[j] != '\r' {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("JSON: want a value at byte %d", i+1)
	}
	return j, nil
}

// epochNanos reads epoch seconds, milliseconds, microseconds or nanoseconds
// (told apart by the integer part's size), with an optional decimal
// fraction read exactly: 1573761840.25 is 250 ms past the second.
func epochNanos(s []byte) (int64, bool) {
	ip, fp, _ := bytes.Cut(s, []byte{'.'})
	if len(ip) == 0 || len(ip) > 19 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(ip), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	var unit int64 = 1e9 // the integer part's unit, in ns
	switch {
	case n > 1e17:
		unit = 1
	case n > 1e14:
		unit = 1e3
	case n > 1e11:
		unit = 1e6
	}
	var frac int64
	scale := unit
	for _, c := range fp {
		if c < '0' || c > '9' {
			return 0, false
		}
		if scale >= 10 {
			scale /= 10
			frac += int64(c-'0') * scale
		}
	}
	if n > math.MaxInt64/unit {
		return 0, false
	}
	return n*unit + frac, true
}
