//go:build unix

package burst

import "syscall"

// raiseFileLimit raises the soft limit on open files to the hard limit (Go
// does so at start on Linux; not everywhere) and returns the soft limit in
// force.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			return uint64(raised.Cur), nil
		}
	}
	return uint64(lim.Cur), nil
}
