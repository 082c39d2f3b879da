package attack

import (
	"context"
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
// never reach the network.
//
// The request timeout lives here too, as a deadline on the request's context
// that also covers reading the body and every redirect of the request. Left
// to http.Client.Timeout, a RoundTripper the client does not know (this one)
// costs a timer goroutine and a cancel goroutine per request.
type wire struct {
	next      http.RoundTripper
	gate      *gate
	state     *runState
	timeout   time.Duration
	redirects int // as vegeta.Redirects: -1 follows none
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == idleHost {
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
	}
	ctx, cancel, hop := w.deadline(req)
	req = req.WithContext(ctx)
	// A redirect carries no fragment: its planned request gave its place at
	// the gate back with the first response.
	f, planned := strings.CutPrefix(req.URL.Fragment, fragment[1:])
	seq, err := strconv.ParseInt(f, 10, 64)
	planned = planned && err == nil
	sent := time.Now()
	if planned {
		w.state.markSent(seq, sent)
	}
	resp, err := w.next.RoundTrip(req)
	if err != nil {
		cancel()
		if planned {
			w.done(sent)
		}
		return nil, err
	}
	done := w.ender(resp, hop, cancel)
	if planned {
		end := done
		done = func() { end(); w.done(sent) }
	}
	resp.Body = &wireBody{ReadCloser: resp.Body, done: done}
	return resp, nil
}

// chainKey holds, in a request's context, the cancel of its deadline: the
// redirects that follow the request share the deadline and the last of them
// ends it.
type chainKey struct{}

// deadline returns the context a request is sent with: a new deadline, or
// the one of the request it is a redirect of, and its cancel. hop counts the
// redirects before it.
func (w *wire) deadline(req *http.Request) (ctx context.Context, cancel context.CancelFunc, hop int) {
	for r := req; r.Response != nil && r.Response.Request != nil; r = r.Response.Request {
		hop++
	}
	if hop > 0 {
		prev := req.Response.Request.Context()
		if c, ok := prev.Value(chainKey{}).(context.CancelFunc); ok {
			return prev, c, hop
		}
	}
	if w.timeout <= 0 {
		ctx, cancel = context.WithCancel(req.Context())
	} else {
		ctx, cancel = context.WithTimeout(req.Context(), w.timeout)
	}
	return context.WithValue(ctx, chainKey{}, cancel), cancel, hop
}

// ender returns what ends resp's request once its body is done: the
// deadline's cancel, unless the client will follow resp to another hop that
// shares the deadline.
func (w *wire) ender(resp *http.Response, hop int, cancel context.CancelFunc) func() {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		if resp.Header.Get("Location") != "" && w.redirects > hop {
			return func() {}
		}
	}
	return cancel
}

func (w *wire) done(sent time.Time) {
	w.gate.release()
	w.state.observe(time.Since(sent))
}

// idleHost is the host of idle ticks (see idleURL).
const idleHost = "burstlab.idle"

// wireBody calls done once the body is read to the end or closed, whichever
// comes first.
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
