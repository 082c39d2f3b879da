package accesslog

import (
	"bufio"
	"os"
	"testing"
)

// FuzzParseLine feeds lines to every format's parser: none may panic, and a
// line read as a request has a method and a target that is a path.
func FuzzParseLine(f *testing.F) {
	for _, name := range []string{"testdata/nginx-combined.log", "testdata/nginx-timed.log", "testdata/app.jsonl"} {
		fl, err := os.Open(name)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fl)
		for sc.Scan() {
			f.Add(sc.Text())
		}
		fl.Close()
	}
	f.Add(`https 2019-11-14T20:04:00.186641Z app/x/1 1.2.3.4:1 - -1 -1 -1 503 - 0 0 "GET http://h?q=1 HTTP/1.1" "-" - - - "-" "-" "-" 0 2019-11-14T20:04:00.1Z`)
	o := (&Options{}).withDefaults()
	f.Fuzz(func(t *testing.T, line string) {
		p := parser{o: &o}
		for _, parse := range []func([]byte, *Entry) error{p.parseCombined, p.parseALB, p.parseJSON} {
			var e Entry
			if parse([]byte(line), &e) == nil {
				if len(e.Method) == 0 || len(e.Target) == 0 || (e.Target[0] != '/' && e.Target[0] != '*') {
					t.Errorf("%q read as method %q target %q", line, e.Method, e.Target)
				}
			}
		}
	})
}
