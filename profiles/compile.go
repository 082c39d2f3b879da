package profiles

import (
	"fmt"
	"maps"
	"slices"

	"github.com/burstlab/burstlab/attack"
)

// compiled is what a valid profile resolves to before planning: parsed
// templates with the environment's values filled in, body files read, replay
// files turned into rate series. It is the only place secrets live.
type compiled struct {
	env     map[string]string // variable name -> value, of every ${NAME} used
	streams []compiledStream
}

type compiledStream struct {
	reqs   []compiledRequest
	cumW   []float64 // cumulative weights of reqs
	series []point   // replay: the rate series in run time
}

type compiledRequest struct {
	method string
	path   Template
	header []compiledHeader
	body   Template
}

type compiledHeader struct {
	key   string
	value Template
}

// compile resolves the profile. It reads the environment and files, so it
// reports problems the structural checks cannot see.
func (p *Profile) compile() (*compiled, []problem) {
	c := &compiled{env: map[string]string{}}
	var probs []problem
	add := func(path, format string, args ...any) {
		probs = append(probs, problem{path, fmt.Sprintf(format, args...)})
	}
	expand := func(s string) (string, error) { return interpolate(s, osLookup, c.env) }
	// A header value must stay sendable once the environment fills it in;
	// the message names no value: it may be a secret.
	expandHeader := func(s string) (string, error) {
		v, err := expand(s)
		if c, bad := controlChar(v, true); err == nil && bad {
			return "", fmt.Errorf("holds the control character %U once its environment variables are filled in, which no header value can carry", c)
		}
		return v, err
	}
	for i := range p.Streams {
		s := &p.Streams[i]
		at := fmt.Sprintf("$.streams[%d]", i)
		var cs compiledStream
		w := 0.0
		for j, r := range s.mix() {
			rp := mixPath(at, s, j)
			cr := compiledRequest{method: r.Method}
			var err error
			if cr.path, err = ParseTemplate(r.Path); err != nil {
				add(rp+".path", "%v", err)
			}
			for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
				t, err := parseTextTemplate(r.Headers[k])
				if err == nil {
					t, err = t.mapLiterals(expandHeader)
				}
				if err != nil {
					add(rp+".headers."+k, "%v", err)
					continue
				}
				cr.header = append(cr.header, compiledHeader{key: k, value: t})
			}
			body, field := r.Body, ".body"
			if r.BodyFile != "" {
				field = ".body_file"
				b, err := attack.ReadBodyFile(p.resolve(r.BodyFile))
				if err != nil {
					add(rp+field, "%q: %s", r.BodyFile, readError(err))
					continue
				}
				body = string(b)
			}
			t, err := parseTextTemplate(body)
			if err == nil {
				t, err = t.mapLiterals(expand)
			}
			if err != nil {
				add(rp+field, "%v", err)
			}
			cr.body = t
			w += r.Weight
			cs.reqs = append(cs.reqs, cr)
			cs.cumW = append(cs.cumW, w)
		}
		if r := s.Replay; r != nil {
			file, field := r.CSV, ".replay.csv"
			if file == "" {
				file, field = r.AccessLog, ".replay.access_log"
			}
			pts, err := r.series(p.resolve(file))
			if err != nil {
				add(at+field, "%v", err)
			}
			cs.series = pts
		}
		c.streams = append(c.streams, cs)
	}
	return c, probs
}

// pick returns the index of the request template an arrival uses, drawn by
// weight from the arrival's random bits.
func (cs *compiledStream) pick(r uint64) int {
	if len(cs.reqs) == 1 {
		return 0
	}
	x := unit(r) * cs.cumW[len(cs.cumW)-1]
	i, _ := slices.BinarySearchFunc(cs.cumW, x, func(w, x float64) int {
		if w <= x {
			return -1
		}
		return 1
	})
	return min(i, len(cs.reqs)-1)
}
