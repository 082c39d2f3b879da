package profiles

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Replay replays production traffic as a rate series: from a CSV file of
// (time, rate) or (time, count) rows, or from the per-second request counts of
// an access log in Common or Combined Log Format (nginx, Apache). Speed
// compresses time (10 replays an hour in 6 minutes, with ten times the rate,
// so the request count stays the same); Scale multiplies the rate. The replay
// begins at Start in the run.
//
// A CSV file has a header row. Its time column is named t, time, timestamp or
// seconds and holds seconds from the start (1.5), Go durations (1m30s) or
// RFC 3339 timestamps (relative to the first row); its value column is named
// rate (requests per second) or count (requests in the row's interval). Other
// columns are ignored. Row i's value holds from its time to row i+1's time;
// the last row lasts as long as the one before it (1 s when alone).
type Replay struct {
	CSV       string        `yaml:"csv"`
	AccessLog string        `yaml:"access_log"`
	Speed     float64       `yaml:"speed"` // default 1
	Scale     float64       `yaml:"scale"` // default 1
	Start     time.Duration `yaml:"start"`
}

// series reads the replay's file into the corner points of a step rate
// function, in run time. Errors name the file and its line.
func (r *Replay) series(path string) ([]point, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	defer f.Close()
	var steps []step
	if r.CSV != "" {
		steps, err = readRateCSV(path, f)
	} else {
		steps, err = readAccessLog(path, f)
	}
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	t0 := steps[0].t
	start := r.Start.Seconds()
	pts := make([]point, 0, 2*len(steps))
	for _, s := range steps {
		a := start + (s.t-t0)/r.Speed
		b := a + s.d/r.Speed
		v := s.rate * r.Speed * r.Scale
		pts = append(pts, point{a, v}, point{b, v})
	}
	return pts, nil
}

// step is a rate held over [t, t+d), in seconds.
type step struct{ t, d, rate float64 }

func readRateCSV(path string, rd io.Reader) ([]step, error) {
	cr := csv.NewReader(rd)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %v", path, err)
	}
	head = slices.Clone(head) // the reader reuses its record
	tcol, vcol, isCount := -1, -1, false
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "t", "time", "timestamp", "seconds":
			tcol = i
		case "rate":
			vcol = i
		case "count":
			vcol, isCount = i, true
		}
	}
	if tcol < 0 || vcol < 0 {
		return nil, fmt.Errorf("%s:1: header %q needs a time column (t, time, timestamp or seconds) and a rate or count column", path, strings.Join(head, ","))
	}
	type row struct{ t, v float64 }
	var rows []row
	var base time.Time
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A parse error leaves no record to ask FieldPos about: it
			// panics then. The error names the line itself.
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if tcol >= len(rec) || vcol >= len(rec) {
			return nil, fmt.Errorf("%s:%d: want %d columns, got %d", path, line, len(head), len(rec))
		}
		t, err := parseTime(strings.TrimSpace(rec[tcol]), &base)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s %q: %v", path, line, head[tcol], rec[tcol], err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[vcol]), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%s:%d: %s %q: want a number >= 0", path, line, head[vcol], rec[vcol])
		}
		if n := len(rows); n > 0 && t <= rows[n-1].t {
			return nil, fmt.Errorf("%s:%d: time %q is not after the previous row's", path, line, rec[tcol])
		}
		rows = append(rows, row{t, v})
	}
	steps := make([]step, len(rows))
	for i, r := range rows {
		d := 1.0
		switch {
		case i+1 < len(rows):
			d = rows[i+1].t - r.t
		case i > 0:
			d = r.t - rows[i-1].t
		}
		rate := r.v
		if isCount {
			rate = r.v / d
		}
		steps[i] = step{t: r.t, d: d, rate: rate}
	}
	return steps, nil
}

// parseTime reads seconds, a Go duration or an RFC 3339 timestamp (seconds
// after the first one seen, kept in base).
func parseTime(s string, base *time.Time) (float64, error) {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return 0, errors.New("want seconds >= 0")
		}
		return v, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return 0, errors.New("want a duration >= 0")
		}
		return d.Seconds(), nil
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, errors.New("want seconds, a duration (1m30s) or an RFC 3339 timestamp")
	}
	if base.IsZero() {
		*base = ts
	}
	return ts.Sub(*base).Seconds(), nil
}

// clfTime is the timestamp layout of the Common Log Format.
const clfTime = "02/Jan/2006:15:04:05 -0700"

// readAccessLog counts a Common or Combined Log Format file's requests per
// second. Memory grows with the seconds that saw requests, not with the lines.
func readAccessLog(path string, rd io.Reader) ([]step, error) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	counts := map[int64]int64{}
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		i := strings.IndexByte(text, '[')
		j := strings.IndexByte(text, ']')
		if i < 0 || j < i || !strings.HasPrefix(text[j+1:], " \"") {
			return nil, fmt.Errorf("%s:%d: not Common or Combined Log Format (want host ident user [time] \"request\" status bytes)", path, line)
		}
		ts, err := time.Parse(clfTime, text[i+1:j])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: timestamp %q: want a time like 10/Oct/2000:13:55:36 -0700", path, line, text[i+1:j])
		}
		counts[ts.Unix()]++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", path, line+1, err)
	}
	secs := make([]int64, 0, len(counts))
	for s := range counts {
		secs = append(secs, s)
	}
	slices.Sort(secs)
	if len(secs) == 0 {
		return nil, nil
	}
	first := secs[0]
	steps := make([]step, 0, 2*len(secs))
	for i, s := range secs {
		if i > 0 && s > secs[i-1]+1 {
			steps = append(steps, step{t: float64(secs[i-1] + 1 - first), d: float64(s - secs[i-1] - 1)})
		}
		steps = append(steps, step{t: float64(s - first), d: 1, rate: float64(counts[s])})
	}
	return steps, nil
}
