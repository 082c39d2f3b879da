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
		return request(pl, a, base), true
	})
}

// request renders arrival a of pl as the engine sends it, to base.
func request(pl *profiles.Plan, a profiles.Arrival, base string) attack.Request {
	r := pl.Request(a)
	return attack.Request{
		Seq:      a.Seq,
		Stream:   a.Stream,
		Key:      a.StreamSeq,
		Intended: a.Intended,
		Method:   r.Method,
		URL:      base + r.Path,
		Header:   r.Header,
		Body:     r.Body,
	}
}

// closedSource returns the requests of pl's closed stream i, without end,
// for a closed loop: the k-th renders the stream's template as its k-th
// arrival would. Their sequence numbers lie past any plan's.
func closedSource(pl *profiles.Plan, i int, base string) attack.Source {
	base = strings.TrimRight(base, "/")
	k := int64(0)
	return attack.SourceFunc(func() (attack.Request, bool) {
		a := profiles.Arrival{Stream: i, StreamSeq: k, Seq: closedSeq + int64(i)<<32 + k}
		k++
		return request(pl, a, base), true
	})
}

// closedSeq is where closed streams number their requests: past the 2e9
// requests a plan may hold.
const closedSeq = 1 << 40
