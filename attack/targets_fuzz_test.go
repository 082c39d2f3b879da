package attack

import (
	"bytes"
	"math"
	"net/url"
	"strings"
	"testing"
)

// FuzzReadTargets feeds the targets reader arbitrary input in both formats:
// it returns targets every one of which net/http can send (an http or https
// URL with a host), or an error; it never panics.
func FuzzReadTargets(f *testing.F) {
	f.Add([]byte("GET http://127.0.0.1:8080/\n"), false)
	f.Add([]byte("GET http://127.0.0.1/a\nX-A: 1\n@body.json\n\nPOST https://h/b?x=1\n"), false)
	f.Add([]byte("GET /x\n"), false)
	f.Add([]byte("GET http://127.0.0.1/\nBad Name: x\n"), false)
	f.Add([]byte(`{"method":"GET","url":"http://127.0.0.1/","header":{"X":["a"]}}`+"\n"), true)
	f.Add([]byte(`{"method":"GET","url":"ftp://h/"}`), true)
	f.Fuzz(func(t *testing.T, data []byte, json bool) {
		format := "http"
		if json {
			format = "json"
		}
		if bytes.Contains(data, []byte("@")) && !json {
			// @file bodies read files: not what a fuzzer should reach.
			return
		}
		tgts, err := ReadTargets(bytes.NewReader(data), format, nil)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		for _, tg := range tgts {
			// Schemes are case-insensitive: Http://h is http://h.
			u, err := url.Parse(tg.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
				t.Fatalf("accepted %q", tg.URL)
			}
		}
	})
}

// FuzzParseRate: a rate parses to a finite number within 0..MaxRate, or to
// an error.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"500/s", "50/100ms", "10", "0", "1e12", "NaN", "-1", "1/0s", "5/", "1/1ns", "Inf/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if math.IsNaN(r) || math.IsInf(r, 0) || r < 0 || r > MaxRate {
			t.Fatalf("ParseRate(%q) = %v", s, r)
		}
	})
}
