package profiles

import (
	"testing"
)

// TestShardsPartitionThePlan checks that the shards of a plan hold every
// arrival exactly once, keep their whole-plan sequence numbers, and share
// the whole plan's burst window.
func TestShardsPartitionThePlan(t *testing.T) {
	p, err := Parse("shard.yaml", []byte(`
name: shard
seed: 3
duration: 10s
target: {url: http://127.0.0.1:1}
streams:
  - name: base
    request: {path: /a}
    arrivals: poisson
    constant: {rate: 97}
  - name: fan
    burst: true
    request: {path: "/u/{subscriber}"}
    fanout:
      events: {count: 7, start: 2s, over: 3s}
      subscribers: 55
      reaction: {dist: uniform, min: 0s, max: 1s}
`))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := NewPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	seen, total, offered := collectShards(t, p, whole, 3)
	if total != whole.Total || int64(len(seen)) != whole.Total {
		t.Fatalf("shards hold %d (%d distinct), whole plan %d", total, len(seen), whole.Total)
	}
	sc := whole.Schedule()
	for {
		a, ok := sc.Next()
		if !ok {
			break
		}
		if seen[a.Seq] != a {
			t.Fatalf("arrival %d differs in its shard: %+v vs %+v", a.Seq, seen[a.Seq], a)
		}
	}
	for w := range offered {
		var want int64
		for _, s := range whole.Streams {
			want += s.Offered[w]
		}
		if offered[w] != want {
			t.Errorf("window %d: shards offer %d, whole plan %d", w, offered[w], want)
		}
	}
	for _, bad := range []string{"3/3", "-1/2", "1", "a/b", "0/0"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

// collectShards plans the n shards of p and returns their arrivals by
// sequence number, their summed totals and their summed offered series. It
// fails on an arrival in two shards and reports a shard whose burst window
// is not the whole plan's.
func collectShards(t *testing.T, p *Profile, whole *Plan, n int) (seen map[int64]Arrival, total int64, offered []int64) {
	t.Helper()
	seen = map[int64]Arrival{}
	offered = make([]int64, len(whole.Streams[0].Offered))
	for i := 0; i < n; i++ {
		pl, err := NewShardPlan(p, Shard{Index: i, Count: n})
		if err != nil {
			t.Fatal(err)
		}
		if pl.Burst != whole.Burst {
			t.Errorf("shard %d: burst %+v, whole plan's %+v", i, pl.Burst, whole.Burst)
		}
		total += pl.Total
		for _, s := range pl.Streams {
			for w, c := range s.Offered {
				offered[w] += c
			}
		}
		sc := pl.Schedule()
		for {
			a, ok := sc.Next()
			if !ok {
				break
			}
			if _, dup := seen[a.Seq]; dup {
				t.Fatalf("arrival %d in two shards", a.Seq)
			}
			seen[a.Seq] = a
		}
	}
	return seen, total, offered
}
