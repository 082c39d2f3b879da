package fromlog

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/burstlab/burstlab/internal/loggen"
	"github.com/burstlab/burstlab/profiles/accesslog"
)

// BenchmarkRead reads a generated 64 MiB nginx log into per-route curves:
// the hot path of `profile from-log` (see cmd/burstlab's BenchmarkFromLog1GB
// for the whole command on 1 GB).
func BenchmarkRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "access.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := loggen.WriteCombined(f, 64<<20, 2000); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(64 << 20)
	b.ReportAllocs()
	for b.Loop() {
		r, err := accesslog.Open([]string{path}, accesslog.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rt, _ := accesslog.NewRouter(nil, false)
		l, err := Read(context.Background(), r, rt)
		r.Close()
		if err != nil || l.Stats.Malformed.Count > 0 {
			b.Fatal(err, l.Stats.Malformed)
		}
		Streams(l, Options{})
	}
}
