package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

// hostileRun runs the binary with a deadline: an input the CLI fails to
// refuse must fail the test, not hang it (a simulator that accepts its
// config serves until killed).
func hostileRun(t *testing.T, stdin string, args ...string) (stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("burstlab %q still ran after 60 s; stderr %q", args, e.String())
	}
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running burstlab %v: %v", args, err)
	}
	if o.Len() > 0 && code != 0 {
		t.Errorf("burstlab %q: refused input wrote stdout %q", args, o.String())
	}
	return e.String(), code
}

// TestHostileInput: hostile or careless input files are refused by the
// CLI with exit 2 and one line naming the file, the line and the field,
// holding no raw control character (#20 items 2, 3, 6, 8, 9, 12, 13, 15;
// #25 item 10).
func TestHostileInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "name: h\nduration: 10s\ntarget: {url: \"http://127.0.0.1:9\"}\n"
	const stream = "streams:\n  - name: app\n    request: {path: /a}\n    constant: {rate: 1}\n"
	// The bomb: nine levels of ten aliases each, about 600 bytes.
	items := []string{"&a0 [x,x,x,x,x,x,x,x,x,x]"}
	for i := 1; i < 9; i++ {
		items = append(items, fmt.Sprintf("&a%d [%s]", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ",")))
	}
	bomb := write("bomb.yaml", head+"gates: ["+strings.Join(items, ", ")+"]\n"+stream)

	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"alias bomb (#20 item 2)", "", []string{"profile", "validate", bomb}, "bomb.yaml:4:"},
		{"alias bomb message", "", []string{"profile", "validate", bomb}, "(an alias bomb?)"},
		{"type error (#25 item 10)", "", []string{"profile", "validate", write("type.yaml", head+"client:\n  max_workers: abc\n"+stream)},
			`type.yaml:5:16: client.max_workers: want a whole number >= 0, got string "abc"`},
		{"tab (#20 item 13)", "", []string{"profile", "validate", write("tab.yaml", head+strings.Replace(stream, "    constant", "\tconstant", 1))},
			"tab.yaml:7:1: a tab in the indentation: YAML indents with spaces only"},
		{"unknown fields in file order (#20 item 13)", "", []string{"profile", "validate", write("unknown.yaml", head+"client:\n  zz: 1\n  aa: 2\n  mm: 3\n"+stream)},
			`unknown.yaml:5:3: unknown field "zz" in client`},
		{"CR in a header (#20 item 6)", "", []string{"profile", "validate", write("cr.yaml", head+strings.Replace(stream, "{path: /a}", `{path: /a, headers: {X-A: "1\r\nX-B: 2"}}`, 1))},
			"cr.yaml:6:40: streams[0].request.headers.X-A: holds the control character U+000D"},
		{"stream name (#20 item 12)", "", []string{"profile", "validate", write("name.yaml", head+strings.Replace(stream, "name: app", "name: a b", 1))},
			`name.yaml:5:11: streams[0].name: "a b" holds ' ' (U+0020)`},
		{"sim replicas 0 in target.sim (#20 item 9)", "", []string{"profile", "validate", write("simzero.yaml", strings.Replace(head, `target: {url: "http://127.0.0.1:9"}`, "target: {sim: {replicas: 0}}", 1)+stream)},
			"simzero.yaml:3:26: target.sim.replicas: must be >= 1, got 0"},
		{"sim config slots 0 (#20 item 9)", "", []string{"sim", "--config", write("zero.yaml", "replicas: 3\nslots: 0\n")},
			"zero.yaml:2:8: slots: must be >= 1, got 0"},
		{"sim replicas bound (#20 item 8)", "", []string{"sim", "--replicas", "100000000"}, "replicas: must be <= 10000, got 100000000"},
		{"sim config bound (#20 item 8)", "", []string{"sim", "--config", write("big.yaml", "autoscale: {max_replicas: 100000000}\n")},
			"big.yaml:1:27: autoscale.max_replicas: must be <= 10000, got 100000000"},
		{"CR in a target URL (#20 item 15)", "GET http://127.0.0.1:9/a\rb\n", []string{"attack", "-rate", "1/s", "-duration", "1s"},
			`targets line 1: URL "http://127.0.0.1:9/a\rb": net/url: invalid control character in URL`},
		{"missing body at its @ line (#20 item 15)", "GET http://127.0.0.1:9/\nX-A: 1\n@" + filepath.Join(dir, "nope") + "\n", []string{"attack", "-rate", "1/s", "-duration", "1s"},
			"targets line 3: body file"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases = append(cases,
			struct {
				name, stdin string
				args        []string
				want        string
			}{"targets body /dev/zero (#20 item 3)", "POST http://127.0.0.1:9/\n@/dev/zero\n",
				[]string{"attack", "-rate", "1/s", "-duration", "1s"}, `targets line 2: body file "/dev/zero": larger than the 16 MiB cap on a request body`},
			struct {
				name, stdin string
				args        []string
				want        string
			}{"profile body_file /dev/zero (#20 item 3)", "",
				[]string{"profile", "validate", write("zero-body.yaml", head+strings.Replace(stream, "{path: /a}", "{path: /a, body_file: /dev/zero}", 1))},
				`zero-body.yaml:6:36: streams[0].request.body_file: "/dev/zero": larger than the 16 MiB cap on a request body`},
			struct {
				name, stdin string
				args        []string
				want        string
			}{"profile file /dev/zero", "",
				[]string{"profile", "validate", "/dev/zero"}, "/dev/zero: larger than the 4 MiB cap on a YAML file"},
		)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stderr, code := hostileRun(t, c.stdin, c.args...)
			if code != exitBadInput || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q\nwant exit 2 and one line with %q", code, stderr, c.want)
			}
			if strings.ContainsFunc(strings.TrimSuffix(stderr, "\n"), unicode.IsControl) {
				t.Errorf("stderr %q holds a raw control character", stderr)
			}
		})
	}

	// A profile saved with a byte order mark is the profile without it.
	bom := write("bom.yaml", "\ufeff"+head+stream)
	if stderr, code := hostileRun(t, "", "profile", "validate", bom); code != 0 {
		t.Errorf("a profile with a byte order mark: exit %d, %q", code, stderr)
	}
}
