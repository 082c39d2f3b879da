//go:build linux

package main

import (
	"bufio"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where the numbers were taken.
type machine struct {
	Date   string
	NProc  int
	CPU    string
	Go     string
	Kernel string
}

func describeMachine() machine {
	m := machine{
		Date:   time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		NProc:  runtime.NumCPU(),
		CPU:    "unknown",
		Go:     runtime.Version(),
		Kernel: "unknown",
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}
