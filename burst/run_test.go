package burst

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/burstlab/burstlab/profiles"
)

// TestRetries runs a profile whose stream retries 5xx against a server that
// fails the first attempt of every path: every planned request fails once
// and succeeds on its retry, and the record says so.
func TestRetries(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		again := seen[r.URL.Path]
		seen[r.URL.Path] = true
		mu.Unlock()
		if !again {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	p, err := profiles.Parse("retry.yaml", []byte(`
name: retry
duration: 3s
target: {url: `+srv.URL+`}
client: {timeout: 2s}
streams:
  - name: r
    request: {path: "/r/{seq}"}
    constant: {rate: 50, duration: 2s}
    retry: {max_attempts: 3, backoff: 100ms, jitter: 50ms, on: [5xx]}
`))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Run(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Streams[0]
	if s.Offered != 100 || s.Retries != 100 || s.OK != 100 || s.Errors["5xx"] != 100 {
		t.Errorf("offered %d retries %d ok %d 5xx %d; want 100 each", s.Offered, s.Retries, s.OK, s.Errors["5xx"])
	}
	// Retries belong to their planned request's window: each window with
	// planned requests holds as many ok results as it offered.
	for _, w := range rec.Windows {
		if w.OK != w.Offered {
			t.Errorf("window %.0fs: offered %d ok %d", w.StartS, w.Offered, w.OK)
		}
	}
}
