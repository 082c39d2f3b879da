//go:build !unix

package attack

import "time"

// processCPU is unknown here; the engine then treats the CPU as idle.
func processCPU() time.Duration { return 0 }
