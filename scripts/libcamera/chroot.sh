#!/bin/bash
# A real libcamera, with a camera, on a machine that has neither: a Debian
# trixie chroot with libcamera 0.7 from trixie-backports, libcamera's "virtual"
# pipeline handler (a moving colour-bar pattern in NV12) and an LD_PRELOAD shim
# that emulates /dev/udmabuf for kernels without dma-buf heaps. The host's Rust
# toolchain and this project are bind-mounted in, so cam-send is built against
# the chroot's libcamera without touching the host's target/. The Raspberry Pi
# layer adds multiarch arm64, Debian trixie's own Rust and cross compilers, and
# qemu-user, to cross-build for the Pi and run the result. See README.md.
#
# usage: scripts/libcamera/chroot.sh setup       # chroot + packages + shim (idempotent)
#        scripts/libcamera/chroot.sh build       # cam-send --features libcamera, inside
#        scripts/libcamera/chroot.sh clippy      # clippy --features libcamera, inside
#        scripts/libcamera/chroot.sh run CMD...  # CMD in the project dir, shim preloaded
#        scripts/libcamera/chroot.sh setup-pi    # setup, then the Raspberry Pi layer (idempotent)
#        scripts/libcamera/chroot.sh build-pi    # aarch64 + amd64 binaries and .debs into dist/
#        scripts/libcamera/chroot.sh run-arm64 BIN ARGS...  # an arm64 BIN under qemu, arm64 shim
#        scripts/libcamera/chroot.sh pi CMD...   # CMD in the project dir, Pi layer environment
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
# cmake, nasm), OpenSSL for cam-recv's WebRTC (str0m's DTLS and SRTP).
PACKAGES="libcamera-dev g++ make cmake nasm pkgconf libclang1-19 libclang-common-19-dev libssl-dev"

# The Raspberry Pi layer. Debian trixie's own rustc and cargo (1.85, which is
# Raspberry Pi OS trixie's) with libstd-rust-dev:arm64 of the same version: how
# Debian cross-builds Rust, no rustup target. The cross compilers, libcamera's
# arm64 headers and libraries (0.7, trixie-backports, like the amd64 ones: the
# two must be the same version; see want_dev), qemu-user to run arm64 binaries, dpkg-dev
# (cargo-deb's dpkg-shlibdeps) and systemd (systemd-analyze verify).
PI_PACKAGES="rustc cargo libstd-rust-dev:arm64 libc6-dev:arm64 gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
	libssl-dev:arm64 qemu-user dpkg-dev systemd"
PI_BACKPORTS="libcamera-dev:arm64"
PI_TRIPLE=aarch64-unknown-linux-gnu
PI_TARGET=/var/tmp/camwire-pi-target
SHIM_ARM64=/usr/local/lib/fakeudmabuf-arm64.so
# dpkg-shlibdeps (cargo-deb's `$auto` Depends) would ask for libcamera0.7 (>= 0.7.1),
# the version built against; Raspberry Pi OS trixie has 0.7.0+rpt, which sorts
# below it. libcamera keeps its ABI within a soname, and the soname is in the
# package name, so the name is what matters: any libcamera0.7.
SHLIBS_OVERRIDE="libcamera 0.7 libcamera0.7 (>= 0.7.0)
libcamera-base 0.7 libcamera0.7 (>= 0.7.0)"

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
# The Pi layer's environment: Debian's cargo and rustc first on PATH (cargo-deb
# comes from the host's cargo home), no rustup, and the cross compilers for
# the aarch64 target's C and C++ (libjpeg-turbo, OpenH264, libcamera's shim),
# bindgen and pkg-config.
PI_ENV=(/usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8
	PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$CARGO_HOME/bin"
	CARGO_HOME="$CARGO_HOME" CARGO_TARGET_DIR="$PI_TARGET" DEBIAN_FRONTEND=noninteractive
	PKG_CONFIG_ALLOW_CROSS=1
	PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
	CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc CXX_aarch64_unknown_linux_gnu=aarch64-linux-gnu-g++
	AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
	CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
	BINDGEN_EXTRA_CLANG_ARGS_aarch64_unknown_linux_gnu="--target=aarch64-linux-gnu -I/usr/include/aarch64-linux-gnu")
inroot() { chroot "$ROOT" "${ENV[@]}" "$@"; }
inroot_pi() { chroot "$ROOT" "${PI_ENV[@]}" sh -c 'cd "$1" && shift && exec "$@"' sh "$SRC" "$@"; }
# Bind-mounts $1 at ROOT$2, or rebinds it if something else (another worktree
# of this project, say) is mounted there.
bind() {
	mkdir -p "$ROOT$2"
	if mountpoint -q "$ROOT$2"; then
		[ "$(stat -c %d:%i "$1")" != "$(stat -c %d:%i "$ROOT$2")" ] || return 0
		echo "chroot.sh: $ROOT$2 showed another directory; binding $1 there instead" >&2
		umount "$ROOT$2" || die "$ROOT$2 is busy (another run using the chroot?): stop it, or run '$0 teardown'"
	fi
	mount --bind "$1" "$ROOT$2"
}
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

# libcamera-dev is not Multi-Arch: same, so its amd64 and arm64 packages replace
# each other (the libraries, libcamera0.7, do sit side by side). Each build
# installs the one it builds against; from apt's cache that takes seconds.
want_dev() {
	inroot dpkg-query -W -f='${Status}' "libcamera-dev:$1" 2>/dev/null | grep -q 'install ok installed' ||
		step "apt-get install libcamera-dev:$1 (replaces the other architecture's)" \
			inroot apt-get install -y -qq --no-install-recommends -t trixie-backports "libcamera-dev:$1" >/dev/null
}

need_setup() {
	[ "$(cat "$ROOT/etc/camwire-harness" 2>/dev/null)" = "$(fingerprint)" ] ||
		die "the chroot at $ROOT is missing or out of date: run '$0 setup' first"
	mounts
}

pi_fingerprint() {
	{ fingerprint; echo "$PI_PACKAGES $PI_BACKPORTS $SHLIBS_OVERRIDE"; } | sha256sum | cut -d' ' -f1
}

setup_pi() {
	local stamp="$ROOT/etc/camwire-harness-pi"
	setup
	if [ "$(cat "$stamp" 2>/dev/null)" = "$(pi_fingerprint)" ]; then
		echo "== Raspberry Pi layer already set up" >&2
		return
	fi
	inroot dpkg --add-architecture arm64
	step "apt-get update (arm64)" inroot apt-get update -qq
	# shellcheck disable=SC2086 # word lists
	step "apt-get install (arm64 libcamera)" inroot apt-get install -y -qq --no-install-recommends -t trixie-backports $PI_BACKPORTS >/dev/null
	# Not from backports: trixie's own Rust, as Raspberry Pi OS trixie has it.
	# shellcheck disable=SC2086
	step "apt-get install (Rust 1.85, cross compilers, qemu-user)" inroot apt-get install -y -qq --no-install-recommends $PI_PACKAGES >/dev/null
	printf '%s\n' "# camwire (scripts/libcamera/chroot.sh): depend on the soname's package, any 0.7.x" "$SHLIBS_OVERRIDE" >"$ROOT/etc/dpkg/shlibs.override"
	inroot aarch64-linux-gnu-gcc -shared -fPIC -O2 -Wall -o "$SHIM_ARM64" /usr/local/src/fakeudmabuf.c -ldl
	inroot_pi rustc --version | sed 's/^/== /' >&2
	pi_fingerprint >"$stamp"
}

need_setup_pi() {
	[ "$(cat "$ROOT/etc/camwire-harness-pi" 2>/dev/null)" = "$(pi_fingerprint)" ] ||
		die "the Raspberry Pi layer of $ROOT is missing or out of date: run '$0 setup-pi' first"
	mounts
}

# Both binaries for aarch64 with Debian's Rust 1.85 and cross compilers, cam-recv
# for amd64 with the same Rust, then the .debs (cargo-deb, installed on the host
# and run here, where dpkg-shlibdeps sees the arm64 libraries; stripped) and the stripped
# aarch64 binaries into dist/.
build_pi() {
	local debs="$SRC/dist" out="$SRC/dist/aarch64"
	need_setup_pi
	want_dev arm64
	(cd "$PROJECT" && step "cargo fetch (host)" cargo fetch --quiet)
	step "cargo build --target $PI_TRIPLE (Debian's $(inroot_pi rustc --version | cut -d' ' -f2))" \
		inroot_pi cargo build --offline --locked --release --target "$PI_TRIPLE" \
		-p camwire-sender --features camwire-sender/libcamera -p camwire-receiver
	step "cargo build (amd64 cam-recv)" inroot_pi cargo build --offline --locked --release -p camwire-receiver
	inroot_pi mkdir -p "$out"
	inroot_pi sh -c 'rm -f "$1"/camwire-send_*.deb "$1"/camwire-recv_*.deb' sh "$debs"
	step "cargo deb" inroot_pi sh -c '
		cargo deb --offline --no-build --strip --target "$1" -p camwire-sender --output "$2" &&
		cargo deb --offline --no-build --strip --target "$1" -p camwire-receiver --output "$2" &&
		cargo deb --offline --no-build --strip -p camwire-receiver --output "$2"' sh "$PI_TRIPLE" "$debs" >/dev/null
	for bin in cam-send cam-recv; do
		inroot_pi aarch64-linux-gnu-strip -o "$out/$bin" "$PI_TARGET/$PI_TRIPLE/release/$bin"
	done
	ls -l "$PROJECT/dist" "$PROJECT/dist/aarch64" | grep -v '^total' >&2
}

cargo_in() {
	need_setup
	want_dev amd64
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
setup-pi) setup_pi ;;
build-pi) build_pi ;;
run-arm64)
	shift
	need_setup_pi
	[ -z "${LIBCAMERA_LOG_LEVELS:-}" ] || ENV+=(LIBCAMERA_LOG_LEVELS="$LIBCAMERA_LOG_LEVELS")
	# qemu-user with the chroot's arm64 libraries (-L /); the shim only for the guest.
	exec chroot "$ROOT" "${ENV[@]}" sh -c 'cd "$1" && shim=$2 && shift 2 && exec qemu-aarch64 -L / -E LD_PRELOAD="$shim" "$@"' \
		sh "$SRC" "$SHIM_ARM64" "$@"
	;;
pi)
	shift
	need_setup_pi
	inroot_pi "$@"
	;;
teardown) teardown ;;
destroy) destroy ;;
*) sed -n 9,21p "$0"; exit 2 ;;
esac
