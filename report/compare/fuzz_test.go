package compare

import (
	"strings"
	"testing"
)

// FuzzParseBound: a --max-regression spec parses to a bound that writes
// itself back as the spec, or to a one-line error.
func FuzzParseBound(f *testing.F) {
	for _, s := range []string{"p99_recovery=20%", "peak_p99=100ms", "error_ratio=0.5%", "x=1", "=", "peak_p99=-1s", "time_to_scale=1e400s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		b, err := ParseBound(spec)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		if b.String() != b.Spec {
			t.Fatalf("ParseBound(%q).String() = %q", spec, b.String())
		}
	})
}
