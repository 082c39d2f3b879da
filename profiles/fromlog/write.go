package fromlog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/burstlab/burstlab/profiles/accesslog"
)

// maxMix is how many routes a folded stream's request mix names; the
// others' requests are replayed on the named ones.
const maxMix = 50

// Write writes the profile at path and each stream's curve beside it
// (path without .yaml, then .STREAM.csv). A bursting stream is written as
// two: its requests outside the burst, and STREAM-burst, marked burst. Files are written under temporary
// names and renamed at the end, so a failure leaves no half-written output.
// It returns the files written.
func Write(path string, l *Log, streams []*Stream, o Options) ([]string, error) {
	o = o.withDefaults()
	dir := filepath.Dir(path)
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".yaml"), ".yml")
	var temps, finals []string
	fail := func(err error) ([]string, error) {
		for _, t := range temps {
			os.Remove(t)
		}
		return nil, err
	}
	var parts []part
	for _, s := range streams {
		parts = append(parts, split(s, l.Tick)...)
	}
	for i := range parts {
		pt := &parts[i]
		pt.csv = base + "." + pt.name + ".csv"
		tmp, err := writeTemp(dir, pt.csv, func(w io.Writer) error { return writeCurve(w, pt.counts, l.Tick) })
		if err != nil {
			return fail(err)
		}
		temps, finals = append(temps, tmp), append(finals, filepath.Join(dir, pt.csv))
	}
	tmp, err := writeTemp(dir, filepath.Base(path), func(w io.Writer) error { return writeProfile(w, l, streams, parts, o) })
	if err != nil {
		return fail(err)
	}
	temps, finals = append(temps, tmp), append(finals, path)
	for i, t := range temps {
		if err := os.Rename(t, finals[i]); err != nil {
			return fail(err)
		}
	}
	return finals, nil
}

func writeTemp(dir, name string, fill func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing %s: %v", filepath.Join(dir, name), err)
	}
	return f.Name(), nil
}

// writeCurve writes a stream's counts as a replay CSV: (t, count) rows from
// 0 to the end of the log, a run of empty ticks as one row, and a closing
// row of 0 so the last tick lasts one tick.
func writeCurve(w io.Writer, counts []uint32, tick time.Duration) error {
	fmt.Fprintln(w, "t,count")
	for k, v := range counts {
		if k > 0 && v == 0 && counts[k-1] == 0 {
			continue
		}
		fmt.Fprintf(w, "%s,%d\n", seconds(time.Duration(k)*tick), v)
	}
	_, err := fmt.Fprintf(w, "%s,0\n", seconds(time.Duration(len(counts))*tick))
	return err
}

// seconds writes d in seconds, exactly (d is a whole number of ms).
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// part is one stream of the profile: a Stream, or the part of a bursting
// Stream before and after its burst, or the burst itself. A burst is a
// stream of its own because the report takes the burst window from the
// first to the last request of the burst streams.
type part struct {
	s      *Stream
	name   string
	counts []uint32
	burst  bool
	csv    string
}

// split returns a stream's parts: itself, or, when it bursts, its requests
// outside the burst (when there are any) and those inside it.
func split(s *Stream, tick time.Duration) []part {
	b := s.Burst
	if b == nil {
		return []part{{s: s, name: s.Name, counts: s.Counts}}
	}
	from := min(int(b.From/tick), len(s.Counts))
	to := min(int(b.To/tick), len(s.Counts))
	in := make([]uint32, len(s.Counts))
	out := slices.Clone(s.Counts)
	copy(in[from:to], out[from:to])
	clear(out[from:to])
	burst := part{s: s, name: s.Name + "-burst", counts: in, burst: true}
	if slices.Max(append(out, 0)) == 0 {
		return []part{burst}
	}
	return []part{{s: s, name: s.Name, counts: out}, burst}
}

func writeProfile(w io.Writer, l *Log, streams []*Stream, parts []part, o Options) error {
	span := time.Duration(l.Ticks()) * l.Tick
	end := l.Start.Add(span)
	fmt.Fprintf(w, "# Written by `burstlab profile from-log` from %s.\n", strings.Join(o.Sources, ", "))
	fmt.Fprintf(w, "# %d requests from %s to %s (%v), counted per route every %v.\n",
		l.Requests, l.Start.UTC().Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano), span, l.Tick)
	if m := l.Stats.Malformed; m.Count > 0 {
		fmt.Fprintf(w, "# %d malformed line(s) skipped, first: %v.\n", m.Count, m.First[0])
	}
	if l.Stats.Cut > 0 {
		fmt.Fprintf(w, "# %d request(s) outside the time range cut.\n", l.Stats.Cut)
	}
	fmt.Fprintf(w, "# Each stream replays its route's requests per tick from the CSV beside this file, at speed %g and scale %g.\n", o.Speed, o.Scale)
	writeBurstComment(w, streams, l, o)
	fmt.Fprintf(w, "name: %s\nseed: 1\nduration: %v\ntarget: {url: %s}\nstreams:\n",
		strconv.Quote(o.Name), replayTime(span+l.Tick, o.Speed), strconv.Quote(o.Target))
	for _, pt := range parts {
		writeStream(w, pt, l, o)
	}
	return nil
}

// replayTime is a span of the log as the replay takes it.
func replayTime(d time.Duration, speed float64) time.Duration {
	return time.Duration(float64(d) / speed).Round(time.Millisecond)
}

func writeBurstComment(w io.Writer, streams []*Stream, l *Log, o Options) {
	var from, to time.Duration = -1, 0
	for _, s := range streams {
		if b := s.Burst; b != nil {
			if from < 0 || b.From < from {
				from = b.From
			}
			to = max(to, b.To)
		}
	}
	if from < 0 {
		fmt.Fprintf(w, "#\n# No burst found: no route's rate stayed above %gx its median (at least 1/s) for %v or longer.\n#\n", o.Factor, o.MinBurst)
		return
	}
	fmt.Fprintf(w, "#\n# Burst: %s to %s, %v to %v into the log (%v to %v into the replay at speed %g). Routes that carried it:\n",
		l.Start.Add(from).UTC().Format(time.RFC3339), l.Start.Add(to).UTC().Format(time.RFC3339), from, to,
		replayTime(from, o.Speed), replayTime(to, o.Speed), o.Speed)
	for _, s := range streams {
		if b := s.Burst; b != nil {
			fmt.Fprintf(w, "#   %s: up to %.4g/s, %.1fx its median of %.4g/s, from %v to %v (%d requests)\n",
				streamLabel(s), b.Peak, b.Factor(), b.Baseline, b.From, b.To, b.Requests)
		}
	}
	fmt.Fprintln(w, "#")
}

func streamLabel(s *Stream) string {
	if s.Folded() {
		return fmt.Sprintf("%s (%d folded routes)", s.Name, len(s.Routes))
	}
	return s.Routes[0].String()
}

func writeStream(w io.Writer, pt part, l *Log, o Options) {
	s := pt.s
	share := 100 * float64(s.Total) / float64(max(l.Requests, 1))
	switch {
	case pt.burst:
		b := s.Burst
		fmt.Fprintf(w, "  # %s during its burst, %v to %v into the log: up to %.4g/s, %.1fx its median of %.4g/s\n", streamLabel(s), b.From, b.To, b.Peak, b.Factor(), b.Baseline)
	case s.Burst != nil:
		fmt.Fprintf(w, "  # %s before and after its burst (%.1f%% of the requests in all)\n", streamLabel(s), share)
	case s.Folded():
		fmt.Fprintf(w, "  # %d routes below %g%% of the requests each, %.1f%% together", len(s.Routes), 100*o.Share, share)
		if s.Overflow > 0 {
			fmt.Fprintf(w, ", %d requests of routes past the first %d (replayed on the named ones)", s.Overflow, accesslog.MaxRoutes)
		}
		fmt.Fprintf(w, "; median %.4g/s, peak %.4g/s\n", s.Median, s.Peak)
	default:
		fmt.Fprintf(w, "  # %s: %.1f%% of the requests, median %.4g/s, peak %.4g/s\n", s.Routes[0], share, s.Median, s.Peak)
	}
	fmt.Fprintf(w, "  - name: %s\n", pt.name)
	if pt.burst {
		fmt.Fprintln(w, "    burst: true")
	}
	if len(s.Routes) == 1 {
		fmt.Fprintf(w, "    request: {method: %s, path: %s}\n", s.Routes[0].Method, strconv.Quote(pathTemplate(s.Routes[0])))
	} else if len(s.Routes) == 0 {
		fmt.Fprintln(w, "    request: {method: GET, path: \"/\"}  # the log's routes past the cap have no template")
	} else {
		fmt.Fprintln(w, "    requests:")
		for i, r := range s.Routes[:min(len(s.Routes), maxMix)] {
			fmt.Fprintf(w, "      - {weight: %d, method: %s, path: %s}\n", s.Weights[i], r.Method, strconv.Quote(pathTemplate(r)))
		}
		if len(s.Routes) > maxMix {
			fmt.Fprintf(w, "      # %d more routes with fewer requests, replayed on the ones above\n", len(s.Routes)-maxMix)
		}
	}
	fmt.Fprintf(w, "    replay: {csv: %s, speed: %g, scale: %g}\n", strconv.Quote(pt.csv), o.Speed, o.Scale)
}

// pathTemplate is a route's path as a request template: each placeholder
// draws from the ids the log held ({rand:LO..HI} for integers, else
// {choice:...} of the first distinct values), other braces escaped.
func pathTemplate(r *accesslog.Route) string {
	var b strings.Builder
	p := r.Path
	k := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '{' && k < len(r.Params) {
			want := "{" + r.Params[k].Name + "}"
			if strings.HasPrefix(p[i:], want) {
				b.WriteString(paramTemplate(&r.Params[k]))
				i += len(want) - 1
				k++
				continue
			}
		}
		switch c {
		case '{':
			b.WriteString("%7B")
		case '}':
			b.WriteString("%7D")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func paramTemplate(p *accesslog.Param) string {
	if p.Numeric && len(p.Sample) > 0 {
		if p.Min == p.Max {
			return strconv.FormatInt(p.Min, 10)
		}
		return fmt.Sprintf("{rand:%d..%d}", p.Min, p.Max)
	}
	var ok []string
	for _, s := range p.Sample {
		if s != "" && !strings.ContainsAny(s, ",{}\"\\") {
			ok = append(ok, s)
		}
	}
	switch len(ok) {
	case 0:
		return "0"
	case 1:
		return ok[0]
	}
	return "{choice:" + strings.Join(ok, ",") + "}"
}
