package attack

import (
	"github.com/burstlab/burstlab/attack/outcome"

	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestTLS checks the client's TLS settings against a loopback HTTPS server
// with a certificate of its own: verified by default, trusted through a root
// CA file or skipped with insecure, HTTP/2 negotiated unless turned off, and
// a client certificate presented when the server asks for one.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	protos := map[string]int{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		protos[r.Proto]++
		mu.Unlock()
	})
	srv := httptest.NewUnstartedServer(handler)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	serverCA := writePEM(t, dir, "server-ca.pem", "CERTIFICATE", srv.Certificate().Raw)

	// A server that asks for a client certificate signed by clientCert.
	clientCert, clientKey, clientDER := selfSigned(t, dir)
	pool := x509.NewCertPool()
	crt, err := x509.ParseCertificate(clientDER)
	if err != nil {
		t.Fatal(err)
	}
	pool.AddCert(crt)
	mtls := httptest.NewUnstartedServer(handler)
	mtls.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	mtls.StartTLS()
	defer mtls.Close()

	off := false
	cases := []struct {
		name   string
		url    string
		client Client
		class  outcome.Class
		proto  string // what the server saw, when the requests got through
	}{
		{"verified by default", srv.URL, Client{}, outcome.TLS, ""},
		{"insecure", srv.URL, Client{Insecure: true}, outcome.OK, "HTTP/2.0"},
		{"root CA file", srv.URL, Client{RootCAs: []string{serverCA}}, outcome.OK, "HTTP/2.0"},
		{"http2 off", srv.URL, Client{RootCAs: []string{serverCA}, HTTP2: &off}, outcome.OK, "HTTP/1.1"},
		{"no client certificate", mtls.URL, Client{Insecure: true}, outcome.TLS, ""},
		{"client certificate", mtls.URL, Client{Insecure: true, Cert: clientCert, Key: clientKey}, outcome.OK, "HTTP/1.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			clear(protos)
			mu.Unlock()
			plan := evenPlan(c.url, 20, 0, 100*time.Millisecond)
			c.client.Timeout = 2 * time.Second
			got, _ := run(t, context.Background(), plan, WithClient(c.client))
			if len(got) != len(plan) {
				t.Fatalf("%d results, want %d", len(got), len(plan))
			}
			for _, r := range got {
				if r.Class != c.class {
					t.Fatalf("request %d: class %v (%s), want %v", r.Seq, r.Class, r.Error, c.class)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if c.proto != "" && protos[c.proto] != len(plan) {
				t.Errorf("the server saw %v, want %d requests over %s", protos, len(plan), c.proto)
			}
			if c.proto == "" && len(protos) > 0 {
				t.Errorf("the server saw %v, want none", protos)
			}
		})
	}
}

// selfSigned writes a self-signed client certificate and its key as PEM
// files and returns their paths and the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, der []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "burstlab test client"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, dir, "client.pem", "CERTIFICATE", der), writePEM(t, dir, "client-key.pem", "EC PRIVATE KEY", keyDER), der
}

func writePEM(t *testing.T, dir, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWarmTLS checks that an HTTPS burst finds its connections past their
// handshake: the pool shakes hands before the burst, no connection is dialed
// on demand, and a target speaking HTTP/2 is not handed dozens of
// connections it does not need.
func TestWarmTLS(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			var mu sync.Mutex
			var shakes []time.Time
			protos := map[string]int{}
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				protos[r.Proto]++
				mu.Unlock()
			}))
			srv.EnableHTTP2 = h2
			srv.TLS = &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
				mu.Lock()
				shakes = append(shakes, time.Now())
				mu.Unlock()
				return nil, nil
			}}
			srv.StartTLS()
			defer srv.Close()

			// The burst is the very first traffic: before it the pool shakes
			// hands (once to learn whether the target speaks HTTP/2) and
			// dials what the burst will need.
			const burstAt = 500 * time.Millisecond
			plan := evenPlan(srv.URL, 200, burstAt, 100*time.Millisecond)
			start := time.Now()
			got, st := run(t, context.Background(), plan, WithClient(Client{Insecure: true, Timeout: 2 * time.Second}))
			for _, r := range got {
				if r.Class != outcome.OK {
					t.Fatalf("request %d: %v (%s)", r.Seq, r.Class, r.Error)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != len(plan) {
				t.Errorf("%d results of %d", len(got), len(plan))
			}
			// The burst starts on the connections dialed ahead: it dials on
			// demand only once it uses more than those. (A loaded
			// machine, or the race detector, slows the answers: more are then
			// in flight than were dialed ahead, and a request that finds no
			// connection open has one dialed for it rather than wait.)
			if want := min(map[bool]int64{false: minInFlight, true: 1}[h2], st.WarmConns+st.ColdDials); st.WarmConns < want {
				t.Errorf("%d connections from the pool and %d dialed on demand, want at least %d from the pool", st.WarmConns, st.ColdDials, want)
			}
			// The pool is filled ahead of the burst: for HTTP/1.1 with at
			// least the spare it keeps beside the requests in flight.
			before := 0
			for _, at := range shakes {
				if at.Sub(start) < burstAt {
					before++
				}
			}
			if wantBefore := map[bool]int{false: minInFlight, true: 1}[h2]; before < wantBefore {
				t.Errorf("%d TLS handshakes before the burst, want at least %d", before, wantBefore)
			}
			want := map[bool]string{false: "HTTP/1.1", true: "HTTP/2.0"}[h2]
			if protos[want] != len(plan) {
				t.Errorf("the server saw %v, want all over %s", protos, want)
			}
			if h2 && len(shakes) > 2 {
				t.Errorf("%d handshakes for an HTTP/2 target, want at most 2", len(shakes))
			}
			t.Logf("%d handshakes (%d before the burst), %d connections from the pool, %d dialed on demand", len(shakes), before, st.WarmConns, st.ColdDials)
		})
	}
}
