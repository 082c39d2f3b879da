package fromlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/profiles/accesslog"
)

// t0 is the logs' first second: 2019-11-14 15:04:00 -0500.
var t0 = time.Date(2019, 11, 14, 20, 4, 0, 0, time.UTC)

// traffic is requests per second per route: route -> per-second counts.
type traffic map[string][]int

// incident: the teams route at 20/s bursts to 200/s from 30 s to 40 s,
// conversations hold 10/s, and two small routes send one request every
// few seconds.
func incident() traffic {
	tr := traffic{}
	for s := range 60 {
		teams := 20
		if s >= 30 && s < 40 {
			teams = 200
		}
		tr["GET /users/{id}/teams"] = append(tr["GET /users/{id}/teams"], teams)
		tr["POST /conversations/{id}/messages"] = append(tr["POST /conversations/{id}/messages"], 10)
		tr["GET /health"] = append(tr["GET /health"], b2i(s%5 == 0))
		tr["DELETE /teams/{id}"] = append(tr["DELETE /teams/{id}"], b2i(s%7 == 0))
	}
	return tr
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeCombined writes tr as an nginx log with request times, in the order
// requests ended, each ending within its second.
func writeCombined(t *testing.T, path string, tr traffic) {
	var b strings.Builder
	for s := range 60 {
		for route, counts := range sortedRoutes(tr) {
			m, p, _ := strings.Cut(route, " ")
			for k := range counts[s] {
				p := strings.ReplaceAll(p, "{id}", fmt.Sprint(100+k))
				ts := t0.Add(time.Duration(s) * time.Second).In(time.FixedZone("", -5*3600)).Format("02/Jan/2006:15:04:05 -0700")
				fmt.Fprintf(&b, "10.0.0.%d - - [%s] \"%s %s HTTP/1.1\" 200 512 \"-\" \"kustomer-web/4.2\" 0.0%02d\n", k%250, ts, m, p, 10+k%80)
			}
		}
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeALB writes tr as an ALB log shifted by shift, requests spread
// evenly in their second.
func writeALB(t *testing.T, path string, tr traffic, shift time.Duration) {
	var b strings.Builder
	for s := range 60 {
		for route, counts := range sortedRoutes(tr) {
			m, p, _ := strings.Cut(route, " ")
			n := counts[s]
			for k := range n {
				at := t0.Add(shift + time.Duration(s)*time.Second + time.Duration(k)*time.Second/time.Duration(n))
				p := strings.ReplaceAll(p, "{id}", fmt.Sprint(k))
				fmt.Fprintf(&b, "https %s app/prod/1 10.0.1.2:4000 10.0.0.1:80 0.000 0.020 0.000 200 200 34 366 \"%s https://api.example.com:443%s HTTP/1.1\" \"-\" - - arn:aws:x \"Root=1\" \"-\" \"-\" 0 %s \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\"\n",
					at.Add(20*time.Millisecond).Format(time.RFC3339Nano), m, p, at.Format("2006-01-02T15:04:05.000000Z"))
			}
		}
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
}

// sortedRoutes iterates tr in a fixed order.
func sortedRoutes(tr traffic) func(func(string, []int) bool) {
	return func(yield func(string, []int) bool) {
		for _, r := range []string{"GET /users/{id}/teams", "POST /conversations/{id}/messages", "GET /health", "DELETE /teams/{id}"} {
			if c, ok := tr[r]; ok && !yield(r, c) {
				return
			}
		}
	}
}

// build reads files into a profile in a temporary directory and plans it.
func build(t *testing.T, o Options, files ...string) (*Log, []*Stream, *profiles.Plan) {
	t.Helper()
	r, err := accesslog.Open(files, accesslog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rt, _ := accesslog.NewRouter(nil, false)
	l, err := Read(context.Background(), r, rt)
	if err != nil {
		t.Fatal(err)
	}
	streams := Streams(l, o)
	out := filepath.Join(t.TempDir(), "incident.yaml")
	if _, err := Write(out, l, streams, o); err != nil {
		t.Fatal(err)
	}
	p, err := profiles.Load(out)
	if err != nil {
		text, _ := os.ReadFile(out)
		t.Fatalf("%v\n%s", err, text)
	}
	pl, err := profiles.PlanShard(context.Background(), p, profiles.Shard{})
	if err != nil {
		t.Fatal(err)
	}
	return l, streams, pl
}

// planned sums the plan's per-second counts by route: a stream and its
// -burst part are one route; "other" holds the folded ones.
func planned(pl *profiles.Plan) map[string][]int64 {
	out := map[string][]int64{}
	for _, s := range pl.Streams {
		name := strings.TrimSuffix(s.Name, "-burst")
		if out[name] == nil {
			out[name] = make([]int64, len(s.PerSecond))
		}
		for i, n := range s.PerSecond {
			out[name][i] += n
		}
	}
	return out
}

func TestReplayMatchesTheLog(t *testing.T) {
	dir := t.TempDir()
	tr := incident()
	nginx := filepath.Join(dir, "access.log")
	writeCombined(t, nginx, tr)
	alb := filepath.Join(dir, "alb.log")
	writeALB(t, alb, tr, 500*time.Millisecond) // the burst starts at 30.5 s
	for _, c := range []struct {
		file      string
		tick      time.Duration
		burstFrom time.Duration
	}{
		{nginx, time.Second, 30 * time.Second},
		{alb, 100 * time.Millisecond, 30 * time.Second}, // per-second bins from the first request's second
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			l, streams, pl := build(t, Options{Share: 0.05}, c.file)
			if l.Tick != c.tick {
				t.Errorf("counted every %v, want %v", l.Tick, c.tick)
			}
			got := planned(pl)
			want := map[string][]int{
				"get-users-id-teams":             tr["GET /users/{id}/teams"],
				"post-conversations-id-messages": tr["POST /conversations/{id}/messages"],
				"other":                          addCounts(tr["GET /health"], tr["DELETE /teams/{id}"]),
			}
			if len(got) != len(want) {
				t.Errorf("streams %v, want %d", keys(got), len(want))
			}
			for name, w := range want {
				for s, n := range w {
					// The ALB log's seconds are shifted by half a second:
					// compare second by second from the first request.
					if g := at(got[name], s); g != int64(n) {
						t.Errorf("%s: second %d: planned %d, the log has %d", name, s, g, n)
						break
					}
				}
			}
			var bursts []string
			for _, s := range streams {
				if s.Burst != nil {
					bursts = append(bursts, fmt.Sprintf("%s %v..%v", s.Name, s.Burst.From, s.Burst.To))
				}
			}
			if w := fmt.Sprintf("[get-users-id-teams %v..%v]", c.burstFrom, c.burstFrom+10*time.Second); fmt.Sprint(bursts) != w {
				t.Errorf("bursts %v, want %s", bursts, w)
			}
			if !pl.Burst.Marked || pl.Burst.Start != c.burstFrom {
				t.Errorf("plan's burst window %+v, want from %v", pl.Burst, c.burstFrom)
			}
		})
	}
}

// at returns the requests the plan holds in its second s, -1 past its end.
func at(perSecond []int64, s int) int64 {
	if s >= len(perSecond) {
		return -1
	}
	return perSecond[s]
}

func addCounts(a, b []int) []int {
	out := make([]int, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

func keys(m map[string][]int64) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

func TestProfileText(t *testing.T) {
	dir := t.TempDir()
	nginx := filepath.Join(dir, "access.log")
	writeCombined(t, nginx, incident())
	r, _ := accesslog.Open([]string{nginx}, accesslog.Options{})
	rt, _ := accesslog.NewRouter(nil, false)
	l, err := Read(context.Background(), r, rt)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "p.yaml")
	o := Options{Share: 0.05, Speed: 2, Sources: []string{"access.log"}}
	files, err := Write(out, l, Streams(l, o), o)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(out)
	for _, want := range []string{
		"# Burst: 2019-11-14T20:04:30Z to 2019-11-14T20:04:40Z, 30s to 40s into the log (15s to 20s into the replay at speed 2). Routes that carried it:\n",
		"#   GET /users/{id}/teams: up to 200/s, 10.0x its median of 20/s, from 30s to 40s (2000 requests)\n",
		"  - name: get-users-id-teams-burst\n    burst: true\n    request: {method: GET, path: \"/users/{rand:100..299}/teams\"}\n    replay: {csv: \"p.get-users-id-teams-burst.csv\", speed: 2, scale: 1}\n",
		"      - {weight: 12, method: GET, path: \"/health\"}\n",
		"duration: 30.5s\n",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the profile lacks %q:\n%s", want, text)
		}
	}
	if len(files) != 5 {
		t.Errorf("wrote %v, want 4 curves and the profile", files)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestTallyBounded(t *testing.T) {
	tl := newTally()
	// Requests every 10 s for 20 years on 3 routes, and one far back.
	start := t0.UnixNano()
	for i := range int64(20 * 365 * 24 * 360) {
		tl.add(int(i%3), start+i*int64(10*time.Second), true)
	}
	tl.add(0, start-int64(5*365*24*time.Hour), true)
	tick := tl.finish()
	if tl.cells > MaxCells {
		t.Errorf("%d cells, above %d", tl.cells, MaxCells)
	}
	var n int64
	for _, c := range tl.counts {
		for _, v := range c {
			n += int64(v)
		}
	}
	if n != 20*365*24*360+1 {
		t.Errorf("counted %d requests", n)
	}
	if tick < time.Minute {
		t.Errorf("tick %v: want a coarse one for 25 years", tick)
	}
}

func TestWholeSecondsSpreadThenCountedPerSecond(t *testing.T) {
	tl := newTally()
	for range 25 {
		tl.add(0, t0.UnixNano(), false)
	}
	if c := tl.counts[1]; len(c) != 10 || c[0] != 3 || c[9] != 2 {
		t.Errorf("25 requests of one second over 100 ms ticks: %v", c)
	}
	tl.add(0, t0.Add(1500*time.Millisecond).UnixNano(), true)
	if tick := tl.finish(); tick != Finest {
		t.Errorf("tick %v with a sub-second time, want %v", tick, Finest)
	}
	tl = newTally()
	tl.add(0, t0.UnixNano(), false)
	tl.add(0, t0.Add(3*time.Second).UnixNano(), false)
	if tick := tl.finish(); tick != time.Second || fmt.Sprint(tl.counts[1]) != "[1 0 0 1]" {
		t.Errorf("whole seconds: tick %v, counts %v", tick, tl.counts[1])
	}
}
