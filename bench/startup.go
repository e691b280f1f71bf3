package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StartupConfig is one start-up measurement: Command is started Runs times,
// and each run is timed from just before exec to the first 200 answer of
// URL, or, when URL is empty, to the command's exit (for commands such as
// `chimevoice version`).
//
// "{port}" in Command and URL is replaced by a loopback port that was free
// a moment before the run, so a server can be told where to listen.
type StartupConfig struct {
	Command []string
	URL     string
	Runs    int
	// Interval is the pause between probes (default 100µs). Probes are
	// plain TCP connections from this process: no process per probe.
	Interval time.Duration
	Timeout  time.Duration // per run (default 30 s)
}

// StartupRun is the outcome of one run.
type StartupRun struct {
	Elapsed time.Duration // exec → first healthy answer (or exit)
	RSSKB   int           // the server's VmRSS at that moment (0 for commands that exited)
}

// Startup runs cfg.Runs measurements one after the other and returns them
// in order. Servers are stopped with SIGTERM (SIGKILL after 10 s) after
// each run.
func Startup(ctx context.Context, cfg StartupConfig) ([]StartupRun, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("startup: no command")
	}
	if cfg.Runs <= 0 {
		cfg.Runs = 1
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 100 * time.Microsecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	runs := make([]StartupRun, 0, cfg.Runs)
	for i := range cfg.Runs {
		r, err := startupOnce(ctx, cfg)
		if err != nil {
			return runs, fmt.Errorf("startup run %d: %w", i+1, err)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// MedianElapsed is the median of the runs' Elapsed.
func MedianElapsed(runs []StartupRun) time.Duration {
	if len(runs) == 0 {
		return 0
	}
	d := make([]time.Duration, len(runs))
	for i, r := range runs {
		d[i] = r.Elapsed
	}
	slices.Sort(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

// MedianRSSKB is the median of the runs' RSSKB (0 when none was read).
func MedianRSSKB(runs []StartupRun) int {
	kb := make([]int, 0, len(runs))
	for _, r := range runs {
		if r.RSSKB > 0 {
			kb = append(kb, r.RSSKB)
		}
	}
	if len(kb) == 0 {
		return 0
	}
	slices.Sort(kb)
	return kb[len(kb)/2]
}

func startupOnce(ctx context.Context, cfg StartupConfig) (StartupRun, error) {
	port, err := freePort()
	if err != nil {
		return StartupRun{}, err
	}
	sub := func(s string) string { return strings.ReplaceAll(s, "{port}", port) }
	args := make([]string, len(cfg.Command))
	for i, a := range cfg.Command {
		args[i] = sub(a)
	}
	var target *url.URL
	if cfg.URL != "" {
		if target, err = url.Parse(sub(cfg.URL)); err != nil {
			return StartupRun{}, fmt.Errorf("url: %w", err)
		}
		if target.Scheme != "http" {
			return StartupRun{}, fmt.Errorf("url %s: only http is probed", target)
		}
	}
	cmd := exec.Command(args[0], args[1:]...)
	exited := make(chan error, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return StartupRun{}, fmt.Errorf("start %s: %w", args[0], err)
	}
	go func() { exited <- cmd.Wait() }()
	if target == nil {
		select {
		case err := <-exited:
			elapsed := time.Since(start)
			if err != nil {
				return StartupRun{}, fmt.Errorf("%s: %w", args[0], err)
			}
			return StartupRun{Elapsed: elapsed}, nil
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			<-exited
			return StartupRun{}, ctx.Err()
		}
	}
	defer stopProcess(cmd, exited)
	deadline := start.Add(cfg.Timeout)
	for {
		if ok := probe(target); ok {
			elapsed := time.Since(start)
			return StartupRun{Elapsed: elapsed, RSSKB: vmRSS(cmd.Process.Pid)}, nil
		}
		select {
		case err := <-exited:
			exited <- err // for stopProcess
			return StartupRun{}, fmt.Errorf("%s exited before answering: %v", args[0], err)
		case <-ctx.Done():
			return StartupRun{}, ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			return StartupRun{}, fmt.Errorf("no healthy answer from %s within %s", target, cfg.Timeout)
		}
		time.Sleep(cfg.Interval)
	}
}

// probe sends one GET over a fresh connection and reports whether the
// answer's status is 200.
func probe(u *url.URL) bool {
	conn, err := net.DialTimeout("tcp", u.Host, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", u.RequestURI(), u.Host); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return false
	}
	// "HTTP/1.1 200 OK"
	_, rest, _ := strings.Cut(line, " ")
	return strings.HasPrefix(rest, "200 ")
}

func stopProcess(cmd *exec.Cmd, exited chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// vmRSS reads a process's resident set size from /proc (0 where there is
// no /proc).
func vmRSS(pid int) int {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(io.LimitReader(f, 1<<16))
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	return 0
}
