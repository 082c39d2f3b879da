package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadConfig: any file either loads into a valid config or fails with
// one line naming the file.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{
		"slots: 4\n",
		"service: {median: 20ms, p99: 120ms}\nroutes:\n  - pattern: /users/*/teams\n    service: {fixed: 5ms}\n",
		"autoscale:\n  enabled: false\n  metric: rps\n",
		"queue_timeout: 2 seconds\n",
		"replicas: [1\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(p)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, p+":") || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line starting with the file name", msg)
			}
			return
		}
		if err := c.WithDefaults().Validate(); err != nil {
			t.Fatalf("loaded config does not validate: %v", err)
		}
	})
}
