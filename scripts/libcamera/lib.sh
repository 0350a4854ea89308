# shellcheck shell=bash
# Shared by scripts/test-libcamera and scripts/test-pi: pass/fail counting, a
# cam-recv in the background and a cam-send in the foreground whose output the
# checks read, and the clean-up. Source it after setting HARNESS (chroot.sh)
# and WORK (a scratch directory). RECV_CMD and SEND_CMD (arrays) say which
# binaries run and how: the host's x86 cam-recv and the chroot's cam-send by
# default; scripts/test-pi points them at the aarch64 ones under qemu.
RECV_CMD=("$(scripts/target-dir)/release/cam-recv")
SEND_CMD=("$HARNESS" run cam-send)
# Seconds a receiver has to finish after its sender, and a sender to finish.
RECV_TIMEOUT=30
SEND_TIMEOUT=60
RECV_PID=
passed=0
failed=0

ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
show() { sed 's/^/     | /' "$@" >&2; }
cleanup() {
	[ -z "$RECV_PID" ] || kill "$RECV_PID" 2>/dev/null || true
	# Unmount first: the toolchain and this tree are bind-mounted into the chroot.
	"$HARNESS" teardown || echo "$(basename "$0"): teardown failed; run '$HARNESS teardown' by hand" >&2
	rm -rf "$WORK"
}

# cam-recv in the background: recv NAME PORT ARGS... (output in $WORK/NAME/recv.*)
recv() {
	local name=$1 port=$2
	shift 2
	mkdir -p "$WORK/$name"
	"${RECV_CMD[@]}" --listen "127.0.0.1:$port" --once "$@" >"$WORK/$name/recv.out" 2>"$WORK/$name/recv.err" &
	RECV_PID=$!
	# Waits for the line, not a time: seconds under emulation, a moment otherwise.
	for _ in $(seq 300); do
		grep -qs listening "$WORK/$name/recv.err" && return
		kill -0 "$RECV_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "cam-recv did not start:" >&2
	cat "$WORK/$name/recv.err" >&2
}
# Waits for the background cam-recv; sets RECV_RC.
recv_wait() {
	RECV_RC=0
	timeout "$RECV_TIMEOUT" tail --pid="$RECV_PID" -f /dev/null || kill "$RECV_PID" 2>/dev/null || true
	wait "$RECV_PID" || RECV_RC=$?
	RECV_PID=
}
# cam-send in the foreground: send NAME ARGS... (output in $WORK/NAME/send.*); sets SEND_RC.
send() {
	local name=$1
	shift
	mkdir -p "$WORK/$name"
	SEND_RC=0
	timeout "$SEND_TIMEOUT" "${SEND_CMD[@]}" "$@" >"$WORK/$name/send.out" 2>"$WORK/$name/send.err" || SEND_RC=$?
}
