//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// children keeps the child processes that are running, so that all of them
// are killed when the bench returns, however it returns (an interrupt
// cancels the bench's context, which kills the tool running, and the bench
// returns). Each child also gets SIGKILL from the kernel if the bench
// process dies first (Pdeathsig).
type children struct {
	mu   sync.Mutex
	live map[*exec.Cmd]struct{}
}

var running = &children{live: map[*exec.Cmd]struct{}{}}

// start starts cmd and keeps it until done is called.
func (c *children) start(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	c.live[cmd] = struct{}{}
	return nil
}

func (c *children) done(cmd *exec.Cmd) {
	c.mu.Lock()
	delete(c.live, cmd)
	c.mu.Unlock()
}

// killAll kills every child still running.
func (c *children) killAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for cmd := range c.live {
		cmd.Process.Kill()
	}
}

// usage is what a finished child cost and how it ended.
type usage struct {
	CPU      time.Duration // user + system
	MaxRSS   int64         // peak resident set, bytes
	ExitCode int
	Stderr   string // the last line it wrote on stderr
}

// runChild runs name with args, stdin as its standard input, its output
// kept in logPath (stdout) and logPath+".err" (stderr), killed after limit.
// A non-zero exit is no error: the caller reads ExitCode.
func runChild(ctx context.Context, limit time.Duration, logPath, stdin, name string, args ...string) (usage, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := os.Create(logPath)
	if err != nil {
		return usage{}, err
	}
	defer out.Close()
	var stderr bytes.Buffer
	cmd.Stdout = out
	cmd.Stderr = &stderr
	if err := running.start(cmd); err != nil {
		return usage{}, err
	}
	err = cmd.Wait()
	running.done(cmd)
	if parent.Err() != nil {
		return usage{}, parent.Err()
	}
	os.WriteFile(logPath+".err", stderr.Bytes(), 0o644)
	if ctx.Err() == context.DeadlineExceeded {
		return usage{}, fmt.Errorf("%s did not finish within %v (killed)", name, limit)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return usage{}, err
	}
	u := usage{ExitCode: cmd.ProcessState.ExitCode(), Stderr: lastLine(stderr.String())}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.CPU = time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))
		u.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return u, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
