package attack

import (
	"strings"
	"testing"
)

// TestReadTargetsLastLine: a last target without a newline is read, in both
// formats (vegeta's JSON reader drops it).
func TestReadTargetsLastLine(t *testing.T) {
	for format, in := range map[string]string{
		"http": "GET http://127.0.0.1/a\n\nGET http://127.0.0.1/b",
		"json": `{"method":"GET","url":"http://127.0.0.1/a"}` + "\n" + `{"method":"GET","url":"http://127.0.0.1/b"}`,
	} {
		tgts, err := ReadTargets(strings.NewReader(in), format, nil)
		if err != nil || len(tgts) != 2 || tgts[1].URL != "http://127.0.0.1/b" {
			t.Errorf("%s: %v, %d targets; want both", format, err, len(tgts))
		}
	}
}
