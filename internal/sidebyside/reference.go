//go:build linux

package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// reference sends a dense burst through a bare vegeta Attacker set up as a
// burst needs it on two cores, the floor burstlab's burst is held to: one
// Attacker with N fixed workers (Workers = MaxWorkers = N), a client that
// opens at most N connections and opens all N before the burst (N warm-up
// requests to /warm held open together, which the arrival server does not
// count), a pacer on absolute time, and the collector off for the burst.
// It knows nothing of response times, retries or stops: it is no engine.
func reference(args []string) error {
	fs := flag.NewFlagSet("reference", flag.ExitOnError)
	url := fs.String("url", "", "target URL (http://127.0.0.1:PORT/)")
	rate := fs.Int("rate", 20000, "requests per second")
	duration := fs.Duration("duration", 100*time.Millisecond, "length of the burst")
	conns := fs.Int("conns", 32, "workers and connections")
	fs.Parse(args)
	if !strings.HasPrefix(*url, "http://127.0.0.1:") {
		return fmt.Errorf("reference: -url must be a loopback http URL, got %q", *url)
	}
	n := int(int64(*rate) * int64(*duration) / int64(time.Second))

	tr := &http.Transport{MaxConnsPerHost: *conns, MaxIdleConnsPerHost: *conns}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	if err := openConnections(cl, strings.TrimSuffix(*url, "/"), *conns); err != nil {
		return err
	}

	// Client first: it replaces the client, and with it any earlier option.
	atk := vegeta.NewAttacker(vegeta.Client(cl), vegeta.Workers(uint64(*conns)), vegeta.MaxWorkers(uint64(*conns)))
	targets := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: *url})
	runtime.GC()
	gcPercent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(1 << 30) // a guard while the collector is off
	pacer := &absolutePacer{start: time.Now(), interval: time.Second / time.Duration(*rate), n: n}
	var ok, failed int
	for res := range atk.Attack(targets, pacer, 0, "reference") {
		if res.Code == http.StatusOK {
			ok++
		} else {
			failed++
		}
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(limit)
	fmt.Printf("planned %d ok %d failed %d\n", n, ok, failed)
	return nil
}

// openConnections sends n requests to base/warm at once; the server holds
// them until all n are in, so the client ends with n open connections.
func openConnections(cl *http.Client, base string, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := cl.Get(fmt.Sprintf("%s/warm?n=%d", base, n))
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, res.Body) // read to the end, or the connection is not reused
			res.Body.Close()
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// absolutePacer paces n requests evenly from start on absolute time,
// ignoring the elapsed time vegeta passes, and releases at once whatever is
// due within a millisecond (Go's sleep cannot wait less anyway).
type absolutePacer struct {
	start    time.Time
	interval time.Duration
	n        int
	next     int
}

func (p *absolutePacer) Pace(time.Duration, uint64) (time.Duration, bool) {
	if p.next >= p.n {
		return 0, true
	}
	wait := time.Until(p.start.Add(time.Duration(p.next) * p.interval))
	p.next++
	if wait <= time.Millisecond {
		return 0, false
	}
	return wait, false
}

func (p *absolutePacer) Rate(time.Duration) float64 { return float64(time.Second / p.interval) }
