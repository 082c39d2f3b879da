package profiles

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// head is the part of a test profile before its streams.
const head = `name: t
seed: 7
duration: 60s
target: {url: "http://127.0.0.1:9"}
`

// mustParse parses a profile or fails the test.
func mustParse(t testing.TB, src string) *Profile {
	t.Helper()
	p, err := Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return p
}

// mustPlan parses and plans a profile or fails the test.
func mustPlan(t testing.TB, src string) *Plan {
	t.Helper()
	pl, err := NewPlan(mustParse(t, src))
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return pl
}

// writeFile writes a file into dir and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// arrivals collects a plan's whole schedule (tests only: plans are small).
func arrivals(pl *Plan) []Arrival {
	var out []Arrival
	sc := pl.Schedule()
	for {
		a, ok := sc.Next()
		if !ok {
			return out
		}
		out = append(out, a)
	}
}

// hashPlan hashes every arrival and its rendered request.
func hashPlan(pl *Plan) string {
	h := sha256.New()
	sc := pl.Schedule()
	var buf [8]byte
	put := func(v int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	for {
		a, ok := sc.Next()
		if !ok {
			break
		}
		put(a.Seq)
		put(int64(a.Stream))
		put(int64(a.Intended))
		put(a.StreamSeq)
		put(a.Event)
		put(a.Subscriber)
		r := pl.Request(a)
		fmt.Fprintf(h, "%s %s\n", r.Method, r.Path)
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range r.Header {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(h, "%s: %s\n", k, strings.Join(r.Header[k], ","))
		}
		h.Write(r.Body)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// ceilCount is ⌈x⌉ forgiving float error, the count of even arrivals in [0, t)
// when x = Λ(t).
func ceilCount(x float64) int64 {
	if r := math.Round(x); math.Abs(x-r) < 1e-6 {
		return int64(r)
	}
	return int64(math.Ceil(x))
}
