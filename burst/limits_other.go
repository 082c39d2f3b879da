//go:build !unix

package burst

// raiseFileLimit knows no limit where rlimits are missing: 0.
func raiseFileLimit() (uint64, error) { return 0, nil }
