package yamlfile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

type limits struct {
	MaxWorkers uint64        `yaml:"max_workers"`
	Timeout    time.Duration `yaml:"timeout"`
	Workers    uint64        `yaml:"workers"`
	Rate       float64       `yaml:"rate"`
}

type doc struct {
	Name    string            `yaml:"name"`
	Client  limits            `yaml:"client"`
	Gates   []string          `yaml:"gates"`
	Headers map[string]string `yaml:"headers"`
	Items   []limits          `yaml:"items"`
}

// bomb is an alias bomb: levels lists, each of ten aliases of the one
// before, held by a list of strings so that the decoder expands them all
// before it finds the type wrong.
func bomb(levels int) string {
	items := []string{"&a0 [x,x,x,x,x,x,x,x,x,x]"}
	for i := 1; i < levels; i++ {
		items = append(items, fmt.Sprintf("&a%d [%s]", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ",")))
	}
	return "name: b\ngates: [" + strings.Join(items, ", ") + "]\n"
}

// TestAliasBomb (#20 item 2): a few hundred bytes of aliases that expand to
// 10^9 values are refused before decoding, naming the alias that crossed
// the bound, without the memory the expansion would take.
func TestAliasBomb(t *testing.T) {
	src := bomb(9)
	if len(src) > 700 {
		t.Fatalf("bomb is %d bytes", len(src))
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var d doc
	err := Decode([]byte(src), &d)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err == nil || !strings.HasPrefix(err.Error(), "2:") || !strings.Contains(err.Error(), "alias *a") || !strings.Contains(err.Error(), "alias bomb") {
		t.Fatalf("error %v, want the alias bomb refused at line 2", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Errorf("refusing the bomb allocated %d MiB", grown>>20)
	}

	// Too many aliases, each small.
	var b strings.Builder
	b.WriteString("headers: &h {a: b}\nitems:\n")
	for range MaxAliases + 1 {
		b.WriteString("  - {}\n")
	}
	b.WriteString("gates: [")
	for i := range MaxAliases + 1 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*h")
	}
	b.WriteString("]\n")
	if err := Decode([]byte(b.String()), &d); err == nil || !strings.Contains(err.Error(), "more than 1000 aliases") {
		t.Errorf("%d aliases: error %v", MaxAliases+1, err)
	}

	// A few aliases, as a profile shares a block, decode.
	ok := "headers: &h {a: b}\nitems:\n  - &l {workers: 2}\n  - *l\n"
	if err := Decode([]byte(ok), &d); err != nil || len(d.Items) != 2 || d.Items[1].Workers != 2 {
		t.Errorf("shared block: %v, %+v", err, d)
	}
}

// TestBOMTabUnknown (#20 item 13): a leading byte order mark is dropped; a
// tab in the indentation is called a tab; of several unknown fields the
// first in the file is named, every time.
func TestBOMTabUnknown(t *testing.T) {
	var d doc
	if err := Decode([]byte("\ufeffname: x\n"), &d); err != nil || d.Name != "x" {
		t.Errorf("BOM: %v, name %q", err, d.Name)
	}
	err := Decode([]byte("name: x\nclient:\n  workers: 1\n\ttimeout: 1s\n"), &d)
	if err == nil || err.Error() != "4:1: a tab in the indentation: YAML indents with spaces only" {
		t.Errorf("tab: %v", err)
	}
	src := "name: x\nclient:\n  workers: 1\n  zeta: 1\n  alpha: 2\n  mu: 3\n  beta: 4\n"
	for range 30 {
		err := Decode([]byte(src), &d)
		if err == nil || err.Error() != `4:3: unknown field "zeta" in client` {
			t.Fatalf("unknown fields: %v, want zeta (the first) each time", err)
		}
	}
	err = Decode([]byte("name: x\nitems:\n  - {workers: 1}\n  - {wrokers: 2}\n"), &d)
	if err == nil || err.Error() != `4:6: unknown field "wrokers" in items[1]` {
		t.Errorf("unknown in a list: %v", err)
	}
}

// TestTypeErrors (#25 item 10): a value of the wrong type is named by its
// YAML path and described in YAML words, never Go's type names.
func TestTypeErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"client:\n  max_workers: abc\n", `2:16: client.max_workers: want a whole number >= 0, got string "abc"`},
		{"client:\n  timeout: 60\n", `2:12: client.timeout: want a duration with a unit (500ms, 60s, 1m30s), got integer 60`},
		{"client:\n  timeout: sixty\n", `2:12: client.timeout: invalid duration "sixty" (write durations such as 500ms, 60s or 1m30s)`},
		{"client: [1, 2]\n", `1:9: client: want a mapping, got a list`},
		{"items:\n  - {rate: fast}\n", `2:12: items[0].rate: want a number, got string "fast"`},
		{"gates: {a: b}\n", `1:8: gates: want a list, got a mapping`},
		{"client:\n  workers: 99999999999999999999999\n", `2:12: client.workers: want a whole number >= 0, got 99999999999999999999999 (out of range)`},
		{"client:\n  workers: -1\n", `2:12: client.workers: want a whole number >= 0, got -1 (out of range)`},
	} {
		var d doc
		err := Decode([]byte(tc.src), &d)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v\nwant %s", tc.src, err, tc.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "Go struct") || strings.Contains(msg, "interface {}") || strings.Contains(msg, "\n") {
			t.Errorf("%q: %q speaks Go", tc.src, msg)
		}
	}
}

// TestReadFileCap (#20 item 3): a file past MaxBytes, or a device that
// never ends, is refused after MaxBytes+1 bytes.
func TestReadFileCap(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err := ReadFile("/dev/zero")
		if err == nil || !strings.Contains(err.Error(), "4 MiB cap") {
			t.Errorf("/dev/zero: %v", err)
		}
	}
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, []byte("name: x\n"+strings.Repeat("#\n", MaxBytes/2)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p); err == nil {
		t.Errorf("a file of %d bytes was read", MaxBytes+8)
	}
}
