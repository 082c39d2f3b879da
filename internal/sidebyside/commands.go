//go:build linux

package main

import (
	"fmt"
	"time"
)

// The commands compared, as a user types them. url is the arrival server's,
// out where the tool keeps its results.

const (
	burstRate  = 20000                  // requests per second in the dense burst
	burstSpan  = 100 * time.Millisecond // its length: 2,000 requests
	burstConns = 32                     // the reference's workers and connections
	loopConns  = 64                     // closed-loop workers
)

func burstlabSteady(rate int, d time.Duration) func(url, out string) command {
	return func(url, out string) command {
		return command{tool: "burstlab", stdin: "GET " + url + "\n",
			args: []string{"attack", "-rate", fmt.Sprintf("%d/s", rate), "-duration", durationFlag(d), "-o", out}}
	}
}

func vegetaSteady(rate int, d time.Duration) func(url, out string) command {
	return func(url, out string) command {
		return command{tool: "vegeta", stdin: "GET " + url + "\n",
			args: []string{"attack", "-rate", fmt.Sprintf("%d/s", rate), "-duration", durationFlag(d), "-output", out}}
	}
}

func burstlabBurst(tls bool) func(url, out string) command {
	return func(url, out string) command {
		c := command{tool: "burstlab", stdin: "GET " + url + "\n",
			args: []string{"attack", "-rate", fmt.Sprintf("%d/s", burstRate), "-duration", durationFlag(burstSpan), "-o", out}}
		if tls {
			c.args = append(c.args, "-insecure")
		}
		return c
	}
}

func referenceBurst(url, _ string) command {
	return command{tool: "reference", args: []string{"-url", url,
		"-rate", fmt.Sprint(burstRate), "-duration", durationFlag(burstSpan), "-conns", fmt.Sprint(burstConns)}}
}

func burstlabClosed(d time.Duration) func(url, out string) command {
	return func(url, out string) command {
		return command{tool: "burstlab", stdin: "GET " + url + "\n",
			args: []string{"attack", "-rate", "0", "-max-workers", fmt.Sprint(loopConns), "-duration", durationFlag(d), "-o", out}}
	}
}

func heyClosed(d time.Duration) func(url, out string) command {
	return func(url, _ string) command {
		return command{tool: "hey", args: []string{"-c", fmt.Sprint(loopConns), "-z", durationFlag(d), url}}
	}
}

// durationFlag writes d as a user would: 20s, 100ms.
func durationFlag(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	case d%time.Millisecond == 0:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	}
	return d.String()
}
