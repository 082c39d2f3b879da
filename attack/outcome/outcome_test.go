package outcome

import "testing"

// TestClassify names each failure's class from what the client said, and
// says whose failure it is: the target's, or the generator's own.
func TestClassify(t *testing.T) {
	cases := []struct {
		code      uint16
		err       string
		want      Class
		reached   bool // the target answered
		completed bool // counted in the target's figures
	}{
		{200, "", OK, true, true},
		{503, "503 Service Unavailable", Status5xx, true, true},
		{0, `Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused`, Refused, false, true},
		{0, `Get "http://127.0.0.1:1/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, TimedOut, false, true},
		// The generator's own failure: never the target's.
		{0, `Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: socket: too many open files`, OutOfFiles, false, false},
		{0, `open /tmp/x: too many open files in system`, OutOfFiles, false, false},
		// The target answered, every time: a redirect loop, a body that
		// broke off after the status.
		{0, `Get "http://127.0.0.1:1/loop": stopped after 10 redirects`, Redirects, true, true},
		{0, BrokenOff + " 200: unexpected EOF", Truncated, true, true},
		{0, `Get "http://127.0.0.1:1/": EOF`, Reset, false, true},
	}
	for _, c := range cases {
		got := Classify(c.code, c.err)
		if got != c.want || got.Reached() != c.reached || got.Answered() != c.completed {
			t.Errorf("Classify(%d, %q) = %v (reached %v, completed %v), want %v (%v, %v)",
				c.code, c.err, got, got.Reached(), got.Answered(), c.want, c.reached, c.completed)
		}
	}
	if !OutOfFiles.Generator() || Other.Generator() {
		t.Error("only the lack of file descriptors is the generator's failure")
	}
	for c := range Class(Classes) {
		if c.String() == "unknown" {
			t.Errorf("class %d has no name", c)
		}
	}
}
