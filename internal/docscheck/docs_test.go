package docscheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// commandLimit bounds every command a docs block runs: the docs mark a
// block that takes longer with <!-- docs-test: skip (REASON) -->.
const commandLimit = 60 * time.Second

var (
	root string // the repository
	bin  string // burstlab, built once
)

func TestMain(m *testing.M) {
	var err error
	root, err = filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "burstlab-docs")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "burstlab")
	build := exec.Command("go", "build", "-o", bin, "./cmd/burstlab")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// docFiles are the Markdown files whose commands are checked.
func docFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, files...)
}

// allBlocks parses every doc file's fenced blocks.
func allBlocks(t *testing.T) []Block {
	t.Helper()
	var out []Block
	for _, f := range docFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		blocks, err := Parse(rel, src)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blocks...)
	}
	return out
}

// burstlabCommands are a block's commands that run burstlab.
func burstlabCommands(b Block) []Command {
	var out []Command
	for _, c := range b.Commands {
		if _, ok := BurstlabArgs(c.Text); ok {
			out = append(out, c)
		}
	}
	return out
}

// TestDocsBlocksSayWhatTheyHold: every fenced block has an info string, so
// a command block is never left out of the check by being left untagged.
func TestDocsBlocksSayWhatTheyHold(t *testing.T) {
	t.Parallel()
	for _, b := range allBlocks(t) {
		if b.Info == "" {
			t.Errorf("%s: a block without an info string: tag it sh (commands), console ($ commands and their output), text, yaml, ...", b.Where())
		}
		if b.Directive != Run && len(burstlabCommands(b)) == 0 {
			t.Errorf("%s: a docs-test comment on a block with no burstlab command", b.Where())
		}
	}
}

// TestDocsCommandsParse: every burstlab command of every block, skipped or
// not, parses (its flags exist and their values are well formed: the
// command with --help appended exits 0), and the profiles and files it
// names exist (a profile also validates).
func TestDocsCommandsParse(t *testing.T) {
	t.Parallel()
	validated := map[string]bool{}
	for _, b := range allBlocks(t) {
		for _, c := range burstlabCommands(b) {
			args := synopsisArgs(c.Text)
			where := fmt.Sprintf("%s:%d", b.File, c.Line)
			out, code := runBin(t, root, append(slices.Clone(args), "--help")...)
			if code != 0 {
				t.Errorf("%s: `burstlab %s` does not parse: %s", where, strings.Join(args, " "), firstLine(out))
			}
			for i, a := range args {
				if !isFileArg(a) || i > 0 && slices.Contains([]string{"-o", "--out", "--output"}, args[i-1]) {
					continue // an output the command writes
				}
				if _, err := os.Stat(filepath.Join(root, a)); err != nil {
					t.Errorf("%s: %s names %s, which is not in the repository", where, c.Text, a)
					continue
				}
				if len(args) == 0 || !slices.Contains([]string{"run", "capacity", "profile"}, args[0]) || validated[a] {
					continue
				}
				validated[a] = true
				if out, code := runBin(t, root, "profile", "validate", a); code != 0 {
					t.Errorf("%s: %s does not validate: %s", where, a, firstLine(out))
				}
			}
		}
	}
}

// synopsisArgs returns the burstlab arguments of a command, with a
// synopsis' brackets and ellipses taken off: `[-from 100/s]` is -from 100/s.
func synopsisArgs(text string) []string {
	args, _ := BurstlabArgs(text)
	var out []string
	for _, a := range args {
		a = strings.TrimSuffix(strings.TrimSuffix(a, "..."), "]")
		a = strings.TrimPrefix(a, "[")
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}

// isFileArg reports whether a burstlab argument names a file the docs
// expect in the repository: a YAML file that is not a placeholder.
func isFileArg(a string) bool {
	return (strings.HasSuffix(a, ".yaml") || strings.HasSuffix(a, ".yml")) && !strings.HasPrefix(a, "-") && strings.ToUpper(a) != a
}

// TestDocsBlocksRun runs every block not marked skip, as written, in a
// directory holding the repository's examples and bin/burstlab, with a
// fresh loopback port for each fixed address and a stand-in record for
// each record the docs make with a run too long for the test. It fails
// when a command exits 2 (usage: a flag, a file or a field is gone), 3 or
// by a signal, or runs past commandLimit; when a table or CSV header the
// doc shows is not in today's output; and, in a block marked exact, when
// the output differs. Exit 0 or 1 is a real run's outcome either way (a
// loaded machine turns a verdict), so it is not judged.
//
// The blocks run side by side whatever -parallel says: they mostly wait on
// the clock (a 24 s run sends a few hundred requests a second), so the
// test takes about as long as its longest block.
func TestDocsBlocksRun(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for _, b := range allBlocks(t) {
		if b.Directive == Skip || len(burstlabCommands(b)) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(b.Where(), func(t *testing.T) { runBlock(t, b) })
		}()
	}
	wg.Wait()
}

var addrRE = regexp.MustCompile(`127\.0\.0\.1:([1-9][0-9]*)`)

func runBlock(t *testing.T, b Block) {
	dir := t.TempDir()
	ports := map[string]string{}
	sub := func(s string) string {
		return addrRE.ReplaceAllStringFunc(s, func(a string) string {
			if ports[a] == "" {
				ports[a] = freeAddr(t)
			}
			return ports[a]
		})
	}
	var texts []string
	for _, c := range b.Commands {
		texts = append(texts, sub(c.Text))
	}
	workdir(t, dir, sub)
	standIns(t, dir, texts)

	last := 0
	for i, c := range b.Commands {
		text := texts[i]
		where := fmt.Sprintf("%s:%d", b.File, c.Line)
		switch {
		case strings.HasPrefix(text, "kill "):
			continue // background commands are stopped when the block ends
		case text == "echo $?":
			if b.Directive == Exact {
				compareExact(t, where, text, c.Output, fmt.Sprint(last))
			}
			continue
		}
		if bgText, bg := Background(text); bg {
			startBackground(t, dir, where, bgText, i)
			continue
		}
		out, code := shell(t, dir, text)
		last = code
		if b.Directive == Exact {
			compareExact(t, where, text, c.Output, out)
			continue
		}
		if code != 0 && code != 1 {
			t.Errorf("%s: `%s` exited %d:\n%s", where, c.Text, code, tail(out, 15))
			continue
		}
		for _, h := range headers(c) {
			if !slices.Contains(headers(Command{Text: text, Output: strings.Split(out, "\n")}), h) {
				t.Errorf("%s: `%s` printed no header %q today:\n%s", where, c.Text, h, tail(out, 30))
			}
		}
	}
}

// workdir fills dir as the docs' commands expect the repository: the
// examples (copied, with their fixed addresses replaced by sub), the
// capacity test profiles and bin/burstlab.
func workdir(t *testing.T, dir string, sub func(string) string) {
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, []byte(sub(string(data))), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ dst, src string }{
		{"capacity/testdata", filepath.Join(root, "capacity", "testdata")},
		{"bin/burstlab", bin},
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, l.dst)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l.src, filepath.Join(dir, l.dst)); err != nil {
			t.Fatal(err)
		}
	}
}

// standInDirs are the records the docs make with runs too long for the
// test (the 70 s incident runs, a base run to compare with).
var standInDirs = []string{"out/slow", "out/fast", "out/base", "out/new"}

// standIns copies the stand-in record into dir for each of standInDirs a
// block names but does not write itself.
func standIns(t *testing.T, dir string, texts []string) {
	for _, rec := range standInDirs {
		named, written := false, false
		for _, text := range texts {
			args, _ := BurstlabArgs(text)
			for i, a := range args {
				if a == rec || strings.HasPrefix(a, rec+"/") {
					named = true
				}
				if (a == "-o" || a == "--out") && i+1 < len(args) && args[i+1] == rec && args[0] != "report" {
					written = true
				}
			}
		}
		if named && !written {
			copyDir(t, standIn(t), filepath.Join(dir, rec))
		}
	}
}

var (
	standInOnce sync.Once
	standInDir  string
	standInErr  error
)

// standIn returns a record of testdata/incident-mini.yaml, the incident in
// miniature with kustomer-2019.yaml's streams and alert rules, made once.
func standIn(t *testing.T) string {
	t.Helper()
	standInOnce.Do(func() {
		dir, err := os.MkdirTemp("", "burstlab-docs-record")
		if err != nil {
			standInErr = err
			return
		}
		standInDir = filepath.Join(dir, "rec")
		profile := filepath.Join(root, "internal", "docscheck", "testdata", "incident-mini.yaml")
		cmd := exec.Command(bin, "run", profile, "-o", standInDir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() != 1 {
			standInErr = fmt.Errorf("the stand-in record: %v\n%s", err, out.String())
		}
	})
	if standInErr != nil {
		t.Fatal(standInErr)
	}
	return standInDir
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// shell runs one command under bash in dir with bin/burstlab first on
// PATH, bounded by commandLimit; it returns stdout and stderr together, in
// the order written, and the exit code (-1: killed).
func shell(t *testing.T, dir, text string) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), commandLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", text)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"), "GITHUB_STEP_SUMMARY=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Errorf("`%s` ran past %v", text, commandLimit)
		return out.String(), -1
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("`%s`: %v", text, err)
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// startBackground starts a command sent to the background (a simulator),
// waits for the first line of its stdout (its URL), and stops it when the
// block's test ends.
func startBackground(t *testing.T, dir, where, text string, n int) {
	file, ok := StdoutFile(text)
	if !ok {
		file = fmt.Sprintf(".background-%d.out", n)
		text += " > " + file
	}
	cmd := exec.Command("bash", "-c", text)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		// A group that ended by itself is not signalled: its id may be
		// another's by now (pids wrap at 32768 here), another block's
		// simulator started meanwhile.
		select {
		case <-done:
			return
		default:
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	deadline := time.After(15 * time.Second)
	for {
		if data, _ := os.ReadFile(filepath.Join(dir, file)); bytes.Contains(data, []byte("\n")) {
			return
		}
		select {
		case <-done:
			t.Fatalf("%s: `%s` ended (%v) before it printed its first line:\n%s", where, text, cmd.ProcessState, stderr.String())
		case <-deadline:
			t.Fatalf("%s: `%s` printed no line in 15s:\n%s", where, text, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// runBin runs the built binary in dir and returns its output and exit code.
func runBin(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// headers are the names a command's output shows: the header row of each
// terminal table (cells trimmed) and Markdown table, and a CSV header.
func headers(c Command) []string {
	lines := c.Output
	var out []string
	if strings.Contains(c.Text, "--format csv") && len(lines) > 0 {
		out = append(out, strings.TrimSpace(lines[0]))
	}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "+-") && i+1 < len(lines) && (i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "|")):
			out = append(out, cells(lines[i+1]))
		case strings.HasPrefix(l, "|") && i+1 < len(lines) && regexp.MustCompile(`^\|\s*:?-`).MatchString(strings.TrimSpace(lines[i+1])):
			out = append(out, cells(l))
		}
	}
	return out
}

func cells(row string) string {
	parts := strings.Split(strings.Trim(strings.TrimSpace(row), "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, " | ")
}

// compareExact fails unless out matches the doc's lines, "..." standing
// for any lines.
func compareExact(t *testing.T, where, text string, doc []string, out string) {
	got := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i := range got {
		got[i] = strings.TrimRight(got[i], " ")
	}
	want := make([]string, len(doc))
	for i := range doc {
		want[i] = strings.TrimRight(doc[i], " ")
	}
	if !matchLines(want, got) {
		t.Errorf("%s: `%s` printed\n%s\nthe doc shows\n%s", where, text, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for k := 0; k <= len(got); k++ {
			if matchLines(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && want[0] == got[0] && matchLines(want[1:], got[1:])
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// helpFlags lists the flags `burstlab CMD --help` prints (names without
// dashes), --help itself aside.
func helpFlags(t *testing.T, cmd string) []string {
	out, code := runBin(t, root, append(strings.Fields(cmd), "--help")...)
	if code != 0 {
		t.Fatalf("burstlab %s --help: exit %d: %s", cmd, code, out)
	}
	_, opts, _ := strings.Cut(out, "OPTIONS:\n")
	var names []string
	for _, l := range strings.Split(opts, "\n") {
		l = strings.TrimSpace(l)
		head, _, _ := strings.Cut(l, "  ")
		head, _, _ = strings.Cut(head, " [ ")
		for _, part := range strings.Split(head, ", ") {
			f := strings.Fields(part)
			if len(f) > 0 && strings.HasPrefix(f[0], "-") && f[0] != "--help" && f[0] != "-h" {
				names = append(names, strings.TrimLeft(f[0], "-"))
			}
		}
	}
	sort.Strings(names)
	return names
}

var (
	sectionCommandRE = regexp.MustCompile("`burstlab ([a-z]+(?: (?:validate|plan))?)`")
	backtickedRE     = regexp.MustCompile("`([^`]+)`")
)

// TestFlagsDocumented: docs/flags.md lists every flag of every command, and
// no flag a command does not have.
func TestFlagsDocumented(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(root, "docs", "flags.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	var section []string
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "## ") {
			section = nil
			for _, m := range sectionCommandRE.FindAllStringSubmatch(l, -1) {
				section = append(section, m[1])
			}
			continue
		}
		if !strings.HasPrefix(l, "| `-") {
			continue
		}
		first := strings.Split(strings.ReplaceAll(l, `\|`, "/"), "|")[1]
		for _, m := range backtickedRE.FindAllStringSubmatch(first, -1) {
			name := strings.TrimLeft(strings.Fields(m[1])[0], "-")
			for _, cmd := range section {
				documented[cmd] = append(documented[cmd], name)
			}
		}
	}
	for _, cmd := range []string{"run", "attack", "report", "compare", "capacity", "sim", "profile validate", "profile plan", "version"} {
		have := helpFlags(t, cmd)
		doc := documented[cmd]
		for _, f := range have {
			if !slices.Contains(doc, f) {
				t.Errorf("docs/flags.md: burstlab %s --%s is not documented", cmd, f)
			}
		}
		for _, f := range doc {
			if !slices.Contains(have, f) {
				t.Errorf("docs/flags.md: burstlab %s has no flag --%s", cmd, f)
			}
		}
	}
}

var knownRE = regexp.MustCompile(`\(known: ([^)]*)\)`)

// knownNames runs a gate on an unknown name and returns the names the
// error lists as known.
func knownNames(t *testing.T, expr string) []string {
	out, code := runBin(t, root, "report", "--gate", expr, standIn(t))
	m := knownRE.FindStringSubmatch(out)
	if code != 2 || m == nil {
		t.Fatalf("report --gate %q: exit %d, no list of known names: %s", expr, code, out)
	}
	return strings.Split(m[1], ", ")
}

// TestGateFiguresDocumented: docs/gates.md names every figure a gate
// accepts, and every field of a stream figure.
func TestGateFiguresDocumented(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(root, "docs", "gates.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	_, figures, _ := strings.Cut(doc, "\n## Figures\n")
	figures, _, _ = strings.Cut(figures, "\n## ")
	var tableNames []string
	for _, l := range strings.Split(figures, "\n") {
		if strings.HasPrefix(l, "| `") {
			for _, m := range backtickedRE.FindAllStringSubmatch(strings.Split(l, "|")[1], -1) {
				tableNames = append(tableNames, m[1])
			}
		}
	}
	for _, f := range knownNames(t, "zzzzzzzzzzzzzzzzzzzz < 1") {
		if !slices.Contains(tableNames, f) {
			t.Errorf("docs/gates.md: the figure %s is not in the table of figures", f)
		}
	}
	for _, f := range tableNames {
		if out, _ := runBin(t, root, "report", "--format", "json", "--gate", f+" >= 0", standIn(t)); strings.Contains(out, "unknown figure") {
			t.Errorf("docs/gates.md: the table names %s, which no gate accepts: %s", f, firstLine(out))
		}
	}
	_, para, _ := strings.Cut(doc, "Stream figures are ")
	para, _, _ = strings.Cut(para, "\n\n")
	var fields []string
	for _, m := range backtickedRE.FindAllStringSubmatch(para, -1) {
		fields = append(fields, strings.Fields(m[1])...)
	}
	for _, f := range knownNames(t, "stream.app.zzzzzzzzzzzzzz < 1") {
		if !slices.Contains(fields, f) {
			t.Errorf("docs/gates.md: the stream field %s is not under \"Stream figures are\"", f)
		}
	}
}

// TestRecordFieldsDocumented: every field of a record made today is named
// in docs/record.md, and every field its tables name is one a record has
// (or defines); the names of --format metrics are listed there too.
func TestRecordFieldsDocumented(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(root, "docs", "record.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	data, err := os.ReadFile(filepath.Join(standIn(t), "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	have, seen := map[string]bool{}, map[string]bool{}
	// Objects whose keys are fields (not maps keyed by class, code or name).
	for _, path := range []string{"", "settings", "burst", "generator", "summary", "summary.recovery",
		"streams[]", "windows[]", "windows[].streams[]", "alerts[]", "alerts[].episodes[]", "scale_events[]"} {
		for _, obj := range objectsAt(rec, path) {
			for k := range obj {
				have[k] = true
				if !strings.Contains(doc, "`"+k+"`") && !seen[path+k] {
					seen[path+k] = true
					t.Errorf("docs/record.md does not name %s's field %s", or(path, "run.json"), k)
				}
			}
		}
	}
	if defs, ok := rec["definitions"].(map[string]any); ok {
		for k := range defs {
			have[k] = true
		}
	}
	_, runJSON, _ := strings.Cut(doc, "\n## run.json\n")
	runJSON, _, _ = strings.Cut(runJSON, "\n## ")
	for _, l := range strings.Split(runJSON, "\n") {
		if !strings.HasPrefix(l, "| `") {
			continue
		}
		for _, m := range backtickedRE.FindAllStringSubmatch(strings.Split(l, "|")[1], -1) {
			if !have[m[1]] && !slices.Contains([]string{"notes", "shards"}, m[1]) {
				t.Errorf("docs/record.md names %s, which a record made today has not and run.json's definitions do not define", m[1])
			}
		}
	}
	out, code := runBin(t, root, "report", "--format", "metrics", standIn(t))
	if code != 0 {
		t.Fatalf("report --format metrics: exit %d: %s", code, out)
	}
	_, metrics, _ := strings.Cut(doc, "- `--format metrics`")
	metrics, _, _ = strings.Cut(metrics, "\n- ")
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		name, _, _ := strings.Cut(l, " ")
		if !strings.Contains(metrics, "`"+name+"`") {
			t.Errorf("docs/record.md's --format metrics does not list %s", name)
		}
	}
}

// objectsAt returns the JSON objects at path ("a.b", "a[]" for each element).
func objectsAt(v any, path string) []map[string]any {
	if path == "" {
		if m, ok := v.(map[string]any); ok {
			return []map[string]any{m}
		}
		return nil
	}
	head, rest, _ := strings.Cut(path, ".")
	name, each := strings.CutSuffix(head, "[]")
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var out []map[string]any
	if each {
		list, _ := m[name].([]any)
		for _, e := range list {
			out = append(out, objectsAt(e, rest)...)
		}
		return out
	}
	return objectsAt(m[name], rest)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestCapacityKeysDocumented: docs/capacity.md names every key of
// capacity.json and of --format json, from a two-step search of a
// loopback server.
func TestCapacityKeysDocumented(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(root, "docs", "capacity.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "capacity", "-slo-p99", "1s", "-from", "20/s", "-to", "40/s", "-step", "600ms", "-warmup", "100ms",
		"--format", "json", "--gate", "capacity >= 1/s", "-o", filepath.Join(dir, "cap"))
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() > 1 {
		t.Fatalf("capacity: %v: %s", err, stderr.String())
	}
	file, err := os.ReadFile(filepath.Join(dir, "cap", "capacity.json"))
	if err != nil {
		t.Fatal(err)
	}
	for what, data := range map[string][]byte{"capacity.json": file, "--format json": stdout.Bytes()} {
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		seen := map[string]bool{}
		for _, path := range []string{"", "settings", "steps[]", "gates[]"} {
			for _, obj := range objectsAt(v, path) {
				for k := range obj {
					if !strings.Contains(doc, "`"+k+"`") && !seen[path+k] {
						seen[path+k] = true
						t.Errorf("docs/capacity.md does not name the key %s of %s (%s)", k, what, or(path, "top level"))
					}
				}
			}
		}
	}
}
