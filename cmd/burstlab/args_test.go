package main

import (
	"slices"
	"testing"
)

// TestReorderFlags checks that flags after a positional argument are still
// parsed, as users of vegeta and k6 expect (`burstlab run p.yaml -o dir`).
func TestReorderFlags(t *testing.T) {
	t.Parallel()
	app := newApp()
	cases := []struct{ in, want []string }{
		{[]string{"burstlab", "run", "p.yaml", "-o", "dir"}, []string{"burstlab", "run", "-o", "dir", "--", "p.yaml"}},
		{[]string{"burstlab", "run", "p.yaml", "--gate", "p99 < 1s", "-o=dir"}, []string{"burstlab", "run", "--gate", "p99 < 1s", "-o=dir", "--", "p.yaml"}},
		{[]string{"burstlab", "profile", "plan", "p.yaml", "--json"}, []string{"burstlab", "profile", "plan", "--json", "--", "p.yaml"}},
		{[]string{"burstlab", "report", "--format", "md", "a", "b"}, []string{"burstlab", "report", "--format", "md", "--", "a", "b"}},
		{[]string{"burstlab", "nope", "x", "-y"}, []string{"burstlab", "nope", "x", "-y"}},
		{[]string{"burstlab"}, []string{"burstlab"}},
	}
	for _, c := range cases {
		if got, err := reorderFlags(app, c.in); err != nil || !slices.Equal(got, c.want) {
			t.Errorf("reorderFlags(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
