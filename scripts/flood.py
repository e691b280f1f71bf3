#!/usr/bin/env python3
"""Hostile-client figures of docs/security.md, against a chimevoice binary.

    scripts/flood.py [--files N] [--conns N] BINARY KIND

Starts `BINARY serve --data :memory:` on a free loopback port (under
`prlimit --nofile=N:N` with --files, as a host with a 1,024 file limit),
then:

  KIND stalled    --conns connections that never finish their headers
  KIND nocreds    --conns 1 MiB bodies without Authorization, stalled after 256 KiB
  KIND knownkey   --conns 1 MiB bodies signed with the known key "test" but a
                  wrong signature, stalled after 256 KiB
  KIND signin     wrong console secrets for one access key from one address,
                  as fast as one client sends them, for 5 s

and prints how a signed call (curl --aws-sigv4) fares during the flood, the
sockets and RSS of the server, or the sign-in answers per second. Loopback
only; needs curl and, for --files, prlimit.
"""
import argparse, datetime, http.cookiejar, os, re, socket, subprocess, sys, time, urllib.error, urllib.parse, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def sockets(pid):
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            n += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass
    return n


def signed_call(base):
    start = time.perf_counter()
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "15", "--aws-sigv4", "aws:amz:us-east-1:chime",
                        "--user", "test:test", base + "/phone-numbers"], capture_output=True, text=True)
    return r.stdout, (time.perf_counter() - start) * 1000


def payload(kind, host):
    body = b"x" * (256 << 10)
    now = datetime.datetime.now(datetime.timezone.utc)
    if kind == "stalled":
        return f"POST /phone-numbers HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode()
    if kind == "nocreds":
        return f"POST /phone-numbers?operation=batch-delete HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1048576\r\n\r\n".encode() + body
    auth = (f"AWS4-HMAC-SHA256 Credential=test/{now:%Y%m%d}/us-east-1/chime/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}")
    return (f"POST /phone-numbers?operation=batch-delete HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\n"
            f"X-Amz-Date: {now:%Y%m%dT%H%M%SZ}\r\nContent-Length: 1048576\r\n\r\n").encode() + body


def flood(pid, base, host, kind, n):
    signed_call(base)
    idle = rss_mb(pid)
    data = payload(kind, host)
    conns = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", int(host.split(":")[1])))
            s.sendall(data)
        except OSError:
            pass
        conns.append(s)
    time.sleep(1)
    code, ms = signed_call(base)
    print(f"{kind} x{n}: signed call {code} in {ms:.0f} ms; server holds {sockets(pid)} sockets; RSS {rss_mb(pid):.1f} MB (idle {idle:.1f} MB)")
    for s in conns:
        s.close()


def signin(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    counts = {}
    end = time.perf_counter() + 5
    while time.perf_counter() < end:
        page = opener.open(base + "/console/signin").read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf": token, "method": "key", "access_key": "test", "secret": "wrong"}).encode()
        try:
            code = opener.open(base + "/console/signin", form).status
        except urllib.error.HTTPError as e:
            code = e.code
        counts[code] = counts.get(code, 0) + 1
    print("sign-in answers in 5 s: " + ", ".join(f"{code}: {n} ({n / 5:.1f}/s)" for code, n in sorted(counts.items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, help="open-file limit of the server (prlimit)")
    ap.add_argument("--conns", type=int, default=1100)
    ap.add_argument("binary")
    ap.add_argument("kind", choices=["stalled", "nocreds", "knownkey", "signin"])
    a = ap.parse_args()
    host = f"127.0.0.1:{free_port()}"
    cmd = [a.binary, "serve", "--listen", host, "--data", ":memory:", "--log-level", "error"]
    if a.files:
        cmd = ["prlimit", f"--nofile={a.files}:{a.files}"] + cmd
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        if not p.stdout.readline():
            sys.exit("the server did not start")
        if a.kind == "signin":
            signin("http://" + host)
        else:
            flood(p.pid, "http://" + host, host, a.kind, a.conns)
    finally:
        p.terminate()
        p.wait()


if __name__ == "__main__":
    main()
