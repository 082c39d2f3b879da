package burst

import (
	"fmt"
	"io"
	"time"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/report"
)

// Every request in flight costs the generator a file descriptor (its
// socket), and the process may open no more than its limit: past it a
// connection fails with "too many open files", the generator's own failure,
// which a run must never charge to the target. So a run raises its soft
// limit as far as the hard limit allows, works out how many it may need,
// and says so before it sends when the limit is short; a request that fails
// for want of one anyway is counted apart (generator_fd) and makes the run
// invalid.

// inFlightPeak is the most planned requests that can be in flight at once
// if the target answers none before the timeout: the most planned in any
// span of timeout, counted by windows. Closed streams count by their
// workers, in the engine.
func inFlightPeak(cfg report.Config, timeout time.Duration) int {
	if cfg.Window <= 0 || timeout <= 0 {
		return 0
	}
	span := int((timeout + cfg.Window - 1) / cfg.Window)
	var per []int64
	for _, s := range cfg.Streams {
		for i, n := range s.Offered {
			if i >= len(per) {
				per = append(per, make([]int64, i+1-len(per))...)
			}
			per[i] += n
		}
	}
	var sum, most int64
	for i, n := range per {
		sum += n
		if i >= span {
			sum -= per[i-span]
		}
		most = max(most, sum)
	}
	return int(min(most, 1<<30))
}

// checkFileLimit raises the soft limit on open files to the hard limit and
// warns on w, in one line, when it is still short of what the run may need.
func checkFileLimit(w io.Writer, eng *attack.Engine, cfg report.Config, served bool) {
	limit, err := raiseFileLimit()
	if err != nil || limit == 0 || w == nil {
		return
	}
	need, conns := eng.FilesNeeded(inFlightPeak(cfg, eng.RequestTimeout()), served)
	if uint64(need) <= limit {
		return
	}
	fmt.Fprintf(w, "burstlab: the open-files limit is %d, and this run may need %d (%d connections for the requests it may hold in flight, and the process's own files): raise it (ulimit -n %d) or lower max_workers; a request the generator cannot open a connection for is counted as generator_fd and makes the run invalid\n",
		limit, need, conns, need)
}
