package accesslog

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Grouping requests into routes. A request's route is its method and its
// path with the segments that name one thing among many replaced by {id}:
// numbers (/users/123), UUIDs and runs of 8 or more hex digits holding a
// digit (/conversations/5dcdb2a1e4b0c1a2b3c4d5e6). /users/123/teams is
// GET /users/{id}/teams. Patterns given by the user come first: a pattern
// is a path whose {name} segments match any one segment, optionally after
// a method ("POST /teams/{slug}/members"); a matching request takes the
// pattern as its route. Query strings are dropped (they hold tokens and
// user data) unless kept, and then their values are grouped the same way.

// MaxRoutes bounds the routes a Router tells apart; requests of further
// routes are counted as Overflow.
const MaxRoutes = 2000

// maxSample is how many distinct values of a placeholder a Route keeps.
const maxSample = 16

// Route is a method and a path pattern, with what its placeholders held.
type Route struct {
	Method string
	Path   string  // e.g. /users/{id}/teams
	Params []Param // one per placeholder, in order
}

// String is the route as people write it: "GET /users/{id}/teams".
func (r *Route) String() string { return r.Method + " " + r.Path }

// Param is what one placeholder of a route held in the log: the range of
// its values when all were integers, and the first distinct values seen.
type Param struct {
	Name     string
	Numeric  bool // every value was a decimal integer
	Min, Max int64
	Sample   []string
}

func (p *Param) add(v []byte) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	switch {
	case err != nil:
		p.Numeric = false
	case len(p.Sample) == 0:
		p.Min, p.Max = n, n
	default:
		p.Min, p.Max = min(p.Min, n), max(p.Max, n)
	}
	if len(p.Sample) < maxSample {
		for _, s := range p.Sample {
			if s == string(v) {
				return
			}
		}
		p.Sample = append(p.Sample, string(v))
	}
}

// Router assigns requests to routes. It is not safe for concurrent use.
type Router struct {
	patterns  []pattern
	keepQuery bool
	ids       map[string]int
	routes    []*Route
	key       []byte   // the route key being built: "METHOD path"
	vals      [][]byte // the placeholder values of the request being routed
	overflow  int64
}

type pattern struct {
	method string // "" matches any
	segs   []string
	path   string
}

// NewRouter returns a Router with the user's patterns (see above), which
// keeps query strings when keepQuery is set.
func NewRouter(patterns []string, keepQuery bool) (*Router, error) {
	r := &Router{keepQuery: keepQuery, ids: map[string]int{}}
	for _, s := range patterns {
		m, p, ok := strings.Cut(strings.TrimSpace(s), " ")
		if !ok {
			m, p = "", m
		}
		p = strings.TrimSpace(p)
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "? ") {
			return nil, fmt.Errorf("route pattern %q: want a path such as /teams/{slug}/members, optionally after a method", s)
		}
		if m != "" && !isToken([]byte(m)) {
			return nil, fmt.Errorf("route pattern %q: %q is not an HTTP method", s, m)
		}
		segs := strings.Split(p[1:], "/")
		for _, sg := range segs {
			if strings.HasPrefix(sg, "{") != strings.HasSuffix(sg, "}") || strings.Count(sg, "{") > 1 || (strings.HasPrefix(sg, "{") && len(sg) < 3) {
				return nil, fmt.Errorf("route pattern %q: segment %q: a placeholder is a whole segment such as {id}", s, sg)
			}
		}
		r.patterns = append(r.patterns, pattern{strings.ToUpper(m), segs, p})
	}
	return r, nil
}

// Route returns the index of e's route in Routes, or -1 when the Router
// already tells MaxRoutes routes apart and e's is a new one.
func (r *Router) Route(e *Entry) int {
	path, query, hasQuery := bytes.Cut(e.Target, []byte{'?'})
	r.key = append(r.key[:0], e.Method...)
	r.key = append(r.key, ' ')
	r.vals = r.vals[:0]
	if !r.matchPattern(e.Method, path) {
		r.groupPath(path)
	}
	if r.keepQuery && hasQuery {
		r.key = append(r.key, '?')
		r.groupQuery(query)
	}
	id, ok := r.ids[string(r.key)]
	if !ok {
		if len(r.routes) >= MaxRoutes {
			r.overflow++
			return -1
		}
		id = len(r.routes)
		r.ids[string(r.key)] = id
		r.routes = append(r.routes, r.newRoute())
	}
	rt := r.routes[id]
	for i, v := range r.vals {
		rt.Params[i].add(v)
	}
	return id
}

// newRoute describes the route whose key was just built.
func (r *Router) newRoute() *Route {
	m, p, _ := bytes.Cut(r.key, []byte{' '})
	rt := &Route{Method: string(m), Path: string(p), Params: make([]Param, len(r.vals))}
	names := placeholders(rt.Path)
	for i := range rt.Params {
		rt.Params[i] = Param{Name: names[i], Numeric: true}
	}
	return rt
}

// placeholders lists the names of the {name} placeholders in a route path.
func placeholders(p string) []string {
	var names []string
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, p[i+1:i+j])
		p = p[i+j+1:]
	}
}

// Routes returns the routes seen, in order of first request.
func (r *Router) Routes() []*Route { return r.routes }

// Overflow counts the requests of routes beyond MaxRoutes.
func (r *Router) Overflow() int64 { return r.overflow }

func (r *Router) matchPattern(method, path []byte) bool {
	if len(r.patterns) == 0 {
		return false
	}
	for i := range r.patterns {
		pt := &r.patterns[i]
		if pt.method != "" && pt.method != string(method) {
			continue
		}
		rest := path[1:]
		ok := true
		start := len(r.vals)
		for j, sg := range pt.segs {
			seg, after, found := bytes.Cut(rest, []byte{'/'})
			if found == (j == len(pt.segs)-1) {
				ok = false // more or fewer segments than the pattern's
				break
			}
			if strings.HasPrefix(sg, "{") {
				r.vals = append(r.vals, seg)
			} else if sg != string(seg) {
				ok = false
				break
			}
			rest = after
		}
		if ok {
			r.key = append(r.key, pt.path...)
			return true
		}
		r.vals = r.vals[:start]
	}
	return false
}

// groupPath appends path to the key with its id segments replaced.
func (r *Router) groupPath(path []byte) {
	for len(path) > 0 {
		if path[0] == '/' {
			r.key = append(r.key, '/')
			path = path[1:]
			continue
		}
		i := bytes.IndexByte(path, '/')
		if i < 0 {
			i = len(path)
		}
		r.segment(path[:i])
		path = path[i:]
	}
}

// groupQuery appends a query to the key with its id values replaced.
func (r *Router) groupQuery(q []byte) {
	for i, kv := 0, q; len(kv) > 0 || i == 0; i++ {
		pair, rest, more := bytes.Cut(kv, []byte{'&'})
		k, v, hasV := bytes.Cut(pair, []byte{'='})
		if i > 0 {
			r.key = append(r.key, '&')
		}
		r.key = append(r.key, k...)
		if hasV {
			r.key = append(r.key, '=')
			r.segment(v)
		}
		if !more {
			break
		}
		kv = rest
	}
}

// segment appends one path segment or query value to the key, as {id}
// when it names one thing among many.
func (r *Router) segment(s []byte) {
	if isID(s) {
		r.key = append(r.key, "{id}"...)
		r.vals = append(r.vals, s)
		return
	}
	r.key = append(r.key, s...)
}

// isID reports whether a segment is a number, a UUID or a run of 8 or more
// hex digits holding at least one digit.
func isID(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	digits, hex := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			hex++
		case c == '-':
		default:
			return false
		}
	}
	switch {
	case digits == len(s):
		return true
	case len(s) == 36:
		return s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' && digits+hex == 32
	}
	return digits+hex == len(s) && len(s) >= 8 && digits > 0
}
