#!/usr/bin/env bash
# Build the real Dockerfile without a Docker engine or a registry, and run the image as compose would.
#
#   docker/verify.sh base     assemble (once, cached) the stand-in for the Dockerfile's FROM image
#   docker/verify.sh build    base, then `buildah bud` of the unchanged Dockerfile; prints size and time
#   docker/verify.sh check    the built image: non-root user, no compiler, no wheels, no pip config left
#   docker/verify.sh run [-e K=V]... [-v HOST:CTR]... CMD...
#                             the image's ENTRYPOINT + CMD... in a read-only root with compose's
#                             writable paths (tmpfs /tmp and /dev/shm), as the image's USER
#   docker/verify.sh healthcheck [-e K=V]...   the image's own HEALTHCHECK command, the same way
#   docker/verify.sh cmd [-e K=V]... [-v HOST:CTR]... CMD...   CMD as given, the same way
#
# tests/test_image.py drives it against a private PostgreSQL and Debian's nginx. Needs root (buildah's
# vfs storage and chroot isolation, mount namespaces), buildah, debootstrap; CI installs them (.ci/run).
#
# THE BASE IS A STAND-IN. Docker Hub's python:3.11.11-slim-bookworm cannot be pulled here, so `base`
# builds an image of the same name from Debian bookworm's packages: Debian's python3 (3.11.2, not
# 3.11.11) at /usr/bin/python3.11, with a venv at /usr/local so that `python`, `pip` and installed
# console scripts live where the official image has them (/usr/local/bin, /usr/local/lib/python3.11/
# site-packages). What this verifies is the Dockerfile, the build context and the image's behaviour;
# not CPython 3.11.11 itself.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${BRIEFING_VERIFY_CACHE:-$([ "$(id -u)" = 0 ] && echo /var/cache/briefing-verify || echo "${XDG_CACHE_HOME:-$HOME/.cache}/briefing-verify")}
BASE=docker.io/library/$(awk '/^FROM /{print $2; exit}' Dockerfile)
IMAGE=${BRIEFING_VERIFY_IMAGE:-localhost/briefing-api:verify}
MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# Bump when the recipe below changes: a cached base with another recipe is rebuilt.
RECIPE="bookworm minbase python3 python3-venv ca-certificates venv-at-usr-local v1"
BUILDAH=(buildah --root "$CACHE/storage" --runroot "$CACHE/run" --storage-driver vfs)

say() { printf 'verify: %s\n' "$*" >&2; }

base() {
  if [ "$("${BUILDAH[@]}" inspect --type image --format "{{index .Docker.Config.Labels \"briefing.verify.recipe\"}}" "$BASE" 2>/dev/null)" = "$RECIPE" ]; then
    say "STAND-IN base $BASE (Debian bookworm's Python $("${BUILDAH[@]}" inspect --type image --format '{{range .Docker.Config.Env}}{{println .}}{{end}}' "$BASE" | sed -n 's/^PYTHON_VERSION=//p') at /usr/bin/python3.11, not ${BASE##*python:}'s) cached in $CACHE"
    return
  fi
  say "assembling a STAND-IN for $BASE from Debian bookworm packages ($MIRROR)"
  local root
  root=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$root" "$MIRROR" \
    > "$CACHE/debootstrap.log" 2>&1 || { tail -30 "$CACHE/debootstrap.log" >&2; exit 1; }
  chroot "$root" /usr/bin/python3 -m venv /usr/local
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  local ctr mnt
  ctr=$("${BUILDAH[@]}" from scratch)
  mnt=$("${BUILDAH[@]}" mount "$ctr")
  cp -a "$root"/. "$mnt"/
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  rm -rf "$root"
  "${BUILDAH[@]}" config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --env PYTHON_VERSION="$(chroot_python_version "$ctr")" --cmd python3 \
    --label briefing.verify.recipe="$RECIPE" \
    --label org.opencontainers.image.description="STAND-IN for $BASE: Debian bookworm python3, not the official image" \
    "$ctr"
  "${BUILDAH[@]}" commit --quiet --format docker "$ctr" "$BASE" >/dev/null
  "${BUILDAH[@]}" rm "$ctr" >/dev/null
  say "stand-in base $BASE committed (Python $("${BUILDAH[@]}" inspect --type image --format '{{range .Docker.Config.Env}}{{println .}}{{end}}' "$BASE" | sed -n 's/^PYTHON_VERSION=//p'), official: ${BASE##*python:})"
}

chroot_python_version() {
  local mnt
  mnt=$("${BUILDAH[@]}" mount "$1")
  chroot "$mnt" /usr/local/bin/python -c 'import platform; print(platform.python_version())'
  "${BUILDAH[@]}" umount "$1" >/dev/null
}

# The machine's pip configuration (files and PIP_* variables, as `pip config list` merges them) as one
# pip.conf, plus the local paths it names, for `buildah bud -v`: mounted into each RUN, never committed.
pip_mounts() {
  local conf="$CACHE/run/pip.conf"
  mkdir -p "$CACHE/run"
  python3 -m pip config list 2>/dev/null | python3 -c '
import re, sys
settings = {}
for line in sys.stdin:
    match = re.match(r"^(?:[\w-]+|:env:)\.([\w-]+)=(.*)$", line.strip())
    if match:
        settings[match[1]] = match[2].strip("\x27\"")
print("[global]")
for key, value in settings.items():
    print(f"{key} = {value}")
' > "$conf"
  printf -- '-v\n%s:/etc/pip.conf:ro\n' "$conf"
  # A file:// index's pages link to files beside it (…/simple/x/ -> …/files/x.whl): mount its parent.
  { grep -oE 'file:///[^ ]+' "$conf" | sed 's#^file://##; s#/*$##' | xargs -r -n1 dirname
    grep -oE '(^| )/[^ ]+' "$conf" | tr -d ' '; } | sort -u | while read -r path; do
    [ -e "$path" ] && printf -- '-v\n%s:%s:ro\n' "$path" "$path"
  done
}

build() {
  base
  local mounts started
  mapfile -t mounts < <(pip_mounts)
  printf '%s\n' "${mounts[@]}" | grep -v '^-v$' > "$CACHE/run/pip.mounts"
  say "building $IMAGE from the unchanged Dockerfile (pip settings mounted for the build only: $(grep -c = "$CACHE/run/pip.conf"))"
  started=$(date +%s)
  "${BUILDAH[@]}" bud --isolation chroot --pull=never --format docker --layers=false \
    "${mounts[@]}" -f Dockerfile -t "$IMAGE" . >&2
  "${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true  # the previous build's image, now untagged
  say "built $IMAGE in $(( $(date +%s) - started )) s; size $("${BUILDAH[@]}" images --format '{{.Size}}' "$IMAGE")"
}

# What the image must be, read from the image itself (its config and its files).
check() {
  local ctr mnt failed=0
  ctr=$("${BUILDAH[@]}" from --pull-never "$IMAGE")
  mnt=$("${BUILDAH[@]}" mount "$ctr")
  fail() { say "FAIL: $*"; failed=1; }
  local user
  user=$("${BUILDAH[@]}" inspect --type image --format '{{.Docker.Config.User}}' "$IMAGE")
  [ "${user%%:*}" = 10001 ] || fail "USER is '$user', not 10001"
  [ -n "$("${BUILDAH[@]}" inspect --type image --format '{{.Docker.Config.Healthcheck}}' "$IMAGE" | grep -v '<nil>')" ] \
    || fail "no HEALTHCHECK in the image config"
  for tool in gcc cc g++ c++ make ld x86_64-linux-gnu-gcc; do
    [ -e "$mnt/usr/bin/$tool" ] || [ -e "$mnt/usr/local/bin/$tool" ] && fail "compiler $tool left in the image"
  done
  # Wheels the stand-in base ships itself (Debian's pip wheels) are the base's; none may come from the build.
  comm -13 <(base_files '*.whl') <(cd "$mnt" && find . -xdev -name '*.whl' | sort) | grep . && fail "wheel files left"
  # buildah leaves each -v target behind as an empty mount point; their contents must not be there.
  local target
  for target in $(sed -n 's/^[^:]*:\(.*\):ro$/\1/p' "$CACHE/run/pip.mounts" 2>/dev/null); do
    if [ -f "$mnt$target" ] && [ -s "$mnt$target" ] && ! cmp -s "$mnt$target" <(base_file "$target"); then
      fail "$target of the build's pip configuration is in the image"
    elif [ -d "$mnt$target" ] && [ -n "$(ls -A "$mnt$target")" ]; then
      fail "$target of the build's pip configuration is in the image"
    fi
  done
  "${BUILDAH[@]}" inspect --type image --format '{{range .Docker.Config.Env}}{{println .}}{{end}}' "$IMAGE" \
    | grep -E '^PIP_(INDEX|EXTRA|FIND|CERT|CONSTRAINT)' && fail "pip index settings baked into the image's ENV"
  [ -z "$(find "$mnt/app" -xdev -user 10001 2>/dev/null)" ] || fail "files under /app owned by the service user"
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  "${BUILDAH[@]}" rm "$ctr" >/dev/null
  [ "$failed" = 0 ] && say "image $IMAGE: user $user, no compiler, no wheels, no pip config; $("${BUILDAH[@]}" images --format '{{.Size}}' "$IMAGE")"
  return "$failed"
}

# Run the image as `docker run --read-only --tmpfs /tmp` would (compose's `read_only: true`, `tmpfs`):
# the image's root read-only, fresh tmpfs on /tmp and /dev/shm, the given files bind-mounted read-only
# (secrets under /run/secrets), the image's USER, WORKDIR and ENV plus -e, in its own mount and PID
# namespaces (PID 1 gets the SIGTERM); the network is the host's. MODE: entrypoint (ENTRYPOINT + args),
# healthcheck (the image's HEALTHCHECK command), command (args as given).
container() {
  local mode=$1 envs=() mounts=()
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      -e) envs+=("$2"); shift 2 ;;
      -v) mounts+=("$2"); shift 2 ;;
      *) break ;;
    esac
  done
  local ctr mnt root
  ctr=$("${BUILDAH[@]}" from --pull-never "$IMAGE")
  mnt=$("${BUILDAH[@]}" mount "$ctr")
  root=$(mktemp -d "${TMPDIR:-/tmp}/briefing-root.XXXXXX")
  local config=(--type image --format)
  mapfile -t image_env < <("${BUILDAH[@]}" inspect "${config[@]}" '{{range .Docker.Config.Env}}{{println .}}{{end}}' "$IMAGE" | grep .)
  local user workdir argv
  user=$("${BUILDAH[@]}" inspect "${config[@]}" '{{.Docker.Config.User}}' "$IMAGE")
  workdir=$("${BUILDAH[@]}" inspect "${config[@]}" '{{.Docker.Config.WorkingDir}}' "$IMAGE")
  case $mode in
    entrypoint) mapfile -t argv < <("${BUILDAH[@]}" inspect "${config[@]}" '{{range .Docker.Config.Entrypoint}}{{println .}}{{end}}' "$IMAGE"); argv+=("$@") ;;
    healthcheck) mapfile -t argv < <("${BUILDAH[@]}" inspect "${config[@]}" '{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}' "$IMAGE" | tail -n +2) ;;
    command) argv=("$@") ;;
  esac
  local status=0
  MNT=$mnt ROOT=$root MOUNTS="${mounts[*]}" USERSPEC=$user WORKDIR=$workdir unshare --mount --pid --fork --kill-child=SIGTERM --propagation private \
    sh -euc '
      mount --bind "$MNT" "$ROOT" && mount -o remount,bind,ro "$ROOT"
      mount -t proc proc "$ROOT/proc"
      mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$ROOT/tmp"
      mount -t tmpfs -o mode=755,nosuid tmpfs "$ROOT/dev"
      for node in null zero full random urandom tty; do touch "$ROOT/dev/$node"; mount --bind "/dev/$node" "$ROOT/dev/$node"; done
      mkdir "$ROOT/dev/shm" && mount -t tmpfs -o mode=1777,nosuid,nodev shm "$ROOT/dev/shm"
      mount -t tmpfs -o mode=755 tmpfs "$ROOT/run"
      for pair in $MOUNTS; do
        target="$ROOT/${pair#*:}"; mkdir -p "$(dirname "$target")"; touch "$target"
        mount --bind "${pair%%:*}" "$target" && mount -o remount,bind,ro "$target"
      done
      mount -o remount,ro "$ROOT/run"
      shift
      exec chroot --userspec="$USERSPEC" --groups="${USERSPEC#*:}" "$ROOT" /usr/bin/env -i --chdir="$WORKDIR" "$@"
    ' sh - "${image_env[@]}" "${envs[@]}" "${argv[@]}" &
  # unshare itself ignores SIGTERM: hand a `docker stop` to the namespace's PID 1, then wait for it.
  local child=$!
  trap 'kill -TERM $(pgrep -P "$child") 2>/dev/null || true' TERM INT
  while kill -0 "$child" 2>/dev/null; do wait "$child" || status=$?; done
  trap - TERM INT
  rmdir "$root" 2>/dev/null || true
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  "${BUILDAH[@]}" rm "$ctr" >/dev/null
  return "$status"
}

run() { container entrypoint "$@"; }
healthcheck() { container healthcheck "$@"; }
cmd() { container command "$@"; }

base_file() {  # the base image's copy of a file (empty when it has none)
  local ctr mnt
  ctr=$("${BUILDAH[@]}" from --pull-never "$BASE")
  mnt=$("${BUILDAH[@]}" mount "$ctr")
  cat "$mnt$1" 2>/dev/null || true
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  "${BUILDAH[@]}" rm "$ctr" >/dev/null
}

base_files() {
  local ctr mnt
  ctr=$("${BUILDAH[@]}" from --pull-never "$BASE")
  mnt=$("${BUILDAH[@]}" mount "$ctr")
  (cd "$mnt" && find . -xdev -name "$1" | sort)
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  "${BUILDAH[@]}" rm "$ctr" >/dev/null
}

"$@"
