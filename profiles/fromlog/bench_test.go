package fromlog

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/internal/loggen"
	"github.com/burstlab/burstlab/profiles/accesslog"
)

// BenchmarkRead reads a generated 64 MiB log of each format (and the nginx
// one gzipped) into per-route curves: the hot path of `profile from-log`
// (see cmd/burstlab's BenchmarkFromLog1GB for the whole command on 1 GB).
// The figure is of uncompressed bytes.
func BenchmarkRead(b *testing.B) {
	for _, format := range []string{"combined", "alb", "json", "combined.gz"} {
		b.Run(format, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "access.log")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			var w io.Writer = f
			var zw *gzip.Writer
			if strings.HasSuffix(format, ".gz") {
				zw = gzip.NewWriter(f)
				w = zw
			}
			if _, err := loggen.Write(w, strings.TrimSuffix(format, ".gz"), 64<<20, 2000); err != nil {
				b.Fatal(err)
			}
			if zw != nil {
				zw.Close()
			}
			f.Close()
			read(b, path)
		})
	}
}

func read(b *testing.B, path string) {
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
