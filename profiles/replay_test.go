package profiles

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// replayProfile writes a data file and a profile replaying it into a fresh
// directory, and loads the profile (relative paths resolve against it).
func replayProfile(t *testing.T, file, data, replay string) (*Profile, error) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, file, data)
	path := writeFile(t, dir, "p.yaml", head+"streams:\n  - name: r\n    request: {path: /}\n    replay: "+replay+"\n")
	return Load(path)
}

func TestReplayCSV(t *testing.T) {
	const counts = "t,count,host\n0,10,a\n1,20,a\n2,0,b\n3,5,b\n"
	for _, tc := range []struct {
		name, data, replay string
		perSecond          []int64
	}{
		{"counts", counts, "{csv: c.csv}", []int64{10, 20, 0, 5, 0}},
		{"speed 2 keeps the count", counts, "{csv: c.csv, speed: 2}", []int64{30, 5, 0}},
		{"scale 3", counts, "{csv: c.csv, scale: 3}", []int64{30, 60, 0, 15, 0}},
		{"start", counts, "{csv: c.csv, start: 2s}", []int64{0, 0, 10, 20, 0, 5, 0}},
		{"rates with durations", "time,rate\n0s,4\n2s,1\n1m0s,0\n", "{csv: c.csv}", []int64{4, 4, 1, 1}},
		{"rates with timestamps", "timestamp,rate\n2019-11-14T10:00:00Z,7\n2019-11-14T10:00:02Z,3\n", "{csv: c.csv}", []int64{7, 7, 3, 3, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := replayProfile(t, "c.csv", tc.data, tc.replay)
			if err != nil {
				t.Fatal(err)
			}
			pl, err := NewPlan(p)
			if err != nil {
				t.Fatal(err)
			}
			got := pl.Streams[0].PerSecond[:len(tc.perSecond)]
			if fmt.Sprint(got) != fmt.Sprint(tc.perSecond) {
				t.Errorf("per second %v, want %v", got, tc.perSecond)
			}
		})
	}
}

// accessLog writes Combined Log Format lines, count[i] of them in second i.
func accessLog(start time.Time, counts []int) string {
	var b strings.Builder
	for s, n := range counts {
		for i := range n {
			ts := start.Add(time.Duration(s)*time.Second + time.Duration(i)*time.Millisecond)
			fmt.Fprintf(&b, `127.0.0.1 - - [%s] "GET /users/%d/teams HTTP/1.1" 200 512 "-" "curl/8.0"`+"\n", ts.Format(clfTime), i)
		}
	}
	return b.String()
}

func TestReplayAccessLog(t *testing.T) {
	start := time.Date(2019, 11, 14, 10, 0, 0, 0, time.FixedZone("", -5*3600))
	counts := []int{3, 0, 5, 0, 0, 2}
	p, err := replayProfile(t, "access.log", accessLog(start, counts)+"\n", "{access_log: access.log, speed: 1}")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := NewPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := pl.Streams[0].PerSecond[:7]; fmt.Sprint(got) != "[3 0 5 0 0 2 0]" {
		t.Errorf("per second %v", got)
	}
	if pl.Total != 10 {
		t.Errorf("total %d", pl.Total)
	}
}

func TestReplayErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, data, replay, want string
	}{
		{"missing file", "c.csv", "t,rate\n0,1\n", "{csv: nope.csv}", `replay.csv: cannot read .*nope.csv: no such file`},
		{"bad header", "c.csv", "when,rate\n0,1\n", "{csv: c.csv}", `c.csv:1: header "when,rate" needs a time column`},
		{"bad rate", "c.csv", "t,rate\n0,1\n1,lots\n", "{csv: c.csv}", `c.csv:3: rate "lots": want a number >= 0`},
		{"time goes back", "c.csv", "t,rate\n0,1\n5,1\n4,1\n", "{csv: c.csv}", `c.csv:4: time "4" is not after`},
		{"empty", "c.csv", "t,rate\n", "{csv: c.csv}", `c.csv: no data rows`},
		{"not a log", "a.log", "hello\n", "{access_log: a.log}", `a.log:1: not Common or Combined Log Format`},
		{"bad timestamp", "a.log", `1.2.3.4 - - [yesterday] "GET / HTTP/1.1" 200 1` + "\n", "{access_log: a.log}", `a.log:1: timestamp "yesterday"`},
		{"both", "c.csv", "t,rate\n0,1\n", "{csv: c.csv, access_log: c.csv}", `replay: has both csv and access_log`},
		{"speed", "c.csv", "t,rate\n0,1\n", "{csv: c.csv, speed: -1}", `replay.speed: must be within`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := replayProfile(t, tc.file, tc.data, tc.replay)
			if err == nil {
				t.Fatal("no error")
			}
			if !regexp.MustCompile(`p\.yaml:8:\d+: .*` + tc.want).MatchString(err.Error()) {
				t.Errorf("error %q\nwant p.yaml:8:COL: ...%s", err, tc.want)
			}
		})
	}
}

func TestReplayRelativeToProfile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rates.csv", "t,rate\n0,5\n")
	path := writeFile(t, dir, "p.yaml", head+"streams:\n  - {name: r, request: {path: /}, replay: {csv: rates.csv}}\n")
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !IsError(err) {
		t.Fatalf("missing profile: %v", err)
	}
}
