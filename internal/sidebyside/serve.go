//go:build linux

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// serve runs the arrival server: every request is answered 200 with a tiny
// body (at once, or with -slots after a queue for one of a few slots that
// each take -service: a target that backs up), and the time each one
// arrived is kept, as are the times connections
// were opened. Requests to /warm are answered but not counted (see
// warmGate). The first line on stdout is "ADDR CONTROL": the address to
// attack and a plain-HTTP control address whose /arrivals returns the log as
// JSON. The server exits by itself after -lifetime, so none outlives a run.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	useTLS := fs.Bool("tls", false, "serve HTTPS with HTTP/2 on a self-signed certificate")
	capacity := fs.Int("capacity", 1<<21, "arrivals kept (more are counted, not timed)")
	lifetime := fs.Duration("lifetime", 10*time.Minute, "exit after this long")
	slots := fs.Int("slots", 0, "serve at most this many requests at once, each taking -service, and queue the rest (0: answer at once)")
	service := fs.Duration("service", 10*time.Millisecond, "how long each request holds its slot, with -slots")
	fs.Parse(args)

	log := newArrivalLog(*capacity, 1<<16)
	if *slots > 0 {
		log.slots, log.service = make(chan struct{}, *slots), *service
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: log, ConnState: log.connState, ReadHeaderTimeout: 10 * time.Second}
	control := http.NewServeMux()
	control.HandleFunc("/arrivals", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(log.snapshot())
	})
	go http.Serve(ctl, control)
	time.AfterFunc(*lifetime, func() {
		fmt.Fprintln(os.Stderr, "sidebyside serve: lifetime over, exiting")
		os.Exit(3)
	})
	fmt.Printf("%s %s\n", ln.Addr(), ctl.Addr())
	if *useTLS {
		if srv.TLSConfig, err = selfSignedTLS(); err != nil {
			return err
		}
		return srv.ServeTLS(ln, "", "")
	}
	return srv.Serve(ln)
}

// arrivalLog records, in preallocated slices indexed by atomic counters,
// when each counted request arrived and when each connection was opened, in
// nanoseconds since the server started (monotonic).
type arrivalLog struct {
	start    time.Time
	arrivals []int64
	n        atomic.Int64
	conns    []int64
	nconns   atomic.Int64
	h2       atomic.Int64
	warm     warmGate
	slots    chan struct{} // nil: answer at once
	service  time.Duration // how long a request holds its slot
}

// arrivalSnapshot is the log as the control endpoint returns it.
type arrivalSnapshot struct {
	Count     int64   `json:"count"`     // counted requests, timed or not
	Arrivals  []int64 `json:"arrivals"`  // ns since start, in counter order
	ConnCount int64   `json:"connCount"` // connections opened
	Conns     []int64 `json:"conns"`     // ns since start
	H2        int64   `json:"h2"`        // counted requests that came over HTTP/2
}

var okBody = []byte("ok\n")

func newArrivalLog(capacity, connCapacity int) *arrivalLog {
	return &arrivalLog{start: time.Now(), arrivals: make([]int64, capacity), conns: make([]int64, connCapacity)}
}

func (l *arrivalLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/warm" {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		l.warm.wait(n, 10*time.Second)
		w.Write(okBody)
		return
	}
	at := int64(time.Since(l.start))
	if i := l.n.Add(1) - 1; i < int64(len(l.arrivals)) {
		atomic.StoreInt64(&l.arrivals[i], at)
	}
	if r.ProtoMajor == 2 {
		l.h2.Add(1)
	}
	if l.slots != nil {
		// The arrival is logged before the queue: lateness is the
		// client's, whatever the server makes the request wait.
		l.slots <- struct{}{}
		time.Sleep(l.service)
		<-l.slots
	}
	w.Write(okBody)
}

func (l *arrivalLog) connState(_ net.Conn, st http.ConnState) {
	if st != http.StateNew {
		return
	}
	at := int64(time.Since(l.start))
	if i := l.nconns.Add(1) - 1; i < int64(len(l.conns)) {
		atomic.StoreInt64(&l.conns[i], at)
	}
}

func (l *arrivalLog) snapshot() arrivalSnapshot {
	s := arrivalSnapshot{Count: l.n.Load(), ConnCount: l.nconns.Load(), H2: l.h2.Load()}
	s.Arrivals = make([]int64, min(s.Count, int64(len(l.arrivals))))
	for i := range s.Arrivals {
		s.Arrivals[i] = atomic.LoadInt64(&l.arrivals[i])
	}
	s.Conns = make([]int64, min(s.ConnCount, int64(len(l.conns))))
	for i := range s.Conns {
		s.Conns[i] = atomic.LoadInt64(&l.conns[i])
	}
	return s
}
