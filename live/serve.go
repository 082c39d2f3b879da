package live

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server serves a run's metrics at /metrics on its own listener.
type Server struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// Serve listens on addr (HOST:PORT; port 0 picks a free one) and serves m
// at /metrics until Close.
func Serve(addr string, m *Metrics) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics address %q: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	s := &Server{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln) // returns ErrServerClosed after Close
	}()
	return s, nil
}

// URL is where the metrics are served.
func (s *Server) URL() string { return "http://" + s.addr + "/metrics" }

// Close keeps serving for linger (so a scraper gets the final counters
// after the run), then stops, waiting at most a second for scrapes in
// progress.
func (s *Server) Close(linger time.Duration) error {
	if linger > 0 {
		time.Sleep(linger)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
