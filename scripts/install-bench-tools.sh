#!/usr/bin/env bash
# Installs the comparators of the collector benchmark (`pnpm bench collector`):
#   - rsyslog, from Debian with apt-get (rsyslogd in /usr/sbin);
#   - syslog-ng, unpacked into a private prefix (default /opt/ringlog-bench/syslog-ng), because the
#     Debian packages rsyslog and syslog-ng-core Conflict (both provide system-log-daemon) and
#     cannot be installed side by side. The .debs of syslog-ng-core and of those of its library
#     dependencies that are not installed are fetched with `apt-get download` and unpacked with
#     `dpkg -x`; nothing is registered with dpkg. A wrapper `<prefix>/bin/syslog-ng` sets
#     LD_LIBRARY_PATH and --module-path so it runs from the prefix.
# Neither daemon is started as a system service: the benchmark runs its own instances, each with
# its own config, pid file and work directory. Idempotent: exits 0 at once when both are present.
# Needs root (apt-get) on Debian 12 (bookworm) or a close relative.
#
# Environment: RINGLOG_BENCH_PREFIX (default /opt/ringlog-bench) — syslog-ng goes to $PREFIX/syslog-ng.
set -euo pipefail

PREFIX="${RINGLOG_BENCH_PREFIX:-/opt/ringlog-bench}"
SNG_PREFIX="$PREFIX/syslog-ng"
SNG_WRAPPER="$SNG_PREFIX/bin/syslog-ng"

log() { printf 'install-bench-tools: %s\n' "$*" >&2; }

have_rsyslog() { [ -x /usr/sbin/rsyslogd ]; }
have_syslog_ng() { [ -x "$SNG_WRAPPER" ] && "$SNG_WRAPPER" --version >/dev/null 2>&1; }

if have_rsyslog && have_syslog_ng; then
  log "rsyslog and syslog-ng are already installed ($SNG_WRAPPER)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (uses apt-get)"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
}

# Stops service start-up by maintainer scripts for the duration of the install (invoke-rc.d honours
# policy-rc.d; exit 101 = "action forbidden"). An existing policy-rc.d is left as it is.
POLICY=/usr/sbin/policy-rc.d
POLICY_CREATED=0
cleanup() {
  if [ "$POLICY_CREATED" -eq 1 ]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# written by ringlog scripts/install-bench-tools.sh for the duration of an install\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  POLICY_CREATED=1
fi

if ! have_rsyslog; then
  log "installing rsyslog with apt-get"
  apt_update_once
  apt-get install -y -qq --no-install-recommends rsyslog >/dev/null
  # Should a service manager have started it anyway, stop and disable it: only the benchmark's own
  # instances may run.
  if [ -d /run/systemd/system ]; then
    systemctl disable --now rsyslog.service syslog.socket >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/rsyslog ]; then
    /etc/init.d/rsyslog stop >/dev/null 2>&1 || true
  fi
  if [ -f /run/rsyslogd.pid ] && kill -0 "$(cat /run/rsyslogd.pid)" 2>/dev/null; then
    kill "$(cat /run/rsyslogd.pid)" || true
  fi
fi
have_rsyslog || { log "rsyslogd missing after install"; exit 1; }

if ! have_syslog_ng; then
  log "unpacking syslog-ng-core into $SNG_PREFIX"
  apt_update_once
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"; cleanup' EXIT
  chmod 755 "$WORK"
  chown _apt "$WORK" 2>/dev/null || true # apt downloads as its _apt user where it can
  # syslog-ng-core and its direct dependencies that are not installed on this machine (on bookworm:
  # libivykis0, libnet1, libpcre3, libwrap0). Alternatives ("a | b") count as satisfied when any is.
  missing=()
  while IFS= read -r dep; do
    [ -n "$dep" ] || continue
    satisfied=0
    for alt in ${dep//|/ }; do
      if dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q 'install ok installed'; then
        satisfied=1
        break
      fi
    done
    if [ "$satisfied" -eq 0 ]; then missing+=("${dep%%|*}"); fi
  done < <(apt-cache show --no-all-versions syslog-ng-core |
    sed -n 's/^Depends: //p' | tr ',' '\n' | sed -E 's/\([^)]*\)//g; s/[[:space:]]+//g; s/:any//g')
  log "downloading syslog-ng-core ${missing[*]}"
  (cd "$WORK" && apt-get download -qq syslog-ng-core "${missing[@]}")
  rm -rf "$SNG_PREFIX.tmp"
  mkdir -p "$SNG_PREFIX.tmp"
  for deb in "$WORK"/*.deb; do dpkg -x "$deb" "$SNG_PREFIX.tmp"; done
  mkdir -p "$SNG_PREFIX.tmp/bin"
  cat >"$SNG_PREFIX.tmp/bin/syslog-ng" <<'EOF'
#!/bin/sh
# Runs the syslog-ng unpacked beside this script (by ringlog scripts/install-bench-tools.sh).
here="$(cd "$(dirname "$0")/.." && pwd)"
LD_LIBRARY_PATH="$here/usr/lib/syslog-ng:$here/usr/lib/x86_64-linux-gnu:$here/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$here/usr/sbin/syslog-ng" --module-path="$here/usr/lib/syslog-ng/3.38" "$@"
EOF
  # The module directory carries the version: point the wrapper at the one unpacked.
  moddir="$(cd "$SNG_PREFIX.tmp/usr/lib/syslog-ng" && ls -d [0-9]* | head -n1)"
  sed -i "s#/usr/lib/syslog-ng/3.38\"#/usr/lib/syslog-ng/$moddir\"#" "$SNG_PREFIX.tmp/bin/syslog-ng"
  chmod 755 "$SNG_PREFIX.tmp/bin/syslog-ng"
  rm -rf "$SNG_PREFIX"
  mv "$SNG_PREFIX.tmp" "$SNG_PREFIX"
fi
have_syslog_ng || { log "syslog-ng in $SNG_PREFIX does not run"; "$SNG_WRAPPER" --version || true; exit 1; }

log "rsyslog: $(/usr/sbin/rsyslogd -v | head -n1)"
log "syslog-ng: $("$SNG_WRAPPER" --version | head -n1) at $SNG_WRAPPER"
