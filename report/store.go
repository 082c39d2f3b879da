package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// File names inside a record directory.
const (
	RunFile  = "run.json"
	HlogFile = "latency.hlog"
)

// Save writes rec as DIR/run.json. The file appears whole or not at all.
func Save(dir string, rec *Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, RunFile), append(data, '\n'))
}

// WriteFileAtomic writes data to a temporary file beside path and renames it
// into place, so no reader ever sees half a file.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Load reads DIR/run.json.
func Load(dir string) (*Record, error) {
	data, err := os.ReadFile(filepath.Join(dir, RunFile))
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, RunFile), err)
	}
	if rec.Schema != SchemaVersion {
		return nil, fmt.Errorf("%s: schema %d, this burstlab reads %d", filepath.Join(dir, RunFile), rec.Schema, SchemaVersion)
	}
	return &rec, nil
}
