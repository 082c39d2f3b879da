// Package sim is an autoscaling HTTP API simulator: a real HTTP server that
// saturates, queues and scales like a service behind a Kubernetes Horizontal
// Pod Autoscaler, so a burst can be reproduced on a laptop.
//
// Queueing: the service runs replicas; each serves at most Slots requests at
// once and keeps a FIFO queue of at most QueueLimit more. A load balancer
// (round-robin or least-outstanding) sends each request to a ready replica.
// A request that finds the queue full, or waits in it longer than
// QueueTimeout, is answered 503. Service time is drawn from a per-route
// distribution (fixed, or lognormal from median and p99) and spent waiting
// while holding a slot, not burning CPU, so one small machine can simulate
// thousands of requests per second. With R replicas of C slots and mean
// service time S the service saturates at R×C/S requests per second; past
// that, latency grows with the queue (N closed-loop clients see about N×S/(R×C)).
//
// Autoscaling follows the HPA: a metric is sampled often (every 100ms or
// less) and averaged over MetricWindow; every Interval the desired count
// becomes ceil(ready × metric / target), unless metric/target is within 10%
// of 1, clamped to [MinReplicas, MaxReplicas] and to MaxScaleUpStep added
// replicas. A lower count takes effect only when it was the highest
// recommendation of the last ScaleDownStabilization. New replicas serve after
// ProvisionDelay; removed ones stop taking requests and drain what they hold.
// The utilization metric is (busy slots + queued requests) / total slots of
// the ready replicas: queued requests count as demand, so a saturated service
// reads above 1 and the autoscaler sizes for the whole backlog (a real pod's
// CPU would stay pinned near 100% however long its queue grew). The rps
// metric is arriving requests per second per ready replica. That is the
// default autoscaler kind, "simple"; kind "hpa" plays Kubernetes'
// HorizontalPodAutoscaler as its controller computes it, on CPU that never
// sees the queue (hpa.go says which real autoscaler each kind is).
//
// Every response carries X-Sim-Replica (the replica's id) and X-Sim-Ready
// (ready replicas). GET /_sim/state returns State as JSON, GET /_sim/events
// the event log, GET /metrics Prometheus metrics; these are not load.
package sim

import (
	"container/list"
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Sim is a running simulated service. Create it with New; serve it with
// Start or as an http.Handler; stop it with Close.
type Sim struct {
	cfg     Config
	router  *router
	src     *source
	metrics *metrics
	started time.Time

	mu       sync.Mutex
	nextID   int
	ready    []*replica // serving, in creation order
	pending  []*replica // provisioning, in creation order
	rr       int        // round-robin cursor
	busy     int        // slots held, all replicas (draining ones too)
	queued   int        // requests queued, all replicas
	arrivals uint64     // load requests received
	desired  int
	scaler   scaler
	events   []Event
	closed   bool
	running  bool

	done chan struct{} // closed by Close: releases every waiting request
	wg   sync.WaitGroup
	srv  *http.Server
	errs serverErrors // what the HTTP server met (failed accepts, bad requests)

	notifyMu  sync.Mutex
	onEvent   func(Event)
	delivered int
}

type replicaState int

const (
	pending replicaState = iota
	ready
	removed
)

func (st replicaState) String() string {
	return [...]string{"pending", "ready", "removed"}[st]
}

// replica is one instance of the service: Slots concurrent requests and a
// FIFO queue of waiters.
type replica struct {
	id      int
	state   replicaState
	busy    int
	queue   list.List // of *waiter
	timer   *time.Timer
	created time.Time
	idStr   string
}

// waiter is a queued request. granted is set, under Sim.mu, when a slot is
// handed to it; ch is closed at the same time.
type waiter struct {
	ch      chan struct{}
	el      *list.Element
	granted bool
	at      time.Time // when the slot handed over became free: its service starts then
}

// New builds a simulator from cfg after applying defaults and validating it.
// It does not listen: call Start, or mount it as an http.Handler.
func New(cfg Config) (*Sim, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Sim{
		cfg:     cfg,
		router:  newRouter(cfg),
		src:     newSource(cfg.Seed),
		desired: cfg.Replicas,
		done:    make(chan struct{}),
		started: time.Now(),
	}
	for range cfg.Replicas {
		r := s.newReplica(s.started)
		r.state = ready
		s.ready = append(s.ready, r)
	}
	s.scaler.init(cfg.Autoscale, cfg.Replicas, s.started)
	s.metrics = newMetrics(s)
	return s, nil
}

// Config returns the simulator's configuration, defaults applied.
func (s *Sim) Config() Config { return s.cfg }

// OnEvent registers f to be called, in order and outside the simulator's
// locks, with every event as it happens. Call it before Start.
func (s *Sim) OnEvent(f func(Event)) {
	s.notifyMu.Lock()
	s.onEvent = f
	s.notifyMu.Unlock()
}

// StreamsPerConn is how many requests one HTTP/2 connection to the
// simulator carries at once. A burst holds thousands of requests in flight
// against a slow simulated service: over HTTP/1.1 each costs a socket at both
// ends, and a process that is both the generator and the simulator runs out
// of descriptors; over HTTP/2 they share a few connections. A client that
// wants more opens another connection, so none waits for a stream.
const StreamsPerConn = 1000

// Start listens on addr (e.g. "127.0.0.1:0"), serves in the background and
// starts the autoscaler's clock. It returns the base URL, e.g.
// "http://127.0.0.1:41234". It speaks HTTP/1.1 and HTTP/2 without TLS
// (prior knowledge, as curl --http2-prior-knowledge or a client set for
// h2c), on the same port.
func (s *Sim) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		Protocols:         new(http.Protocols),
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: StreamsPerConn},
		// The server's own errors (a failed accept, a malformed request)
		// are counted and kept for the caller to report, not logged.
		ErrorLog: log.New(&s.errs, "", 0),
	}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	s.mu.Lock()
	if s.running || s.closed {
		s.mu.Unlock()
		ln.Close()
		return "", errors.New("sim: already started or closed")
	}
	s.running = true
	s.srv = srv
	now := time.Now()
	s.scaler.init(s.cfg.Autoscale, s.desired, now)
	s.record(now, Event{Kind: "start", Desired: s.desired})
	s.wg.Add(2)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(ln)
	}()
	go s.autoscale()
	s.notify()
	return "http://" + ln.Addr().String(), nil
}

// Close stops the autoscaler and every provisioning timer, answers 503 to
// requests still queued or in service, and stops serving. It is safe to
// call more than once.
func (s *Sim) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, r := range s.pending {
		r.timer.Stop()
	}
	srv := s.srv
	s.mu.Unlock()
	close(s.done)
	var err error
	if srv != nil {
		// Released requests answer at once; Shutdown waits for them.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = srv.Shutdown(ctx)
		cancel()
		if err != nil {
			err = srv.Close()
		}
	}
	s.wg.Wait()
	return err
}

// ServeHTTP answers /_sim/state, /_sim/events and /metrics itself; every
// other path is the simulated API.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/metrics":
		s.metrics.handler.ServeHTTP(w, r)
	case p == "/_sim/state":
		writeJSON(w, s.State())
	case p == "/_sim/events":
		writeJSON(w, s.Events())
	case len(p) >= 6 && p[:6] == "/_sim/":
		http.NotFound(w, r)
	default:
		s.serveLoad(w, r)
	}
}

// newReplica allocates the next replica id. Callers hold s.mu (or own s).
func (s *Sim) newReplica(now time.Time) *replica {
	s.nextID++
	return &replica{id: s.nextID, idStr: strconv.Itoa(s.nextID), created: now}
}

// serveLoad is the simulated API: pick a replica, take a slot or queue for
// one, hold it for the service time, answer.
//
// A slot is held for exactly the service time on the model's own schedule:
// a request handed a slot from the queue starts its service when the slot
// became free (the last one's planned end), not when its goroutine next
// runs, and frees it at its own planned end. Timer and scheduling delays on
// a busy machine then shift single answers a little but never lower the
// service's capacity, slots/service per replica.
func (s *Sim) serveLoad(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	dist, route := s.router.lookup(r.URL.Path)
	rep, nready, wt, why := s.admit()
	begin := start
	if why == "" && wt != nil {
		why = s.await(r.Context(), rep, wt)
		if wt.at.After(begin) { // not before it came, if the slot's last holder ran late
			begin = wt.at
		}
	}
	if why == "" {
		d, fail := s.src.draw(dist, s.cfg.ErrorRate)
		end := begin.Add(d)
		why = s.serve(r.Context(), end)
		if why != "" {
			end = time.Now() // given up early: the slot is free now
		}
		s.release(rep, end)
		if why == "" {
			code := answer(w, rep, nready, route, d, fail)
			s.metrics.observe(code, time.Since(start))
			return
		}
	}
	if why != "client gone" {
		s.reject(w, start, rep, nready, why)
	}
}

// admit takes a request in: a free slot on the replica it picks (wt nil),
// or a place in that replica's queue (wt), or why it is refused. nready is
// the ready replicas when it came.
func (s *Sim) admit() (rep *replica, nready int, wt *waiter, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, 0, nil, "closed"
	}
	s.arrivals++
	rep = s.pick()
	if rep == nil {
		return nil, 0, nil, "no ready replica"
	}
	nready = len(s.ready)
	switch {
	case rep.busy < s.cfg.Slots:
		rep.busy++
		s.busy++
	case rep.queue.Len() >= s.cfg.QueueLimit:
		return rep, nready, nil, "queue full"
	default:
		wt = &waiter{ch: make(chan struct{})}
		wt.el = rep.queue.PushBack(wt)
		s.queued++
	}
	return rep, nready, wt, ""
}

// await waits in rep's queue until a slot is handed over; it returns why it
// gave up instead, "" once it holds the slot (also when the slot came as it
// gave up).
func (s *Sim) await(ctx context.Context, rep *replica, wt *waiter) string {
	t := time.NewTimer(s.cfg.QueueTimeout)
	defer t.Stop()
	var why string
	select {
	case <-wt.ch:
	case <-t.C:
		why = "queue timeout"
	case <-ctx.Done():
		why = "client gone"
	case <-s.done:
		why = "closed"
	}
	if why != "" && s.abandon(rep, wt) {
		return why
	}
	return ""
}

// serve holds a slot until its service ends at end; it returns why it
// stopped early, "" when it served.
func (s *Sim) serve(ctx context.Context, end time.Time) string {
	t := time.NewTimer(time.Until(end))
	defer t.Stop()
	select {
	case <-t.C:
		return ""
	case <-ctx.Done():
		return "client gone"
	case <-s.done:
		return "closed"
	}
}

// answer writes a served request's response and returns its status code.
func answer(w http.ResponseWriter, rep *replica, nready int, route string, d time.Duration, fail bool) int {
	h := w.Header()
	h["X-Sim-Replica"] = []string{rep.idStr}
	h["X-Sim-Ready"] = []string{strconv.Itoa(nready)}
	h["Content-Type"] = []string{"application/json"}
	code := http.StatusOK
	if fail {
		code = http.StatusInternalServerError
	}
	w.WriteHeader(code)
	b := make([]byte, 0, 96)
	b = append(b, `{"replica":`...)
	b = append(b, rep.idStr...)
	if fail {
		b = append(b, `,"error":"injected"`...)
	}
	if route != "" {
		b = append(b, `,"route":`...)
		b = strconv.AppendQuote(b, route)
	}
	b = append(b, `,"service_ms":`...)
	b = strconv.AppendFloat(b, float64(d)/1e6, 'f', 3, 64)
	b = append(b, "}\n"...)
	_, _ = w.Write(b)
	return code
}

// reject answers 503 without service.
func (s *Sim) reject(w http.ResponseWriter, start time.Time, rep *replica, nready int, why string) {
	h := w.Header()
	if rep != nil {
		h["X-Sim-Replica"] = []string{rep.idStr}
		h["X-Sim-Ready"] = []string{strconv.Itoa(nready)}
	}
	h["Content-Type"] = []string{"application/json"}
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(`{"error":` + strconv.Quote(why) + "}\n"))
	s.metrics.observe(http.StatusServiceUnavailable, time.Since(start))
}

// pick chooses a ready replica, or nil when none is ready. Callers hold s.mu.
func (s *Sim) pick() *replica {
	n := len(s.ready)
	if n == 0 {
		return nil
	}
	i := s.rr % n
	s.rr++
	if s.cfg.Balancer == RoundRobin {
		return s.ready[i]
	}
	// least-outstanding: fewest busy+queued, ties broken by rotating start.
	var best *replica
	bestLoad := 0
	for j := range n {
		r := s.ready[(i+j)%n]
		if load := r.busy + r.queue.Len(); best == nil || load < bestLoad {
			best, bestLoad = r, load
		}
	}
	return best
}

// abandon takes a waiter out of its queue. It reports false when a slot
// was handed to the waiter first: the caller then holds that slot.
func (s *Sim) abandon(rep *replica, wt *waiter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if wt.granted {
		return false
	}
	rep.queue.Remove(wt.el)
	s.queued--
	return true
}

// release frees a slot, which became free at at, handing it to the head of
// the queue if any.
func (s *Sim) release(rep *replica, at time.Time) {
	s.mu.Lock()
	if f := rep.queue.Front(); f != nil {
		wt := rep.queue.Remove(f).(*waiter)
		s.queued--
		wt.granted, wt.at = true, at
		close(wt.ch)
	} else {
		rep.busy--
		s.busy--
	}
	s.mu.Unlock()
}

// ServerErrors sums up the errors the simulator's HTTP server met: failed
// accepts (a process out of file descriptors), malformed requests, broken
// connections. Go's server would log each on stderr; the simulator counts
// them so the run reports them once.
type ServerErrors struct {
	Count int64  // errors met
	First string // the first one's message
	// OutOfFiles counts the errors for want of a file descriptor (EMFILE,
	// ENFILE): the process, not the simulated service, was short of
	// resources, and the latencies measured meanwhile are not the
	// service's.
	OutOfFiles int64
}

// ServerErrors returns what the simulator's HTTP server met so far.
func (s *Sim) ServerErrors() ServerErrors {
	s.errs.mu.Lock()
	defer s.errs.mu.Unlock()
	return s.errs.ServerErrors
}

// serverErrors is the io.Writer behind the server's ErrorLog: each write is
// one logged error.
type serverErrors struct {
	mu sync.Mutex
	ServerErrors
}

func (e *serverErrors) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Count++
	if e.First == "" {
		e.First = msg
	}
	if outOfFiles(msg) {
		e.OutOfFiles++
	}
	return len(p), nil
}

// outOfFiles reports whether a logged error is a lack of file descriptors.
// The server's log holds only the error's text.
func outOfFiles(msg string) bool {
	return strings.Contains(msg, syscall.EMFILE.Error()) || strings.Contains(msg, syscall.ENFILE.Error())
}
