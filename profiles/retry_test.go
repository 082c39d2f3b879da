package profiles

import (
	"strings"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	p := mustParse(t, head+`streams:
  - name: s
    request: {path: /}
    constant: {rate: 1}
    retry: {max_attempts: 4, backoff: 500ms, jitter: 250ms, max_backoff: 1500ms}
`)
	r := p.Streams[0].Retry
	for _, tc := range []struct {
		attempt int
		u       float64
		want    time.Duration
	}{
		{1, 0.5, 0},
		{2, 0, 500 * time.Millisecond},
		{2, 0.5, 625 * time.Millisecond},
		{3, 0, time.Second},
		{4, 0.999, 1500*time.Millisecond + 249750*time.Microsecond}, // capped at max_backoff
	} {
		if got := r.Delay(tc.attempt, tc.u); got != tc.want {
			t.Errorf("Delay(%d, %v) = %v, want %v", tc.attempt, tc.u, got, tc.want)
		}
	}
	if !r.Retries("5xx", 1) || !r.Retries("timeout", 3) || r.Retries("5xx", 4) || r.Retries("4xx", 1) {
		t.Error("Retries: default classes are 5xx and timeout, up to max_attempts")
	}
	var none *Retry
	if none.Retries("5xx", 1) || none.Delay(2, 0.5) != 0 {
		t.Error("a nil policy retries nothing")
	}
}

func TestRetryRandIsDeterministic(t *testing.T) {
	src := head + "streams:\n  - {name: s, request: {path: /}, constant: {rate: 100}, retry: {max_attempts: 3, backoff: 1s, jitter: 1s}}\n"
	a, b := mustPlan(t, src), mustPlan(t, src)
	sa, sb := a.Schedule(), b.Schedule()
	sum := 0.0
	for range 1000 {
		x, _ := sa.Next()
		y, _ := sb.Next()
		u, v := a.RetryRand(x, 2), b.RetryRand(y, 2)
		if u != v || u < 0 || u >= 1 {
			t.Fatalf("RetryRand %v vs %v", u, v)
		}
		if a.RetryRand(x, 2) == a.RetryRand(x, 3) {
			t.Fatal("attempts share their jitter")
		}
		sum += u
	}
	if mean := sum / 1000; mean < 0.45 || mean > 0.55 {
		t.Errorf("RetryRand mean %v, want 0.5", mean)
	}
	if s := a.Streams[0].Retry.String(); !strings.Contains(s, "up to 3 attempts on [5xx timeout]") {
		t.Errorf("String() = %q", s)
	}
}
