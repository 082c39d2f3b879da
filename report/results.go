package report

import (
	"bufio"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// ResultFormats are the formats a ResultFile writes, as vegeta's -output
// and encode know them; the first is the default.
var ResultFormats = []string{"gob", "json", "csv"}

// ResultFile streams every request's result in vegeta's result formats, so
// that `vegeta report`, `vegeta plot`, `vegeta encode` and jq read a burstlab
// run, and `burstlab report` reads it back. Each result's timestamp is its
// intended send time and its latency counts from there, as burstlab's own
// figures do; the attack name is the stream's. Gob and JSON results also
// carry the stream, the attempt and the actual send time as fields vegeta
// ignores; vegeta's CSV reader takes exactly its 12 columns, so CSV has no
// room for them. Requests never sent (a stopped run) are not written. Memory
// stays bounded: results are written as they come.
type ResultFile struct {
	w       *bufio.Writer
	started time.Time
	streams []string
	write   func(*resultLine) error
}

// resultLine is one result as vegeta's gob and JSON formats spell it, plus
// burstlab's fields. Gob matches fields by name, so vegeta decodes its own
// and skips the rest; vegeta's JSON decoder skips unknown keys.
type resultLine struct {
	Attack    string              `json:"attack"`
	Seq       uint64              `json:"seq"`
	Code      uint16              `json:"code"`
	Timestamp time.Time           `json:"timestamp"`
	Latency   time.Duration       `json:"latency"`
	BytesOut  uint64              `json:"bytes_out"`
	BytesIn   uint64              `json:"bytes_in"`
	Error     string              `json:"error"`
	Body      []byte              `json:"body"`
	Method    string              `json:"method"`
	URL       string              `json:"url"`
	Headers   map[string][]string `json:"headers"`
	Stream    string              `json:"stream"`
	Attempt   int                 `json:"attempt"`
	Sent      time.Time           `json:"sent"`
}

// NewResultFile starts a result file in format (gob, json or csv) on w for
// a run started at started whose streams have these names.
func NewResultFile(w io.Writer, format string, started time.Time, streams []string) (*ResultFile, error) {
	f := &ResultFile{w: bufio.NewWriterSize(w, 64<<10), started: started, streams: streams}
	switch format {
	case "", "gob":
		enc := gob.NewEncoder(f.w)
		f.write = func(l *resultLine) error { return enc.Encode(l) }
	case "json":
		enc := json.NewEncoder(f.w)
		f.write = func(l *resultLine) error { return enc.Encode(l) }
	case "csv":
		var buf []byte
		f.write = func(l *resultLine) error {
			buf = appendCSV(buf[:0], l)
			_, err := f.w.Write(buf)
			return err
		}
	default:
		return nil, fmt.Errorf("result format %q: want gob, json or csv", format)
	}
	return f, nil
}

// Write adds one result.
func (f *ResultFile) Write(r outcome.Result) error {
	if r.Class == outcome.Unsent {
		return nil
	}
	l := resultLine{
		Seq:       uint64(r.Seq),
		Code:      r.Code,
		Timestamp: f.started.Add(r.Intended),
		Latency:   r.Latency(),
		BytesOut:  r.BytesOut,
		BytesIn:   r.BytesIn,
		Error:     outcome.RedactText(r.Error),
		Method:    r.Method,
		URL:       outcome.RedactURL(r.URL),
		Attempt:   r.Attempt,
		Sent:      f.started.Add(r.Sent),
	}
	if r.Stream >= 0 && r.Stream < len(f.streams) {
		l.Stream = f.streams[r.Stream]
	}
	l.Attack = l.Stream
	return f.write(&l)
}

// Flush writes out what is buffered.
func (f *ResultFile) Flush() error { return f.w.Flush() }

// appendCSV appends l as vegeta's CSV encoder writes a result: timestamp
// (ns), code, latency (ns), bytes out, bytes in, error, body (base64),
// attack, seq, method, url, headers (base64).
func appendCSV(b []byte, l *resultLine) []byte {
	b = strconv.AppendInt(b, l.Timestamp.UnixNano(), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(l.Code), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(l.Latency), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, l.BytesOut, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, l.BytesIn, 10)
	b = append(b, ',')
	b = appendCSVField(b, l.Error)
	b = append(b, ',')
	b = base64.StdEncoding.AppendEncode(b, l.Body)
	b = append(b, ',')
	b = appendCSVField(b, l.Attack)
	b = append(b, ',')
	b = strconv.AppendUint(b, l.Seq, 10)
	b = append(b, ',')
	b = appendCSVField(b, l.Method)
	b = append(b, ',')
	b = appendCSVField(b, l.URL)
	b = append(b, ',')
	return append(b, '\n')
}

// appendCSVField appends s as encoding/csv writes a field: quoted, with its
// quotes doubled, when it holds a comma, a quote or a line break or starts
// with a space.
func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && !strings.HasPrefix(s, " ") {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
