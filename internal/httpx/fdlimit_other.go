//go:build !unix

package httpx

// FileLimit is the process's limit on open files, or 0 when unknown.
func FileLimit() uint64 { return 0 }
