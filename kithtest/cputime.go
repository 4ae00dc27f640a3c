//go:build unix

package kithtest

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time the process has used, user and system: a
// benchmark's figure that other work on the machine disturbs less than the
// wall clock.
func CPUTime() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
