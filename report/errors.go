package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/burstlab/burstlab/attack/outcome"
)

// maxSamples is how many distinct messages a record keeps per outcome class,
// the first ones seen, like vegeta's error set.
const maxSamples = 3

// errorsSeen keeps the HTTP status codes of a run's answers and the first
// distinct messages of each failing class. URLs in messages are redacted.
// It is called for every result, so it allocates nothing for a code or a
// message it has seen: the codes are counted in an array, and a message is
// redacted (a regular expression) only when it was not seen as it came.
type errorsSeen struct {
	status [1000]int64
	msgs   [16][]string
	raw    [16][]string // messages as they came, up to maxRaw per class
}

// maxRaw bounds the messages kept as they came, per class.
const maxRaw = 16

func (e *errorsSeen) add(res outcome.Result) {
	if res.Code != 0 && res.Code < uint16(len(e.status)) {
		e.status[res.Code]++
	}
	if res.Class == outcome.OK || res.Error == "" || len(e.msgs[res.Class]) >= maxSamples || slices.Contains(e.raw[res.Class], res.Error) {
		return
	}
	if len(e.raw[res.Class]) < maxRaw {
		e.raw[res.Class] = append(e.raw[res.Class], res.Error)
	}
	msg := outcome.RedactText(res.Error)
	if !slices.Contains(e.msgs[res.Class], msg) {
		e.msgs[res.Class] = append(e.msgs[res.Class], msg)
	}
}

// codes are the status counts by code ("200", "503").
func (e *errorsSeen) codes() Counts {
	var out Counts
	for c, n := range e.status {
		if n == 0 {
			continue
		}
		if out == nil {
			out = Counts{}
		}
		out[strconv.Itoa(c)] = n
	}
	return out
}

// samples are the kept messages by class name.
func (e *errorsSeen) samples() map[string][]string {
	var out map[string][]string
	for cl, m := range e.msgs {
		if len(m) == 0 {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		out[outcome.Class(cl).String()] = m
	}
	return out
}

// Unreached says, in one line, that no request of rec got an HTTP response
// from the target (or nothing was sent at all); "" when one did. A run like
// that says nothing about the target's latency or scaling, whatever the
// gates say.
func Unreached(rec *Record) string {
	s := rec.Summary
	if s.Sent == 0 {
		if s.Offered == 0 {
			return "nothing was sent: the plan held no request"
		}
		return fmt.Sprintf("nothing was sent: %d requests planned, none left", s.Offered)
	}
	answered := s.OK
	for k, n := range s.Errors {
		if c, ok := classNamed(k); ok && c.Reached() {
			answered += n
		}
	}
	if answered > 0 {
		return ""
	}
	return "no request reached the target: " + countsText(s.Errors, "unsent")
}

// generatorFailed says, in one line, why rec's figures are not the
// target's: the generator ran out of file descriptors, for its requests'
// sockets or in the embedded simulator; "" when it did not.
func generatorFailed(rec *Record) string {
	const after = "; the figures are not the target's: raise the open-files limit (ulimit -n) or lower the run's concurrency"
	n := rec.Summary.Errors[outcome.OutOfFiles.String()]
	switch {
	case n > 0:
		return fmt.Sprintf("invalid run: the generator ran out of file descriptors (%d requests could not open a connection)", n) + after
	case rec.Generator.Fault != "":
		return "invalid run: " + rec.Generator.Fault + after
	}
	return ""
}

// countsText writes counts as "150 refused, 3 dns", largest first, leaving
// out the classes in skip.
func countsText(c Counts, skip ...string) string {
	type kv struct {
		k string
		n int64
	}
	var all []kv
	for k, n := range c {
		if n > 0 && !slices.Contains(skip, k) {
			all = append(all, kv{k, n})
		}
	}
	slices.SortFunc(all, func(a, b kv) int {
		if a.n != b.n {
			return int(b.n - a.n)
		}
		return strings.Compare(a.k, b.k)
	})
	parts := make([]string, len(all))
	for i, e := range all {
		parts[i] = fmt.Sprintf("%d %s", e.n, e.k)
	}
	if len(parts) == 0 {
		return "no outcome recorded"
	}
	return strings.Join(parts, ", ")
}

// errorWarnings says which errors the run met and why, class by class with
// the first messages, and the HTTP status codes of failing answers.
func errorWarnings(rec *Record) []string {
	s := rec.Summary
	var out []string
	var classes []string
	for k, n := range s.Errors {
		if n > 0 && k != "unsent" {
			classes = append(classes, k)
		}
	}
	slices.Sort(classes)
	for _, k := range classes {
		line := fmt.Sprintf("errors %s: %d", k, s.Errors[k])
		if httpClass(k) {
			line += " (" + statusText(s.StatusCodes, k) + ")"
		}
		if m := s.ErrorSamples[k]; len(m) > 0 {
			line += ": " + strings.Join(m, "; ")
		}
		out = append(out, line)
	}
	return out
}

// statusText lists the status codes of one class: "500 x3, 503 x40".
func statusText(codes Counts, class string) string {
	var keys []string
	for k := range codes {
		if class == "429" && k == "429" || class == "5xx" && k[0] == '5' || class == "4xx" && k[0] == '4' && k != "429" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s x%d", k, codes[k])
	}
	if len(parts) == 0 {
		return "status codes not recorded"
	}
	return strings.Join(parts, ", ")
}

// addSeen sums shard r's status codes and stop time into the merged record
// out, and keeps the first distinct messages of both.
func (out *Record) addSeen(r *Record) {
	o, s := &out.Summary, r.Summary
	for k, n := range s.StatusCodes {
		if o.StatusCodes == nil {
			o.StatusCodes = Counts{}
		}
		o.StatusCodes[k] += n
	}
	for k, msgs := range s.ErrorSamples {
		if o.ErrorSamples == nil {
			o.ErrorSamples = map[string][]string{}
		}
		for _, m := range msgs {
			if len(o.ErrorSamples[k]) < maxSamples && !slices.Contains(o.ErrorSamples[k], m) {
				o.ErrorSamples[k] = append(o.ErrorSamples[k], m)
			}
		}
	}
	if r.StoppedAtS != nil && (out.StoppedAtS == nil || *r.StoppedAtS < *out.StoppedAtS) {
		out.StoppedAtS = ptr(*r.StoppedAtS)
	}
}

// httpClass reports whether the error class called name is one the target
// answered with an HTTP status (4xx, 429, 5xx).
func httpClass(name string) bool {
	c, ok := classNamed(name)
	return ok && c != outcome.OK && c.HTTP()
}

// classNamed returns the outcome class called name.
func classNamed(name string) (outcome.Class, bool) {
	for c := range outcome.Class(outcome.Classes) {
		if c.String() == name {
			return c, true
		}
	}
	return 0, false
}
