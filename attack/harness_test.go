package attack

import (
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// arrivalServer is a loopback target that notes when each planned request
// arrived (by the sequence number in its path, /r/SEQ) and how many
// connections were opened.
type arrivalServer struct {
	*httptest.Server
	mu      sync.Mutex
	arrived map[int64]time.Time
	conns   atomic.Int64 // opened
	closed  atomic.Int64
	handle  func(w http.ResponseWriter, r *http.Request)
}

func newArrivalServer(t testing.TB, handle func(w http.ResponseWriter, r *http.Request)) *arrivalServer {
	s := unstartedArrivalServer(handle)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// newArrivalServerTLS is newArrivalServer over HTTPS (HTTP/1.1), with a
// certificate of httptest's own.
func newArrivalServerTLS(t testing.TB, handle func(w http.ResponseWriter, r *http.Request)) *arrivalServer {
	s := unstartedArrivalServer(handle)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func unstartedArrivalServer(handle func(w http.ResponseWriter, r *http.Request)) *arrivalServer {
	s := &arrivalServer{arrived: map[int64]time.Time{}, handle: handle}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
		}
	}
	return s
}

func (s *arrivalServer) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	if rest, ok := strings.CutPrefix(r.URL.Path, "/r/"); ok {
		if seq, err := strconv.ParseInt(rest, 10, 64); err == nil {
			s.mu.Lock()
			s.arrived[seq] = now
			s.mu.Unlock()
		}
	}
	if s.handle != nil {
		s.handle(w, r)
	}
}

// lateness returns how late each planned request arrived at the server.
func (s *arrivalServer) lateness(start time.Time, plan []Request) (late []time.Duration, missing int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range plan {
		at, ok := s.arrived[r.Seq]
		if !ok {
			missing++
			continue
		}
		late = append(late, at.Sub(start.Add(r.Intended)))
	}
	slices.Sort(late)
	return late, missing
}

// evenPlan plans n requests evenly over span, starting at offset, to base.
func evenPlan(base string, n int, offset, span time.Duration) []Request {
	plan := make([]Request, n)
	for i := range plan {
		plan[i] = Request{
			Seq:      int64(i),
			Intended: offset + time.Duration(int64(span)*int64(i)/int64(n)),
			Method:   http.MethodGet,
			URL:      base + "/r/" + strconv.Itoa(i),
		}
	}
	return plan
}

// sliceSource hands out a fixed plan.
func sliceSource(plan []Request) Source {
	i := 0
	return SourceFunc(func() (Request, bool) {
		if i >= len(plan) {
			return Request{}, false
		}
		i++
		return plan[i-1], true
	})
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return sorted[i]
}
