package attack

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// wire is the RoundTripper between vegeta and the HTTP transport. It passes
// each request through the gate, notes when the planned request really went
// on the wire (its lateness is measured from there), and how long the target
// took (gate exit to body closed), which sizes the connections and the gate.
type wire struct {
	next  http.RoundTripper
	gate  *gate
	state *runState
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == idleHost {
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
	}
	if err := w.gate.acquire(req.Context()); err != nil {
		return nil, err
	}
	sent := time.Now()
	if f, ok := strings.CutPrefix(req.URL.Fragment, fragment[1:]); ok {
		if seq, err := strconv.ParseInt(f, 10, 64); err == nil {
			w.state.markSent(seq, sent)
		}
	}
	resp, err := w.next.RoundTrip(req)
	if err != nil {
		w.done(sent)
		return nil, err
	}
	resp.Body = &wireBody{ReadCloser: resp.Body, done: func() { w.done(sent) }}
	return resp, nil
}

func (w *wire) done(sent time.Time) {
	w.gate.release()
	w.state.observe(time.Since(sent))
}

// idleHost is the host of idle ticks (see idleURL).
const idleHost = "burstlab.idle"

// wireBody releases the request's place at the gate once the body is read to
// the end or closed, whichever comes first.
type wireBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *wireBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *wireBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}
