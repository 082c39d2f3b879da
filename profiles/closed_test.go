package profiles

import (
	"testing"
)

// TestClosedStream checks that a rate: max stream plans no arrivals beside
// a planned stream, keeps its workers (split between shards, each at least
// one), and says what it is in the plan's shape.
func TestClosedStream(t *testing.T) {
	src := `name: mixed
duration: 10s
target: {url: "http://127.0.0.1:9"}
streams:
  - name: app
    request: {path: /a}
    constant: {rate: 10}
  - name: flood
    request: {path: "/f/{seq}"}
    rate: max
    max_workers: 5
`
	pl := mustPlan(t, src)
	if pl.Total != 100 || pl.Streams[0].Total != 100 || pl.Streams[0].Workers != 0 {
		t.Errorf("planned stream: plan total %d, stream total %d, workers %d; want 100, 100, 0", pl.Total, pl.Streams[0].Total, pl.Streams[0].Workers)
	}
	f := pl.Streams[1]
	if f.Total != 0 || f.Workers != 5 || f.Shape != "as fast as possible, 5 workers" {
		t.Errorf("closed stream: total %d, workers %d, shape %q", f.Total, f.Workers, f.Shape)
	}
	sc := pl.Schedule()
	for a, ok := sc.Next(); ok; a, ok = sc.Next() {
		if a.Stream != 0 {
			t.Fatalf("the schedule holds an arrival of the closed stream: %+v", a)
		}
	}
	if got := pl.Request(Arrival{Stream: 1, StreamSeq: 7}).Path; got != "/f/7" {
		t.Errorf("closed stream request path %q, want /f/7", got)
	}
	total := 0
	for i := 0; i < 3; i++ {
		sh, err := NewShardPlan(mustParse(t, src), Shard{Index: i, Count: 3})
		if err != nil {
			t.Fatal(err)
		}
		total += sh.Streams[1].Workers
		if sh.Streams[1].Workers < 1 {
			t.Errorf("shard %d/3 has no worker", i)
		}
	}
	if total != 5 {
		t.Errorf("3 shards hold %d workers in all, want 5", total)
	}
}
