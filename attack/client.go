package attack

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/rs/dnscache"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/net/http2"
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
	Insecure       bool          // skip TLS certificate verification
	RootCAs        []string      // PEM files of CAs to trust instead of the system's
	Cert, Key      string        // PEM files of a TLS client certificate and its key
	Redirects      int           // redirects to follow; -1 follows none; default 10
	LocalAddr      string        // local IP address to send from
	DNSTTL         time.Duration // cache DNS answers this long; 0 = no cache
	ProxyHeader    http.Header   // headers for CONNECT requests to a proxy
	UnixSocket     string        // send over this unix socket instead of TCP
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
// not vegeta's, so that TLS is verified by default, connections can be
// opened ahead of need, and every request passes the gate.
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

// attacker builds the vegeta Attacker of a run around rt: vegeta dispatches,
// runs the workers and reads the responses; the transport is ours.
func (e *Engine) attacker(rt http.RoundTripper) *vegeta.Attacker {
	opts := []func(*vegeta.Attacker){
		vegeta.Client(&http.Client{Transport: rt}),
		vegeta.Workers(e.workers),
		vegeta.MaxWorkers(e.maxWorkers),
		vegeta.MaxBody(e.maxBody),
		vegeta.Redirects(orDefault(e.client.Redirects, vegeta.DefaultRedirects)),
	}
	return vegeta.NewAttacker(opts...)
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
