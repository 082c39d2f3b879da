package attack

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rs/dnscache"
	"golang.org/x/net/http2"

	"github.com/burstlab/burstlab/attack/outcome"
)

// Client holds the HTTP client settings a vegeta user expects. The zero value
// is a sensible client: keep-alive on, TLS verified, HTTP/2 negotiated over
// TLS, up to 10 redirects followed.
type Client struct {
	Timeout        time.Duration // per request, body and redirects included; default 30s
	NoKeepAlive    bool          // close each connection after one request
	Connections    int           // idle connections kept per host; default 10000
	MaxConnections int           // open connections per host; 0 = unlimited
	HTTP2          *bool         // negotiate HTTP/2 over TLS; default on
	H2C            bool          // HTTP/2 without TLS (prior knowledge)
	// StreamsPerConn is how many requests the target takes at once on one
	// HTTP/2 connection without TLS (H2C), so the connections opened ahead
	// of need are as many as it will use; default 100.
	StreamsPerConn int
	Insecure       bool          // skip TLS certificate verification
	RootCAs        []string      // PEM files of CAs to trust instead of the system's
	Cert, Key      string        // PEM files of a TLS client certificate and its key
	Redirects      int           // redirects to follow; -1 follows none; default 10
	LocalAddr      string        // local IP address to send from
	DNSTTL         time.Duration // cache DNS answers this long; 0 = no cache
	ProxyHeader    http.Header   // headers for CONNECT requests to a proxy
	UnixSocket     string        // send over this unix socket instead of TCP
}

// CleartextHTTP2 makes the client speak HTTP/2 without TLS (prior
// knowledge) to a target known to speak it, such as the embedded simulator,
// which takes streams requests at once on one connection: thousands of
// requests in flight then share a few connections, where HTTP/1.1 costs a
// socket each.
func CleartextHTTP2(streams int) Option {
	return func(e *Engine) { e.client.H2C, e.client.StreamsPerConn = true, streams }
}

// tlsConfig builds the client TLS configuration.
func (c Client) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: c.Insecure}
	if len(c.RootCAs) > 0 {
		pool := x509.NewCertPool()
		for _, f := range c.RootCAs {
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("root CA: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("root CA %s: no PEM certificate in it", f)
			}
		}
		cfg.RootCAs = pool
	}
	if c.Cert != "" || c.Key != "" {
		if c.Cert == "" || c.Key == "" {
			return nil, fmt.Errorf("client certificate needs both cert and key")
		}
		crt, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{crt}
	}
	return cfg, nil
}

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// dialer returns how connections are opened: over a unix socket, or TCP from
// the local address, through a DNS cache when asked.
func (c Client) dialer(timeout time.Duration) (dialFunc, error) {
	d := &net.Dialer{KeepAlive: 30 * time.Second, Timeout: timeout}
	if c.NoKeepAlive {
		d.KeepAlive = -1
	}
	if c.LocalAddr != "" {
		ip := net.ParseIP(c.LocalAddr)
		if ip == nil {
			return nil, fmt.Errorf("local address %q is not an IP address", c.LocalAddr)
		}
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	if c.UnixSocket != "" {
		sock := c.UnixSocket
		return func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", sock)
		}, nil
	}
	if c.DNSTTL <= 0 {
		return d.DialContext, nil
	}
	res := &dnscache.Resolver{}
	ttl := c.DNSTTL
	var last time.Time
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if time.Since(last) > ttl {
			res.Refresh(true)
			last = time.Now()
		}
		ips, err := res.LookupHost(ctx, host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no such host", Name: host}
		}
		return d.DialContext(ctx, network, net.JoinHostPort(ips[0], port))
	}, nil
}

// http2 reports whether HTTP/2 is negotiated over TLS.
func (c Client) http2() bool { return c.HTTP2 == nil || *c.HTTP2 }

// transport builds the HTTP transport of a run around dial (and dialTLS, when
// set, for HTTPS connections that come past their handshake). It is ours,
// so that TLS is verified by default and connections can be opened ahead
// of need.
func (c Client) transport(dial, dialTLS dialFunc, tlsCfg *tls.Config, timeout time.Duration) http.RoundTripper {
	if c.H2C {
		return &http2.Transport{
			AllowHTTP: true,
			DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
				return dial(ctx, network, addr)
			},
		}
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		ProxyConnectHeader:  c.ProxyHeader,
		DialContext:         dial,
		DialTLSContext:      dialTLS,
		TLSClientConfig:     tlsCfg,
		TLSHandshakeTimeout: timeout,
		DisableKeepAlives:   c.NoKeepAlive,
		MaxIdleConnsPerHost: orDefault(c.Connections, 10000),
		MaxConnsPerHost:     c.MaxConnections,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   c.http2(),
	}
	if !tr.ForceAttemptHTTP2 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return tr
}

// defaultRedirects is how many redirects a request follows unless told,
// as in vegeta.
const defaultRedirects = 10

// conn is a run's way to the target: its HTTP client, and the pool that
// keeps connections open ahead of need (nil when there is none).
type conn struct {
	client *http.Client
	pool   *warmPool
	idle   []interface{ CloseIdleConnections() }
}

// connect builds the client of a run whose first request goes to first.
// With warm set, connections to that target come from a pool the engine
// fills ahead of need. An HTTPS target is asked at once, with one handshake,
// whether it speaks HTTP/2; if it does, its requests take a transport that
// speaks nothing else and shares one dial among the requests racing for the
// first connection, so a burst that is the very first traffic opens one
// connection, not one per request.
func (c Client) connect(first string, timeout time.Duration, warm bool) (*conn, error) {
	dial, err := c.dialer(timeout)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	out := &conn{}
	var dialTLS dialFunc
	addr, secure := dialTarget(first)
	if warm && c.UnixSocket == "" && addr != "" {
		p := &warmPool{dial: dial, addr: addr}
		if c.H2C {
			p.streams = orDefault(c.StreamsPerConn, 100)
			p.probed.Store(true)
			p.h2.Store(true)
		}
		if secure && !c.H2C {
			p.tls = tlsCfg.Clone()
			p.tls.NextProtos = []string{"http/1.1"}
			if c.http2() {
				p.tls.NextProtos = []string{"h2", "http/1.1"}
			}
			dialTLS = p.DialTLSContext
		}
		dial = p.DialContext
		out.pool = p
	}
	rt := c.transport(dial, dialTLS, tlsCfg, timeout)
	out.idle = append(out.idle, rt.(interface{ CloseIdleConnections() }))
	if p := out.pool; p != nil && p.tls != nil && c.http2() && !c.NoKeepAlive {
		ctx, cancel := context.WithTimeout(context.Background(), min(timeout, 2*time.Second))
		p.fill(ctx, 1)
		cancel()
		if p.h2.Load() {
			h2 := &http2.Transport{
				TLSClientConfig: tlsCfg,
				DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
					return p.DialTLSContext(ctx, network, addr)
				},
			}
			out.idle = append(out.idle, h2)
			rt = &h2Route{addr: addr, bare: strings.TrimSuffix(addr, ":443"), h2: h2, rest: rt}
		}
	}
	redirects := orDefault(c.Redirects, defaultRedirects)
	out.client = &http.Client{Transport: answeredBody{rt}, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		switch {
		case redirects < 0:
			return http.ErrUseLastResponse
		case len(via) > redirects:
			return fmt.Errorf("stopped after %d redirects", redirects)
		}
		return nil
	}}
	return out, nil
}

// close closes the run's connections: none is left open at the target.
func (c *conn) close() {
	if c.pool != nil {
		c.pool.close()
	}
	for _, t := range c.idle {
		t.CloseIdleConnections()
	}
}

// answeredBody marks the body of every response, so that a body that breaks
// off says the target had answered with a status first: the target
// answered, and the failure is its own, not a request that never reached it.
type answeredBody struct{ rt http.RoundTripper }

func (a answeredBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := a.rt.RoundTrip(req)
	if err == nil && resp.Body != nil && resp.Body != http.NoBody {
		resp.Body = &statusBody{ReadCloser: resp.Body, code: resp.StatusCode}
	}
	return resp, err
}

// statusBody is a response body that knows its response's status.
type statusBody struct {
	io.ReadCloser
	code int
}

// Read passes on the end of the body and a timeout or a cancel as they
// are; any other failure is the body breaking off after the status.
func (b *statusBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == nil || err == io.EOF || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return n, err
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return n, err
	}
	return n, fmt.Errorf("%s %d: %w", outcome.BrokenOff, b.code, err)
}

// h2Route sends requests to the target that speaks HTTP/2 through h2, and
// any other (a redirect elsewhere) through rest.
type h2Route struct {
	addr     string // host:port the target is dialled at
	bare     string // the host a URL names it by without :443, when that is its port
	h2, rest http.RoundTripper
}

func (r *h2Route) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "https" && (req.URL.Host == r.addr || req.URL.Host == r.bare) {
		return r.h2.RoundTrip(req)
	}
	return r.rest.RoundTrip(req)
}

// dialTarget returns the host:port a URL's requests dial ("" when unknown)
// and whether they speak TLS there.
func dialTarget(raw string) (addr string, secure bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	secure = u.Scheme == "https"
	if u.Port() != "" {
		return u.Host, secure
	}
	switch u.Scheme {
	case "http":
		return net.JoinHostPort(u.Hostname(), "80"), false
	case "https":
		return net.JoinHostPort(u.Hostname(), "443"), true
	}
	return "", false
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
