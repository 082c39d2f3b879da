package docscheck

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	src := strings.Join([]string{
		"text",
		"<!-- docs-test: skip (takes 70 s) -->",
		"```sh",
		"./bin/burstlab run a.yaml -o out/a   # the run",
		"echo 'GET http://x/' | burstlab attack -rate 5/s \\",
		"    -duration 1s",
		"```",
		"<!-- docs-test: exact -->",
		"```console",
		"$ burstlab sim --replicas 2 > sim.url &",
		"$ burstlab profile plan b.yaml",
		"plan line",
		"...",
		"```",
	}, "\n")
	blocks, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 {
		t.Fatalf("got %d blocks", len(blocks))
	}
	sh, con := blocks[0], blocks[1]
	if sh.Directive != Skip || sh.Reason != "takes 70 s" || len(sh.Commands) != 2 || sh.Commands[1].Line != 5 {
		t.Errorf("sh block: %+v", sh)
	}
	if got := sh.Commands[0].Text; got != "./bin/burstlab run a.yaml -o out/a" {
		t.Errorf("comment not stripped: %q", got)
	}
	args, ok := BurstlabArgs(sh.Commands[1].Text)
	if !ok || !slices.Equal(args, []string{"attack", "-rate", "5/s", "-duration", "1s"}) {
		t.Errorf("args %q", args)
	}
	if con.Directive != Exact || len(con.Commands) != 2 || !slices.Equal(con.Commands[1].Output, []string{"plan line", "..."}) {
		t.Errorf("console block: %+v", con)
	}
	bg, isBg := Background(con.Commands[0].Text)
	if f, ok := StdoutFile(bg); !isBg || !ok || f != "sim.url" {
		t.Errorf("background %q %v, stdout %q %v", bg, isBg, f, ok)
	}
	if f, ok := StdoutFile("burstlab sim 2> err.txt"); ok {
		t.Errorf("2> taken for stdout: %q", f)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, src := range []string{
		"<!-- docs-test: skip -->\n```sh\nburstlab run a.yaml\n```\n",
		"<!-- docs-test: maybe (x) -->\n```sh\nburstlab run a.yaml\n```\n",
		"<!-- docs-test: exact -->\nsome prose\n```sh\nburstlab run a.yaml\n```\n",
		"```sh\nburstlab run a.yaml\n",
	} {
		if _, err := Parse("x.md", []byte(src)); err == nil {
			t.Errorf("accepted %q", src)
		}
	}
}
