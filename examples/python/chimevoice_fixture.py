"""Start chimevoice for a test: a throwaway store on a free port.

    with chimevoice() as endpoint:      # "http://127.0.0.1:41234"
        ...

Copy this file next to your tests; conftest.py turns it into a pytest
fixture. The binary comes from $CHIMEVOICE_BIN, else `chimevoice` on PATH
(`go install github.com/chimevoice/chimevoice/cmd/chimevoice@latest`).
"""
import contextlib
import os
import re
import subprocess


@contextlib.contextmanager
def chimevoice(*flags):
    binary = os.environ.get("CHIMEVOICE_BIN", "chimevoice")
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--data", ":memory:", "--log-level", "warn", *flags],
        stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:  # the server prints where it listens
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                break
        else:
            raise RuntimeError("chimevoice exited before listening")
        yield m.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def advance_clock(endpoint, duration):
    """Moves the service clock (e.g. "168h") and runs the work that became due."""
    import urllib.request
    req = urllib.request.Request(endpoint + "/_chimevoice/clock", method="POST",
                                 data=('{"Advance":"%s"}' % duration).encode())
    with urllib.request.urlopen(req) as r:
        return r.read()
