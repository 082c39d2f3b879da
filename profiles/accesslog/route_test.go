package accesslog

import (
	"fmt"
	"testing"
)

func TestRouteGrouping(t *testing.T) {
	cases := []struct {
		patterns  []string
		keepQuery bool
		method    string
		target    string
		want      string
	}{
		{nil, false, "GET", "/users/123/teams", "GET /users/{id}/teams"},
		{nil, false, "POST", "/users/123/teams", "POST /users/{id}/teams"},
		{nil, false, "GET", "/customers/8f14e45f-ceea-467f-a0e6-0b1e2c3d4e5f?token=s3cr3t", "GET /customers/{id}"},
		{nil, false, "GET", "/conversations/5dcdb2a1e4b0c1a2b3c4d5e6/messages", "GET /conversations/{id}/messages"},
		{nil, false, "GET", "/v1/deadbeef/cafe", "GET /v1/deadbeef/cafe"}, // hex letters only: words, not ids
		{nil, false, "GET", "/v2/teams/a1b2c3/", "GET /v2/teams/a1b2c3/"}, // 6 hex digits: too short
		{nil, false, "GET", "/", "GET /"},
		{nil, false, "GET", "/health?x=1", "GET /health"},
		{nil, true, "GET", "/users/389/teams?since=1573761900&full", "GET /users/{id}/teams?since={id}&full"},
		{nil, true, "GET", "/search?q=shoes&page=2", "GET /search?q=shoes&page={id}"},
		{[]string{"/teams/{slug}/members"}, false, "GET", "/teams/acme/members", "GET /teams/{slug}/members"},
		{[]string{"/teams/{slug}/members"}, false, "GET", "/teams/acme/members/7", "GET /teams/acme/members/{id}"},
		{[]string{"POST /reports/2024"}, false, "POST", "/reports/2024", "POST /reports/2024"},
		{[]string{"POST /reports/2024"}, false, "GET", "/reports/2024", "GET /reports/{id}"},
	}
	for _, c := range cases {
		r, err := NewRouter(c.patterns, c.keepQuery)
		if err != nil {
			t.Fatal(err)
		}
		e := Entry{Method: []byte(c.method), Target: []byte(c.target)}
		id := r.Route(&e)
		if got := r.Routes()[id].String(); got != c.want {
			t.Errorf("%v %s %s: route %q, want %q", c.patterns, c.method, c.target, got, c.want)
		}
	}
}

func TestRouteParams(t *testing.T) {
	r, _ := NewRouter([]string{"/teams/{slug}/members/{member}"}, false)
	for _, tg := range []string{"/users/868/teams", "/users/121/teams", "/users/868/teams", "/teams/acme/members/7", "/teams/zeta/members/x9"} {
		r.Route(&Entry{Method: []byte("GET"), Target: []byte(tg)})
	}
	got := fmt.Sprint(r.Routes()[0].Params, r.Routes()[1].Params)
	want := "[{id true 121 868 [868 121]}] [{slug false 0 0 [acme zeta]} {member false 7 7 [7 x9]}]"
	if got != want {
		t.Errorf("params %s\nwant %s", got, want)
	}
}

func TestRouteCap(t *testing.T) {
	r, _ := NewRouter(nil, false)
	for i := range MaxRoutes + 5 {
		r.Route(&Entry{Method: []byte("GET"), Target: []byte(fmt.Sprintf("/page-%d", i))})
	}
	if len(r.Routes()) != MaxRoutes || r.Overflow() != 5 {
		t.Errorf("%d routes, %d overflow; want %d and 5", len(r.Routes()), r.Overflow(), MaxRoutes)
	}
}

func TestBadRoutePattern(t *testing.T) {
	for _, p := range []string{"teams/{x}", "/teams/{x", "/a/b{x}", "GE:T /a", "/a?b=1"} {
		if _, err := NewRouter([]string{p}, false); err == nil {
			t.Errorf("pattern %q accepted", p)
		}
	}
}

func BenchmarkRoute(b *testing.B) {
	r, _ := NewRouter(nil, false)
	e := Entry{Method: []byte("GET"), Target: []byte("/users/868/teams?since=1573761900")}
	b.ReportAllocs()
	for b.Loop() {
		r.Route(&e)
	}
}
