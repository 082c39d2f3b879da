//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// target is an arrival server running as a child process (see serve).
type target struct {
	cmd     *exec.Cmd
	addr    string // host:port to attack
	control string // host:port of the control endpoint
	tls     bool
}

// startTarget starts a fresh arrival server, this same binary run as
// `sidebyside serve` with extra flags, that exits by itself after lifetime.
func startTarget(self string, useTLS bool, lifetime time.Duration, extra ...string) (*target, error) {
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-lifetime", lifetime.String()}, extra...)
	if useTLS {
		args = append(args, "-tls")
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := running.start(cmd); err != nil {
		return nil, err
	}
	t := &target{cmd: cmd, tls: useTLS}
	first := make(chan string, 1)
	go func() {
		rd := bufio.NewReader(stdout)
		line, _ := rd.ReadString('\n')
		first <- line
		io.Copy(io.Discard, rd)
	}()
	select {
	case line := <-first:
		fields := strings.Fields(line)
		if len(fields) != 2 {
			t.stop()
			return nil, fmt.Errorf("arrival server: want \"ADDR CONTROL\" on its first line, got %q", line)
		}
		t.addr, t.control = fields[0], fields[1]
	case <-time.After(10 * time.Second):
		t.stop()
		return nil, fmt.Errorf("arrival server: no address within 10s")
	}
	return t, nil
}

// url is the URL every tool attacks: the server counts requests to any
// path but /warm.
func (t *target) url() string {
	if t.tls {
		return "https://" + t.addr + "/"
	}
	return "http://" + t.addr + "/"
}

// arrivals fetches the server's log.
func (t *target) arrivals(ctx context.Context) (arrivalSnapshot, error) {
	var s arrivalSnapshot
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.control+"/arrivals", nil)
	if err != nil {
		return s, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer res.Body.Close()
	return s, json.NewDecoder(res.Body).Decode(&s)
}

// stop kills the server and waits for it.
func (t *target) stop() {
	t.cmd.Process.Kill()
	t.cmd.Wait()
	running.done(t.cmd)
}
