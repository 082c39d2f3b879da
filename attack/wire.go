package attack

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// wire is the RoundTripper between vegeta and the HTTP transport. It notes
// when each planned request really went on the wire (its lateness is
// measured from there) and how long the target took (wire to body closed),
// which sizes the connections and the gate, and it gives the request's gate
// place back once the response is read. Idle ticks are answered here and
// never reach the network; redirects pass straight through.
type wire struct {
	next  http.RoundTripper
	gate  *gate
	state *runState
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == idleHost {
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
	}
	f, planned := strings.CutPrefix(req.URL.Fragment, fragment[1:])
	seq, err := strconv.ParseInt(f, 10, 64)
	if !planned || err != nil {
		return w.next.RoundTrip(req)
	}
	sent := time.Now()
	w.state.markSent(seq, sent)
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
