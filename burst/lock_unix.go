//go:build unix

package burst

import (
	"os"
	"syscall"
)

// lockExclusive takes f's advisory lock, or fails at once when another
// process holds it. The kernel drops the lock when the process dies.
func lockExclusive(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return errLocked
	}
	return nil
}
