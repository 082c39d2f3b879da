// Package gate judges a run against performance gates: one-line expressions
// over the figures of a record, such as
//
//	p99_recovery < 30s
//	error_ratio < 1%
//	stream.teams.p99 < 800ms
//	generator_saturated == false
//
// A gate is FIGURE OP VALUE. FIGURE is a key of run.json's summary without
// its unit suffix (time_to_scale_s is time_to_scale, peak_p99_ms is
// peak_p99), or stream.NAME.FIELD for a stream's summary. OP is one of
// < <= > >= == !=. VALUE is a number with an optional unit (ns, µs or us,
// ms, s, m, h for durations: every Go duration unit; % for ratios and
// scores), or true/false for a boolean figure. A bare number is in the figure's own unit: milliseconds for
// peak_p99, seconds for time_to_scale, a fraction for error_ratio.
//
// A figure that is null in the record (time_to_scale "not reached",
// p99_recovery "not recovered") fails every gate on it: a threshold on a
// time that never came cannot be met.
//
// Parse checks an expression without a record, so a bad gate is refused
// before a run is spent on it; Evaluate judges a record; the renderers write
// the results as JUnit XML, Markdown and a one-line verdict.
package gate
