package attack

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// warmPool keeps connections to the target dialed ahead of need. The engine
// sees the plan coming: before a burst it dials the connections the burst
// will need, so that no dial (and no accept on the server) happens inside the
// burst itself. The HTTP transport asks the pool through DialContext and gets
// a ready connection at once; only when the pool is empty does it dial cold,
// and those cold dials are counted.
//
// For an HTTPS target the pooled connections are past their TLS handshake
// too (the transport takes them through DialTLSContext): a handshake costs
// the client a millisecond or so of CPU, and hundreds of them inside a burst
// would be the very dials the pool is there to keep out of it.
type warmPool struct {
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	addr string      // host:port of the target; other addresses dial as usual
	tls  *tls.Config // the target speaks TLS; nil for plain HTTP

	probed  atomic.Bool // a TLS handshake told what the target speaks
	h2      atomic.Bool // it negotiated HTTP/2 (or is spoken to so, h2c): a connection carries many requests
	streams int         // requests an HTTP/2 connection carries at once; 0: 100

	mu   sync.Mutex
	idle []warmConn

	opened  func()        // called as fill adds a connection (or fails to); set before the run
	dialing chan struct{} // a place for each dial on demand under way; nil: no bound
	failing atomic.Bool   // the last dial ahead failed

	live atomic.Int64 // connections open (in the pool or handed out)
	cold atomic.Int64 // dials made on demand while the run was on
	warm atomic.Int64 // connections handed out from the pool
}

type warmConn struct {
	net.Conn
	at time.Time
}

// maxColdDials bounds the dials on demand under way at once.
const maxColdDials = 16

// maxWarmAge is how long a pre-dialed connection is trusted to still be open:
// servers close connections that stay silent for long.
const maxWarmAge = 5 * time.Second

// DialContext hands out a pooled connection for a plain HTTP target, or
// dials.
func (p *warmPool) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if p.tls != nil {
		return p.dial(ctx, network, addr) // a proxy, or a redirect to plain HTTP
	}
	return p.take(ctx, network, addr)
}

// DialTLSContext hands out a pooled connection, past its handshake, for an
// HTTPS target, or dials and shakes hands.
func (p *warmPool) DialTLSContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return p.take(ctx, network, addr)
}

// take hands out a pooled connection for the target, or opens one.
func (p *warmPool) take(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr == p.addr {
		now := time.Now()
		p.mu.Lock()
		for len(p.idle) > 0 {
			c := p.idle[len(p.idle)-1]
			p.idle = p.idle[:len(p.idle)-1]
			if now.Sub(c.at) < maxWarmAge {
				p.mu.Unlock()
				p.warm.Add(1)
				return c.Conn, nil
			}
			c.Conn.Close()
		}
		p.mu.Unlock()
	}
	// Dials on demand go a few at a time: the request waiting for one
	// takes the first connection freed meanwhile, and a generator that falls
	// behind does not open hundreds at once with the CPU it lacks.
	if p.dialing != nil {
		select {
		case p.dialing <- struct{}{}:
			defer func() { <-p.dialing }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c, err := p.open(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	p.cold.Add(1)
	return c, nil
}

// open dials addr and, for a TLS target, shakes hands with it.
func (p *warmPool) open(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := p.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c = p.track(c)
	if p.tls == nil {
		return c, nil
	}
	cfg := p.tls.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(addr)
	}
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if addr == p.addr {
		p.h2.Store(tc.ConnectionState().NegotiatedProtocol == "h2")
		p.probed.Store(true)
	}
	return tc, nil
}

// want is how many connections the pool keeps open for limit requests in
// flight. Over TLS the first handshake tells whether the target speaks
// HTTP/2, which carries many requests on a connection (Go's client opens
// another once one is full: 100 streams is a common server limit), so until
// then one connection is enough. HTTP/2 without TLS is known from the start.
func (p *warmPool) want(limit int) int {
	switch {
	case p.h2.Load():
		return 1 + limit/orDefault(p.streams, streamsPerConn)
	case p.tls == nil:
		return limit
	case !p.probed.Load():
		return 1
	}
	return limit
}

// streamsPerConn is how many requests in flight one HTTP/2 connection is
// counted to carry: Go's client opens another once one is full, and 100
// streams is a common server limit.
const streamsPerConn = 100

// ready reports whether a connection is open for one more request beside
// the inUse in flight: each HTTP/1.1 request in flight holds a connection.
// HTTP/2 ones share one, and the client opens another only once it is full
// (at the server's stream limit), so for HTTP/2 one is always taken as
// ready; so it is until the first handshake tells, and while dials ahead
// fail.
func (p *warmPool) ready(inUse int) bool {
	live := int(p.live.Load())
	switch {
	case p.failing.Load():
		return true // the dial on demand will say why
	case p.h2.Load(): // with TLS or without (the embedded simulator)
		return true
	case p.tls == nil:
		return inUse < live
	case !p.probed.Load():
		return true
	}
	return inUse < live
}

// fill dials n connections, a few at a time, into the pool, and calls
// p.opened (when set) as each is ready.
func (p *warmPool) fill(ctx context.Context, n int) {
	const parallel = 8
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for i := 0; i < n && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			c, err := p.open(dctx, "tcp", p.addr)
			if err != nil {
				// The dial on demand will say what is wrong: let requests
				// go to it.
				p.failing.Store(true)
				if p.opened != nil {
					p.opened()
				}
				return
			}
			p.failing.Store(false)
			p.mu.Lock()
			p.idle = append(p.idle, warmConn{c, time.Now()})
			p.mu.Unlock()
			if p.opened != nil {
				p.opened()
			}
		}()
	}
	wg.Wait()
}

// refresh closes pooled connections that are about to be too old to trust,
// so the warmer dials fresh ones in their place.
func (p *warmPool) refresh() {
	cutoff := time.Now().Add(-maxWarmAge / 2)
	p.mu.Lock()
	keep := p.idle[:0]
	var stale []warmConn
	for _, c := range p.idle {
		if c.at.Before(cutoff) {
			stale = append(stale, c)
		} else {
			keep = append(keep, c)
		}
	}
	p.idle = keep
	p.mu.Unlock()
	for _, c := range stale {
		c.Conn.Close()
	}
}

// close closes every pooled connection.
func (p *warmPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, c := range idle {
		c.Conn.Close()
	}
}

func (p *warmPool) track(c net.Conn) net.Conn {
	p.live.Add(1)
	return &trackedConn{Conn: c, live: &p.live}
}

// trackedConn counts itself out of the live connections when closed.
type trackedConn struct {
	net.Conn
	live *atomic.Int64
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.live.Add(-1) })
	return c.Conn.Close()
}
