package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/attack"
)

// good is a valid profile; each malformed case changes one thing in it.
const good = `name: v
duration: 60s
target: {url: "http://127.0.0.1:9"}
streams:
  - name: app
    request: {path: /a}
    constant: {rate: 10}
  - name: teams
    request:
      path: /users/{subscriber}/teams
      headers: {Authorization: "Bearer x"}
    fanout:
      events: {count: 3, start: 5s, over: 3s}
      subscribers: 10
      reaction: {dist: uniform, min: 0s, max: 2s}
    retry: {max_attempts: 3, backoff: 500ms, jitter: 250ms, on: [5xx, timeout]}
`

// TestMalformedProfiles changes one thing of the good profile at a time: each
// change must give one line naming the file, line, column and field.
func TestMalformedProfiles(t *testing.T) {
	mustPlan(t, good) // unchanged, it plans: each error below comes from its change
	for _, tc := range []struct {
		name, old, new string
		want           string // "LINE:COL: message" (a regexp)
	}{
		{"unknown top-level field", "duration: 60s", "durration: 60s", `2:1: unknown field "durration"`},
		{"unknown stream field", "constant: {rate: 10}", "constant: {rate: 10}\n    burts: true", `8:5: unknown field "burts"`},
		{"unknown shape field", "constant: {rate: 10}", "constant: {rate: 10, strat: 5s}", `7:26: unknown field "strat"`},
		{"bad duration", "duration: 60s", "duration: sixty", `2:11: duration: invalid duration "sixty" \(write durations such as 500ms, 60s or 1m30s\)`},
		{"zero duration", "duration: 60s", "duration: 0s", `2:11: duration: must be > 0, got 0s`},
		{"negative rate", "rate: 10}", "rate: -10}", `7:22: streams\[0\].constant.rate: must be > 0, got -10`},
		{"NaN rate", "rate: 10}", "rate: .nan}", `7:22: streams\[0\].constant.rate: must be > 0, got NaN`},
		{"huge rate", "rate: 10}", "rate: 1e12}", `7:22: streams\[0\].constant.rate: must be <= 1e\+07`},
		{"two shapes", "constant: {rate: 10}", "constant: {rate: 10}\n    ramp: {from: 1, to: 2, duration: 1s}", `5:9: streams\[0\]: needs exactly one arrival shape .*got 2 \[constant ramp\]`},
		{"no shape", "    constant: {rate: 10}\n", "", `5:9: streams\[0\]: needs exactly one arrival shape`},
		{"path without slash", "path: /a}", "path: a}", `6:21: streams\[0\].request.path: must start with /, got "a"`},
		{"unknown placeholder", "/users/{subscriber}/teams", "/users/{subscriber}/{team}", `10:13: streams\[1\].request.path: unknown placeholder \{team\}`},
		{"bad arrivals", "  - name: app\n", "  - name: app\n    arrivals: bursty\n", `6:15: streams\[0\].arrivals: must be even or poisson, got "bursty"`},
		{"duplicate name", "name: teams", "name: app", `8:11: streams\[1\].name: duplicate stream name "app"`},
		{"duplicate key", "    constant: {rate: 10}\n", "    constant: {rate: 10}\n    constant: {rate: 20}\n", `8:5: mapping key "constant" already defined`},
		{"ramp without duration", "constant: {rate: 10}", "ramp: {from: 1, to: 5}", `7:11: streams\[0\].ramp.duration: must be > 0, got 0s`},
		{"stage rate", "constant: {rate: 10}", "stages: [{rate: 5, duration: 1s}, {rate: -1, duration: 1s}]", `7:46: streams\[0\].stages\[1\].rate: must be >= 0, got -1`},
		{"spike below base", "constant: {rate: 10}", "spike: {base: 50, peak: 10, start: 1s}", `7:29: streams\[0\].spike.peak: must be >= base \(50\), got 10`},
		{"sine swings below 0", "constant: {rate: 10}", "sine: {mean: 10, amplitude: 20, period: 10s}", `7:33: streams\[0\].sine.amplitude: must be <= mean`},
		{"sine without period", "constant: {rate: 10}", "sine: {mean: 10}", `7:11: streams\[0\].sine.period: must be > 0`},
		{"replay without file", "constant: {rate: 10}", "replay: {speed: 2}", `7:13: streams\[0\].replay: needs csv or access_log`},
		{"subscribers zero", "subscribers: 10", "subscribers: 0", `14:20: streams\[1\].fanout.subscribers: must be >= 1, got 0`},
		{"subscriber range backwards", "subscribers: 10", "subscribers: {from: 10, to: 5}", `14:20: streams\[1\].fanout.subscribers: range needs 0 <= from <= to`},
		{"subscribers string", "subscribers: 10", "subscribers: many", `14:20: streams\[1\]\.fanout\.subscribers: want a count or a range \{from: ID, to: ID\}, got string "many"$`},
		{"subscriber range string", "subscribers: 10", "subscribers: {from: x, to: 3}", `14:27: streams\[1\]\.fanout\.subscribers\.from: want an integer, got string "x"$`},
		{"events count and rate", "count: 3,", "count: 3, rate: 2,", `13:15: streams\[1\].fanout.events: has more than one of at, count and rate`},
		{"unknown reaction dist", "dist: uniform", "dist: gaussian", `15:24: streams\[1\].fanout.reaction.dist: must be fixed, uniform, exponential or lognormal, got "gaussian"`},
		{"lognormal p99 below median", "{dist: uniform, min: 0s, max: 2s}", "{dist: lognormal, median: 2s, p99: 1s}", `15:17: streams\[1\].fanout.reaction: lognormal needs 0 < median <= p99`},
		{"negative coalesce", "subscribers: 10", "subscribers: 10\n      coalesce: -5s", `15:17: streams\[1\].fanout.coalesce: must be >= 0, got -5s`},
		{"retry one attempt", "max_attempts: 3", "max_attempts: 1", `16:27: streams\[1\].retry.max_attempts: must be >= 2`},
		{"retry unknown class", "on: [5xx, timeout]", "on: [5xx, slow]", `16:65: streams\[1\].retry.on: unknown outcome class "slow"`},
		{"retry unknown field", "jitter: 250ms", "jiter: 250ms", `16:46: unknown field "jiter"`},
		{"bad header name", "Authorization: ", "Bad Header: ", `11:16: streams\[1\].request.headers: header name "Bad Header" is not a valid HTTP token`},
		{"unset variable", `"Bearer x"`, `"Bearer ${BURSTLAB_SURELY_UNSET}"`, `11:32: streams\[1\].request.headers.Authorization: environment variable BURSTLAB_SURELY_UNSET is not set`},
		{"request and requests", "    request: {path: /a}\n", "    request: {path: /a}\n    requests: [{path: /b}]\n", `6:14: streams\[0\].request: has both request and requests`},
		{"zero weight", "    request: {path: /a}\n", "    requests: [{path: /b, weight: -1}]\n", `6:35: streams\[0\].requests\[0\].weight: must be > 0, got -1`},
		{"lowercase method", "request: {path: /a}", "request: {method: get, path: /a}", `6:23: streams\[0\].request.method: must be an HTTP method`},
		{"missing body file", "request: {path: /a}", "request: {path: /a, body_file: nope.json}", `6:36: streams\[0\].request.body_file: "nope.json": cannot read`},
		{"no target", `target: {url: "http://127.0.0.1:9"}`, ``, `1:1: target: needs url or sim`},
		{"tab indentation", "    constant: {rate: 10}", "\tconstant: {rate: 10}", `7:1: `},
		{"not a mapping", "name: v\n", "- v\n", `2:1: value is not allowed`},
		{"rate not max", "constant: {rate: 10}", "rate: fast\n    max_workers: 4", `7:11: streams\[0\].rate: must be max .*, got "fast"; a planned rate is a shape such as constant: \{rate: fast\}`},
		{"rate max without workers", "constant: {rate: 10}", "rate: max", `5:9: streams\[0\].max_workers: must be > 0 for a rate: max stream`},
		{"workers without rate max", "constant: {rate: 10}", "constant: {rate: 10}\n    max_workers: 4", `8:18: streams\[0\].max_workers: applies to rate: max streams only`},
		{"rate max and a shape", "constant: {rate: 10}", "constant: {rate: 10}\n    rate: max\n    max_workers: 4", `5:9: streams\[0\]: needs exactly one arrival shape .*got 2 \[rate constant\]`},
		{"rate max marks the burst", "    constant: {rate: 10}", "    rate: max\n    max_workers: 2\n    burst: true", `9:12: streams\[0\].burst: a rate: max stream has no plan`},
		{"CR LF in a header value (#20 item 6)", `"Bearer x"`, `"Bearer x\r\nX-Evil: 1"`, `11:32: streams\[1\]\.request\.headers\.Authorization: holds the control character U\+000D, which no header value can carry$`},
		{"NUL in a path (#20 item 6)", "path: /a}", `path: "/a\0b"}`, `6:21: streams\[0\]\.request\.path: holds the control character U\+0000, which no request line can carry; percent-encode it \(%00\)`},
		{"ESC in a path (#20 item 6)", "path: /a}", `path: "/a\eb"}`, `6:21: streams\[0\]\.request\.path: holds the control character U\+001B`},
		{"stream name with a space (#20 item 12)", "name: app", "name: a b", `5:11: streams\[0\]\.name: "a b" holds ' ' \(U\+0020\); a stream name may hold only ASCII letters, digits, '_', '\.' and '-', so that gates and alerts can name it as stream\.NAME\.FIELD$`},
		{"stream name with a comma", "name: app", "name: app,x", `5:11: streams\[0\]\.name: "app,x" holds ',' \(U\+002C\)`},
		{"stream name in unicode", "name: app", "name: ünïcode", `5:11: streams\[0\]\.name: "ünïcode" holds 'ü' \(U\+00FC\)`},
		{"stream name with an emoji", "name: app", "name: app🔥", `5:11: streams\[0\]\.name: "app🔥" holds '🔥' \(U\+1F525\)`},
		{"bare number duration", "duration: 60s", "duration: 60", `2:11: duration: want a duration with a unit \(500ms, 60s, 1m30s\), got integer 60$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("the good profile lacks %q", tc.old)
			}
			src := strings.Replace(good, tc.old, tc.new, 1)
			_, err := Parse("bad.yaml", []byte(src))
			if err == nil {
				_, err = NewPlan(mustParse(t, src))
			}
			if err == nil {
				t.Fatalf("no error for\n%s", src)
			}
			msg := err.Error()
			if !IsError(err) || strings.Contains(msg, "\n") {
				t.Errorf("want a one-line profile error, got %q", msg)
			}
			if !regexp.MustCompile(`^bad\.yaml:` + tc.want).MatchString(msg) {
				t.Errorf("error %q\nwant    bad.yaml:%s", msg, tc.want)
			}
		})
	}
}

// TestHostileYAML: what hostile or careless YAML gets from Parse: an alias
// bomb is refused at once at its alias (#20 item 2); a byte order mark is
// dropped and a tab is called a tab (#20 item 13); of several unknown fields
// the first is named, every time (#20 item 13); a wrong type is named by
// its field in YAML words (#25 item 10).
func TestHostileYAML(t *testing.T) {
	if _, err := Parse("bom.yaml", []byte("\ufeff"+good)); err != nil {
		t.Errorf("a profile starting with a byte order mark: %v", err)
	}
	items := []string{"&a0 [x,x,x,x,x,x,x,x,x,x]"}
	for i := 1; i < 8; i++ {
		items = append(items, fmt.Sprintf("&a%d [%s]", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ",")))
	}
	bomb := strings.Replace(good, "name: v\n", "name: v\ngates: ["+strings.Join(items, ", ")+"]\n", 1)
	for _, tc := range []struct{ name, src, want string }{
		{"alias bomb", bomb, `^bad\.yaml:2:\d+: alias \*a\d: .*alias bomb`},
		{"tab", strings.Replace(good, "    constant", "\tconstant", 1), `^bad\.yaml:7:1: a tab in the indentation: YAML indents with spaces only$`},
		{"unknown fields", strings.Replace(good, "name: v\n", "name: v\nzz: 1\naa: 2\nmm: 3\nbb: 4\n", 1), `^bad\.yaml:2:1: unknown field "zz"$`},
		{"type", strings.Replace(good, "name: v\n", "name: v\nclient:\n  max_workers: abc\n", 1), `^bad\.yaml:3:16: client\.max_workers: want a whole number >= 0, got string "abc"$`},
		{"list for a mapping", strings.Replace(good, "name: v\n", "name: v\nclient: [1]\n", 1), `^bad\.yaml:2:9: client: want a mapping, got a list$`},
	} {
		for range 10 { // map order must not change the answer
			_, err := Parse("bad.yaml", []byte(tc.src))
			if err == nil || !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Fatalf("%s: error %v\nwant %s", tc.name, err, tc.want)
			}
		}
	}
}

// TestBodyFileCap (#20 item 3): a body_file is read through a capped
// reader: /dev/zero and a file past the cap are refused at the field,
// naming the file and the cap.
func TestBodyFileCap(t *testing.T) {
	dir := t.TempDir()
	big := writeFile(t, dir, "big.bin", strings.Repeat("x", attack.MaxBodyBytes+1))
	files := []string{big}
	if _, err := os.Stat("/dev/zero"); err == nil {
		files = append(files, "/dev/zero")
	}
	for _, f := range files {
		src := strings.Replace(good, "request: {path: /a}", "request: {path: /a, body_file: "+f+"}", 1)
		_, err := Parse(filepath.Join(dir, "p.yaml"), []byte(src))
		want := fmt.Sprintf(`p.yaml:6:36: streams[0].request.body_file: %q: larger than the 16 MiB cap on a request body`, f)
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%s: error %v\nwant %s", f, err, want)
		}
	}
}

// TestSimTargetBounds: a profile's target.sim refuses 0 where 0 would
// silently become the default, as the sim flags refuse it (#20 item 9),
// and numbers past the simulator's bounds (#20 item 8), at the field.
func TestSimTargetBounds(t *testing.T) {
	const sim = `target: {url: "http://127.0.0.1:9"}`
	for _, tc := range []struct{ sim, want string }{
		{"target:\n  sim: {replicas: 0}", `^bad\.yaml:4:19: target\.sim\.replicas: must be >= 1, got 0$`},
		{"target:\n  sim:\n    slots: 0", `^bad\.yaml:5:12: target\.sim\.slots: must be >= 1, got 0$`},
		{"target:\n  sim: {autoscale: {provision_delay: 0s}}", `^bad\.yaml:4:38: target\.sim\.autoscale\.provision_delay: must be > 0, got 0s$`},
		{"target:\n  sim: {replicas: 100000000}", `^bad\.yaml:4:19: target\.sim\.replicas: must be <= 10000, got 100000000$`},
		{"target:\n  sim: {slots: 4, queue_limit: 1000000000}", `^bad\.yaml:4:32: target\.sim\.queue_limit: must be <= 1000000, got 1000000000$`},
	} {
		_, err := Parse("bad.yaml", []byte(strings.Replace(good, sim, tc.sim, 1)))
		if err == nil || !regexp.MustCompile(tc.want).MatchString(err.Error()) {
			t.Errorf("%q: error %v\nwant %s", tc.sim, err, tc.want)
		}
	}
	if _, err := Parse("ok.yaml", []byte(strings.Replace(good, sim, "target:\n  sim: {replicas: 3, slots: 2}", 1))); err != nil {
		t.Errorf("a valid sim target: %v", err)
	}
}

// TestHeaderFromEnvironment (#20 item 6): a header value that the
// environment fills with a line break is refused at the header, without
// printing the value (it may be a secret).
func TestHeaderFromEnvironment(t *testing.T) {
	t.Setenv("BURSTLAB_TEST_TOKEN", "s3cret\r\nX-Evil: 1")
	src := strings.Replace(good, `"Bearer x"`, `"Bearer ${BURSTLAB_TEST_TOKEN}"`, 1)
	_, err := Parse("bad.yaml", []byte(src))
	want := "bad.yaml:11:32: streams[1].request.headers.Authorization: holds the control character U+000D once its environment variables are filled in"
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v\nwant %s", err, want)
	}
}
