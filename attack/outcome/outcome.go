// Package outcome is the vocabulary of a request's result: what happened to
// one planned request (its times, status and outcome class). The attack engine
// writes results; the recorder and the reports read them without linking the
// engine for its types.
package outcome

import (
	"strings"
	"time"
)

// Result is the outcome of one planned request, attributed exactly to it.
// All times are offsets from the start of the run.
type Result struct {
	Seq           int64         // the planned request's sequence number
	Stream        int           // the planned request's stream
	Attempt       int           // 0 for the first try, n for the n-th retry
	Key           int64         // the planned request's Key (the source's own id)
	Intended      time.Duration // when the plan meant it to leave
	FirstIntended time.Duration // when the plan meant the first attempt to leave (Intended for attempt 0)
	Retried       bool          // a failure that the engine tries again
	Sent          time.Duration // when it went to the wire (Sent-Intended is lateness)
	End           time.Duration // when the response was read to the end, or the request failed
	Code          uint16        // HTTP status, 0 when no response came
	Class         Class         // outcome class
	Error         string        // what went wrong, "" for an ok response
	BytesOut      uint64
	BytesIn       uint64
	Method, URL   string // the request as planned (a redirect's hops are not listed)
}

// Latency is the coordinated-omission-free latency: response end minus the
// intended send time. A slow generator or a stalled target cannot hide in it.
func (r Result) Latency() time.Duration { return r.End - r.Intended }

// Lateness is how late the request left: actual minus intended send time.
func (r Result) Lateness() time.Duration { return r.Sent - r.Intended }

// Class is the outcome of a request, for error accounting.
type Class uint8

// Outcome classes. Every result belongs to exactly one.
const (
	OK        Class = iota // 2xx and 3xx
	Status4xx              // 4xx other than 429
	Status429              // 429 Too Many Requests
	Status5xx              // 5xx
	TimedOut               // the request timed out
	Refused                // connection refused
	Reset                  // connection reset or closed by the peer
	DNS                    // name resolution failed
	TLS                    // TLS handshake or certificate failure
	Other                  // anything else
	Unsent                 // planned but never sent (the run was stopped)
	Abandoned              // sent, then given up unanswered when a second Ctrl-C ended the wait
	// OutOfFiles: the generator could not open a socket or a file for want
	// of a file descriptor (EMFILE, ENFILE). The request never reached the
	// target: it is the generator's failure, not counted as the target's
	// error, and it makes the run invalid.
	OutOfFiles
	Redirects // the target answered with more redirects than the client follows (a redirect loop)
	Truncated // the target answered with a status, then broke off before the body's end

	// Classes is the number of classes: a Class indexes an array of that
	// length.
	Classes = iota
)

var classNames = [...]string{"ok", "4xx", "429", "5xx", "timeout", "refused", "reset", "dns", "tls", "other", "unsent", "abandoned",
	"generator_fd", "redirects", "truncated"}

// Answered reports whether the request completed: a response, or a failure
// of its own (a timeout, a refused connection). Unsent and abandoned
// requests did not, nor did one the generator failed to send for want of a
// file descriptor: none of these says anything about the target.
func (c Class) Answered() bool { return c != Unsent && c != Abandoned && c != OutOfFiles }

// HTTP reports whether the target answered with an HTTP status.
func (c Class) HTTP() bool { return c <= Status5xx }

// Reached reports whether the target answered the request: with an HTTP
// status, a redirect too many, or a status and then a broken-off body.
func (c Class) Reached() bool { return c.HTTP() || c == Redirects || c == Truncated }

// Generator reports whether the class is the generator's own failure, not
// the target's: the run's figures cannot be trusted.
func (c Class) Generator() bool { return c == OutOfFiles }

// String returns the class's short name, as used in reports.
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "unknown"
}

// BrokenOff is how the message of a response whose body broke off after its
// status begins, so that Classify tells it from a connection that failed
// before any answer.
const BrokenOff = "body broke off after status"

// Classify maps a status code and an error text to a class.
func Classify(code uint16, errText string) Class {
	switch {
	case code == 429:
		return Status429
	case code >= 500:
		return Status5xx
	case code >= 400:
		return Status4xx
	case code >= 200 && code < 400:
		return OK
	}
	e := strings.ToLower(errText)
	switch {
	case strings.Contains(e, "too many open files"):
		return OutOfFiles
	case strings.Contains(e, "stopped after") && strings.Contains(e, "redirects"):
		return Redirects
	case strings.Contains(e, BrokenOff):
		return Truncated
	case strings.Contains(e, "timeout") || strings.Contains(e, "deadline exceeded"):
		return TimedOut
	case strings.Contains(e, "connection refused"):
		return Refused
	case strings.Contains(e, "connection reset") || strings.Contains(e, "broken pipe") || strings.Contains(e, "eof") || strings.Contains(e, "server closed"):
		return Reset
	case strings.Contains(e, "no such host") || strings.Contains(e, "lookup "):
		return DNS
	case strings.Contains(e, "tls:") || strings.Contains(e, "x509"):
		return TLS
	}
	return Other
}
