#!/usr/bin/env bash
# Checks the README's first quick-start command on a bare Debian: a debootstrap'ed minimal
# system with only python3, ca-certificates and the packages the README lists (installed
# without recommends), the app launched under Xvfb, a screenshot taken; then one listed
# package removed to see the one-line hint instead of Qt's abort.
#
# Usage (as root, on a Debian/Ubuntu host with debootstrap, Xvfb, xdotool, imagemagick):
#   tools/bare_debian_check.sh [ROOT_DIR] [WHEELHOUSE]
# WHEELHOUSE: a folder of wheels for pip (--no-index) where the chroot cannot reach PyPI
# itself (e.g. behind a TLS-inspecting proxy); without it pip uses PyPI.
set -euo pipefail
root=${1:-/var/tmp/dossier-bare}
wheels=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
display=:57

[ -d "$root/usr" ] || debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
cp /etc/resolv.conf "$root/etc/"
mountpoint -q "$root/proc" || mount --bind /proc "$root/proc"
mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
mountpoint -q "$root/dev/pts" || mount --bind /dev/pts "$root/dev/pts"
mkdir -p "$root/tmp/.X11-unix"
mountpoint -q "$root/tmp/.X11-unix" || mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"

# The package list exactly as the README states it.
pkgs=$(sed -n '/^sudo apt-get install/,/^```/p' "$here/README.md" | tr -d '\\' \
       | sed 's/sudo apt-get install//; s/```//' | tr '\n' ' ')
chroot "$root" bash -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends python3 ca-certificates $pkgs >/dev/null"

rm -rf "$root/root/dossier" && mkdir -p "$root/root/dossier"
git -C "$here" archive HEAD | tar -x -C "$root/root/dossier"
pip_env=()
if [ -n "$wheels" ]; then
  mkdir -p "$root/root/wheels" && cp "$wheels"/* "$root/root/wheels/"
  pip_env=(PIP_NO_INDEX=1 PIP_FIND_LINKS=/root/wheels)
fi
run() {  # a clean environment inside the chroot: only what a desktop session would set
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DISPLAY=$display LANG=C.UTF-8 \
    "${pip_env[@]}" chroot "$root" bash -c "cd /root/dossier && $1"
}

Xvfb $display -screen 0 1400x900x24 >/dev/null 2>&1 & xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 2
# The README's first command, verbatim, in the background; the first start builds the demo.
run "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/python main.py" \
  > /tmp/dossier-bare-run.log 2>&1 & app=$!
for _ in $(seq 1 120); do
  DISPLAY=$display xdotool search --onlyvisible --name '^Dossier' >/dev/null 2>&1 && break
  sleep 2
done
sleep 15  # let the first paint finish on a loaded machine
DISPLAY=$display import -window root /tmp/dossier-bare-1400x900.png
kill "$app" 2>/dev/null || true; pkill -f '/root/dossier/.venv/bin/python main.py' || true
echo "screenshot: /tmp/dossier-bare-1400x900.png (log: /tmp/dossier-bare-run.log)"

# Without one listed package the app must say which package to install, in one line.
chroot "$root" bash -c "DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq libxcb-cursor0 >/dev/null"
run ".venv/bin/python main.py" 2>&1 | tail -1
chroot "$root" bash -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libxcb-cursor0 >/dev/null"
