package report

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteFileAtomicKinds: a regular file is replaced (its mode kept), a
// symlink stays a symlink with its target replaced, a directory is refused
// naming the file and the operation.
func TestWriteFileAtomicKinds(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	os.WriteFile(regular, []byte("old content, longer than the new"), 0o600)
	if err := WriteFileAtomic(regular, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(regular); string(b) != "new" {
		t.Errorf("regular file holds %q", b)
	}
	if fi, _ := os.Stat(regular); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}
	link := filepath.Join(dir, "link")
	os.Symlink("regular", link)
	if err := WriteFileAtomic(link, []byte("through")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	if b, _ := os.ReadFile(regular); string(b) != "through" {
		t.Errorf("the link's target holds %q", b)
	}
	err := WriteFileAtomic(dir, []byte("x"))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != dir || fe.Op != "open" || !errors.Is(err, syscall.EISDIR) {
		t.Errorf("a directory: %v; want %s: open: is a directory", err, dir)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files left in the directory, want 2 (no temporary file)", len(entries))
	}
}

// TestReplacedFile: each Replace leaves the whole new content; Close
// removes the temporary file held and leaves the last content.
func TestReplacedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	f, err := OpenReplaced(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"one", "two, longer"} {
		if err := f.Replace([]byte(s), true); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != s {
			t.Errorf("after Replace(%q): %q", s, b)
		}
	}
	if err := f.Replace([]byte("last"), false); err != nil {
		t.Fatal(err)
	}
	if err := f.Replace([]byte("after the last"), true); err == nil {
		t.Error("a Replace after the last succeeded")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(path); string(b) != "last" || len(entries) != 1 {
		t.Errorf("after Close: %q, %d files; want \"last\" alone", b, len(entries))
	}
}
