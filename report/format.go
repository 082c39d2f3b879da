package report

import (
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
// its schema version and the definition of every figure.
func WriteJSON(w io.Writer, rec *Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
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
