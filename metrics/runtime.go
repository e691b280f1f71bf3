package metrics

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// The go_* and process_* families, with the names, help texts, types and
// values of the Prometheus Go client's default Go and process collectors
// (client_golang 1.25; TestRuntimeFamiliesAsClientGolang holds them to
// it). They are computed here rather than by that library because its
// package initialisation, paid by every start of the program, cost more
// than a millisecond.

// runtimeSamples are the runtime/metrics the go_* families come from.
var runtimeSamples = []string{
	"/gc/heap/tiny/allocs:objects",
	"/gc/heap/allocs:objects",
	"/gc/heap/frees:objects",
	"/gc/heap/allocs:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/free:bytes",
	"/gc/heap/objects:objects",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/os-stacks:bytes",
	"/memory/classes/metadata/mspan/inuse:bytes",
	"/memory/classes/metadata/mspan/free:bytes",
	"/memory/classes/metadata/mcache/inuse:bytes",
	"/memory/classes/metadata/mcache/free:bytes",
	"/memory/classes/profiling/buckets:bytes",
	"/memory/classes/metadata/other:bytes",
	"/memory/classes/other:bytes",
	"/gc/heap/goal:bytes",
	"/gc/gogc:percent",
	"/gc/gomemlimit:bytes",
	"/sched/gomaxprocs:threads",
}

func gauge(name, help string, v float64) family {
	return family{name: name, help: help, typ: typeGauge, series: []series{{value: v}}}
}

func counter(name, help string, v float64) family {
	return family{name: name, help: help, typ: typeCounter, series: []series{{value: v}}}
}

// goFamilies are the Go runtime's figures.
func goFamilies() []family {
	samples := make([]rtmetrics.Sample, len(runtimeSamples))
	for i, name := range runtimeSamples {
		samples[i].Name = name
	}
	rtmetrics.Read(samples)
	rm := make(map[string]float64, len(samples))
	for _, s := range samples {
		switch s.Value.Kind() {
		case rtmetrics.KindUint64:
			rm[s.Name] = float64(s.Value.Uint64())
		case rtmetrics.KindFloat64:
			rm[s.Name] = s.Value.Float64()
		}
	}
	u := func(name string) float64 { return rm[name] }

	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&gc)
	quantiles := []float64{0, 0.25, 0.5, 0.75, 1}
	pauses := make([]float64, len(quantiles))
	for i, q := range gc.PauseQuantiles {
		pauses[i] = q.Seconds()
	}
	threads, _ := runtime.ThreadCreateProfile(nil)

	heapAlloc := u("/memory/classes/heap/objects:bytes")
	heapInuse := heapAlloc + u("/memory/classes/heap/unused:bytes")
	heapReleased := u("/memory/classes/heap/released:bytes")
	heapIdle := heapReleased + u("/memory/classes/heap/free:bytes")
	tiny := u("/gc/heap/tiny/allocs:objects")
	stackInuse := u("/memory/classes/heap/stacks:bytes")
	mspanInuse := u("/memory/classes/metadata/mspan/inuse:bytes")
	mcacheInuse := u("/memory/classes/metadata/mcache/inuse:bytes")
	const ms = "go_memstats_"
	return []family{
		{name: "go_gc_duration_seconds", help: "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", typ: typeSummary,
			series: []series{{sum: gc.PauseTotal.Seconds(), count: uint64(gc.NumGC), bounds: quantiles, counts: pauses}}},
		gauge("go_gc_gogc_percent", "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent.", u("/gc/gogc:percent")),
		gauge("go_gc_gomemlimit_bytes", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes.", u("/gc/gomemlimit:bytes")),
		gauge("go_goroutines", "Number of goroutines that currently exist.", float64(runtime.NumGoroutine())),
		{name: "go_info", help: "Information about the Go environment.", typ: typeGauge,
			series: []series{{labels: []label{{"version", runtime.Version()}}, value: 1}}},
		gauge(ms+"alloc_bytes", "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.", heapAlloc),
		counter(ms+"alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.", u("/gc/heap/allocs:bytes")),
		gauge(ms+"buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.", u("/memory/classes/profiling/buckets:bytes")),
		counter(ms+"frees_total", "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.", u("/gc/heap/frees:objects")+tiny),
		gauge(ms+"gc_sys_bytes", "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.", u("/memory/classes/metadata/other:bytes")),
		gauge(ms+"heap_alloc_bytes", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.", heapAlloc),
		gauge(ms+"heap_idle_bytes", "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.", heapIdle),
		gauge(ms+"heap_inuse_bytes", "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes", heapInuse),
		gauge(ms+"heap_objects", "Number of currently allocated objects. Equals to /gc/heap/objects:objects.", u("/gc/heap/objects:objects")),
		gauge(ms+"heap_released_bytes", "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.", heapReleased),
		gauge(ms+"heap_sys_bytes", "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.", heapInuse+heapIdle),
		gauge(ms+"last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", float64(gc.LastGC.UnixNano())/1e9),
		counter(ms+"mallocs_total", "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.", u("/gc/heap/allocs:objects")+tiny),
		gauge(ms+"mcache_inuse_bytes", "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.", mcacheInuse),
		gauge(ms+"mcache_sys_bytes", "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.", mcacheInuse+u("/memory/classes/metadata/mcache/free:bytes")),
		gauge(ms+"mspan_inuse_bytes", "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.", mspanInuse),
		gauge(ms+"mspan_sys_bytes", "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.", mspanInuse+u("/memory/classes/metadata/mspan/free:bytes")),
		gauge(ms+"next_gc_bytes", "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.", u("/gc/heap/goal:bytes")),
		gauge(ms+"other_sys_bytes", "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.", u("/memory/classes/other:bytes")),
		gauge(ms+"stack_inuse_bytes", "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.", stackInuse),
		gauge(ms+"stack_sys_bytes", "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.", stackInuse+u("/memory/classes/os-stacks:bytes")),
		gauge(ms+"sys_bytes", "Number of bytes obtained from system. Equals to /memory/classes/total:byte.", u("/memory/classes/total:bytes")),
		gauge("go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads.", u("/sched/gomaxprocs:threads")),
		gauge("go_threads", "Number of OS threads created.", float64(threads)),
	}
}

// userHZ is the unit of /proc's CPU times (sysconf(_SC_CLK_TCK), 100 on
// Linux), as the Prometheus procfs library assumes.
const userHZ = 100

// processFamilies are the process's figures from /proc (Linux); a figure
// whose file cannot be read is left out and the error returned with the
// others.
func processFamilies() ([]family, error) {
	if _, err := os.Stat("/proc/self/stat"); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // not Linux: no process figures, as no /proc
	}
	var fams []family
	var errs []error
	if st, err := readStat(); err == nil {
		fams = append(fams,
			counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", float64(st.utime+st.stime)/userHZ),
			gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", float64(st.vsize)),
			gauge("process_resident_memory_bytes", "Resident memory size in bytes.", float64(st.rss*int64(os.Getpagesize()))),
		)
		if boot, err := bootTime(); err == nil {
			fams = append(fams, gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", boot+float64(st.starttime)/userHZ))
		} else {
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, err)
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		fams = append(fams, gauge("process_open_fds", "Number of open file descriptors.", float64(len(fds))))
	} else {
		errs = append(errs, err)
	}
	if files, space, err := readLimits(); err == nil {
		fams = append(fams,
			gauge("process_max_fds", "Maximum number of open file descriptors.", files),
			gauge("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", space),
		)
	} else {
		errs = append(errs, err)
	}
	if in, out, err := readNetstat(); err == nil {
		fams = append(fams,
			counter("process_network_receive_bytes_total", "Number of bytes received by the process over the network.", in),
			counter("process_network_transmit_bytes_total", "Number of bytes sent by the process over the network.", out),
		)
	} else {
		errs = append(errs, err)
	}
	return fams, errors.Join(errs...)
}

type procStat struct {
	utime, stime, starttime, vsize uint64
	rss                            int64
}

// readStat reads /proc/self/stat (proc(5)): fields 14, 15, 22, 23, 24.
func readStat() (procStat, error) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return procStat{}, err
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/self/stat: no command name")
	}
	f := strings.Fields(string(data[i+1:])) // f[0] is field 3
	if len(f) < 22 {
		return procStat{}, fmt.Errorf("/proc/self/stat: %d fields", len(f)+2)
	}
	field := func(n int) uint64 { v, _ := strconv.ParseUint(f[n-3], 10, 64); return v }
	rss, _ := strconv.ParseInt(f[24-3], 10, 64)
	return procStat{utime: field(14), stime: field(15), starttime: field(22), vsize: field(23), rss: rss}, nil
}

// bootTime is the btime line of /proc/stat.
func bootTime() (float64, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, errors.New("/proc/stat: no btime")
}

// readLimits returns the soft limits on open files and address space of
// /proc/self/limits ("unlimited" is the largest uint64, as procfs says).
func readLimits() (files, space float64, err error) {
	data, err := os.ReadFile("/proc/self/limits")
	if err != nil {
		return 0, 0, err
	}
	soft := func(rest string) float64 {
		f := strings.Fields(rest)
		if len(f) == 0 || f[0] == "unlimited" {
			return math.MaxUint64
		}
		v, _ := strconv.ParseUint(f[0], 10, 64)
		return float64(v)
	}
	found := 0
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			files, found = soft(rest), found+1
		} else if rest, ok := strings.CutPrefix(line, "Max address space"); ok {
			space, found = soft(rest), found+1
		}
	}
	if found != 2 {
		return 0, 0, errors.New("/proc/self/limits: no open files or address space limit")
	}
	return files, space, nil
}

// readNetstat returns InOctets and OutOctets of the IpExt lines of
// /proc/self/net/netstat (0 when absent, as procfs reports them).
func readNetstat() (in, out float64, err error) {
	f, err := os.Open("/proc/self/net/netstat")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var header []string
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) == 0 || fields[0] != "IpExt:" {
			continue
		}
		if header == nil {
			header = fields
			continue
		}
		for i := 1; i < len(fields) && i < len(header); i++ {
			v, _ := strconv.ParseFloat(fields[i], 64)
			switch header[i] {
			case "InOctets":
				in = v
			case "OutOctets":
				out = v
			}
		}
		return in, out, nil
	}
	return 0, 0, s.Err()
}
