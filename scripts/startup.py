#!/usr/bin/env python3
"""Process start to the first healthy answer, and resident memory.

    scripts/startup.py [--runs N] [--hold SECONDS] [--load SHELL-COMMAND] URL -- COMMAND [ARGS...]

Starts COMMAND, polls URL (every 0.5 ms) until it answers 200, prints the
time from exec to that answer and the process's RSS (VmRSS, and its anonymous
and file-backed parts: RssAnon, RssFile), then stops the process (SIGTERM).
With --hold it keeps the process running that long first and prints its peak
RSS (VmHWM), so that a load can run meanwhile. With --load it runs the shell
command (a load on the server, bounded in time) once the first answer's RSS
is read, then prints the RSS after it and the peak. Any process is measured
the same way: chimevoice, moto_server. Prints the median of --runs runs.
Loopback only; no other network.
"""
import argparse, os, signal, statistics, subprocess, sys, time, urllib.request


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def mem(pid):
    """VmRSS, RssAnon, RssFile and VmHWM of pid, in kB."""
    return {k: rss_kb(pid, k) for k in ("VmRSS", "RssAnon", "RssFile", "VmHWM")}


def mb(kb):
    return f"{kb / 1024:.1f}MB"


def once(url, cmd, hold, load=None):
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
        at_start = mem(p.pid)
        rss = at_start["VmRSS"]
        peak = 0
        if hold:
            time.sleep(hold)
            peak = rss_kb(p.pid, "VmHWM")
        if load:
            subprocess.run(load, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return elapsed, rss, peak, at_start, mem(p.pid)
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
    ap.add_argument("--load", help="shell command run once the first answer's RSS is read")
    ap.add_argument("url")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    results = [once(a.url, cmd, a.hold, a.load) for _ in range(a.runs)]
    if a.load:
        for i, (ms, _, _, s, l) in enumerate(results, 1):
            print(f"run {i}: start_to_healthy={ms:.1f}ms"
                  f" at_start rss={mb(s['VmRSS'])} anon={mb(s['RssAnon'])} file={mb(s['RssFile'])}"
                  f" after_load rss={mb(l['VmRSS'])} anon={mb(l['RssAnon'])} file={mb(l['RssFile'])} peak={mb(l['VmHWM'])}")
        med = lambda f: statistics.median(f(r) for r in results)
        print(f"median start_to_healthy={med(lambda r: r[0]):.1f}ms"
              f" at_start rss={mb(med(lambda r: r[3]['VmRSS']))} anon={mb(med(lambda r: r[3]['RssAnon']))} file={mb(med(lambda r: r[3]['RssFile']))}"
              f" after_load rss={mb(med(lambda r: r[4]['VmRSS']))} anon={mb(med(lambda r: r[4]['RssAnon']))} file={mb(med(lambda r: r[4]['RssFile']))}"
              f" peak={mb(med(lambda r: r[4]['VmHWM']))}")
        return
    for i, (ms, rss, peak) in enumerate(results, 1):
        extra = f" peak_rss={peak / 1024:.1f}MB" if a.hold else ""
        print(f"run {i}: start_to_healthy={ms:.1f}ms rss={rss / 1024:.1f}MB{extra}")
    med = statistics.median(r[0] for r in results)
    print(f"median start_to_healthy={med:.1f}ms rss={statistics.median(r[1] for r in results) / 1024:.1f}MB"
          + (f" peak_rss={statistics.median(r[2] for r in results) / 1024:.1f}MB" if a.hold else ""))


if __name__ == "__main__":
    main()
