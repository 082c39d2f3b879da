package report

import (
	"errors"
	"fmt"
	"os"
)

// Open reads the records at paths, re-analysed with the current analysis:
// one record directory (written by `burstlab run -o DIR`), several
// directories of one plan's shards (merged exactly, see Merge), or one or
// more vegeta result files (read together, see ReadVegeta). "-" reads vegeta
// results from standard input. Every error names the path at fault.
func Open(paths ...string) (*Record, error) {
	if len(paths) == 0 {
		return nil, errors.New("no record given")
	}
	var dirs, files []string
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such record directory or file", p)
		}
		if err != nil {
			return nil, err
		}
		if fi.IsDir() {
			dirs = append(dirs, p)
		} else {
			files = append(files, p)
		}
	}
	switch {
	case len(dirs) > 0 && len(files) > 0:
		return nil, fmt.Errorf("%s is a record directory and %s a file: give record directories (shards of one plan) or vegeta result files, not both", dirs[0], files[0])
	case len(files) > 0:
		return ReadVegeta(files...)
	}
	recs := make([]*Record, len(dirs))
	for i, d := range dirs {
		r, err := Load(d)
		if err != nil {
			return nil, err
		}
		recs[i] = r
	}
	if len(recs) == 1 {
		rec := recs[0]
		rec.Definitions = Definitions
		Analyze(rec)
		noteHlog(rec)
		if len(rec.Windows) > 0 && !rec.KeepsStreamWindows() {
			rec.Notes = append(rec.Notes, "the record was made before burstlab kept each stream's share of the windows: no stream rows in the CSV, no p99 by stream, no stream figures in alert rules")
		}
		return rec, nil
	}
	return Merge(recs...)
}
