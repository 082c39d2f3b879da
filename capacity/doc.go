// Package capacity searches for how much load a target survives, on the
// same pipeline as a burst test: every step of a search is an ordinary run
// (an open-model attack or a profile), recorded and analysed as such, then
// judged.
//
// Two questions, one search. A steady search asks for the highest rate the
// target holds within its SLO: each step sends one constant rate (or a
// profile with all its streams scaled to it) for a fixed time; the first
// part of the step is a warm-up and is not judged; the rest passes when its
// p99 is within the SLO, its error ratio within the bound and every step
// gate holds. A burst search asks for the biggest burst the target absorbs:
// each step runs a profile whose burst streams are scaled by a factor (a
// fan-out reaches more subscribers, a burst-marked rate shape sends more),
// and passes when the step gates hold on its record (p99_recovery < 30s).
// Against the embedded simulator each step starts a fresh simulator, so
// every step meets the same replicas.
//
// The search climbs geometrically from From (×Growth per step) until the
// first step that fails, which is where it stops climbing so that the
// target is not flattened, then bisects (geometric midpoints) between the
// last passing and the first failing level until they are within Precision
// of each other. The answer is the last passing level: the true boundary
// lies between it and the first failing level, at most Precision above it.
//
// A step whose generator could not keep the schedule says nothing about the
// target. It is run once more (a busy machine may have held the generator
// back for a moment); behind again, the search stops and answers "the
// generator is the limit", never a capacity.
package capacity
