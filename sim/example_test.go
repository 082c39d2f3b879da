package sim_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/burstlab/burstlab/sim"
)

func Example() {
	off := false
	s, err := sim.New(sim.Config{
		Replicas:  2,
		Slots:     4,
		Service:   sim.Dist{Median: 20 * time.Millisecond, P99: 120 * time.Millisecond},
		Routes:    []sim.Route{{Pattern: "/users/*/teams", Service: sim.Dist{Fixed: 30 * time.Millisecond}}},
		Autoscale: sim.Autoscale{Enabled: &off},
	})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	resp, err := http.Get(base + "/users/42/teams")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "from replica", resp.Header.Get("X-Sim-Replica"))
	st := s.State()
	fmt.Println("ready:", st.Ready, "requests:", st.Requests)
	// Output:
	// 200 from replica 1
	// ready: 2 requests: 1
}
