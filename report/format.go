package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// UsPerMs is the number of recorded histogram values (microseconds, see
// Record.Unit) in a millisecond.
const UsPerMs = 1000.0

// WriteJSON writes rec as run.json holds it: the whole record, indented, with
// its schema version and the definition of every figure; each window (with
// its streams' shares) on a line of its own, which keeps a long run's file
// near half the size it would be indented, one window per line to read.
func WriteJSON(w io.Writer, rec *Record) error {
	bare := *rec
	bare.Windows = nil
	data, err := json.MarshalIndent(&bare, "", "  ")
	if err != nil {
		return err
	}
	const key = "\n  \"windows\": null"
	i := bytes.Index(data, []byte(key))
	if i < 0 {
		return fmt.Errorf("run.json: no windows key") // a field renamed: a bug
	}
	var out bytes.Buffer
	out.Grow(len(data) + len(rec.Windows)*512)
	out.Write(data[:i])
	out.WriteString("\n  \"windows\": [")
	for j := range rec.Windows {
		line, err := json.Marshal(&rec.Windows[j])
		if err != nil {
			return err
		}
		if j > 0 {
			out.WriteByte(',')
		}
		out.WriteString("\n    ")
		out.Write(line)
	}
	if len(rec.Windows) > 0 {
		out.WriteString("\n  ")
	}
	out.WriteByte(']')
	out.Write(data[i+len(key):])
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// FormatMs writes a duration in milliseconds as every report shows it:
// 12.5ms, 250ms, 12.3s.
func FormatMs(v float64) string {
	switch {
	case v >= 10000:
		return fmt.Sprintf("%.1fs", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	default:
		return fmt.Sprintf("%.1fms", v)
	}
}

// RoundTo rounds to n decimals, to keep JSON readable.
func RoundTo(x float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(x*p) / p
}

// FormatS writes seconds as every report shows them, without trailing
// zeros: 12s, 0.5s.
func FormatS(v float64) string { return strconv.FormatFloat(RoundTo(v, 3), 'f', -1, 64) + "s" }
