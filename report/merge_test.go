package report

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/burstlab/burstlab/attack/outcome"
)

// TestMergeShards splits the synthetic plan into three shards (every third
// request, as --shard i/3 does), records each, and checks the merged record
// equals the record of the whole plan: every window, stream and summary
// figure, percentiles included.
func TestMergeShards(t *testing.T) {
	const n = 3
	whole, dirs := shards(t, n)
	merged, err := Open(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Shards != n {
		t.Errorf("shards %d, want %d", merged.Shards, n)
	}
	for i := range whole.Windows {
		w, m := whole.Windows[i], merged.Windows[i]
		m.LatenessP99Ms = w.LatenessP99Ms // not in the interval logs: the highest shard's
		if !reflect.DeepEqual(w, m) {
			t.Errorf("window %d:\n merged %+v\n whole  %+v", i, m, w)
		}
	}
	if !reflect.DeepEqual(whole.Streams, merged.Streams) {
		t.Errorf("streams:\n merged %+v\n whole  %+v", merged.Streams, whole.Streams)
	}
	ws, ms := whole.Summary, merged.Summary
	ms.Warnings = ws.Warnings
	if !reflect.DeepEqual(ws, ms) {
		t.Errorf("summary:\n merged %+v\n whole  %+v", ms, ws)
	}
	if whole.Burst != merged.Burst {
		t.Errorf("burst %+v, want %+v", merged.Burst, whole.Burst)
	}
	if merged.Model != whole.Model {
		t.Errorf("model %q, want %q", merged.Model, whole.Model)
	}
	hw, _ := whole.Histogram()
	hm, err := merged.Histogram()
	if err != nil || hm.TotalCount() != hw.TotalCount() || hm.ValueAtQuantile(99.99) != hw.ValueAtQuantile(99.99) {
		t.Errorf("merged histogram: %v", err)
	}
}

// shards records the synthetic plan whole, and split into n shards (every
// n-th request, as --shard i/n does) each in a record directory.
func shards(t *testing.T, n int) (*Record, []string) {
	t.Helper()
	cfg := synthConfig()
	all := synthResults(cfg)
	whole := record(t, cfg, all, synthEvents(), "")
	var dirs []string
	for k := range n {
		sc := cfg
		sc.Streams = make([]StreamOffer, len(cfg.Streams))
		var part []outcome.Result
		for si, s := range cfg.Streams {
			sc.Streams[si] = StreamOffer{Name: s.Name, Burst: s.Burst, Offered: make([]int64, len(s.Offered))}
		}
		for _, r := range all {
			if r.Seq%int64(n) == int64(k) {
				part = append(part, r)
				sc.Streams[r.Stream].Offered[int(r.Intended/sc.Window)]++
			}
		}
		dir := filepath.Join(t.TempDir(), "shard")
		record(t, sc, part, synthEvents(), dir)
		dirs = append(dirs, dir)
	}
	return whole, dirs
}

// TestMergeOlderShard: when one shard was recorded before burstlab kept
// each stream's share of the windows, the merged record keeps no shares
// (partial ones would read as the whole plan's) and says so; its counts
// are still exact.
func TestMergeOlderShard(t *testing.T) {
	whole, dirs := shards(t, 2)
	old, err := Load(dirs[1])
	if err != nil {
		t.Fatal(err)
	}
	for i := range old.Windows {
		old.Windows[i].Streams = nil
	}
	if err := Save(dirs[1], old); err != nil {
		t.Fatal(err)
	}
	merged, err := Open(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if merged.KeepsStreamWindows() {
		t.Error("the merged record keeps stream shares from one shard of two")
	}
	if !slices.ContainsFunc(merged.Notes, func(n string) bool { return strings.Contains(n, "keeps none") }) {
		t.Errorf("notes %q do not say the shares were dropped", merged.Notes)
	}
	for i := range whole.Windows {
		if !equalTally(merged.Windows[i].Tally, whole.Windows[i].Tally) {
			t.Errorf("window %d: %+v, want %+v", i, merged.Windows[i].Tally, whole.Windows[i].Tally)
		}
	}
}

// TestMergeKeepsClosedStreams: shards of a plan with a closed-model stream
// merge into a record of the same model, the stream still closed, so the
// merged verdict reads it as the run did.
func TestMergeKeepsClosedStreams(t *testing.T) {
	_, dirs := shards(t, 2)
	for _, d := range dirs {
		r, err := Load(d)
		if err != nil {
			t.Fatal(err)
		}
		r.Model, r.Streams[1].Closed = ModelMixed, true
		if err := Save(d, r); err != nil {
			t.Fatal(err)
		}
	}
	merged, err := Open(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	if merged.Model != ModelMixed || !merged.Streams[1].Closed || merged.Streams[0].Closed {
		t.Errorf("model %q, streams closed %v and %v; want mixed, the second closed", merged.Model, merged.Streams[0].Closed, merged.Streams[1].Closed)
	}
}

// TestMergeRefusesOtherPlans checks records of different plans are not
// merged, with a message naming both.
func TestMergeRefusesOtherPlans(t *testing.T) {
	cfg := synthConfig()
	a := filepath.Join(t.TempDir(), "a")
	record(t, cfg, synthResults(cfg), nil, a)
	other := cfg
	other.Seed = 8
	b := filepath.Join(t.TempDir(), "b")
	record(t, other, synthResults(other), nil, b)
	if _, err := Open(a, b); err == nil {
		t.Fatal("merged records of two plans")
	} else if want := "not shards of one plan"; !contains(err.Error(), want, a, b) {
		t.Errorf("error %q, want it to name %s, %s and say %q", err, a, b, want)
	}
	// A directory without run.json, and a bad run.json.
	empty := t.TempDir()
	if _, err := Open(empty); err == nil || !contains(err.Error(), empty, "not a burstlab record") {
		t.Errorf("empty directory: %v", err)
	}
	os.WriteFile(filepath.Join(empty, RunFile), []byte("{\"schema\": 1, \"windows\": [}"), 0o644)
	if _, err := Open(empty); err == nil || !contains(err.Error(), filepath.Join(empty, RunFile)) {
		t.Errorf("bad run.json: %v", err)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !stringsContains(s, sub) {
			return false
		}
	}
	return true
}

func stringsContains(s, sub string) bool { return strings.Contains(s, sub) }

// A large run.json that is not a record is turned down from its opening,
// not read whole first (#20 item 11); one of another schema says which.
func TestLoadRefusesNonRecord(t *testing.T) {
	for _, c := range []struct {
		name, head, want string
	}{
		{"zeros", "\x00\x00\x00", "does not open with a JSON object"},
		{"array", "[1, 2, 3]", "does not open with a JSON object"},
		{"other object", `{"name": "x", "schema": 1}`, `its first field is not "schema"`},
		{"newer schema", `{"schema": 9, "windows": []}`, "schema 9, this burstlab reads 1"},
	} {
		dir := t.TempDir()
		// 8 MiB of padding after the opening: what matters is the opening.
		body := append([]byte(c.head), bytes.Repeat([]byte(" "), 8<<20)...)
		if err := os.WriteFile(filepath.Join(dir, RunFile), body, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir)
		if err == nil || !contains(err.Error(), "not a burstlab record", c.want) {
			t.Errorf("%s: %v, want not a burstlab record: %s", c.name, err, c.want)
		}
	}
}
