// Package docscheck reads the command examples out of burstlab's Markdown
// docs, so a test can run them against the real CLI and fail when a flag, a
// file or a field they name is gone.
//
// The docs' fenced blocks say what they hold by their info string:
//
//   - ```sh: every line is a shell command (# comments and blank lines aside;
//     a line ending in \ continues on the next);
//   - ```console: a transcript: lines starting with "$ " are commands, the
//     lines after each are what it printed ("..." stands for lines left out);
//   - anything else (```text, ```yaml, ...): no commands.
//
// An HTML comment on the line before a block directs the check:
//
//	<!-- docs-test: skip (REASON) -->   the block takes too long to run (or
//	                                     names a target that is not there):
//	                                     its commands are only parsed
//	<!-- docs-test: exact -->           the printed lines must match exactly
//	                                     (deterministic output: a plan, an error)
package docscheck

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Directive is what a docs-test comment asks of the block after it.
type Directive string

// The directives a block may carry.
const (
	Run   Directive = ""      // run it; check exit codes and the names it shows
	Skip  Directive = "skip"  // parse its commands only; Reason says why
	Exact Directive = "exact" // run it; its output must match the doc's
)

// Block is one fenced block of a Markdown file.
type Block struct {
	File      string
	Line      int    // of the opening fence, 1-based
	Info      string // the fence's info string: sh, console, text, yaml, ...
	Directive Directive
	Reason    string // why a block is skipped
	Commands  []Command
	Body      []string // the block's lines, fences excluded
}

// Command is one shell command of a block, with what the doc shows it printed.
type Command struct {
	Line   int    // 1-based, in the Markdown file
	Text   string // the shell text, continuation lines joined
	Output []string
}

// Where names the block for messages: file:line.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

var directiveRE = regexp.MustCompile(`^<!--\s*docs-test:\s*(\w+)\s*(?:\((.*)\))?\s*-->$`)

// Parse reads the fenced blocks of the Markdown text src (named file in
// messages). A malformed docs-test comment (an unknown directive, a skip
// without its reason, a comment not followed by a block) is an error.
func Parse(file string, src []byte) ([]Block, error) {
	var blocks []Block
	var pending *Block // a directive waiting for its block
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur *Block
	fence := ""
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur != nil {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`~") == "" {
				cur.Commands = commands(cur.Info, cur.Body, cur.Line+1)
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			cur.Body = append(cur.Body, line)
			continue
		}
		if strings.HasPrefix(trimmed, "<!--") && strings.Contains(trimmed, "docs-test") {
			m := directiveRE.FindStringSubmatch(trimmed)
			if m == nil {
				return nil, fmt.Errorf("%s:%d: malformed docs-test comment %q", file, n, trimmed)
			}
			d := Directive(m[1])
			if d != Skip && d != Exact {
				return nil, fmt.Errorf("%s:%d: unknown docs-test directive %q (want skip (REASON) or exact)", file, n, m[1])
			}
			if d == Skip && strings.TrimSpace(m[2]) == "" {
				return nil, fmt.Errorf("%s:%d: docs-test: skip needs its reason: <!-- docs-test: skip (takes 70 s) -->", file, n)
			}
			pending = &Block{Directive: d, Reason: strings.TrimSpace(m[2]), Line: n}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			cur = &Block{File: file, Line: n, Info: strings.TrimSpace(strings.Trim(trimmed, "`~"))}
			if pending != nil {
				cur.Directive, cur.Reason = pending.Directive, pending.Reason
				pending = nil
			}
			continue
		}
		if pending != nil && trimmed != "" {
			return nil, fmt.Errorf("%s:%d: the docs-test comment is not followed by a fenced block", file, pending.Line)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: the block is never closed", file, cur.Line)
	}
	if pending != nil {
		return nil, fmt.Errorf("%s:%d: the docs-test comment is not followed by a fenced block", file, pending.Line)
	}
	return blocks, sc.Err()
}

// commands picks the commands of a block out of its lines (first is the
// Markdown line number of body[0]).
func commands(info string, body []string, first int) []Command {
	var out []Command
	switch info {
	case "sh":
		for i := 0; i < len(body); i++ {
			t := strings.TrimSpace(body[i])
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			c := Command{Line: first + i}
			text, next := joinContinued(body, i, t)
			c.Text, i = stripComment(text), next
			out = append(out, c)
		}
	case "console":
		for i := 0; i < len(body); i++ {
			t := body[i]
			if !strings.HasPrefix(t, "$ ") {
				if len(out) > 0 {
					out[len(out)-1].Output = append(out[len(out)-1].Output, t)
				}
				continue
			}
			c := Command{Line: first + i}
			c.Text, i = joinContinued(body, i, strings.TrimPrefix(t, "$ "))
			out = append(out, c)
		}
	}
	return out
}

// joinContinued joins line i (its text t) with the lines after it while
// they end in a backslash; it returns the text and the last line used.
func joinContinued(body []string, i int, t string) (string, int) {
	for strings.HasSuffix(t, `\`) && i+1 < len(body) {
		i++
		t = strings.TrimSuffix(t, `\`) + " " + strings.TrimSpace(body[i])
	}
	return t, i
}

// stripComment drops a trailing "# ..." comment outside quotes.
func stripComment(s string) string {
	w := words(s)
	for _, t := range w {
		if t.op && t.text == "#" {
			return strings.TrimSpace(s[:t.at])
		}
	}
	return s
}

// word is one shell word, or an operator (| > < & ; # and their doubles).
type word struct {
	text string
	op   bool
	at   int // byte offset in the command
}

// words splits a shell command into words as sh would for the simple cases
// the docs use: quotes, $(...) kept whole, operators apart.
func words(s string) []word {
	var out []word
	var b strings.Builder
	start, in := -1, false
	flush := func() {
		if in {
			out = append(out, word{text: b.String(), at: start})
		}
		b.Reset()
		in = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case c == '\'' || c == '"':
			if !in {
				start, in = i, true
			}
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				j = len(s) - i - 1
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			if !in {
				start, in = i, true
			}
			depth, j := 0, i+1
			for ; j < len(s); j++ {
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			b.WriteString(s[i:min(j+1, len(s))])
			i = j
		case strings.IndexByte("|&;<>", c) >= 0 || (c == '#' && !in):
			flush()
			op := string(c)
			if i+1 < len(s) && s[i+1] == c && c != '#' {
				op += string(c)
				i++
			}
			out = append(out, word{text: op, op: true, at: i})
		default:
			if !in {
				start, in = i, true
			}
			b.WriteByte(c)
		}
	}
	flush()
	return out
}

// BurstlabArgs returns the arguments of the burstlab invocation in a shell
// command (the words after `burstlab`, `./bin/burstlab` or `bin/burstlab`
// up to the first shell operator), and whether there is one.
func BurstlabArgs(cmd string) ([]string, bool) {
	w := words(cmd)
	for i, t := range w {
		if t.op || !isBurstlab(t.text) {
			continue
		}
		var args []string
		for _, a := range w[i+1:] {
			if a.op {
				break
			}
			args = append(args, a.text)
		}
		return args, true
	}
	return nil, false
}

func isBurstlab(s string) bool {
	return s == "burstlab" || s == "./bin/burstlab" || s == "bin/burstlab"
}

// Background reports whether a command is sent to the background (ends
// in a lone &), and the command without it.
func Background(cmd string) (string, bool) {
	w := words(cmd)
	if n := len(w); n > 0 && w[n-1].op && w[n-1].text == "&" {
		return strings.TrimSpace(cmd[:w[n-1].at]), true
	}
	return cmd, false
}

// StdoutFile returns the file a command's stdout is redirected to with a
// single >, if any.
func StdoutFile(cmd string) (string, bool) {
	w := words(cmd)
	for i, t := range w {
		if t.op && t.text == ">" && i+1 < len(w) && !w[i+1].op {
			if t.at > 0 && cmd[t.at-1] >= '0' && cmd[t.at-1] <= '9' {
				continue // 2> FILE: stderr
			}
			return w[i+1].text, true
		}
	}
	return "", false
}
