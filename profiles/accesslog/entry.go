// Package accesslog reads production access logs as they are written, one
// request at a time, so that a multi-gigabyte log is read in bounded memory.
//
// Three formats are read: nginx and Apache Common or Combined Log Format,
// optionally with a trailing request time (nginx's $request_time, seconds);
// AWS Application Load Balancer access logs; and JSON lines whose fields are
// named by Options. Gzip files are recognised by their magic bytes, not their
// names. Several files are merged into one stream in time order: each file is
// read on its own, and a heap hands out the earliest of their next requests.
//
// Each request's Time is when it arrived, as well as the log can tell:
// nginx and Apache write the time a request ended, to the second, so the
// request time (when logged) is taken off and the result rounded to the
// second; an ALB log has request_creation_time to the microsecond; a JSON
// field is taken as written.
//
// A line that cannot be read is never dropped silently: it is counted, and
// the first few are kept with their file and line number (see Malformed).
package accesslog

import (
	"fmt"
	"time"
)

// Entry is one request of a log. Method and Target point into the reader's
// buffer: they hold until the next call to Next.
type Entry struct {
	Time    time.Time     // when the request arrived
	Method  []byte        // GET, POST, ...
	Target  []byte        // the request target as logged: path and query, no scheme or host
	Status  int           // the response status (ALB: elb_status_code); 0 when the log has none
	Latency time.Duration // the request time; -1 when the log has none
	Sub     bool          // Time came with a sub-second part
}

// Format names a log format.
type Format string

// The formats Reader reads. Auto detects each file's format from its first
// non-empty line.
const (
	Auto     Format = "auto"
	Combined Format = "combined" // nginx/Apache Common or Combined Log Format, optional trailing request time
	ALB      Format = "alb"      // AWS Application Load Balancer access log
	JSON     Format = "json"     // JSON lines with named fields
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "", Auto:
		return Auto, nil
	case Combined, ALB, JSON:
		return f, nil
	case "nginx", "apache", "clf", "common":
		return Combined, nil
	case "jsonl", "ndjson":
		return JSON, nil
	}
	return "", fmt.Errorf("unknown log format %q (want auto, combined, alb or json)", s)
}

// Options say how to read the logs. The zero value reads any format with
// the default JSON field names and latencies in seconds.
type Options struct {
	Format Format

	// JSON field names; empty means the default in parentheses.
	TimeField    string // (timestamp) RFC 3339, CLF time, or epoch seconds/ms/µs/ns as a number
	MethodField  string // (method)
	PathField    string // (path) a path, a URL, or a whole request line "GET /x HTTP/1.1"
	StatusField  string // (status)
	LatencyField string // (latency) a number in LatencyUnit, or a duration string such as "12ms"

	// LatencyUnit is the unit of a bare number of request time (JSON
	// fields and the combined format's trailing field); default 1 s.
	LatencyUnit time.Duration

	// From and To keep the requests that arrived in [From, To); zero
	// values do not cut.
	From, To time.Time
}

func (o *Options) withDefaults() Options {
	c := *o
	if c.Format == "" {
		c.Format = Auto
	}
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&c.TimeField, "timestamp")
	def(&c.MethodField, "method")
	def(&c.PathField, "path")
	def(&c.StatusField, "status")
	def(&c.LatencyField, "latency")
	if c.LatencyUnit <= 0 {
		c.LatencyUnit = time.Second
	}
	return c
}
