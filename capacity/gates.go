package capacity

import (
	"errors"
	"fmt"
	"strings"

	"github.com/burstlab/burstlab/report/gate"
)

// ParseGates parses a search's gates: those naming a figure of
// capacity.json (capacity, burst_factor, ...) judge the answer, the others
// every step's record (p99_recovery, error_ratio, ...). An unknown figure
// is an error that lists both kinds.
func ParseGates(exprs []string) (step, answer []gate.Gate, err error) {
	for _, e := range exprs {
		name := strings.TrimSpace(e)
		if i := strings.IndexAny(name, "<>=! "); i >= 0 {
			name = name[:i]
		}
		if AnswerFigures.Has(name) {
			g, err := AnswerFigures.Parse(e)
			if err != nil {
				return nil, nil, err
			}
			answer = append(answer, g)
			continue
		}
		g, err := gate.Parse(e)
		if err != nil {
			var ge *gate.Error
			if errors.As(err, &ge) && strings.Contains(ge.Msg, "unknown figure") {
				err = fmt.Errorf("%w; a search's own figures are %s", err, strings.Join(AnswerFigures.Names(), ", "))
			}
			return nil, nil, err
		}
		step = append(step, g)
	}
	return step, answer, nil
}
