package attack

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	vegeta "github.com/tsenart/vegeta/v12/lib"
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

// TestReadTargetsAsVegeta: well-formed http targets read as vegeta's own
// parser reads them.
func TestReadTargetsAsVegeta(t *testing.T) {
	dir := t.TempDir()
	body := filepath.Join(dir, "body.json")
	if err := os.WriteFile(body, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	in := "# comment\nGET http://127.0.0.1/a\nX-A: 1\nX-A: 2\nx-case: Kept\n\n" +
		"POST http://127.0.0.1/b?q=1\nContent-Type: application/json\n@" + body + "\n\n" +
		"GET http://127.0.0.1/c\r\nHost: h:8080\r\n\r\n" +
		"PUT http://127.0.0.1/d\n@" + body + "\n" +
		"DELETE http://127.0.0.1/e\n"
	hdr := http.Header{"X-Global": {"g"}}
	got, err := ReadTargets(strings.NewReader(in), "http", hdr)
	if err != nil {
		t.Fatal(err)
	}
	tr := vegeta.NewHTTPTargeter(strings.NewReader(in), nil, hdr)
	var want []vegeta.Target
	for {
		var tg vegeta.Target
		if err := tr(&tg); err != nil {
			break
		}
		want = append(want, tg)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read\n%+v\nvegeta reads\n%+v", got, want)
	}
}

// TestTargetBodyCap (#20 item 3): an @file body is read through a capped
// reader: /dev/zero and a file past MaxBodyBytes are refused, naming the @
// line, the file and the cap.
func TestTargetBodyCap(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, make([]byte, MaxBodyBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []string{big}
	if _, err := os.Stat("/dev/zero"); err == nil {
		files = append(files, "/dev/zero")
	}
	for _, f := range files {
		in := "GET http://127.0.0.1/a\n\nPOST http://127.0.0.1/\nX-A: 1\n@" + f + "\n"
		_, err := ReadTargets(strings.NewReader(in), "http", nil)
		want := fmt.Sprintf("targets line 5: body file %q: larger than the 16 MiB cap on a request body", f)
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v\nwant %s", f, err, want)
		}
	}
	if _, err := ReadBodyFile(big); err == nil || !strings.Contains(err.Error(), "16 MiB cap") {
		t.Errorf("ReadBodyFile: %v", err)
	}
}

// TestTargetErrorsQuoted (#20 item 15): a control character in a target is
// shown escaped in the error, never sent raw to the terminal; a missing
// body file is reported at its @ line.
func TestTargetErrorsQuoted(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GET http://127.0.0.1/a\rb\n", `targets line 1: URL "http://127.0.0.1/a\rb": net/url: invalid control character in URL`},
		{"GET http://127.0.0.1/a\x00b\n", `targets line 1: URL "http://127.0.0.1/a\x00b": net/url: invalid control character in URL`},
		{"GET http://127.0.0.1/\nX-A: 1\n@/nonexistent/body\n", `targets line 3: body file "/nonexistent/body": no such file or directory`},
		{"GET http://127.0.0.1/\nX-A\x00: 1\n", `targets line 2: header name "X-A\x00": not a valid HTTP header name`},
		{"GET http://127.0.0.1/\nbroken\x1b[31m\n", `targets line 2: header "broken\x1b[31m": want Name: value`},
		{"get\x07 http://127.0.0.1/\n", `targets line 1: method "get\a": want an upper-case HTTP method such as GET`},
		{`{"method":"GET","url":"http://127.0.0.1/a\rb"}` + "\n", `targets line 1: URL "http://127.0.0.1/a\rb": net/url: invalid control character in URL`},
	} {
		format := "http"
		if strings.HasPrefix(tc.in, "{") {
			format = "json"
		}
		_, err := ReadTargets(strings.NewReader(tc.in), format, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v\nwant %s", tc.in, err, tc.want)
		}
		if err != nil && strings.ContainsFunc(err.Error(), unicode.IsControl) {
			t.Errorf("%q: error %q holds a control character", tc.in, err)
		}
	}
}
