#!/usr/bin/env python3
"""Process start to the first healthy answer, and resident memory.

    scripts/startup.py [--runs N] [--hold SECONDS] URL -- COMMAND [ARGS...]

Starts COMMAND, polls URL (every 0.5 ms) until it answers 200, prints the
time from exec to that answer and the process's RSS (VmRSS), then stops the
process (SIGTERM). With --hold it keeps the process running that long first
and prints its peak RSS (VmHWM), so that a load can run meanwhile. Prints the
median of --runs runs. Loopback only; no other network.
"""
import argparse, os, signal, statistics, subprocess, sys, time, urllib.request


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def once(url, cmd, hold):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if p.poll() is not None:
                sys.exit(f"{cmd[0]} exited with {p.returncode} before answering")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - start > 30:
                sys.exit("no healthy answer within 30 s")
            time.sleep(0.0005)
        elapsed = (time.perf_counter() - start) * 1000
        rss = rss_kb(p.pid)
        peak = 0
        if hold:
            time.sleep(hold)
            peak = rss_kb(p.pid, "VmHWM")
        return elapsed, rss, peak
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hold", type=float, default=0)
    ap.add_argument("url")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    results = [once(a.url, cmd, a.hold) for _ in range(a.runs)]
    for i, (ms, rss, peak) in enumerate(results, 1):
        extra = f" peak_rss={peak / 1024:.1f}MB" if a.hold else ""
        print(f"run {i}: start_to_healthy={ms:.1f}ms rss={rss / 1024:.1f}MB{extra}")
    med = statistics.median(r[0] for r in results)
    print(f"median start_to_healthy={med:.1f}ms rss={statistics.median(r[1] for r in results) / 1024:.1f}MB"
          + (f" peak_rss={statistics.median(r[2] for r in results) / 1024:.1f}MB" if a.hold else ""))


if __name__ == "__main__":
    main()
