package main

import (
	"os"
	"os/exec"
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
		if !regexp.MustCompile(`(?m)^\s+-concurrency|^\s+-runs`).Match(out) {
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
