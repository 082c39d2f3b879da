package capacity

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
)

// File is the name of a search's result in its directory.
const File = "capacity.json"

// Limits: what ended a search.
const (
	LimitTarget    = "target"     // a passing and a failing level within the precision: the answer
	LimitCeiling   = "ceiling"    // every step passed up to the highest level: the answer is a lower bound
	LimitFirstStep = "first step" // the first step failed: no answer
	LimitGenerator = "generator"  // the generator could not keep a step's schedule: no answer
	LimitStopped   = "stopped"    // interrupted: no answer, the steps so far
	LimitError     = "error"      // a step could not be run
	LimitUnsettled = "unsettled"  // the target never worked off a step's overload: no answer
)

// Answer is what a search found: capacity.json's figures, which gates over
// a search read (capacity_rps is the figure capacity). A figure the search
// did not find is null.
type Answer struct {
	// CapacityRPS is the highest rate that passed, for a steady search.
	CapacityRPS *float64 `json:"capacity_rps"`
	// BurstFactor is the largest factor on the burst streams that passed,
	// for a burst search; PeakRPS (peak_rate) is that step's peak per-second rate.
	BurstFactor *float64 `json:"burst_factor"`
	PeakRPS     *float64 `json:"peak_rate_rps"`
	// FailsAt is the lowest level that failed (a rate or a factor), null
	// when none did.
	FailsAt *float64 `json:"fails_at"`
	// Limit says what ended the search; Found whether it answered.
	Limit            string `json:"limit"`
	Found            bool   `json:"found"`
	GeneratorLimited bool   `json:"generator_limited"`
	StepCount        int    `json:"step_count"`
	Sent             int64  `json:"sent"` // requests sent by all steps: the search's cost
}

// Settings are how a search was run, as capacity.json records them.
type Settings struct {
	From          float64  `json:"from"`
	To            float64  `json:"to"`
	Growth        float64  `json:"growth"`
	Precision     float64  `json:"precision"`
	StepS         float64  `json:"step_s,omitempty"`
	WarmupS       float64  `json:"warmup_s,omitempty"`
	SLOP99Ms      float64  `json:"slo_p99_ms,omitempty"`
	MaxErrorRatio float64  `json:"max_error_ratio"`
	Gates         []string `json:"gates,omitempty"` // the gates every step's record was judged by
}

// Result is a whole search: capacity.json.
type Result struct {
	Mode    string    `json:"mode"` // steady or burst
	Name    string    `json:"name"`
	Target  string    `json:"target,omitempty"`
	Profile string    `json:"profile,omitempty"`
	Started time.Time `json:"started"`
	Answer
	Line     string        `json:"answer_line"` // the answer in one sentence
	Settings Settings      `json:"settings"`
	Steps    []Step        `json:"steps"`
	Gates    []gate.Result `json:"gates,omitempty"` // gates on the answer, once judged
}

// AnswerFigures are the figures a gate on a search's answer may name.
var AnswerFigures = gate.FiguresOf[Answer]("a capacity search")

func newResult(spec Spec) *Result {
	r := &Result{Mode: spec.Mode, Started: time.Now().UTC()}
	if spec.Profile != nil {
		r.Name, r.Profile = spec.Profile.Name, spec.Profile.Path()
		r.Target = spec.Profile.Target.URL
		if spec.Profile.Target.Sim != nil {
			r.Target = "the embedded simulator"
		}
	} else if spec.Attack != nil {
		r.Name = spec.Attack.Name
		if len(spec.Attack.Targets) > 0 {
			r.Target = spec.Attack.Targets[0].URL
		}
	}
	s := spec.Search
	r.Settings = Settings{From: s.From, To: s.To, Growth: s.Growth, Precision: s.Precision,
		SLOP99Ms: spec.Criteria.SLOP99Ms, MaxErrorRatio: spec.Criteria.MaxErrorRatio}
	if spec.Mode == Steady && spec.Attack != nil {
		r.Settings.StepS, r.Settings.WarmupS = spec.Step.Seconds(), spec.Warmup.Seconds()
	}
	for _, g := range spec.Criteria.Gates {
		r.Settings.Gates = append(r.Settings.Gates, g.String())
	}
	r.finish() // the answer before any step: stopped, none
	return r
}

// add appends a step and works the answer out again: the one place it
// changes while a search runs.
func (r *Result) add(st Step) {
	r.Steps = append(r.Steps, st)
	r.finish()
}

// finish works the answer out from the steps so far.
func (r *Result) finish() {
	a := Answer{StepCount: len(r.Steps)}
	var pass, fail *Step
	for i := range r.Steps {
		st := &r.Steps[i]
		a.Sent += st.Sent
		switch st.Verdict {
		case Pass:
			if pass == nil || st.Level > pass.Level {
				pass = st
			}
		case Fail:
			if fail == nil || st.Level < fail.Level {
				fail = st
			}
		}
	}
	last := Verdict("")
	if n := len(r.Steps); n > 0 {
		last = r.Steps[n-1].Verdict
	}
	switch {
	case last == Generator:
		a.Limit, a.GeneratorLimited = LimitGenerator, true
	case last == Stopped || last == "":
		a.Limit = LimitStopped
	case last == Unsettled:
		a.Limit = LimitUnsettled
	case pass == nil:
		a.Limit = LimitFirstStep
	case fail == nil:
		a.Limit, a.Found = LimitCeiling, true
	default:
		a.Limit, a.Found = LimitTarget, true
	}
	if fail != nil {
		a.FailsAt = ptr(fail.Level)
	}
	if a.Found {
		if r.Mode == BurstMode {
			a.BurstFactor, a.PeakRPS = ptr(pass.Level), ptr(pass.RateRPS)
		} else {
			a.CapacityRPS, a.PeakRPS = ptr(pass.Level), ptr(pass.RateRPS)
		}
	}
	r.Answer = a
	r.Line = r.answerLine(pass, fail)
}

// failed marks a search that ended because a step could not be run.
func (r *Result) failed(err error) {
	r.Limit, r.Found, r.CapacityRPS, r.BurstFactor, r.PeakRPS = LimitError, false, nil, nil, nil
	r.Line = "the search could not go on: " + err.Error()
}

func ptr(x float64) *float64 { return &x }

// answerLine says the answer in one sentence, with the step that bounds it.
func (r *Result) answerLine(pass, fail *Step) string {
	switch r.Limit {
	case LimitGenerator:
		last := r.Steps[len(r.Steps)-1]
		held := ""
		if pass != nil {
			held = fmt.Sprintf("; the target held %s", r.levelName(pass.Level))
		}
		lag := strings.TrimPrefix(last.Reason, generatorBehind)
		return fmt.Sprintf("the generator, not the target, is the limit: at %s it fell behind (%s)%s. No answer is reported: raise -max-workers, or run shards of a profile at this rate (burstlab run --shard i/n) and merge them", r.levelName(last.Level), lag, held)
	case LimitUnsettled:
		last := r.Steps[len(r.Steps)-1]
		return fmt.Sprintf("no answer: %s", last.Reason)
	case LimitStopped:
		if pass == nil {
			return fmt.Sprintf("interrupted after %d steps, before any passed: no answer", len(r.Steps))
		}
		return fmt.Sprintf("interrupted after %d steps: the target held %s, not bisected further: no answer", len(r.Steps), r.levelName(pass.Level))
	case LimitFirstStep:
		return fmt.Sprintf("even the first step fails: at %s %s. No answer: start lower (-from)", r.levelName(fail.Level), fail.Reason)
	case LimitCeiling:
		return fmt.Sprintf("the target held every step up to %s, the highest tried: %s is a lower bound (raise -to)", r.levelName(pass.Level), r.levelName(pass.Level))
	}
	bracket := fmt.Sprintf("within %.0f%%", (fail.Level/pass.Level-1)*100)
	cost := fmt.Sprintf("%d steps, %s requests", len(r.Steps), thousands(float64(r.Sent)))
	if r.Mode == BurstMode {
		return fmt.Sprintf("this target survives bursts up to %s× this profile (peak %s req/s); at %s× %s (%s; %s)",
			fmtFactor(pass.Level), thousands(pass.RateRPS), fmtFactor(fail.Level), fail.Reason, bracket, cost)
	}
	return fmt.Sprintf("capacity %s: the target holds it within the SLO; at %s %s (%s; %s)",
		fmtRate(pass.Level), fmtRate(fail.Level), fail.Reason, bracket, cost)
}

// levelName writes a level as the search's mode counts it.
func (r *Result) levelName(x float64) string {
	if r.Mode == BurstMode {
		return fmtFactor(x) + "×"
	}
	return fmtRate(x)
}

// stepLine says in one line what a step measured.
func (r *Result) stepLine(st Step) string {
	s := fmt.Sprintf("%s: %s, p99 %s, errors %s", r.levelName(st.Level), st.Verdict, report.FormatMs(st.P99Ms), pct(st.ErrorRatio))
	if r.Mode == BurstMode {
		s = fmt.Sprintf("%s (peak %s/s): %s, peak p99 %s, errors %s", r.levelName(st.Level), thousands(st.RateRPS), st.Verdict, report.FormatMs(st.P99Ms), pct(st.ErrorRatio))
	}
	if st.Reason != "" {
		s += " (" + st.Reason + ")"
	}
	return s
}

// Save writes capacity.json into dir atomically.
func (r *Result) Save(dir string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return report.WriteFileAtomic(filepath.Join(dir, File), append(b, '\n'))
}

// Judge evaluates gates on the answer and keeps their results.
func (r *Result) Judge(gates []gate.Gate) []gate.Result {
	r.Gates = AnswerFigures.Evaluate(&r.Answer, gates)
	return r.Gates
}

// fmtRate writes a rate as 1,480/s.
func fmtRate(x float64) string { return thousands(x) + "/s" }

// fmtFactor writes a factor with up to three significant digits: 2.38.
func fmtFactor(x float64) string { return fmt.Sprintf("%.3g", x) }

// thousands writes x rounded, with thousands separators: 21,400.
func thousands(x float64) string {
	if x < 100 {
		return fmt.Sprintf("%.3g", x)
	}
	s := fmt.Sprintf("%.0f", x)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
