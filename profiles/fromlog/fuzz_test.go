package fromlog

import (
	"strings"
	"testing"

	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/profiles/accesslog"
)

// FuzzPathTemplate routes any request targets and checks that every
// route's request template parses as a profile path template.
func FuzzPathTemplate(f *testing.F) {
	for _, s := range []string{"/users/123/teams", "/a/{b}/c", "/teams/acme/members/7?x=1", "/c/8f14e45f-ceea-467f-a0e6-0b1e2c3d4e5f", "/{id}/%7B", "/x/12,3/a}b"} {
		f.Add(s, "/users/9/teams", true)
	}
	f.Fuzz(func(t *testing.T, a, b string, keepQuery bool) {
		rt, err := accesslog.NewRouter([]string{"/teams/{slug}/members/{m}"}, keepQuery)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range []string{a, b} {
			if !strings.HasPrefix(tg, "/") || strings.ContainsAny(tg, " \n") {
				return
			}
			rt.Route(&accesslog.Entry{Method: []byte("GET"), Target: []byte(tg)})
		}
		for _, r := range rt.Routes() {
			p := pathTemplate(r)
			if _, err := profiles.ParseTemplate(p); err != nil {
				t.Errorf("route %s: template %q: %v", r, p, err)
			}
		}
	})
}
