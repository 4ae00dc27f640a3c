//go:build unix

package graph_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, user and system: a
// benchmark's figure that other work on the machine disturbs less than the
// wall clock.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
