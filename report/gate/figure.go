package gate

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/burstlab/burstlab/report"
)

// Kind is what sort of quantity a figure is. It decides which units a
// threshold may carry and which direction is better.
type Kind int

// Kinds of figures, told apart by run.json's key: a _ms or _s suffix is a
// duration, a _ratio suffix a fraction, an _rps suffix a rate in requests
// per second, another float a score (apdex), an integer a count.
const (
	Duration Kind = iota
	Ratio
	Score
	Count
	Bool
	Word // one of a fixed set of words, such as recovery_cause
	Rate
)

func (k Kind) String() string {
	switch k {
	case Duration:
		return "a duration"
	case Ratio:
		return "a ratio"
	case Score:
		return "a score"
	case Count:
		return "a count"
	case Bool:
		return "a boolean"
	case Word:
		return "a word"
	case Rate:
		return "a rate"
	}
	return fmt.Sprintf("kind %d", int(k))
}

// Better says which way a figure improves.
type Better int

// Directions of improvement.
const (
	NoDirection    Better = iota // counts, booleans
	LowerIsBetter                // latencies, times, error ratios
	HigherIsBetter               // apdex, time_to_degrade
)

// Figure is a named quantity of a record: a summary figure such as
// p99_recovery, or a stream figure such as stream.teams.p99.
type Figure struct {
	Name   string // as written in a gate
	Kind   Kind
	Unit   string // the record's own unit: "ms" or "s" for durations, "" otherwise
	Stream string // the stream of a stream figure, "" for a summary figure
	Alert  string // the alert rule of an alert figure (alert.NAME.FIELD)

	f   field
	set *FigureSet // the set of a figure that is not a record's, nil for a record's
}

// field is one figure-bearing field of report.Summary or report.StreamSummary.
type field struct {
	name     string // gate name: the JSON key without its unit suffix
	key      string // the JSON key in run.json
	kind     Kind
	unit     string
	index    []int // of the value
	status   []int // of the sibling "<name>_status" field, nil when none
	nullable bool
}

// Summary and stream figures, read from the JSON keys of the record types so
// that a figure added to run.json can be gated at once.
var (
	summaryFields = fieldsOf(reflect.TypeFor[report.Summary]())
	streamFields  = fieldsOf(reflect.TypeFor[report.StreamSummary]())
)

// neverWhenNull lists figures whose null means "it never happened", the best
// outcome: a target that never degraded has an infinite time_to_degrade.
var neverWhenNull = map[string]string{
	"time_to_degrade": "never degraded",
}

// words lists the word figures and the words each may be compared with.
var words = map[string][]string{
	"recovery_cause": report.RecoveryCauses,
}

// Words lists the words figure f may be compared with; nil for a figure
// that is not a word.
func (f Figure) Words() []string {
	if f.Kind != Word {
		return nil
	}
	return words[f.f.name]
}

// higherIsBetter lists the durations where later is better.
var higherIsBetter = map[string]bool{
	"time_to_degrade": true,
	"time_to_alert":   true, // an alert's: the later it fires, the longer the target held
}

func fieldsOf(t reflect.Type) []field {
	var out []field
	status := map[string][]int{}
	// Visible fields include those of embedded structs (report.Tally,
	// report.Percentiles), which JSON writes inline.
	for _, sf := range reflect.VisibleFields(t) {
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if key == "" || key == "-" || !sf.IsExported() || sf.Anonymous {
			continue
		}
		fd := field{key: key, name: key, index: sf.Index}
		typ := sf.Type
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
			fd.nullable = true
		}
		switch typ.Kind() {
		case reflect.Float32, reflect.Float64:
			switch {
			case strings.HasSuffix(key, "_ms"):
				fd.kind, fd.unit, fd.name = Duration, "ms", strings.TrimSuffix(key, "_ms")
			case strings.HasSuffix(key, "_s"):
				fd.kind, fd.unit, fd.name = Duration, "s", strings.TrimSuffix(key, "_s")
			case strings.HasSuffix(key, "_ratio"):
				fd.kind = Ratio
			case strings.HasSuffix(key, "_rps"):
				fd.kind, fd.unit, fd.name = Rate, "/s", strings.TrimSuffix(key, "_rps")
			default:
				fd.kind = Score
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			fd.kind = Count
		case reflect.Bool:
			fd.kind = Bool
		case reflect.String:
			if name, ok := strings.CutSuffix(key, "_status"); ok {
				status[name] = sf.Index
				continue
			}
			if _, ok := words[key]; !ok {
				continue
			}
			fd.kind = Word
		default:
			continue
		}
		out = append(out, fd)
	}
	for i := range out {
		out[i].status = status[out[i].name]
	}
	return out
}

// Figures lists the names of the summary figures, sorted. Stream figures are
// stream.NAME.FIELD with FIELD a field of a stream in run.json.
func Figures() []string { return names(summaryFields) }

func names(fs []field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	sort.Strings(out)
	return out
}

// Lookup finds the figure called name. An unknown name is an error that
// lists the close matches.
func Lookup(name string) (Figure, error) {
	if strings.HasPrefix(name, "alert.") {
		return lookupAlert(name)
	}
	if strings.HasPrefix(name, "stream.") {
		stream, f, err := lookupOwned(name, "stream", "stream", streamFields)
		if err != nil {
			return Figure{}, err
		}
		return Figure{Name: name, Kind: f.kind, Unit: f.unit, Stream: stream, f: f}, nil
	}
	f, ok := find(summaryFields, name)
	if !ok {
		return Figure{}, fmt.Errorf("unknown figure %q%s", name, suggest(name, Figures()))
	}
	return Figure{Name: name, Kind: f.kind, Unit: f.unit, f: f}, nil
}

// lookupOwned finds a figure of one stream or one alert rule,
// PREFIX.NAME.FIELD (stream.teams.p99, alert.p99-high.time_to_alert): it
// returns NAME and FIELD's field among fields; what names the kind of
// field in errors.
func lookupOwned(name, prefix, what string, fields []field) (string, field, error) {
	rest := strings.TrimPrefix(name, prefix+".")
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 || i == len(rest)-1 {
		return "", field{}, fmt.Errorf("%s figure %q: want %s.NAME.FIELD, FIELD one of %s", prefix, name, prefix, strings.Join(names(fields), ", "))
	}
	owner, fname := rest[:i], rest[i+1:]
	f, ok := find(fields, fname)
	if !ok {
		return "", field{}, fmt.Errorf("unknown %s field %q in %q%s", what, fname, name, suggest(fname, names(fields)))
	}
	return owner, f, nil
}

// find looks a figure up by its gate name. A rate is also found by its
// JSON key (achieved_rps, as gates named it before rates had a unit).
func find(fs []field, name string) (field, bool) {
	for _, f := range fs {
		if f.name == name || f.kind == Rate && f.key == name {
			return f, true
		}
	}
	return field{}, false
}

// Better says which way the figure improves.
func (f Figure) Better() Better {
	switch {
	case higherIsBetter[f.f.name]:
		return HigherIsBetter
	case f.Kind == Duration || f.Kind == Ratio:
		return LowerIsBetter
	case f.Kind == Score || f.Kind == Rate:
		return HigherIsBetter
	}
	return NoDirection
}

// latencyFigures are the latency percentiles, measured on ok responses.
var latencyFigures = map[string]bool{
	"p50": true, "p90": true, "p99": true, "p999": true, "max": true,
	"peak_p99": true, "peak_p999": true, "baseline_p99": true,
}

// Value is a figure as a record holds it.
type Value struct {
	Num    float64 // in the figure's own unit; 1 or 0 for a boolean
	Bool   bool
	Word   string // the value of a word figure
	Null   bool   // the record has no number: see Status
	Status string // why a null figure is null ("not reached", "not recovered")
	Never  bool   // null meaning the event never happened, which is the best outcome (time_to_degrade)
	// Missing: null because the run stopped before its burst ended, so
	// the figure was not measured; neither best nor worst.
	Missing bool
}

// Value reads the figure from rec. A stream figure of a stream the record
// does not have is an error.
func (f Figure) Value(rec *report.Record) (Value, error) {
	if f.set != nil {
		return Value{}, fmt.Errorf("%s is a figure of %s, not of a record", f.Name, f.set.of)
	}
	var v reflect.Value
	if f.Alert != "" {
		i := slices.IndexFunc(rec.Alerts, func(a report.Alert) bool { return a.Name == f.Alert })
		if i < 0 {
			return Value{}, fmt.Errorf("no alert %q in record %q", f.Alert, rec.Name)
		}
		v = reflect.ValueOf(&rec.Alerts[i]).Elem()
	} else if f.Stream != "" {
		i := slices.IndexFunc(rec.Streams, func(s report.StreamSummary) bool { return s.Name == f.Stream })
		if i < 0 {
			return Value{}, fmt.Errorf("no stream %q in record %q (streams: %s)", f.Stream, rec.Name, strings.Join(StreamNames(rec), ", "))
		}
		v = reflect.ValueOf(&rec.Streams[i]).Elem()
	} else {
		v = reflect.ValueOf(&rec.Summary).Elem()
	}
	out := f.f.read(v)
	if out.Null {
		// Without a burst ("none", report.BurstNone) nothing was
		// measured, so null means unknown, not never; nor was the whole
		// burst in a run stopped before it ended.
		measured := rec.Burst.Source != report.BurstNone && !rec.StoppedBeforeBurstEnded()
		if why, ok := neverWhenNull[f.f.name]; ok && f.Alert == "" && measured {
			out.Status, out.Never = why, true
		}
		if f.Alert == "" && rec.StoppedBeforeBurstEnded() {
			out.Missing = true
			if out.Status == "null" {
				out.Status = report.StatusStopped
			}
		}
		// A rule that never fired fired infinitely late; one that fired
		// in a run without a burst, or never fired in one stopped before
		// the burst ended, has no time_to_alert: unknown.
		if f.Alert != "" && f.f.name == "time_to_alert" && out.Status == report.AlertNeverFired && !rec.StoppedBeforeBurstEnded() {
			out.Never = true
		}
		return out, nil
	}
	// Records written before the analysis copied it into the summary
	// carry the saturation flag only in their generator section.
	if f.Kind == Bool && f.Stream == "" && f.f.name == "generator_saturated" && rec.Generator.Saturated {
		out.Bool, out.Num = true, 1
	}
	return out, nil
}

// noOK reports whether v, a record's summary, a stream's or a window's,
// counted no ok response: its latency figures are then unknown.
func noOK(v reflect.Value) bool {
	ok := v.FieldByName("OK")
	return ok.IsValid() && ok.Int() == 0
}

// read reads the field from v, a struct of the type the field came from.
func (fd field) read(v reflect.Value) Value {
	fv := v.FieldByIndex(fd.index)
	if fd.nullable {
		if fv.IsNil() {
			out := Value{Null: true, Status: "null"}
			if fd.status != nil {
				if s := v.FieldByIndex(fd.status).String(); s != "" {
					out.Status = s
				}
			}
			return out
		}
		fv = fv.Elem()
	}
	switch fv.Kind() {
	case reflect.String:
		return Value{Word: fv.String()}
	case reflect.Bool:
		out := Value{Bool: fv.Bool()}
		if out.Bool {
			out.Num = 1
		}
		return out
	case reflect.Float32, reflect.Float64:
		if latencyFigures[fd.name] && noOK(v) {
			// Latency is of ok responses: without one there is none,
			// and 0 ms would pass every upper bound.
			return Value{Null: true, Status: "no ok response"}
		}
		return Value{Num: fv.Float()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Value{Num: float64(fv.Int())}
	default:
		return Value{Num: float64(fv.Uint())}
	}
}

// StreamNames lists the streams of rec in record order.
func StreamNames(rec *report.Record) []string {
	out := make([]string, len(rec.Streams))
	for i, s := range rec.Streams {
		out[i] = s.Name
	}
	return out
}

// Format writes v, a value in the figure's own unit, with its unit: in unit
// when it is given and fits the figure, otherwise in the figure's own unit
// (ratios as a percentage).
func (f Figure) Format(v Value, unit string) string {
	switch {
	case v.Null:
		return v.Status
	case f.Kind == Bool:
		return fmt.Sprint(v.Bool)
	case f.Kind == Word:
		return v.Word
	}
	return f.FormatNum(v.Num, unit)
}

// FormatNum writes x, a number in the figure's own unit, with a unit as
// Format does.
func (f Figure) FormatNum(x float64, unit string) string {
	switch f.Kind {
	case Duration:
		if u, ok := units[unit]; ok && u.kind == Duration {
			return formatNum(x*units[f.Unit].scale/u.scale) + u.name
		}
		return formatNum(x) + f.Unit
	case Ratio:
		if unit == "" {
			return formatNum(x)
		}
		return formatNum(x*100) + "%"
	case Score:
		if unit == "%" {
			return formatNum(x*100) + "%"
		}
	case Rate:
		if u, ok := units[unit]; ok && u.kind == Rate {
			return formatNum(x/u.scale) + u.name
		}
		return formatNum(x) + f.Unit
	}
	return formatNum(x)
}

// formatNum writes x with four significant digits, without trailing zeros
// and never in exponent form.
func formatNum(x float64) string {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return fmt.Sprint(x)
	}
	decimals := 3 - int(math.Floor(math.Log10(math.Abs(x))))
	decimals = min(max(decimals, 0), 6)
	p := math.Pow(10, float64(decimals))
	s := strconv.FormatFloat(math.Round(x*p)/p, 'f', -1, 64)
	if s == "-0" {
		s = "0"
	}
	return s
}
