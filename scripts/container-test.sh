#!/usr/bin/env bash
# Builds the image from the repository's Dockerfile and runs the container
# as users do: the zero-configuration emulator, the operator's service with
# a credentials file and a named volume (data kept across a restart), a
# read-only root file system, SIGTERM, the non-root user, HEALTHCHECK, and
# SDK calls (boto3) through the published port.
#
#   scripts/container-test.sh            # Podman (Debian's podman + runc)
#
# Without registry access the base images are stood in by local images made
# from this machine's Go toolchain and Debian's static busybox, passed through
# the Dockerfile's build arguments; modules come from the local module cache
# (GOPROXY=file://). Set GO_IMAGE and RUNTIME_IMAGE to use real ones.
# Everything it creates (containers, volumes, images, temp files) is removed
# at exit. Prints the image size and the time each step took.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-/usr/bin/python3} # Debian's, with python3-boto3
TAG=ci-$$
IMAGE=localhost/chimevoice-test:$TAG
STAND_GO=localhost/chimevoice-test-go:$TAG
STAND_RT=localhost/chimevoice-test-runtime:$TAG
WORK=$(mktemp -d /tmp/chimevoice-container-test.XXXXXX)
chmod 755 "$WORK"
CONTAINERS=() VOLUMES=() IMAGES=()

cleanup() {
  local rc=$?
  for c in "${CONTAINERS[@]}"; do podman rm -f -v -t 0 "$c" >/dev/null 2>&1 || true; done # -v: anonymous /data volumes too
  for v in "${VOLUMES[@]}"; do podman volume rm -f "$v" >/dev/null 2>&1 || true; done
  for i in "${IMAGES[@]}"; do podman rmi -f "$i" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

# Podman on this kind of machine: runc (crun fails on hybrid cgroups),
# cgroupfs (no systemd), rlimits below the sandbox's hard limits.
cat >"$WORK/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
export CONTAINERS_CONF=$WORK/containers.conf
# Without systemd, Podman logs that it cannot set up the HEALTHCHECK timer;
# harmless: this script runs the check itself (podman healthcheck run).
podman() { command podman "$@" 2> >(grep -v 'systemd connection' >&2); }

step_start=$SECONDS
steps=0
step() { steps=$((steps + 1)); echo "--- $* ($((SECONDS - step_start))s so far)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- base images -----------------------------------------------------------
if [ -z "${GO_IMAGE:-}" ]; then
  step "stand-in Go build image from $(go env GOROOT)"
  root=$WORK/go-root
  mkdir -p "$root/bin" "$root/tmp" "$root/root" "$root/etc"
  chmod 1777 "$root/tmp"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for a in sh mkdir chown chmod cp mv rm ls cat env; do ln -s busybox "$root/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  goroot=$(go env GOROOT)
  { tar -C "$root" -cf - . ; } >"$WORK/go.tar"
  tar -C "$(dirname "$goroot")" --transform "s,^$(basename "$goroot"),usr/local/go," \
    --exclude='*/testdata' --exclude="$(basename "$goroot")/test" -rf "$WORK/go.tar" "$(basename "$goroot")"
  podman import -q --change 'ENV PATH=/usr/local/go/bin:/go/bin:/bin' --change 'ENV GOPATH=/go' \
    --change 'ENV GOTOOLCHAIN=local' --change 'ENV GOCACHE=/tmp/gocache' "$WORK/go.tar" "$STAND_GO" >/dev/null
  rm "$WORK/go.tar"
  IMAGES+=("$STAND_GO")
  GO_IMAGE=$STAND_GO
fi
if [ -z "${RUNTIME_IMAGE:-}" ]; then
  step "stand-in distroless runtime image"
  root=$WORK/rt-root
  mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot" "$root/usr/share"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  [ -d /usr/share/zoneinfo ] && cp -r /usr/share/zoneinfo "$root/usr/share/"
  tar -C "$root" -cf "$WORK/rt.tar" .
  podman import -q --change 'USER 65532' "$WORK/rt.tar" "$STAND_RT" >/dev/null
  rm "$WORK/rt.tar"
  IMAGES+=("$STAND_RT")
  RUNTIME_IMAGE=$STAND_RT
fi

# --- build -----------------------------------------------------------------
step "build $IMAGE (GO_IMAGE=$GO_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE)"
build_args=(--build-arg "GO_IMAGE=$GO_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE")
if [ "${OFFLINE_MODULES:-1}" = 1 ]; then
  modcache=$(go env GOMODCACHE)/cache/download
  go mod download # fills the cache from the module proxy when it lacks something
  build_args+=(--volume "$modcache:/gomodcache:ro" --build-arg GOPROXY=file:///gomodcache --build-arg GOSUMDB=off)
fi
build_start=$SECONDS
IMAGES+=("$IMAGE")
podman build -q --isolation=chroot --format docker --pull=never --layers=false "${build_args[@]}" -t "$IMAGE" . >/dev/null
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "image built in $((SECONDS - build_start))s: $IMAGE, $((size / 1000000)) MB ($size bytes)"
[ "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")" = "65532:65532" ] || fail "image user is not 65532:65532"
podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE" | grep -q 'chimevoice","healthcheck' || fail "image has no HEALTHCHECK through chimevoice healthcheck"

# --- helpers ---------------------------------------------------------------
start() { # NAME ARGS... : run detached, publish 8080 on a free loopback port
  local name=$1; shift
  CONTAINERS+=("$name")
  podman run -d --name "$name" -p 127.0.0.1::8080 "$@" >/dev/null
}
port() { podman port "$1" 8080 | head -1 | sed 's/.*://'; }
wait_healthy() { # NAME : HEALTHCHECK (chimevoice healthcheck inside) until healthy, 30 s at most
  local i
  for i in $(seq 1 60); do
    if podman healthcheck run "$1" >/dev/null 2>&1; then return 0; fi
    if [ "$(podman inspect --format '{{.State.Running}}' "$1")" != true ]; then
      podman logs "$1" >&2; fail "$1 exited"
    fi
    sleep 0.5
  done
  podman logs "$1" >&2; fail "$1 never became healthy"
}
uid_of() { awk '/^Uid:/ {print $2}' "/proc/$(podman inspect --format '{{.State.Pid}}' "$1")/status"; }
sdk() { # ENDPOINT ACCESS_KEY SECRET SCRIPT : runs SCRIPT with `voice` (boto3 chime-sdk-voice)
  "$PY" - "$@" <<'EOF'
import sys, boto3
endpoint, key, secret, script = sys.argv[1:5]
voice = boto3.client("chime-sdk-voice", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id=key, aws_secret_access_key=secret)
exec(script)
EOF
}
admin() { # METHOD URL [BODY] [CURL ARGS]: prints the status code
  local m=$1 u=$2; shift 2
  local body=${1:-}; [ $# -gt 0 ] && shift
  "$PY" - "$m" "$u" "$body" "$@" <<'EOF'
import sys, urllib.request, urllib.error
m, u, body = sys.argv[1:4]
req = urllib.request.Request(u, method=m, data=body.encode() if body else None)
for h in sys.argv[4:]:
    k, v = h.split(": ", 1)
    req.add_header(k, v)
try:
    with urllib.request.urlopen(req) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
EOF
}

# --- 1. the zero-configuration emulator ------------------------------------
step "emulator: podman run $IMAGE, nothing else"
start cv-emu-$TAG "$IMAGE"
wait_healthy cv-emu-$TAG
E=http://127.0.0.1:$(port cv-emu-$TAG)
podman logs cv-emu-$TAG 2>&1 | grep -q "DEVELOPMENT EMULATOR" || fail "the emulator does not say it is one"
[ "$(uid_of cv-emu-$TAG)" = 65532 ] || fail "the server runs as uid $(uid_of cv-emu-$TAG), not 65532"
sdk "$E" test test '
nums = voice.search_available_phone_numbers(AreaCode="206", MaxResults=2)["E164PhoneNumbers"]
voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
'
[ "$(admin POST "$E/_chimevoice/clock" '{"Advance":"0s"}')" = 200 ] || fail "emulator: admin API refused through the published port"
sdk "$E" test test '
nums = [n["E164PhoneNumber"] for n in voice.list_phone_numbers()["PhoneNumbers"]]
assert len(nums) == 2, nums
assert voice.batch_delete_phone_number(PhoneNumberIds=nums)["PhoneNumberErrors"] == []
'
[ "$(admin POST "$E/_chimevoice/clock" '{"Advance":"7d"}')" = 200 ] || fail "emulator: clock advance 7d"
sdk "$E" test test 'assert voice.list_phone_numbers()["PhoneNumbers"] == [], "purged after 7 days"'
[ "$(admin GET "$E/_localstack/health")" = 200 ] || fail "emulator: /_localstack/health"
step "emulator: SIGTERM stops it cleanly"
t0=$SECONDS
podman stop -t 20 cv-emu-$TAG >/dev/null
[ "$(podman inspect --format '{{.State.ExitCode}}' cv-emu-$TAG)" = 0 ] || fail "exit code after SIGTERM: $(podman inspect --format '{{.State.ExitCode}}' cv-emu-$TAG)"
[ $((SECONDS - t0)) -lt 15 ] || fail "SIGTERM took $((SECONDS - t0))s"
podman logs cv-emu-$TAG 2>&1 | grep -q "shutting down" || fail "no clean shutdown in the log"

# --- 2. read-only root file system, throwaway store --------------------------
step "read-only: --read-only (Docker's behaviour: no tmpfs on /tmp), CHIMEVOICE_DATA=:memory:"
start cv-ro-$TAG --read-only --read-only-tmpfs=false -e CHIMEVOICE_DATA=:memory: "$IMAGE"
wait_healthy cv-ro-$TAG
sdk "http://127.0.0.1:$(port cv-ro-$TAG)" test test 'voice.search_available_phone_numbers(AreaCode="206", MaxResults=1)'

# --- 3. the operator's service: credentials file, named volume, admin token ---
step "operator: credentials file, admin token, named volume"
cat >"$WORK/credentials.yaml" <<'EOF'
credentials:
  - access_key_id: AKIAOPERATOR0001
    secret_access_key: operator-secret
    account_id: "111111111111"
EOF
chmod 644 "$WORK/credentials.yaml"
VOL=chimevoice-test-data-$TAG
podman volume create "$VOL" >/dev/null
VOLUMES+=("$VOL")
op_run() {
  start "$1" -v "$VOL:/data" -v "$WORK/credentials.yaml:/etc/chimevoice/credentials.yaml:ro" \
    -e CHIMEVOICE_ADMIN_TOKEN=op-token "$IMAGE"
  wait_healthy "$1"
}
op_run cv-op1-$TAG
O=http://127.0.0.1:$(port cv-op1-$TAG)
podman logs cv-op1-$TAG 2>&1 | grep -q "DEVELOPMENT EMULATOR" && fail "the operator's service runs as an emulator"
sdk "$O" test test '
try:
    voice.list_phone_numbers()
    raise SystemExit("test/test accepted by the operator service")
except voice.exceptions.UnauthorizedClientException:
    pass
'
[ "$(admin POST "$O/_chimevoice/clock" '{"Advance":"0s"}')" = 403 ] || fail "operator: admin API open without the token"
sdk "$O" AKIAOPERATOR0001 operator-secret '
nums = voice.search_available_phone_numbers(AreaCode="503", MaxResults=3)["E164PhoneNumbers"]
voice.create_phone_number_order(ProductType="VoiceConnector", E164PhoneNumbers=nums)
'
[ "$(admin POST "$O/_chimevoice/clock" '{"Advance":"0s"}' "Authorization: Bearer op-token")" = 200 ] || fail "operator: admin token refused"
podman stop -t 20 cv-op1-$TAG >/dev/null
step "operator: a new container on the same volume keeps the data"
op_run cv-op2-$TAG
O=http://127.0.0.1:$(port cv-op2-$TAG)
podman logs cv-op2-$TAG 2>&1 | grep -q "resuming a store with 3 phone numbers" || { podman logs cv-op2-$TAG; fail "no 'resuming' line"; }
sdk "$O" AKIAOPERATOR0001 operator-secret '
nums = voice.list_phone_numbers()["PhoneNumbers"]
assert len(nums) == 3 and all(n["Status"] == "Unassigned" for n in nums), nums
'
[ "$(uid_of cv-op2-$TAG)" = 65532 ] || fail "operator: uid $(uid_of cv-op2-$TAG)"

# --- 4. the test helpers, each starting the container ------------------------
step "helpers: Go testserver, pytest plugin, Node helper with CHIMEVOICE_IMAGE"
before=$(command podman ps -aq --filter "ancestor=$IMAGE" | wc -l)
export CHIMEVOICE_IMAGE=$IMAGE CHIMEVOICE_CONTAINER_ENGINE=podman
env -u CHIMEVOICE_BIN go test -count=1 ./testserver
env -u CHIMEVOICE_BIN scripts/python-test.sh
env -u CHIMEVOICE_BIN scripts/node-test.sh >"$WORK/node.log" 2>&1 || { cat "$WORK/node.log"; fail "node helper with the container"; }
unset CHIMEVOICE_IMAGE CHIMEVOICE_CONTAINER_ENGINE
[ "$(command podman ps -aq --filter "ancestor=$IMAGE" | wc -l)" = "$before" ] || fail "a helper left a container behind"

step "container test passed"
echo "image $((size / 1000000)) MB; ${SECONDS}s in all"
echo "container-test: $((steps - 1)) passed, 0 failed"
