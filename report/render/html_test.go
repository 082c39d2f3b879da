package render

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTMLInBrowser renders the synthetic report, opens it in headless
// Chromium with the network off and checks the screenshot shows charts:
// many distinct colours, not a blank or broken page.
func TestHTMLInBrowser(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no Chromium installed (apt-get install chromium): the HTML report is not checked in a browser")
	}
	dir := t.TempDir()
	rec := fixture(t)
	page := filepath.Join(dir, "report.html")
	if err := RenderFile(page, HTML{}, rec); err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(page)
	for _, bad := range []string{"<?xml", "<script", "http://", "https://"} {
		// The only URLs allowed are the target's and SVG's namespace.
		if bad == "http://" {
			if n := strings.Count(string(html), bad) - strings.Count(string(html), "http://www.w3.org/") - strings.Count(string(html), rec.Target); n > 0 {
				t.Errorf("the report references %d http:// URLs", n)
			}
			continue
		}
		if strings.Contains(string(html), bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1200,2000", "file://"+page)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out.String())
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, out.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := colours(img); n < 50 {
		t.Errorf("the screenshot has %d distinct colours, want a page with charts (>= 50)", n)
	}
	if keep := os.Getenv("BURSTLAB_KEEP_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(keep, data, 0o644)
	}
}

func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}
