package burst

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/burstlab/burstlab/report"
)

// lockFile is the file a run holds locked in its record directory, so a
// second run cannot write into the same directory at the same time.
const lockFile = ".burstlab.lock"

// recordDir is the record directory of one run. The run owns it: it was
// new or empty (or its old record removed with --force), and it is locked
// while the run writes. The interval log is written as windows become final
// and run.json is rewritten now and then with the windows final so far,
// marked incomplete, so a run killed (SIGKILL) or stopped by a full disk
// still leaves a record that `burstlab report` reads up to then.
type recordDir struct {
	path     string
	lock     *os.File
	hlog     *os.File
	spare    *spareFiles   // descriptors held for writing run.json
	saved    int           // windows in the last checkpoint
	lastSave time.Time     // when it was written
	saveCost time.Duration // how long it took
	err      error         // the first write error; checkpoints stop after it
}

// openRecordDir takes path for a run's record. A directory that holds
// anything is refused unless force is set and it holds a burstlab record,
// which is then removed whole; files that are not a record are never
// deleted.
func openRecordDir(path string, force bool) (*recordDir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, &WriteError{Dir: path, Err: err}
	}
	d := &recordDir{path: path, spare: newSpareFiles()}
	lock, err := os.OpenFile(filepath.Join(path, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		d.spare.close()
		return nil, &WriteError{Dir: path, Err: err}
	}
	if err := lockExclusive(lock); err != nil {
		pid, _ := os.ReadFile(lock.Name())
		lock.Close()
		d.spare.close()
		return nil, fmt.Errorf("-o %s: another burstlab run (pid %s) is writing its record there", path, strings.TrimSpace(string(pid)))
	}
	d.lock = lock
	lock.Truncate(0)
	lock.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	if err := d.claim(force); err != nil {
		d.release()
		return nil, err
	}
	if d.hlog, err = os.OpenFile(filepath.Join(path, report.HlogFile), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err != nil {
		d.release()
		return nil, &WriteError{Dir: path, Err: err}
	}
	return d, nil
}

// claim checks the directory is empty, or empties it of an old record when
// force is set.
func (d *recordDir) claim(force bool) error {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return &WriteError{Dir: d.path, Err: err}
	}
	var names []string
	for _, e := range entries {
		if e.Name() != lockFile {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil
	}
	isRecord := slices.Contains(names, report.RunFile) || slices.Contains(names, report.HlogFile)
	switch {
	case !force && isRecord:
		return fmt.Errorf("-o %s already holds a record: give a new or empty directory, or --force to replace that record", d.path)
	case !force:
		return fmt.Errorf("-o %s is not empty: give a new or empty directory for the record", d.path)
	case !isRecord:
		return fmt.Errorf("-o %s is not empty and holds no burstlab record (%s): --force replaces a record only, it deletes nothing else", d.path, names[0])
	}
	for _, n := range names {
		if err := os.RemoveAll(filepath.Join(d.path, n)); err != nil {
			return &WriteError{Dir: d.path, Err: err}
		}
	}
	return nil
}

// checkpoint rewrites run.json with the windows final so far when a window
// has become final since the last one, at most once a second and spending
// at most about 5% of the time on it.
func (d *recordDir) checkpoint(rec *report.Recorder) {
	if d.err != nil || rec.Final() == d.saved || time.Since(d.lastSave) < max(time.Second, 20*d.saveCost) {
		return
	}
	if err := rec.LogErr(); err != nil {
		d.err = err
		return
	}
	start := time.Now()
	snap := rec.Snapshot(nil)
	if err := d.spare.spend(func() error { return report.Save(d.path, snap) }); err != nil {
		if !outOfFiles(err) {
			d.err = err
		}
		// Out of descriptors: the run's connections hold them all for
		// now; the next checkpoint, a second later, tries again.
		d.lastSave = time.Now()
		return
	}
	d.saved, d.lastSave, d.saveCost = rec.Final(), time.Now(), time.Since(start)
}

// finish writes the final run.json over the last checkpoint.
func (d *recordDir) finish(rec *report.Record) error {
	err := d.hlog.Close()
	d.hlog = nil
	if d.err != nil {
		// After a write error the last checkpoint stays: a record marked
		// incomplete, readable up to then.
		return &WriteError{Dir: d.path, Err: d.err}
	}
	if err != nil {
		return &WriteError{Dir: d.path, Err: err}
	}
	if err := d.spare.spend(func() error { return report.Save(d.path, rec) }); err != nil {
		return &WriteError{Dir: d.path, Err: err}
	}
	return nil
}

// discard removes the interval log of a run that never started.
func (d *recordDir) discard() {
	if d.hlog != nil {
		d.hlog.Close()
		os.Remove(d.hlog.Name())
		d.hlog = nil
	}
}

// release unlocks the directory and closes what is still open.
func (d *recordDir) release() {
	d.spare.close()
	if d.hlog != nil {
		d.hlog.Close()
	}
	if d.lock != nil {
		os.Remove(d.lock.Name())
		d.lock.Close()
		d.lock = nil
	}
}

// errLocked is returned by lockExclusive when another process holds the lock.
var errLocked = errors.New("locked")
