package burst

import (
	"math"
	"testing"
)

// FuzzPromSelector feeds arbitrary selectors and exposition bodies to the
// Prometheus reader of a scale signal: a finite value or an error, never a
// panic.
func FuzzPromSelector(f *testing.F) {
	f.Add(`kube_deployment_status_replicas_available{deployment="api"}`, []byte("kube_deployment_status_replicas_available{deployment=\"api\"} 3\n"))
	f.Add(`replicas`, []byte("# TYPE replicas gauge\nreplicas 2\n"))
	f.Add(`x{a="1",b="2"}`, []byte("x{a=\"1\",b=\"2\"} NaN\n"))
	f.Add(`x{a=}`, []byte("x 1\n"))
	f.Fuzz(func(t *testing.T, selector string, body []byte) {
		if _, _, err := parseSelector(selector); err != nil {
			return
		}
		v, err := promValue(body, selector)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("promValue(%q) = %v", selector, v)
		}
	})
}
