#!/bin/bash
# A real libcamera, with a camera, on a machine that has neither: a Debian
# trixie chroot with libcamera 0.7 from trixie-backports, libcamera's "virtual"
# pipeline handler (a moving colour-bar pattern in NV12) and an LD_PRELOAD shim
# that emulates /dev/udmabuf for kernels without dma-buf heaps. The host's Rust
# toolchain and this project are bind-mounted in, so cam-send is built against
# the chroot's libcamera without touching the host's target/. See README.md.
#
# usage: scripts/libcamera/chroot.sh setup       # chroot + packages + shim (idempotent)
#        scripts/libcamera/chroot.sh build       # cam-send --features libcamera, inside
#        scripts/libcamera/chroot.sh clippy      # clippy --features libcamera, inside
#        scripts/libcamera/chroot.sh run CMD...  # CMD in the project dir, shim preloaded
#        scripts/libcamera/chroot.sh teardown    # unmount everything under ROOT
#        scripts/libcamera/chroot.sh destroy     # teardown, then delete ROOT
# env:   ROOT (default /var/tmp/libcamera-chroot), MIRROR (default: the host's apt mirror)
# Run as root. `run` puts the chroot build's target/release first on PATH.
set -euo pipefail
shopt -s extglob
HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(cd "$HERE/../.." && pwd)
ROOT=${ROOT:-/var/tmp/libcamera-chroot}
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
# Inside the chroot: the project, and a target dir of its own (build scripts
# there link against libcamera 0.7, the host's may not).
SRC=/src
TARGET=/var/tmp/camwire-target
SHIM=/usr/local/lib/fakeudmabuf.so
# libcamera-dev (0.7 from backports); the rest is what the sender's crates need to build:
# bindgen (libclang), turbojpeg's bundled libjpeg-turbo and openh264 (C/C++,
# cmake, nasm).
PACKAGES="libcamera-dev g++ make cmake nasm pkgconf libclang1-19 libclang-common-19-dev"

# The Debian mirror this machine's apt already uses (deb822 .sources or one-line format).
host_mirror() {
	awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep . ||
		awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null
}

die() { echo "chroot.sh: $*" >&2; exit 2; }
step() { local t0=$SECONDS; echo "== $1" >&2; shift; "$@"; echo "== done in $((SECONDS - t0)) s" >&2; }
# A clean environment inside; `run` passes LIBCAMERA_LOG_LEVELS through.
ENV=(/usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8
	PATH="$TARGET/release:$CARGO_HOME/bin:/usr/local/bin:/usr/bin:/bin"
	CARGO_HOME="$CARGO_HOME" RUSTUP_HOME="$RUSTUP_HOME"
	CARGO_TARGET_DIR="$TARGET" DEBIAN_FRONTEND=noninteractive)
inroot() { chroot "$ROOT" "${ENV[@]}" "$@"; }
bind() { mkdir -p "$ROOT$2"; mountpoint -q "$ROOT$2" || mount --bind "$1" "$ROOT$2"; }
# Everything mounted at or under ROOT, deepest first.
mounted() { findmnt -rn -o TARGET | awk -v r="$ROOT" '$0 == r || index($0, r "/") == 1' | sort -r; }

mounts() {
	for d in /proc /sys /dev /dev/pts; do bind "$d" "$d"; done
	bind "$CARGO_HOME" "$CARGO_HOME"
	bind "$RUSTUP_HOME" "$RUSTUP_HOME"
	bind "$PROJECT" "$SRC"
}

# What the chroot was set up from; a change re-runs the package and shim steps.
fingerprint() {
	{ echo "$PACKAGES"; cat "$HERE/fakeudmabuf.c" "$HERE/virtual.yaml"; } | sha256sum | cut -d' ' -f1
}

setup() {
	local stamp="$ROOT/etc/camwire-harness"
	if [ ! -e "$ROOT/etc/camwire-debootstrap-done" ]; then
		[ ! -e "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ] ||
			die "$ROOT is a half-made chroot: run '$0 destroy', then setup again"
		local mirror=${MIRROR:-$(host_mirror)}
		[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt: set MIRROR"
		command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
		step debootstrap debootstrap --variant=minbase trixie "$ROOT" "$mirror" >/dev/null
		echo "deb $mirror trixie-backports main" >"$ROOT/etc/apt/sources.list.d/backports.list"
		touch "$ROOT/etc/camwire-debootstrap-done"
	fi
	mounts
	if [ "$(cat "$stamp" 2>/dev/null)" = "$(fingerprint)" ]; then
		echo "== chroot $ROOT already set up" >&2
		return
	fi
	step "apt-get update" inroot apt-get update -qq
	# shellcheck disable=SC2086 # a word list
	step "apt-get install" inroot apt-get install -y -qq --no-install-recommends -t trixie-backports $PACKAGES >/dev/null
	install -D -m 644 "$HERE/virtual.yaml" "$ROOT/usr/share/libcamera/pipeline/virtual/virtual.yaml"
	install -D -m 644 "$HERE/fakeudmabuf.c" "$ROOT/usr/local/src/fakeudmabuf.c"
	inroot gcc -shared -fPIC -O2 -Wall -o "$SHIM" /usr/local/src/fakeudmabuf.c -ldl
	inroot pkg-config --modversion libcamera | sed 's/^/== libcamera /' >&2
	fingerprint >"$stamp"
}

need_setup() {
	[ "$(cat "$ROOT/etc/camwire-harness" 2>/dev/null)" = "$(fingerprint)" ] ||
		die "the chroot at $ROOT is missing or out of date: run '$0 setup' first"
	mounts
}

cargo_in() {
	need_setup
	# The chroot has no CA certificates: the host fetches, the chroot builds offline.
	(cd "$PROJECT" && step "cargo fetch (host)" cargo fetch --quiet)
	inroot sh -c 'cd "$1" && shift && exec "$@"' sh "$SRC" "$@"
}

teardown() {
	local m
	for m in $(mounted); do
		umount "$m" 2>/dev/null || { echo "chroot.sh: $m busy, detaching it lazily" >&2; umount -l "$m"; }
	done
}

destroy() {
	teardown
	[ -z "$(mounted)" ] || die "still mounted under $ROOT, not deleting: $(mounted | tr '\n' ' ')"
	# --one-file-system: never follow into anything that might still be bound in.
	[ ! -e "$ROOT" ] || rm -rf --one-file-system "$ROOT"
}

[ "$(id -u)" = 0 ] || die "run as root (chroot, mount)"
ROOT=${ROOT%%+(/)}
case "$ROOT" in /?*) ;; *) die "ROOT must be an absolute path other than / (got '$ROOT')" ;; esac
case "${1:-}" in
setup) setup ;;
build) step "cargo build (chroot)" cargo_in cargo build --offline --release -p camwire-sender --features libcamera ;;
clippy) step "cargo clippy (chroot)" cargo_in cargo clippy --offline -p camwire-sender --all-targets --features libcamera -- -D warnings ;;
run)
	shift
	need_setup
	[ -z "${LIBCAMERA_LOG_LEVELS:-}" ] || ENV+=(LIBCAMERA_LOG_LEVELS="$LIBCAMERA_LOG_LEVELS")
	# exec all the way down, so signals (timeout, Ctrl-C) reach CMD itself.
	exec chroot "$ROOT" "${ENV[@]}" sh -c 'cd "$1" && export LD_PRELOAD="$2" && shift 2 && exec "$@"' sh "$SRC" "$SHIM" "$@"
	;;
teardown) teardown ;;
destroy) destroy ;;
*) sed -n 9,17p "$0"; exit 2 ;;
esac
