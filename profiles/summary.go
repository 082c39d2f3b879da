package profiles

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// sparkWidth is the most characters a sparkline takes; longer runs put
// several seconds in one character (their highest rate).
const sparkWidth = 100

// Sparkline draws per-second counts as ▁▂▃▄▅▆▇█ scaled to their maximum, a
// space for a second with none. With more than width seconds each character
// stands for several (the busiest of them); it returns the seconds per
// character too.
func Sparkline(perSecond []int64, width int) (line string, secsPerChar int) {
	const bars = "▁▂▃▄▅▆▇█"
	if width < 1 {
		width = 1
	}
	secsPerChar = max(1, (len(perSecond)+width-1)/width)
	var cols []int64
	var top int64
	for i := 0; i < len(perSecond); i += secsPerChar {
		var m int64
		for _, n := range perSecond[i:min(i+secsPerChar, len(perSecond))] {
			m = max(m, n)
		}
		cols = append(cols, m)
		top = max(top, m)
	}
	var b strings.Builder
	runes := []rune(bars)
	for _, n := range cols {
		if n == 0 {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(runes[min(len(runes)-1, int((n*int64(len(runes))-1)/top))])
	}
	return b.String(), secsPerChar
}

// WritePlan describes the plan for a terminal: one row per stream with its
// shape, total and peak rate, then a per-second sparkline of every stream
// and of them all.
func WritePlan(w io.Writer, pl *Plan) error {
	p := pl.Profile
	fmt.Fprintf(w, "%s: %v, seed %d, %d requests, peak %.0f/s at %v\n", p.Name, p.Duration, p.Seed, pl.Total, pl.PeakRate, pl.PeakAt)
	if pl.Burst.Marked {
		fmt.Fprintf(w, "burst %.1fs..%.1fs (first to last request of the burst streams)\n", pl.Burst.Start.Seconds(), pl.Burst.End.Seconds())
	}
	fmt.Fprintln(w)
	t := tablewriter.NewTable(w,
		tablewriter.WithConfig(tablewriter.NewConfigBuilder().Row().Alignment().
			WithPerColumn([]tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight}).Build().Build()),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	t.Header("stream", "shape", "total", "peak/s")
	for _, s := range pl.Streams {
		name := s.Name
		if s.Burst {
			name += " (burst)"
		}
		if err := t.Append(name, s.Shape, s.Total, fmt.Sprintf("%.0f", s.PeakRate)); err != nil {
			return err
		}
	}
	if err := t.Append("all", "", pl.Total, fmt.Sprintf("%.0f", pl.PeakRate)); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, s := range pl.Streams {
		if s.Retry != nil {
			fmt.Fprintf(w, "%s retries %s (sent by the engine, not counted above)\n", s.Name, s.Retry)
		}
	}
	all := make([]int64, len(pl.Streams[0].PerSecond))
	width := len("all")
	for _, s := range pl.Streams {
		for i, n := range s.PerSecond {
			all[i] += n
		}
		width = max(width, len(s.Name))
	}
	line, per := Sparkline(all, sparkWidth)
	fmt.Fprintf(w, "\nrequests per second, one character = %ds, each line scaled to its own peak:\n", per)
	for _, s := range pl.Streams {
		l, _ := Sparkline(s.PerSecond, sparkWidth)
		fmt.Fprintf(w, "%-*s |%s| %.0f/s\n", width, s.Name, l, s.PeakRate)
	}
	_, err := fmt.Fprintf(w, "%-*s |%s| %.0f/s\n", width, "all", line, pl.PeakRate)
	return err
}

// PlanJSON is the machine-readable plan that `burstlab profile plan --json`
// prints: per-stream per-second offered counts and totals.
type PlanJSON struct {
	Name      string           `json:"name"`
	Seed      int64            `json:"seed"`
	DurationS float64          `json:"duration_s"`
	Total     int64            `json:"total"`
	PeakRate  float64          `json:"peak_rate_per_s"`
	PeakAtS   float64          `json:"peak_at_s"`
	Burst     *BurstJSON       `json:"burst,omitempty"`
	PerSecond []int64          `json:"per_second"`
	Streams   []StreamPlanJSON `json:"streams"`
}

// BurstJSON is the planned burst window in seconds.
type BurstJSON struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
}

// StreamPlanJSON is one stream of PlanJSON.
type StreamPlanJSON struct {
	Name      string  `json:"name"`
	Shape     string  `json:"shape"`
	Burst     bool    `json:"burst"`
	Total     int64   `json:"total"`
	PeakRate  float64 `json:"peak_rate_per_s"`
	Retry     string  `json:"retry,omitempty"` // the retry policy in one line
	PerSecond []int64 `json:"per_second"`
}

// JSON returns the plan's machine-readable summary. It holds no header
// values or bodies, so no secrets.
func (pl *Plan) JSON() PlanJSON {
	p := pl.Profile
	out := PlanJSON{Name: p.Name, Seed: p.Seed, DurationS: p.Duration.Seconds(), Total: pl.Total,
		PeakRate: pl.PeakRate, PeakAtS: pl.PeakAt.Seconds(), PerSecond: make([]int64, len(pl.Streams[0].PerSecond))}
	if pl.Burst.Marked {
		out.Burst = &BurstJSON{StartS: pl.Burst.Start.Seconds(), EndS: pl.Burst.End.Seconds()}
	}
	for _, s := range pl.Streams {
		for i, n := range s.PerSecond {
			out.PerSecond[i] += n
		}
		sj := StreamPlanJSON{Name: s.Name, Shape: s.Shape, Burst: s.Burst,
			Total: s.Total, PeakRate: s.PeakRate, PerSecond: s.PerSecond}
		if s.Retry != nil {
			sj.Retry = s.Retry.String()
		}
		out.Streams = append(out.Streams, sj)
	}
	return out
}

// WritePlanJSON writes pl.JSON() as indented JSON.
func WritePlanJSON(w io.Writer, pl *Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(pl.JSON())
}
