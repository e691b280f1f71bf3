package bench

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the process under measurement: with
// BENCH_STARTUP_HELPER set it serves a health URL on the address given
// ("serve"), or exits at once ("exit"), or fails ("fail").
func init() {
	switch os.Getenv("BENCH_STARTUP_HELPER") {
	case "":
		return
	case "serve":
		mux := http.NewServeMux()
		mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
		mux.HandleFunc("GET /sick", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
		_ = http.ListenAndServe(os.Args[len(os.Args)-1], mux)
		os.Exit(2)
	case "exit":
		os.Exit(0)
	default:
		os.Exit(3)
	}
}

func helper(t *testing.T, mode string) {
	t.Helper()
	t.Setenv("BENCH_STARTUP_HELPER", mode)
}

func TestStartupServer(t *testing.T) {
	helper(t, "serve")
	runs, err := Startup(context.Background(), StartupConfig{
		Command: []string{os.Args[0], "127.0.0.1:{port}"},
		URL:     "http://127.0.0.1:{port}/health",
		Runs:    3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 {
		t.Fatalf("%d runs, want 3", len(runs))
	}
	for _, r := range runs {
		if r.Elapsed <= 0 || r.Elapsed > 30*time.Second {
			t.Errorf("elapsed %v", r.Elapsed)
		}
		if r.RSSKB <= 0 {
			t.Errorf("rss %d kB", r.RSSKB)
		}
	}
	if MedianRSSKB(runs) <= 0 {
		t.Errorf("median RSS %d kB", MedianRSSKB(runs))
	}
	if m := MedianElapsed(runs); m < runs[0].Elapsed && m < runs[1].Elapsed && m < runs[2].Elapsed {
		t.Errorf("median %v below every run", m)
	}
}

func TestStartupUnhealthyTimesOut(t *testing.T) {
	helper(t, "serve")
	_, err := Startup(context.Background(), StartupConfig{
		Command: []string{os.Args[0], "127.0.0.1:{port}"},
		URL:     "http://127.0.0.1:{port}/sick",
		Timeout: 300 * time.Millisecond,
	})
	if err == nil || !strings.Contains(err.Error(), "no healthy answer") {
		t.Fatalf("err = %v, want no healthy answer", err)
	}
}

func TestStartupToExit(t *testing.T) {
	helper(t, "exit")
	runs, err := Startup(context.Background(), StartupConfig{Command: []string{os.Args[0]}, Runs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Elapsed <= 0 || runs[0].RSSKB != 0 {
		t.Fatalf("runs = %+v", runs)
	}
}

func TestStartupFailures(t *testing.T) {
	helper(t, "fail")
	if _, err := Startup(context.Background(), StartupConfig{Command: []string{os.Args[0]}}); err == nil {
		t.Error("a failing command: no error")
	}
	if _, err := Startup(context.Background(), StartupConfig{Command: []string{os.Args[0]}, URL: "http://127.0.0.1:{port}/health"}); err == nil || !strings.Contains(err.Error(), "exited before answering") {
		t.Errorf("a server that exits: err = %v", err)
	}
	if _, err := Startup(context.Background(), StartupConfig{}); err == nil {
		t.Error("no command: no error")
	}
}
