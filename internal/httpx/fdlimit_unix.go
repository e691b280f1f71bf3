//go:build unix

package httpx

import "syscall"

// FileLimit is the process's limit on open files (RLIMIT_NOFILE, soft),
// or 0 when unknown.
func FileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return rl.Cur
}
