package attack

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/net/http/httpguts"

	"github.com/burstlab/burstlab/attack/outcome"
)

// MaxTargetsBytes caps the targets input: targets are read whole before the
// first request leaves, so a runaway pipe must not fill the memory.
const MaxTargetsBytes = 64 << 20

// ReadTargets reads every target from r in vegeta's formats: "http" (METHOD
// URL lines, Header: value lines, @body-file, blank lines between targets) or
// "json" (one JSON object per line). header is added to every target. Every
// target is checked before anything is sent: an absolute http or https URL
// with a host, header names and values that net/http can send; an error
// names the line.
func ReadTargets(r io.Reader, format string, header http.Header) ([]vegeta.Target, error) {
	if err := checkHeader(header); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxTargetsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading targets: %w", err)
	}
	if len(data) > MaxTargetsBytes {
		return nil, fmt.Errorf("reading targets: more than %d MiB of them", MaxTargetsBytes>>20)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// vegeta's JSON reader drops a last line without a newline.
		data = append(data, '\n')
	}
	var tr vegeta.Targeter
	var lines []targetLines
	switch format {
	case "", "http":
		tr = vegeta.NewHTTPTargeter(bytes.NewReader(data), nil, header)
		lines = httpTargetLines(data)
	case "json":
		tr = vegeta.NewJSONTargeter(bytes.NewReader(data), nil, header)
		lines = jsonTargetLines(data)
	default:
		return nil, fmt.Errorf("targets format %q: want http or json", format)
	}
	var tgts []vegeta.Target
	for {
		var t vegeta.Target
		err := tr(&t)
		if errors.Is(err, vegeta.ErrNoTargets) {
			break
		}
		at := lineOf(lines, len(tgts))
		if err != nil {
			return nil, fmt.Errorf("targets line %d: %v", at.target, err)
		}
		if err := checkTarget(t, at); err != nil {
			return nil, err
		}
		tgts = append(tgts, t)
	}
	if len(tgts) == 0 {
		return nil, fmt.Errorf("reading targets: none given")
	}
	return tgts, nil
}

// targetLines are the line numbers (from 1) of one target in its input: the
// target's own and its header lines by name.
type targetLines struct {
	target  int
	headers map[string]int
}

func lineOf(lines []targetLines, i int) targetLines {
	if i < len(lines) {
		return lines[i]
	}
	return targetLines{target: len(lines) + 1}
}

// httpTargetLines finds the lines of each target in vegeta's http format,
// following its parser: a METHOD URL line, then header lines up to a blank
// line, an @body line or the next METHOD URL line.
func httpTargetLines(data []byte) []targetLines {
	var out []targetLines
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxTargetsBytes)
	in := false // inside a target's header lines
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			in = false
		case line[0] == '#':
		case startsWithMethod(line):
			out = append(out, targetLines{target: n, headers: map[string]int{}})
			in = true
		case line[0] == '@':
			in = false
		case in:
			k, _, _ := strings.Cut(line, ":")
			out[len(out)-1].headers[strings.TrimSpace(k)] = n
		default:
			// A stray line is a target to vegeta's parser, which refuses it.
			out = append(out, targetLines{target: n, headers: map[string]int{}})
		}
	}
	return out
}

// startsWithMethod is vegeta's test for a target line: an upper-case word
// and a space.
func startsWithMethod(line string) bool {
	i := strings.IndexAny(line, " \t")
	if i <= 0 {
		return false
	}
	for _, c := range line[:i] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// jsonTargetLines numbers the non-blank lines: one JSON target each.
func jsonTargetLines(data []byte) []targetLines {
	var out []targetLines
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, targetLines{target: n + 1})
		}
	}
	return out
}

// checkTarget says what in t net/http could not send, naming its line.
func checkTarget(t vegeta.Target, at targetLines) error {
	u, err := url.Parse(t.URL)
	switch {
	case err != nil:
		return fmt.Errorf("targets line %d: URL %q: %v", at.target, t.URL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("targets line %d: URL %q: want an absolute http:// or https:// URL", at.target, outcome.RedactURL(t.URL))
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("targets line %d: URL %q has no host", at.target, outcome.RedactURL(t.URL))
	}
	if !httpguts.ValidHeaderFieldName(t.Method) {
		return fmt.Errorf("targets line %d: method %q is not a valid HTTP method", at.target, t.Method)
	}
	for k, vs := range t.Header {
		line := at.target
		if n, ok := at.headers[k]; ok {
			line = n
		}
		if err := checkHeaderField(k, vs); err != nil {
			return fmt.Errorf("targets line %d: %v", line, err)
		}
	}
	return nil
}

// checkHeader checks headers given on the command line.
func checkHeader(h http.Header) error {
	for k, vs := range h {
		if err := checkHeaderField(k, vs); err != nil {
			return err
		}
	}
	return nil
}

func checkHeaderField(k string, vs []string) error {
	if !httpguts.ValidHeaderFieldName(k) {
		return fmt.Errorf("header name %q: not a valid HTTP header name", k)
	}
	for _, v := range vs {
		if !httpguts.ValidHeaderFieldValue(v) {
			return fmt.Errorf("header %s: value %q holds a line break or control character", k, v)
		}
	}
	return nil
}

// MaxRate is the highest rate one process is asked to send, per second:
// well past what net/http carries on a few cores; beyond it, shard the plan.
const MaxRate = 1_000_000

// ParseRate reads a rate as vegeta writes it: "500/s", "50/100ms", or a bare
// number meaning per second. It returns requests per second; 0 (vegeta's
// "as fast as possible") is returned as 0.
func ParseRate(s string) (float64, error) {
	num, per, found := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("rate %q: want a number of requests, like 500/s or 50/100ms (0: as fast as possible)", s)
	}
	if !found || n == 0 {
		return checkRate(s, n)
	}
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("rate %q: want a positive period after /, like 500/s or 50/100ms", s)
	}
	return checkRate(s, n/d.Seconds())
}

func checkRate(s string, r float64) (float64, error) {
	if r > MaxRate {
		return 0, fmt.Errorf("rate %q: %.0f/s is above the %d/s one process is asked to send; split a profile over processes with burstlab run --shard i/n", s, r, MaxRate)
	}
	return r, nil
}
