package server

import (
	"math"
	"os"
	"runtime/debug"
)

// ServerGCPercent is the garbage-collection target kith serve uses unless the
// operator sets GOGC. kith's heap is small (tens of MB), so collecting at
// Go's default 100% growth spends more CPU than the memory it saves; 400
// cut GC CPU enough to raise throughput by about 40% in the client-profile
// benchmark.
const ServerGCPercent = 400

// DefaultMemoryLimit is the soft memory limit kith serve sets unless the
// operator sets GOMEMLIMIT or KITH_MEMORY_LIMIT: 80 MiB of Go's own memory.
// At 400% growth alone, sixteen concurrent client pages took the process to
// about 200 MB, 60 MB of it the binary's mapped pages; past the limit the
// collector runs sooner instead, which kept the process's peak near 130 MB
// (BenchmarkClientPageMemory; 96 MiB gave 143-148 MB). Raise it where kith
// has more memory: its heap at rest is about 20 MB.
const DefaultMemoryLimit = 80 << 20

// TuneGC applies ServerGCPercent unless GOGC is set, and the soft memory
// limit (bytes; 0 is none) unless GOMEMLIMIT is set, and returns a function
// that restores the previous settings.
func TuneGC(memoryLimit int64) (restore func()) {
	percent, limit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		percent = debug.SetGCPercent(ServerGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if memoryLimit <= 0 {
			memoryLimit = math.MaxInt64
		}
		limit = debug.SetMemoryLimit(memoryLimit)
	}
	return func() {
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}
