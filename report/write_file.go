package report

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// FileError is a failure to write one output file: which file, which
// operation (create, open, write, sync, rename, ...) and why, printed as
// "FILE: OPERATION: ERR".
type FileError struct {
	Path string
	Op   string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Op + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// AsFileError says that op on path failed with err, keeping only the cause
// of an *os.PathError (whose own path may be a temporary file's) so the
// message names the file the user asked for. nil stays nil, and a
// FileError stays as it is.
func AsFileError(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	case errors.As(err, &se):
		err = se.Err
	}
	return &FileError{Path: path, Op: op, Err: err}
}

// WriteFileAtomic writes data to path, as an output the user named:
//   - a regular file, or a new one, is replaced whole or not at all: data
//     goes to a temporary file beside it, synced, then renamed into place,
//     so no reader ever sees half a file; an old file keeps its mode;
//   - a symlink stays a symlink: the file it names is replaced that way;
//   - anything else (a FIFO, a terminal, /dev/null, /dev/full, /dev/stdout
//     and the rest of a process's descriptors under /proc) is written in
//     place, as a shell redirection would, and never replaced.
//
// A failure is a *FileError naming path and the operation.
func WriteFileAtomic(path string, data []byte) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return &FileError{Path: path, Op: "open", Err: syscall.EISDIR}
	case err == nil && !fi.Mode().IsRegular():
		return writeInPlace(path, data)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return AsFileError("stat", path, err)
	}
	target, descriptor, err := linkTarget(path)
	if err != nil {
		return err
	}
	if descriptor {
		return writeInPlace(path, data)
	}
	perm := fs.FileMode(0o644)
	if fi != nil {
		perm = fi.Mode().Perm()
	}
	return replaceFile(path, target, data, perm)
}

// maxLinks bounds the symlinks followed, as the kernel's ELOOP does.
const maxLinks = 40

// linkTarget follows the symlinks path names, dangling ones too, to the
// file they end at. descriptor reports a link through /proc (/dev/stdout,
// /dev/fd/1): it names one of the process's descriptors, which is written
// through, not replaced.
func linkTarget(path string) (target string, descriptor bool, err error) {
	for range maxLinks {
		if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil && (dir == "/proc" || strings.HasPrefix(dir, "/proc/")) {
			return path, true, nil
		}
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, false, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", false, AsFileError("readlink", path, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", false, &FileError{Path: path, Op: "open", Err: syscall.ELOOP}
}

// writeInPlace writes data into what path names without replacing it:
// no truncation (a device has none; a descriptor is appended to, as its
// owner opened it).
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return AsFileError("open", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return AsFileError("write", path, err)
	}
	return AsFileError("close", path, f.Close())
}

// replaceFile writes data into a new temporary file beside target, syncs
// it and renames it over target. Errors name path, the file the user gave.
func replaceFile(path, target string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return AsFileError("create", path, err)
	}
	fail := func(op string, err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return AsFileError(op, path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail("write", err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fail("chmod", err)
	}
	if err := tmp.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := tmp.Close(); err != nil {
		return fail("close", err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		os.Remove(tmp.Name())
		return AsFileError("rename", path, err)
	}
	return nil
}
