package burst

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
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

// spareFiles are file descriptors a record directory holds from the start
// (on the null device), so that writing the record never fails for want of
// one while the run's connections take all the others: each write gives
// one back to the process just before it opens its file.
type spareFiles struct{ held []*os.File }

// spares is how many a record directory holds: run.json's temporary file
// needs one at a time, and a connection may take the first one given back.
const spares = 4

func newSpareFiles() *spareFiles {
	s := &spareFiles{}
	s.refill()
	return s
}

// refill opens spares again up to their count, as far as the limit allows.
func (s *spareFiles) refill() {
	for len(s.held) < spares {
		f, err := os.Open(os.DevNull)
		if err != nil {
			return
		}
		s.held = append(s.held, f)
	}
}

// spend runs write with one spare given back to the process, and with
// another each time write fails for want of a descriptor (a connection
// took the one given), then holds them again.
func (s *spareFiles) spend(write func() error) error {
	defer s.refill()
	for {
		if n := len(s.held); n > 0 {
			s.held[n-1].Close()
			s.held = s.held[:n-1]
		}
		err := write()
		if !outOfFiles(err) || len(s.held) == 0 {
			return err
		}
	}
}

// close gives every spare back.
func (s *spareFiles) close() {
	for _, f := range s.held {
		f.Close()
	}
	s.held = nil
}

// outOfFiles reports whether err is a lack of file descriptors, for the
// process (EMFILE) or the system (ENFILE).
func outOfFiles(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}
