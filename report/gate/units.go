package gate

// unit is a unit a threshold may be written in.
type unit struct {
	name  string
	kind  Kind    // Duration, Rate, or Ratio for %
	scale float64 // microseconds per unit for durations; the fraction per unit for %; requests per second per unit for rates
}

// units are the threshold units by spelling. µ may be the micro sign
// (U+00B5) or the Greek letter mu (U+03BC).
var units = map[string]unit{
	"ns": {"ns", Duration, 1e-3},
	"us": {"us", Duration, 1},
	"µs": {"µs", Duration, 1},
	"μs": {"μs", Duration, 1},
	"ms": {"ms", Duration, 1e3},
	"s":  {"s", Duration, 1e6},
	"m":  {"m", Duration, 60e6},
	"h":  {"h", Duration, 3600e6},
	"%":  {"%", Ratio, 0.01},
	"/s": {"/s", Rate, 1},
	"/m": {"/m", Rate, 1.0 / 60},
}

// unitNames lists the units for messages.
const unitNames = "ns, µs, us, ms, s, m, h, % or /s, /m"

// fits reports whether a threshold in u can be compared with a figure of
// kind k: durations take time units, rates per-time units, ratios and
// scores take %.
func (u unit) fits(k Kind) bool {
	switch u.kind {
	case Duration, Rate:
		return k == u.kind
	}
	return k == Ratio || k == Score
}

// toFigure converts x, written in u, to the figure's own unit.
func (u unit) toFigure(x float64, f Figure) float64 {
	if u.kind == Duration {
		return x * u.scale / units[f.Unit].scale
	}
	return x * u.scale // rates: requests per second; %: a fraction
}
