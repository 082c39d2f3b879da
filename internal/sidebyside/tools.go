//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const vegetaModule = "github.com/tsenart/vegeta/v12"

// tools are the binaries compared, built for this run.
type tools struct {
	burstlab, vegeta, hey string
	burstlabRevision      string // the commit burstlab was built from, for the report
	vegetaVersion         string // the version go.mod requires
	vegetaBuild           string // how vegeta was built, for the report
	heyVersion            string
}

// buildTools builds burstlab from the work tree, the vegeta CLI at the
// version go.mod requires and hey at heyVersion from the Go module proxy,
// all into dir. vegeta builds inside the module when go.sum covers its main
// package; otherwise it is installed on its own go.mod, as `go install
// ...@version` gives users, with no change to ours.
func buildTools(ctx context.Context, root, dir, heyVersion string) (*tools, error) {
	t := &tools{
		burstlab:   filepath.Join(dir, "burstlab"),
		vegeta:     filepath.Join(dir, "vegeta"),
		hey:        filepath.Join(dir, "hey"),
		heyVersion: heyVersion,
	}
	if _, err := goCommand(ctx, root, nil, "build", "-o", t.burstlab, "./cmd/burstlab"); err != nil {
		return nil, err
	}
	t.burstlabRevision = revision(ctx, root)
	v, err := goCommand(ctx, root, nil, "list", "-m", "-f", "{{.Version}}", vegetaModule)
	if err != nil {
		return nil, err
	}
	t.vegetaVersion = strings.TrimSpace(v)
	if _, err := goCommand(ctx, root, nil, "build", "-o", t.vegeta, vegetaModule); err == nil {
		t.vegetaBuild = "go build -o DIR/vegeta " + vegetaModule
	} else {
		outside, err := os.MkdirTemp(dir, "install")
		if err != nil {
			return nil, err
		}
		at := vegetaModule + "@" + t.vegetaVersion
		if _, err := goCommand(ctx, outside, []string{"GOBIN=" + dir, "GOFLAGS=" + modFlags()}, "install", at); err != nil {
			return nil, err
		}
		t.vegetaBuild = "GOBIN=DIR go install " + at
	}
	outside, err := os.MkdirTemp(dir, "install")
	if err != nil {
		return nil, err
	}
	if _, err := goCommand(ctx, outside, []string{"GOBIN=" + dir, "GOFLAGS=" + modFlags()}, "install", "github.com/rakyll/hey@"+heyVersion); err != nil {
		return nil, err
	}
	return t, nil
}

// modFlags are the user's GOFLAGS with -mod=mod, for installs outside the
// module.
func modFlags() string {
	return strings.TrimSpace(os.Getenv("GOFLAGS") + " -mod=mod")
}

// goCommand runs the go command in dir with env added, within 5 minutes,
// and returns its standard output.
func goCommand(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	gomod, err := goCommand(ctx, ".", nil, "env", "GOMOD")
	gomod = strings.TrimSpace(gomod)
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run from inside the burstlab module (go env GOMOD: %q, %v)", gomod, err)
	}
	return filepath.Dir(gomod), nil
}

// revision names the commit checked out in root, and says so when tracked
// files differ from it.
func revision(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "an unknown commit"
	}
	rev := "commit " + strings.TrimSpace(string(out))
	changed, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(strings.TrimSpace(string(changed))) > 0 {
		rev += " with uncommitted changes"
	}
	return rev
}
