package accesslog

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// row is an entry as the tests compare it.
type row struct {
	Time    string // RFC 3339 in UTC
	Method  string
	Target  string
	Status  int
	Latency time.Duration
}

func readAll(t *testing.T, o Options, names ...string) ([]row, Stats) {
	t.Helper()
	r, err := Open(names, o)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows []row
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row{e.Time.UTC().Format(time.RFC3339Nano), string(e.Method), string(e.Target), e.Status, e.Latency})
	}
	return rows, r.Stats()
}

func malformedAt(m Malformed) []string {
	var s []string
	for _, e := range m.First {
		s = append(s, fmt.Sprintf("%s:%d", filepath.Base(e.File), e.Line))
	}
	return s
}

func TestSamples(t *testing.T) {
	ms := time.Millisecond
	// The ALB sample's first two entries are out of order by
	// request_creation_time (a slow POST answered after a quick GET): the
	// reader passes them on as the file holds them.
	cases := []struct {
		file      string
		want      []row
		malformed []string
	}{
		{"nginx-combined.log", []row{
			{"2019-11-14T20:04:00Z", "GET", "/users/868/teams", 200, -1},
			{"2019-11-14T20:04:00Z", "GET", "/users/121/teams", 200, -1},
			{"2019-11-14T20:04:01Z", "POST", "/conversations/5dcdb2a1e4b0c1a2b3c4d5e6/messages", 201, -1},
			{"2019-11-14T20:04:01Z", "GET", "/customers/8f14e45f-ceea-467f-a0e6-0b1e2c3d4e5f?include=notes&token=s3cr3t", 200, -1},
			{"2019-11-14T20:04:02Z", "GET", "/health", 200, -1},
			{"2019-11-14T20:04:03Z", "GET", "/users/868/teams", 304, -1},
			{"2019-11-14T20:04:04Z", "DELETE", "/teams/42/members/7", 204, -1},
		}, []string{"nginx-combined.log:5", "nginx-combined.log:8"}},
		{"nginx-timed.log", []row{
			{"2019-11-14T20:05:10Z", "GET", "/users/868/teams", 200, 4 * ms},
			{"2019-11-14T20:05:09Z", "GET", "/users/121/teams", 200, 731 * ms},   // ended in second 10, took 0.731 s
			{"2019-11-14T20:04:11Z", "GET", "/users/461/teams", 503, 60001 * ms}, // a minute earlier
			{"2019-11-14T20:05:11Z", "GET", "/users/389/teams?since=1573761900", 200, 12 * ms},
		}, []string{"nginx-timed.log:5"}},
		{"apache-common.log", []row{
			{"2000-10-10T20:55:36Z", "GET", "/apache_pb.gif", 200, -1},
			{"2000-10-10T20:55:37Z", "GET", "/index.html", 404, -1},
		}, nil},
		{"alb.log.gz", []row{
			{"2019-11-14T20:04:00.138Z", "GET", "/users/868/teams", 200, 48 * ms},
			{"2019-11-14T20:04:00.05Z", "POST", "/conversations/5dcdb2a1e4b0c1a2b3c4d5e6/messages?draft=false", 201, 251 * ms},
			{"2019-11-14T20:04:01Z", "GET", "/users/121/teams", 503, -1},
			{"2019-11-14T20:04:01.999Z", "GET", "/users/461/teams", 200, 501 * ms}, // no request_creation_time: time less the processing times
		}, []string{"alb.log.gz:5"}},
		{"app.jsonl", []row{
			{"2019-11-14T20:04:00.12Z", "GET", "/users/868/teams", 200, 4 * ms},
			{"2019-11-14T20:04:00.48Z", "GET", "/users/121/teams?since=1573761900", 200, 731 * ms},
			{"2019-11-14T20:04:01.015Z", "POST", "/teams/42/members", 503, 60001 * ms},
			{"2019-11-14T20:04:01.9Z", "GET", "/health", 200, -1},
		}, []string{"app.jsonl:5", "app.jsonl:6"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, st := readAll(t, Options{}, filepath.Join("testdata", c.file))
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("entries:\n got %v\nwant %v", got, c.want)
			}
			if at := malformedAt(st.Malformed); fmt.Sprint(at) != fmt.Sprint(c.malformed) || st.Malformed.Count != int64(len(c.malformed)) {
				t.Errorf("malformed %d at %v, want %v\n%v", st.Malformed.Count, at, c.malformed, st.Malformed)
			}
		})
	}
}

// Files merge in time order, whatever their names and compression.
func TestMergeInTimeOrder(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.log")
	b := filepath.Join(dir, "b.log.gz")
	line := func(sec int, path string) string {
		return fmt.Sprintf(`10.0.0.1 - - [14/Nov/2019:15:04:%02d -0500] "GET %s HTTP/1.1" 200 1 "-" "-"`+"\n", sec, path)
	}
	os.WriteFile(a, []byte(line(0, "/a0")+line(2, "/a2")+line(2, "/a2b")+line(5, "/a5")), 0o644)
	f, _ := os.Create(b) // gzip, with a name that would not tell
	zw := gzip.NewWriter(f)
	io.WriteString(zw, line(1, "/b1")+line(2, "/b2")+line(9, "/b9"))
	zw.Close()
	f.Close()
	got, _ := readAll(t, Options{}, a, b)
	var paths []string
	for _, r := range got {
		paths = append(paths, r.Target)
	}
	want := "/a0 /b1 /a2 /a2b /b2 /a5 /b9"
	if strings.Join(paths, " ") != want {
		t.Errorf("merged order %v, want %s", paths, want)
	}
}

func TestCut(t *testing.T) {
	from := time.Date(2019, 11, 14, 20, 4, 1, 0, time.UTC)
	got, st := readAll(t, Options{From: from, To: from.Add(time.Second)}, "testdata/nginx-combined.log")
	if len(got) != 2 || st.Cut != 5 {
		t.Errorf("kept %v, cut %d; want the 2 requests of 20:04:01 and 5 cut", got, st.Cut)
	}
}

func TestLongLineIsMalformed(t *testing.T) {
	p := filepath.Join(t.TempDir(), "long.log")
	ok := `10.0.0.1 - - [14/Nov/2019:15:04:00 -0500] "GET /ok HTTP/1.1" 200 1 "-" "-"` + "\n"
	long := `10.0.0.1 - - [14/Nov/2019:15:04:00 -0500] "GET /` + strings.Repeat("x", MaxLine) + ` HTTP/1.1" 200 1 "-" "-"` + "\n"
	mid := `10.0.0.1 - - [14/Nov/2019:15:04:00 -0500] "GET /` + strings.Repeat("y", 100<<10) + ` HTTP/1.1" 200 1 "-" "-"` + "\n"
	os.WriteFile(p, []byte(ok+long+mid+ok), 0o644)
	got, st := readAll(t, Options{}, p)
	if len(got) != 3 || st.Malformed.Count != 1 || st.Malformed.First[0].Line != 2 {
		t.Errorf("read %d entries, malformed %v; want 3 and line 2", len(got), st.Malformed)
	}
	if len(got) == 3 && len(got[1].Target) != 1+100<<10 {
		t.Errorf("a 100 KiB path came back as %d bytes", len(got[1].Target))
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, err := Open([]string{"testdata/nope.log"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "testdata/nope.log: cannot read") {
		t.Errorf("err = %v", err)
	}
}

func TestJSONFieldNames(t *testing.T) {
	p := filepath.Join(t.TempDir(), "n.jsonl")
	os.WriteFile(p, []byte(`{"time_local":"14/Nov/2019:15:04:00 -0500","request":"GET /users/1/teams HTTP/1.1","status":"200","request_time":"0.015"}`+"\n"+
		`{"ts":1573761840.25,"request":"GET /x HTTP/1.1"}`+"\n"), 0o644)
	got, st := readAll(t, Options{Format: JSON, TimeField: "time_local", PathField: "request", LatencyField: "request_time"}, p)
	want := []row{{"2019-11-14T20:04:00Z", "GET", "/users/1/teams", 200, 15 * time.Millisecond}}
	if fmt.Sprint(got) != fmt.Sprint(want) || st.Malformed.Count != 1 {
		t.Errorf("got %v, malformed %v", got, st.Malformed)
	}
	got, _ = readAll(t, Options{Format: JSON, TimeField: "ts", PathField: "request"}, p)
	if len(got) != 1 || got[0].Time != "2019-11-14T20:04:00.25Z" {
		t.Errorf("epoch seconds: got %v", got)
	}
}
