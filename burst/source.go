package burst

import (
	"strings"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/profiles"
)

// FromPlan returns an attack Source that sends pl's arrivals to base (a URL such as
// http://127.0.0.1:8080), rendering each arrival's request template.
func FromPlan(pl *profiles.Plan, base string) attack.Source {
	base = strings.TrimRight(base, "/")
	sc := pl.Schedule()
	return attack.SourceFunc(func() (attack.Request, bool) {
		a, ok := sc.Next()
		if !ok {
			return attack.Request{}, false
		}
		r := pl.Request(a)
		return attack.Request{
			Seq:      a.Seq,
			Stream:   a.Stream,
			Key:      a.StreamSeq,
			Intended: a.At,
			Method:   r.Method,
			URL:      base + r.Path,
			Header:   r.Header,
			Body:     r.Body,
		}, true
	})
}
