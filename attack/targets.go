package attack

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// ReadTargets reads every target from r in vegeta's formats: "http" (METHOD
// URL lines, Header: value lines, @body-file, blank lines between targets) or
// "json" (one JSON object per line). header is added to every target.
func ReadTargets(r io.Reader, format string, header http.Header) ([]vegeta.Target, error) {
	var tr vegeta.Targeter
	switch format {
	case "", "http":
		tr = vegeta.NewHTTPTargeter(r, nil, header)
	case "json":
		tr = vegeta.NewJSONTargeter(r, nil, header)
	default:
		return nil, fmt.Errorf("targets format %q: want http or json", format)
	}
	tgts, err := vegeta.ReadAllTargets(tr)
	if err != nil {
		return nil, fmt.Errorf("reading targets: %w", err)
	}
	if len(tgts) == 0 {
		return nil, fmt.Errorf("reading targets: none given")
	}
	return tgts, nil
}

// MaxRate is the highest rate one process is asked to send, per second:
// well past what net/http carries on a few cores; beyond it, shard the plan.
const MaxRate = 1_000_000

// ParseRate reads a rate as vegeta writes it: "500/s", "50/100ms", or a bare
// number meaning per second. It returns requests per second; 0 (vegeta's
// "as fast as possible") is returned as 0.
func ParseRate(s string) (float64, error) {
	num, per, found := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("rate %q: want a number of requests, like 500/s or 50/100ms (0: as fast as possible)", s)
	}
	if !found || n == 0 {
		return checkRate(s, n)
	}
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("rate %q: want a positive period after /, like 500/s or 50/100ms", s)
	}
	return checkRate(s, n/d.Seconds())
}

func checkRate(s string, r float64) (float64, error) {
	if r > MaxRate {
		return 0, fmt.Errorf("rate %q: %.0f/s is above the %d/s one process is asked to send; split it with --shard", s, r, MaxRate)
	}
	return r, nil
}
