package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// chimevoiceCmd runs the chimevoice command from the test binary.
func chimevoiceCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), execMainEnv+"=1")
	return cmd
}

func TestBenchHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"bench", "--help"}, {"bench", "-h"}, {"bench", "startup", "--help"}} {
		out, err := chimevoiceCmd(t, args...).CombinedOutput()
		if err != nil {
			t.Errorf("chimevoice %v: %v\n%s", args, err, out)
		}
		if !regexp.MustCompile(`(?m)^\s+--?concurrency|^\s+--?runs`).Match(out) {
			t.Errorf("chimevoice %v printed no flags:\n%s", args, out)
		}
	}
	if err := chimevoiceCmd(t, "bench", "--no-such-flag").Run(); err == nil {
		t.Error("bench --no-such-flag exited 0")
	}
}

// TestBenchStartup measures real server processes started from this binary.
func TestBenchStartup(t *testing.T) {
	out, err := chimevoiceCmd(t, "bench", "startup", "--runs", "3", "--",
		os.Args[0], "--data", ":memory:", "--listen", "127.0.0.1:{port}").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !regexp.MustCompile(`(?m)^median exec to first healthy answer: [0-9.]+ ms \(3 runs\), rss [0-9.]+ MB$`).Match(out) {
		t.Errorf("no median in:\n%s", out)
	}
	out, err = chimevoiceCmd(t, "bench", "startup", "--runs", "1", "--url", "", "--", os.Args[0], "version").CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^median exec to exit: [0-9.]+ ms \(1 runs\)$`).Match(out) {
		t.Errorf("version: %v\n%s", err, out)
	}
}

// BenchmarkRunToHealthy is the in-process part of a start: Run on a
// store (throwaway, or existing), the first health check, Close. Package
// init and exec are not in it; `chimevoice bench startup` measures those.
func BenchmarkRunToHealthy(b *testing.B) {
	existing := filepath.Join(b.TempDir(), "existing.db")
	for _, data := range []string{":memory:", existing} {
		name := "memory"
		if data == existing {
			name = "existing"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				cfg := DefaultConfig()
				cfg.Listen, cfg.Data = "127.0.0.1:0", data
				m := NewMain(cfg)
				if err := m.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				resp, err := http.Get(m.URL() + "/_chimevoice/health")
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("health: %d", resp.StatusCode)
				}
				if err := m.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
