"""Starting and driving a chimevoice server: a process of the binary or a container."""
import contextlib
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

HOW_TO_GET_IT = """chimevoice not found. Give the plugin a server in one of these ways:
  - the binary on PATH:  go install ./cmd/chimevoice   (from a clone of the repository;
                         or: go build -o ~/bin/chimevoice ./cmd/chimevoice)
  - the binary anywhere: CHIMEVOICE_BIN=/path/to/chimevoice   (or pytest --chimevoice-bin=PATH)
  - a container image:   CHIMEVOICE_IMAGE=chimevoice   (docker build -t chimevoice . ; or
                         pytest --chimevoice-image=IMAGE; Docker or Podman on PATH)"""


class ChimeVoiceNotFound(RuntimeError):
    """Neither a chimevoice binary nor a container image was found."""


class AdminError(RuntimeError):
    """The admin API refused a call; the message is chimevoice's."""


class ChimeVoice:
    """A running chimevoice: its endpoint, SDK clients and the admin API."""

    region = "us-east-1"
    access_key = "test"
    secret_key = "test"

    def __init__(self, endpoint, stop=None):
        self.endpoint = endpoint
        self._stop = stop

    # --- SDK clients -----------------------------------------------------
    def client(self, service="chime-sdk-voice", **kwargs):
        """A boto3 client for service ("chime-sdk-voice" or "chime") on this server."""
        import boto3

        kw = dict(endpoint_url=self.endpoint, region_name=self.region,
                  aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)
        kw.update(kwargs)
        return boto3.client(service, **kw)

    # --- admin API -------------------------------------------------------
    def admin(self, method, path, body=None):
        """Calls the admin API (/_chimevoice/...) and returns the decoded JSON answer."""
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, method=method, data=data)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                msg = json.loads(raw).get("Message", raw.decode())
            except ValueError:
                msg = raw.decode(errors="replace")
            raise AdminError("%s %s: %d %s" % (method, path, e.code, msg)) from None
        return json.loads(raw) if raw else None

    def now(self):
        """The service clock, as an ISO 8601 string."""
        return self.admin("GET", "/_chimevoice/clock")["Now"]

    def advance_clock(self, duration):
        """Moves the service clock forward ("7d", "168h", "90m", "0s") and runs
        the work that became due (purges, order completions) before returning
        the new time."""
        return self.admin("POST", "/_chimevoice/clock", {"Advance": duration})["Now"]

    def set_clock(self, when):
        """Sets the service clock to an ISO 8601 time (never backwards)."""
        return self.admin("POST", "/_chimevoice/clock", {"Set": when})["Now"]

    def reset(self):
        """Empties every account; the service clock goes back to real time."""
        self.admin("POST", "/_chimevoice/reset")

    def load_state(self, snapshot):
        """Replaces the whole state with a snapshot: a dict, JSON text or bytes,
        or a path to a file written by `chimevoice state export`. Validated,
        all or nothing. Returns how many rows each section held."""
        if isinstance(snapshot, dict):
            body = json.dumps(snapshot).encode()
        elif isinstance(snapshot, bytes):
            body = snapshot
        elif isinstance(snapshot, str) and snapshot.lstrip().startswith("{"):
            body = snapshot.encode()
        else:
            with open(os.fspath(snapshot), "rb") as f:
                body = f.read()
        return self.admin("POST", "/_chimevoice/state", body)["Imported"]

    def export_state(self):
        """The whole state as a dict (the format load_state reads)."""
        return self.admin("GET", "/_chimevoice/state")

    def faults(self, rules=None, seed=None):
        """Sets fault injection rules (a list of dicts such as
        {"Operation": "BatchDeletePhoneNumber", "Error": "ThrottledClientException", "Count": 2});
        an empty list or None clears them. Returns the rules in force."""
        if not rules:
            return self.admin("DELETE", "/_chimevoice/faults")
        path = "/_chimevoice/faults" + ("?seed=%d" % seed if seed is not None else "")
        return self.admin("POST", path, list(rules))

    def close(self):
        if self._stop:
            self._stop()
            self._stop = None


def find_binary(explicit=None):
    """The chimevoice binary: explicit, $CHIMEVOICE_BIN, or on PATH; None if none."""
    for candidate in (explicit, os.environ.get("CHIMEVOICE_BIN")):
        if candidate:
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
            raise ChimeVoiceNotFound("%s is not an executable file.\n%s" % (candidate, HOW_TO_GET_IT))
    return shutil.which("chimevoice")


@contextlib.contextmanager
def start(binary=None, image=None, flags=(), timeout=30):
    """Starts chimevoice with a throwaway store on a free port and stops it at
    exit. The server comes from binary, $CHIMEVOICE_BIN or PATH; or, given
    image or $CHIMEVOICE_IMAGE, from a container (Docker or Podman)."""
    image = image or os.environ.get("CHIMEVOICE_IMAGE")
    if image and not (binary or os.environ.get("CHIMEVOICE_BIN")):
        cv = _start_container(image, flags, timeout)
    else:
        path = find_binary(binary)
        if path is None:
            raise ChimeVoiceNotFound(HOW_TO_GET_IT)
        cv = _start_process(path, flags, timeout)
    try:
        yield cv
    finally:
        cv.close()


_LISTENING = re.compile(r"listening on (http://\S+)")


def _start_process(path, flags, timeout):
    proc = subprocess.Popen(
        [path, "serve", "--listen", "127.0.0.1:0", "--data", ":memory:", "--log-level", "warn", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    endpoint = None
    deadline = time.monotonic() + timeout
    for line in proc.stdout:  # the server prints where it listens
        m = _LISTENING.search(line)
        if m:
            endpoint = m.group(1)
            break
        if time.monotonic() > deadline:
            break
    if endpoint is None:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        raise RuntimeError("chimevoice exited before listening:\n" + err)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()

    return ChimeVoice(endpoint, stop)


def _container_engine():
    for engine in (os.environ.get("CHIMEVOICE_CONTAINER_ENGINE"), "docker", "podman"):
        if engine and shutil.which(engine):
            return engine
    raise ChimeVoiceNotFound("CHIMEVOICE_IMAGE is set but neither docker nor podman is on PATH.\n" + HOW_TO_GET_IT)


def _start_container(image, flags, timeout):
    engine = _container_engine()
    env = ["-e", "CHIMEVOICE_DATA=:memory:"]
    cid = subprocess.run([engine, "run", "-d", "-p", "127.0.0.1::8080", *env, image, "serve", *flags],
                         check=True, capture_output=True, text=True).stdout.strip()

    def stop():
        subprocess.run([engine, "rm", "-f", "-v", cid], capture_output=True)

    try:
        out = subprocess.run([engine, "port", cid, "8080"], check=True, capture_output=True, text=True).stdout
        endpoint = "http://127.0.0.1:" + out.split()[0].rsplit(":", 1)[1]
        cv = ChimeVoice(endpoint, stop)
        deadline = time.monotonic() + timeout
        while True:
            try:
                cv.admin("GET", "/_chimevoice/health")
                return cv
            except (OSError, AdminError):
                if time.monotonic() > deadline:
                    logs = subprocess.run([engine, "logs", cid], capture_output=True, text=True)
                    raise RuntimeError("chimevoice container never became healthy:\n" + logs.stdout + logs.stderr)
                time.sleep(0.1)
    except BaseException:
        stop()
        raise
