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
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/net/http/httpguts"

	"github.com/burstlab/burstlab/attack/outcome"
)

// MaxTargetsBytes caps the targets input: targets are read whole before the
// first request leaves, so a runaway pipe must not fill the memory.
const MaxTargetsBytes = 64 << 20

// MaxBodyBytes caps one request body read from a file: an @file line of
// the targets or a profile's body_file. Bodies are held in memory for the
// whole run, and a device such as /dev/zero never ends.
const MaxBodyBytes = 16 << 20

// ReadBodyFile reads a request body from the file at path through a reader
// capped at MaxBodyBytes+1, refusing a larger one.
func ReadBodyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBodyBytes {
		return nil, fmt.Errorf("larger than the %d MiB cap on a request body", MaxBodyBytes>>20)
	}
	return b, nil
}

// ReadTargets reads every target from r in vegeta's formats: "http" (METHOD
// URL lines, Header: value lines, @body-file, blank lines between targets) or
// "json" (one JSON object per line). header is added to every target. Every
// target is checked before anything is sent: an absolute http or https URL
// with a host, header names and values that net/http can send, a body file
// of at most MaxBodyBytes; an error names the line, and quotes what it
// cites (a URL holding a control character shows it escaped).
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
	var tgts []vegeta.Target
	switch format {
	case "", "http":
		tgts, err = readHTTPTargets(data, header)
	case "json":
		tgts, err = readJSONTargets(data, header)
	default:
		return nil, fmt.Errorf("targets format %q: want http or json", format)
	}
	if err != nil {
		return nil, err
	}
	if len(tgts) == 0 {
		return nil, fmt.Errorf("reading targets: none given")
	}
	return tgts, nil
}

// readJSONTargets reads vegeta's json format, one target per line.
func readJSONTargets(data []byte, header http.Header) ([]vegeta.Target, error) {
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// vegeta's JSON reader drops a last line without a newline.
		data = append(data, '\n')
	}
	tr := vegeta.NewJSONTargeter(bytes.NewReader(data), nil, header)
	lines := jsonTargetLines(data)
	var tgts []vegeta.Target
	for {
		var t vegeta.Target
		err := tr(&t)
		if errors.Is(err, vegeta.ErrNoTargets) {
			return tgts, nil
		}
		at := lineOf(lines, len(tgts))
		if err != nil {
			return nil, fmt.Errorf("targets line %d: %s", at, escapeControls(err.Error()))
		}
		if err := checkTarget(t, targetLines{target: at}); err != nil {
			return nil, err
		}
		tgts = append(tgts, t)
	}
}

// targetLines are the line numbers (from 1) of one target in its input: the
// target's own and its header lines by name.
type targetLines struct {
	target  int
	headers map[string]int
}

func lineOf(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return len(lines) + 1
}

// httpTargets reads vegeta's http format: a METHOD URL line, then header
// lines (Name: value) up to a blank line, an @body-file line or the next
// METHOD URL line; lines starting with # are comments. It follows vegeta's
// parser but reads each body file once, through a capped reader, and
// knows the line of everything it refuses.
type httpTargets struct {
	header http.Header
	bodies map[string][]byte // by file name: a body shared by many targets is read once
	// bodyBytes sums the bodies read, capped at MaxTargetsBytes.
	bodyBytes int
	tgts      []vegeta.Target
	cur       *vegeta.Target // the target whose header lines are being read
	at        targetLines
}

func readHTTPTargets(data []byte, header http.Header) ([]vegeta.Target, error) {
	h := httpTargets{header: header, bodies: map[string][]byte{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxTargetsBytes)
	for n := 1; sc.Scan(); n++ {
		if err := h.line(n, strings.TrimSpace(sc.Text())); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading targets: %w", err)
	}
	if err := h.end(); err != nil {
		return nil, err
	}
	return h.tgts, nil
}

// line reads line n of the targets.
func (h *httpTargets) line(n int, line string) error {
	switch {
	case line == "":
		return h.end()
	case line[0] == '#':
		return nil
	case startsWithMethod(line) || h.cur == nil:
		if err := h.end(); err != nil {
			return err
		}
		return h.start(n, line)
	case line[0] == '@':
		return h.body(n, line[1:])
	}
	k, v, ok := strings.Cut(line, ":")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if !ok || k == "" || v == "" {
		return fmt.Errorf("targets line %d: header %q: want Name: value", n, line)
	}
	// Added as written: vegeta is used to test systems that require
	// case-sensitive header names.
	h.cur.Header[k] = append(h.cur.Header[k], v)
	h.at.headers[k] = n
	return nil
}

// start begins the target of a METHOD URL line, n.
func (h *httpTargets) start(n int, line string) error {
	method, u, ok := strings.Cut(line, " ")
	u = strings.TrimSpace(u)
	if !ok || u == "" {
		return fmt.Errorf("targets line %d: want METHOD URL, got %q", n, line)
	}
	if !startsWithMethod(line) {
		return fmt.Errorf("targets line %d: method %q: want an upper-case HTTP method such as GET", n, method)
	}
	if _, err := url.ParseRequestURI(u); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("targets line %d: URL %q: %v", n, outcome.RedactURL(u), err)
	}
	t := vegeta.Target{Method: method, URL: u, Header: http.Header{}}
	for k, vs := range h.header {
		t.Header[k] = vs
	}
	h.cur, h.at = &t, targetLines{target: n, headers: map[string]int{}}
	return nil
}

// body reads the body file of the @ line n, which ends its target.
func (h *httpTargets) body(n int, name string) error {
	b, ok := h.bodies[name]
	if !ok {
		var err error
		if b, err = ReadBodyFile(name); err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fmt.Errorf("targets line %d: body file %q: %v", n, name, err)
		}
		h.bodies[name] = b
		if h.bodyBytes += len(b); h.bodyBytes > MaxTargetsBytes {
			return fmt.Errorf("targets line %d: body file %q: the body files come to more than %d MiB in all", n, name, MaxTargetsBytes>>20)
		}
	}
	h.cur.Body = b
	return h.end()
}

// end checks and keeps the target being read, if any.
func (h *httpTargets) end() error {
	if h.cur == nil {
		return nil
	}
	t := *h.cur
	h.cur = nil
	if err := checkTarget(t, h.at); err != nil {
		return err
	}
	h.tgts = append(h.tgts, t)
	return nil
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
func jsonTargetLines(data []byte) []int {
	var out []int
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, n+1)
		}
	}
	return out
}

// escapeControls writes the control characters of s as Go escapes (\r,
// \x00), so that an error citing input shows them instead of sending them
// to the terminal.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// checkTarget says what in t net/http could not send, naming its line.
func checkTarget(t vegeta.Target, at targetLines) error {
	u, err := url.Parse(t.URL)
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("targets line %d: URL %q: %v", at.target, outcome.RedactURL(t.URL), err)
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
