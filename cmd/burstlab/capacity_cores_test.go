//go:build cores

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/burstlab/burstlab/capacity"
)

// startSim starts `burstlab sim` with scaling off (max replicas = replicas)
// and returns its base URL; the simulator is stopped when the test ends.
func startSim(t *testing.T, replicas, slots int, service time.Duration) string {
	t.Helper()
	cmd := exec.Command(bin, "sim", "--replicas", fmt.Sprint(replicas), "--max-replicas", fmt.Sprint(replicas),
		"--slots", fmt.Sprint(slots), "--service", service.String(), "--queue-timeout", "5s")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the simulator's address: %v", err)
	}
	return strings.TrimSpace(line)
}

// readResult reads capacity.json from dir.
func readResult(t *testing.T, dir string) capacity.Result {
	t.Helper()
	r, err := loadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// loadResult reads capacity.json from dir, from any goroutine.
func loadResult(dir string) (capacity.Result, error) {
	var r capacity.Result
	b, err := os.ReadFile(filepath.Join(dir, capacity.File))
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	return r, err
}

// capacityAttack runs `burstlab capacity` with targets on stdin.
func capacityAttack(t *testing.T, url string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return burstlabIn(t, "GET "+url+"/api/x\n", append([]string{"capacity"}, args...)...)
}

// TestCapacityOfTheSimulator searches the steady capacity of the simulator
// with scaling off, R replicas of C slots serving each request in a fixed
// S behind a 5 s queue: it can serve R×C/S requests a second and no more.
// The search through the built CLI must land within 10% of that, for 1×16
// slots of 10 ms (1,600/s) and 2×4 slots of 20 ms (400/s) at an SLO of
// 100 ms. Steps of 2 s (1 s warm-up) from about a third of the capacity,
// about 7 steps, each after a failed one waiting for the simulator to work
// off its queue. make test runs these alone (-tags cores) and without the
// race detector, which would make the generator several times slower. No
// retry: a wrong answer fails.
func TestCapacityOfTheSimulator(t *testing.T) {
	for _, c := range []struct {
		replicas, slots int
		service         time.Duration
		from            string
	}{
		{1, 16, 10 * time.Millisecond, "500/s"}, // 1,600/s
		{2, 4, 20 * time.Millisecond, "150/s"},  // 400/s
	} {
		want := float64(c.replicas*c.slots) / c.service.Seconds()
		t.Run(fmt.Sprintf("%dx%d/%v", c.replicas, c.slots, c.service), func(t *testing.T) {
			url := startSim(t, c.replicas, c.slots, c.service)
			out := filepath.Join(t.TempDir(), "cap")
			stdout, stderr, code := capacityAttack(t, url, "-slo-p99", "100ms", "-from", c.from, "-to", "5000/s",
				"-step", "2s", "-warmup", "1s", "-o", out, "--gate", fmt.Sprintf("capacity >= %.0f/s", want*0.5))
			r := readResult(t, out)
			got := 0.0
			if r.CapacityRPS != nil {
				got = *r.CapacityRPS
			}
			if code != 0 || math.Abs(got-want) > 0.1*want {
				t.Fatalf("exit %d, capacity %.0f/s, want exit 0 and within 10%% of R×C/S = %.0f/s\n%s\n%s", code, got, want, stdout, stderr)
			}
			t.Logf("capacity %.0f/s, R×C/S = %.0f/s, %d steps, %d requests\n%s", got, want, r.StepCount, r.Sent, stdout)
			if !strings.Contains(stdout, r.Line) || !strings.Contains(stdout, "verdict") {
				t.Errorf("stdout lacks the step table or the answer:\n%s", stdout)
			}
			for _, st := range r.Steps {
				if _, err := os.Stat(filepath.Join(out, st.Record, "run.json")); err != nil {
					t.Errorf("step %d's record: %v", st.N, err)
				}
			}
		})
	}
}

// TestBurstFactorSlowAndFastPolicy searches how big a burst the simulator
// absorbs under the incident's slow autoscaling policy and under the fast
// one (capacity/testdata: the incident in miniature, sped up): the fast
// policy must survive a larger factor on the fan-out. Two searches of 3 or
// 4 runs of 7 s, one after the other. No retry: a wrong answer fails.
func TestBurstFactorSlowAndFastPolicy(t *testing.T) {
	slow, fast, lines := burstFactors(t)
	if slow <= 0 || fast <= slow {
		t.Fatalf("burst factor: fast policy %g, slow policy %g: want the fast one larger\n%v", fast, slow, lines)
	}
	t.Logf("slow policy: %s\nfast policy: %s", lines["slow"], lines["fast"])
}

// burstFactors runs the burst search of both policies, one after the other.
func burstFactors(t *testing.T) (slow, fast float64, lines map[string]string) {
	factors := map[string]float64{}
	lines = map[string]string{}
	for _, policy := range []string{"slow", "fast"} {
		out := filepath.Join(t.TempDir(), policy)
		stdout, stderr, code := burstlab(t, "capacity", "--burst", "../../capacity/testdata/incident-"+policy+".yaml",
			"-from", "1", "-to", "3", "-precision", "50%", "-o", out)
		r, err := loadResult(out)
		lines[policy] = fmt.Sprintf("exit %d (%v): %s\n%s\n%s", code, err, r.Line, stdout, stderr)
		if code == 0 && r.BurstFactor != nil {
			factors[policy], lines[policy] = *r.BurstFactor, r.Line
		}
	}
	return factors["slow"], factors["fast"], lines
}

// TestCapacityInterrupted: Ctrl-C during a search ends it with exit 130,
// and capacity.json keeps the steps measured so far.
func TestCapacityInterrupted(t *testing.T) {
	t.Parallel() // 20/s and 40/s: no timing at stake
	srv := okServer(t)
	out := filepath.Join(t.TempDir(), "cap")
	cmd := exec.Command(bin, "capacity", "-slo-p99", "100ms", "-from", "20/s", "-to", "1000/s", "-step", "2s", "-warmup", "1s", "-o", out)
	cmd.Stdin = strings.NewReader("GET " + srv.URL + "/\n")
	var o bytes.Buffer
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = &o
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.HasPrefix(sc.Text(), "burstlab: step 2: 40/s ...") {
			time.Sleep(500 * time.Millisecond)
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	err = cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitInterrupt {
		t.Fatalf("exit %v, want %d\n%s\n%s", err, exitInterrupt, o.String(), strings.Join(seen, "\n"))
	}
	r := readResult(t, out)
	if r.Limit != capacity.LimitStopped || len(r.Steps) != 2 || r.Steps[0].Verdict != capacity.Pass || r.Steps[1].Verdict != capacity.Stopped {
		t.Errorf("capacity.json: limit %q, steps %+v; want stopped with step 1 passed and step 2 stopped", r.Limit, r.Steps)
	}
	if !strings.Contains(o.String(), "interrupted after 2 steps") {
		t.Errorf("stdout lacks the interrupted answer:\n%s", o.String())
	}
}

// TestCapacityGateOnTheAnswer: a gate on the answer fails the search (exit
// 1) when the target holds less than it asks, and its result goes to
// --junit; a search that holds every step up to -to answers a lower bound.
func TestCapacityGateOnTheAnswer(t *testing.T) {
	t.Parallel() // 50/s and 100/s at a server that answers at once: no timing at stake
	srv := okServer(t)
	dir := t.TempDir()
	junit := filepath.Join(dir, "gates.xml")
	stdout, stderr, code := capacityAttack(t, srv.URL, "-slo-p99", "100ms", "-from", "50/s", "-to", "100/s", "-step", "1500ms", "-warmup", "500ms",
		"--gate", "capacity >= 1000/s", "--junit", junit, "-o", filepath.Join(dir, "cap"))
	if code != exitGateFail || !strings.Contains(stderr, "capacity = 100/s (want >= 1000/s)") {
		t.Fatalf("exit %d, want 1 with the failed gate\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "held every step up to 100/s") {
		t.Errorf("answer is not a lower bound:\n%s", stdout)
	}
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), "capacity &gt;= 1000/s") {
		t.Errorf("junit: %v\n%s", err, b)
	}
}
