package report

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// ReplacedFile is a file rewritten whole again and again, as a run's
// run.json is while the run goes: each Replace writes a temporary file
// beside it and renames it into place, so a reader sees the old content or
// the new, never half of one; the last Replace is synced, with its
// directory, so it outlasts a crash of the machine too. It holds the
// descriptors a Replace needs (its directory and a temporary file) from
// the moment it is opened, so a process that has since run out of
// descriptors (thousands of sockets) still writes it.
type ReplacedFile struct {
	path  string
	dir   *os.File
	spare *os.File // the temporary file the next Replace writes into
}

// OpenReplaced prepares path for Replace. Nothing is written to path yet;
// the temporary file beside it exists until Close.
func OpenReplaced(path string) (*ReplacedFile, error) {
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return nil, AsFileError("open", filepath.Dir(path), err)
	}
	f := &ReplacedFile{path: path, dir: dir}
	if f.spare, err = f.temp(); err != nil {
		dir.Close()
		return nil, err
	}
	return f, nil
}

// Path is the file's name.
func (f *ReplacedFile) Path() string { return f.path }

// temp creates a temporary file beside the file, readable as it will be.
func (f *ReplacedFile) temp() (*os.File, error) {
	t, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".*")
	if err != nil {
		return nil, AsFileError("create", f.path, err)
	}
	if err := t.Chmod(0o644); err != nil {
		t.Close()
		os.Remove(t.Name())
		return nil, AsFileError("chmod", f.path, err)
	}
	return t, nil
}

// Replace makes data the file's whole content. With again, it first
// creates the temporary file of the Replace after this one, and when it
// cannot (no descriptor left, say) it fails without touching the file: the
// one it holds is kept for a later Replace. The last Replace, without
// again, uses the one it holds and needs no new descriptor; it alone is
// synced (those before it are for a process that dies, which loses no
// written data, and a sync on a busy disk can take long).
func (f *ReplacedFile) Replace(data []byte, again bool) error {
	if f.spare == nil {
		return &FileError{Path: f.path, Op: "create", Err: os.ErrClosed}
	}
	var next *os.File
	if again {
		var err error
		if next, err = f.temp(); err != nil {
			return err
		}
	}
	tmp := f.spare
	f.spare = next
	fail := func(op string, err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return AsFileError(op, f.path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail("write", err)
	}
	if !again {
		if err := tmp.Sync(); err != nil {
			return fail("sync", err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fail("close", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		os.Remove(tmp.Name())
		return AsFileError("rename", f.path, err)
	}
	// The rename lasts a crash once the directory is synced; Windows
	// cannot sync a directory.
	if again || runtime.GOOS == "windows" {
		return nil
	}
	return AsFileError("sync", f.dir.Name(), f.dir.Sync())
}

// Close removes the temporary file still held and lets go of the
// directory. The file itself stays as the last Replace left it.
func (f *ReplacedFile) Close() error {
	var err error
	if f.spare != nil {
		err = errors.Join(f.spare.Close(), os.Remove(f.spare.Name()))
		f.spare = nil
	}
	if f.dir != nil {
		err = errors.Join(err, f.dir.Close())
		f.dir = nil
	}
	return err
}
