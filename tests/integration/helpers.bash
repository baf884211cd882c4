# shellcheck shell=bash
# helpers.bash - common code for crunit's integration tests (bats).
#
# Every test file does:
#   load helpers
#   setup() { common_setup; }        # or with more after it
#   teardown() { common_teardown; }
#
# The tests run INSIDE tests/integration/sandbox.sh (a throw-away systemd
# machine); common_setup FAILS the test (never skips it) otherwise. The one
# exception is tests/integration/host/*.bats, which uses host_setup.
#
# Environment:
#   CRUNIT        the crunit binary (default: <repo>/build/crunit)
#   CRUNIT_ROOT   --root of the tests (default /run/crunit, crunit's default)
#   CRUNIT_CMD_TIMEOUT  seconds any single crunit call may take (default 60)

HELPERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HELPERS_DIR/../.." && pwd)
LIB=$HELPERS_DIR/lib
CRUNIT=${CRUNIT:-$REPO/build/crunit}
CRUNIT_ROOT=${CRUNIT_ROOT:-/run/crunit}
CMD_TIMEOUT=${CRUNIT_CMD_TIMEOUT:-60}
# pyenv shims etc. may not work inside the sandbox: use Debian's python.
PYTHON=/usr/bin/python3

# Containers (and other things) created by the current test; common_teardown
# removes them.
CREATED_IDS=()
CLEANUP_CMDS=()

# ---------------------------------------------------------------------------
# failing
# ---------------------------------------------------------------------------

# fail MSG...: print MSG on stderr (bats shows it) and fail the test.
fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# Dumps a file for diagnostics, if it exists.
show_file() {
	[[ -e $1 ]] || return 0
	printf -- '--- %s ---\n' "$1" >&2
	cat "$1" >&2 || true
	printf -- '--- end ---\n' >&2
}

# ---------------------------------------------------------------------------
# setup / teardown
# ---------------------------------------------------------------------------

require_sandbox() {
	# shellcheck source=tests/integration/lib/sandbox-common.sh
	. "$LIB/sandbox-common.sh"
	[[ ${CRUNIT_SANDBOX:-} == 1 ]] ||
		fail "CRUNIT_SANDBOX is not set: run the integration tests inside tests/integration/sandbox.sh (tests/run does)" || return 1
	crunit_in_sandbox ||
		fail "not inside the crunit sandbox (root is not the sandbox overlay or PID 1 is not systemd)" || return 1
}

require_crunit() {
	[[ -x $CRUNIT ]] || fail "crunit binary $CRUNIT not found or not executable (build it: ninja -C build)"
}

# The busybox root file system is built once per test file and copied into
# every bundle (a copy, so that tests may change it).
rootfs_template() {
	local tmpl=$BATS_FILE_TMPDIR/rootfs-template
	if [[ ! -x $tmpl/bin/busybox ]]; then
		make_busybox_rootfs "$tmpl" >&2 || fail "cannot build the busybox rootfs in $tmpl" || return 1
	fi
	echo "$tmpl"
}

# make_busybox_rootfs DIR: lib/make-busybox-rootfs.sh, or our own copy of it if
# that one is missing or broken.
make_busybox_rootfs() {
	local dir=$1
	if [[ -x $LIB/make-busybox-rootfs.sh ]] && "$LIB/make-busybox-rootfs.sh" "$dir" &&
		[[ -x $dir/bin/busybox && -L $dir/bin/sh ]]; then
		return 0
	fi
	echo "helpers.bash: lib/make-busybox-rootfs.sh failed, building the rootfs myself" >&2
	local bb=${BUSYBOX:-/bin/busybox} a
	[[ -x $bb ]] || fail "$bb not found (apt-get install busybox-static)" || return 1
	mkdir -p "$dir"/{bin,proc,sys,dev,etc,tmp,root,run}
	chmod 1777 "$dir/tmp"
	cp "$bb" "$dir/bin/busybox"
	chmod 0755 "$dir/bin/busybox"
	for a in $("$bb" --list); do
		[[ $a == busybox ]] && continue
		ln -sfn busybox "$dir/bin/$a"
	done
	ln -sfn bin "$dir/sbin"
	mkdir -p "$dir/usr"
	ln -sfn ../bin "$dir/usr/bin"
	ln -sfn ../bin "$dir/usr/sbin"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
}

# new_bundle [DIR]: creates a bundle (default $BATS_TEST_TMPDIR/bundle) with a
# busybox rootfs and `crunit spec`'s config.json, adjusted for tests:
# terminal false, args ["true"]. Sets BUNDLE.
new_bundle() {
	local dir=${1:-$BATS_TEST_TMPDIR/bundle} tmpl
	tmpl=$(rootfs_template) || return 1
	mkdir -p "$dir"
	cp -a "$tmpl" "$dir/rootfs"
	BUNDLE=$dir
	crunit_ok spec --bundle "$dir" || return 1
	cfg '.process.terminal = false | .process.args = ["true"]'
}

# new_id [TAG]: a container id unique in the whole test run. Sets ID and
# remembers it for common_teardown. Do not call it in a subshell.
new_id() {
	local tag=${1:-c}
	ID="$tag-${BATS_SUITE_TEST_NUMBER:-0}-$$-$RANDOM"
	CREATED_IDS+=("$ID")
}

common_setup() {
	require_sandbox || return 1
	require_crunit || return 1
	# bats itself keeps fd 3 (and others) open; container fd-leak tests
	# rely on crunit closing them, which is what they test.
	new_bundle || return 1
	new_id
	cd "$BUNDLE" || return 1
}

# Kills and deletes everything the test created, whatever state it is in.
common_teardown() {
	local id c
	for c in "${CLEANUP_CMDS[@]}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
	for id in "${CREATED_IDS[@]}"; do
		timeout -k 5 30 "$CRUNIT" --root "$CRUNIT_ROOT" delete --force "$id" </dev/null >/dev/null 2>&1 || true
		systemctl stop "crunit-$id.scope" >/dev/null 2>&1 || true
	done
	# Background processes of the test (crunit run &).
	local j
	for j in $(jobs -p); do
		kill -KILL "$j" 2>/dev/null || true
	done
	return 0
}

# on_teardown CMD: eval CMD in common_teardown (errors ignored).
on_teardown() {
	CLEANUP_CMDS+=("$1")
}

# ---------------------------------------------------------------------------
# running crunit
# ---------------------------------------------------------------------------

# cr [crunit args...]: runs crunit (with --root $CRUNIT_ROOT) with stdin
# /dev/null and stdout/stderr going to FILES, never to a pipe: a container's
# init inherits crunit's stdout/stderr, so capturing through a pipe ($(...),
# bats' run) would wait for the container to exit. Sets
#   status  exit status (124/137: timed out after $CMD_TIMEOUT s)
#   output  stdout, lines  stdout as an array
#   stderr  stderr, stderr_lines  as an array
# Stdout/stderr of a container started by this call keep going to
# $BATS_TEST_TMPDIR/cr.N.out/.err (N = CR_N); CR_OUT and CR_ERR name them.
CR_N=0
cr() {
	CR_N=$((CR_N + 1))
	CR_OUT=$BATS_TEST_TMPDIR/cr.$CR_N.out
	CR_ERR=$BATS_TEST_TMPDIR/cr.$CR_N.err
	status=0
	timeout -k 5 "$CMD_TIMEOUT" "$CRUNIT" --root "$CRUNIT_ROOT" "$@" </dev/null >"$CR_OUT" 2>"$CR_ERR" || status=$?
	output=$(<"$CR_OUT")
	stderr=$(<"$CR_ERR")
	mapfile -t lines <"$CR_OUT"
	mapfile -t stderr_lines <"$CR_ERR"
	# Shown by bats if the test fails later.
	{
		printf '$ crunit %s  => exit %d\n' "$*" "$status"
		[[ -z $output ]] || printf 'stdout: %s\n' "$output"
		[[ -z $stderr ]] || printf 'stderr: %s\n' "$stderr"
	} >&2
	return 0
}

# crunit_ok ARGS...: cr, and fail unless it exits 0.
crunit_ok() {
	cr "$@"
	((status == 0)) || fail "crunit $* failed with exit status $status" "stdout: $output" "stderr: $stderr"
}

# crunit_fails ARGS...: cr, and fail unless it exits 1 with exactly one line
# "crunit: ..." on stderr. The message (without "crunit: ") is in $errmsg.
crunit_fails() {
	cr "$@"
	((status == 1)) || fail "crunit $* exited with $status, expected 1" "stdout: $output" "stderr: $stderr" || return 1
	((${#stderr_lines[@]} == 1)) || fail "crunit $*: expected exactly one line on stderr, got ${#stderr_lines[@]}:" "$stderr" || return 1
	[[ ${stderr_lines[0]} == "crunit: "* ]] || fail "crunit $*: stderr does not start with 'crunit: ': $stderr" || return 1
	errmsg=${stderr_lines[0]#crunit: }
}

# Asserts that the single error line is exactly "crunit: MSG".
assert_error() {
	[[ $stderr == "crunit: $1" ]] || fail "expected stderr: crunit: $1" "got:             $stderr"
}

# Asserts that the single error line matches the glob "crunit: GLOB".
assert_error_glob() {
	# shellcheck disable=SC2053
	[[ $stderr == "crunit: "$1 ]] || fail "expected stderr matching: crunit: $1" "got: $stderr"
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[[ $1 == "$2" ]] || fail "${3:-value} mismatch:" "  expected: $2" "  actual:   $1"
}

# assert_match STRING REGEX [WHAT]
assert_match() {
	[[ $1 =~ $2 ]] || fail "${3:-value} does not match /$2/:" "  $1"
}

# assert_contains STRING SUBSTRING [WHAT]
assert_contains() {
	[[ $1 == *"$2"* ]] || fail "${3:-output} does not contain '$2':" "$1"
}

# ---------------------------------------------------------------------------
# config.json
# ---------------------------------------------------------------------------

# cfg JQ-FILTER [jq args...]: edits $BUNDLE/config.json in place.
cfg() {
	local f=$BUNDLE/config.json filter=$1
	shift
	jq "$@" "$filter" "$f" >"$f.tmp" || { rm -f "$f.tmp"; fail "jq '$filter' on $f failed"; return 1; }
	mv -f "$f.tmp" "$f"
}

# cfg_args ARG...: sets process.args.
cfg_args() {
	local json
	json=$(jq -cn '$ARGS.positional' --args -- "$@") || return 1
	cfg ".process.args = $json"
}

# cfg_sh SCRIPT: process.args = ["sh", "-c", SCRIPT]
cfg_sh() {
	cfg_args sh -c "$1"
}

# ---------------------------------------------------------------------------
# container helpers
# ---------------------------------------------------------------------------

# run_ctr SCRIPT [crunit run options]: runs sh -c SCRIPT in the foreground
# in container $ID; sets status/output/stderr like cr.
run_ctr() {
	local script=$1
	shift
	cfg_sh "$script" || return 1
	cr run --bundle "$BUNDLE" "$@" "$ID"
}

# run_ctr_ok SCRIPT [options]: run_ctr, and fail unless it exits 0.
run_ctr_ok() {
	run_ctr "$@"
	((status == 0)) || fail "container script failed with exit status $status" "stdout: $output" "stderr: $stderr"
}

# state_field ID JQ: prints a field of `crunit state ID`.
state_field() {
	local out
	out=$(timeout -k 5 "$CMD_TIMEOUT" "$CRUNIT" --root "$CRUNIT_ROOT" state "$1" </dev/null 2>/dev/null) || return 1
	jq -r "$2" <<<"$out"
}

ctr_status() { state_field "$1" .status; }
ctr_pid() { state_field "$1" .pid; }

# wait_status ID STATUS [SECONDS]: waits until crunit state says STATUS.
wait_status() {
	local id=$1 want=$2 secs=${3:-10} i s=''
	for ((i = 0; i < secs * 10; i++)); do
		s=$(ctr_status "$id") && [[ $s == "$want" ]] && return 0
		sleep 0.1
	done
	fail "container $id did not reach status '$want' within ${secs}s (last: '${s:-<state failed>}')"
}

# wait_file_contains FILE STRING [SECONDS]
wait_file_contains() {
	local f=$1 want=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		[[ -e $f ]] && grep -qF -- "$want" "$f" && return 0
		sleep 0.1
	done
	show_file "$f"
	fail "'$want' did not show up in $f within ${secs}s"
}

# wait_pgrep PATTERN [SECONDS]: waits until a process whose command line
# matches PATTERN runs (after `run -d` the init may not have exec'd yet).
wait_pgrep() {
	local pat=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		pgrep -f -- "$pat" >/dev/null && return 0
		sleep 0.1
	done
	fail "no process matching '$pat' within ${secs}s"
}

# wait_gone PID [SECONDS]
wait_pid_gone() {
	local pid=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		[[ -e /proc/$pid ]] || return 0
		# A zombie counts as gone.
		[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
		sleep 0.1
	done
	fail "process $pid still alive after ${secs}s"
}

# wait_bg PID [SECONDS]: waits for the background job PID (default at most
# 60s, then kills it and fails); returns its exit status in WAIT_RC.
wait_bg() {
	local pid=$1 secs=${2:-60} i
	WAIT_RC=0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "background process $pid did not exit within ${secs}s"
		return 1
	fi
	wait "$pid" || WAIT_RC=$?
	return 0
}

# start_detached SCRIPT: sh -c SCRIPT in a detached container (run -d) $ID;
# fails unless it is running. Its output goes to $CR_OUT/$CR_ERR.
start_detached() {
	cfg_sh "$1" || return 1
	shift
	crunit_ok run -d --bundle "$BUNDLE" "$@" "$ID" || return 1
	[[ $(ctr_status "$ID") == running ]] || fail "container $ID is not running after run -d (state: $(ctr_status "$ID"))"
}

scope_of() { echo "crunit-$1.scope"; }

# unit_prop UNIT PROPERTY: systemctl show -P
unit_prop() {
	systemctl show -P "$2" "$1"
}

# The cgroup directories of a unit's ControlGroup, one per hierarchy that
# the sandbox mode gives us (unified: the v2 tree; hybrid: name=systemd plus
# the memory and pids controllers).
cgroup_dirs_of() {
	local cg=$1
	case ${CRUNIT_SANDBOX_MODE:-unified} in
	hybrid)
		echo "/sys/fs/cgroup/systemd$cg"
		echo "/sys/fs/cgroup/memory$cg"
		echo "/sys/fs/cgroup/pids$cg"
		;;
	*) echo "/sys/fs/cgroup$cg" ;;
	esac
}

# assert_no_leftovers ID [MARKER] [BUNDLE] [UNIT]: nothing of container ID is
# left: no state directory, no unit (loaded at all), no process whose
# command line contains MARKER (default: the id, which is on the command
# line of every crunit process for it), no mount under BUNDLE.
assert_no_leftovers() {
	local id=$1 marker=${2:-$1} bundle=${3:-${BUNDLE:-}} unit=${4:-crunit-$1.scope} errs=() out
	if [[ -e $CRUNIT_ROOT/$id ]]; then
		errs+=("state directory $CRUNIT_ROOT/$id still exists: $(ls -la "$CRUNIT_ROOT/$id" 2>&1)")
	fi
	out=$(systemctl list-units --all --no-legend --plain "$unit" 2>&1)
	if [[ -n $out ]]; then
		errs+=("unit $unit is still loaded: $out")
	fi
	local load
	load=$(systemctl show -P LoadState "$unit" 2>&1)
	if [[ $load != not-found ]]; then
		errs+=("unit $unit: LoadState=$load (expected not-found)")
	fi
	if [[ -n $marker ]] && out=$(pgrep -a -f -- "$marker"); then
		errs+=("processes with '$marker' left: $out")
	fi
	if [[ -n $bundle ]] && out=$(grep -F -- "$bundle" /proc/self/mountinfo); then
		errs+=("mounts under $bundle left: $out")
	fi
	((${#errs[@]} == 0)) || fail "leftovers of container $id:" "${errs[@]}"
}

# run_in_pty COMMAND OUTFILE: runs the shell COMMAND on a pseudo terminal
# (script(1)), output to OUTFILE; returns its exit status. script's stdin
# stays open while COMMAND runs: on EOF script types an EOF character into
# the pty, which would be echoed into the output.
run_in_pty() {
	local rc=0 holder
	coproc HOLD { exec sleep 120 2>/dev/null; }
	holder=$HOLD_PID
	timeout -k 5 60 script -qec "$1" /dev/null <&"${HOLD[0]}" >"$2" 2>&1 || rc=$?
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	return "$rc"
}

# ---------------------------------------------------------------------------
# capabilities
# ---------------------------------------------------------------------------

declare -gA CAP_NUM=(
	[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
	[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
	[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
	[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
	[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
	[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
	[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
	[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31
	[CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33 [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35
	[CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37 [CAP_PERFMON]=38 [CAP_BPF]=39
	[CAP_CHECKPOINT_RESTORE]=40
)

# cap_mask CAP...: the 16-hex-digit mask /proc/PID/status shows for the set.
cap_mask() {
	local m=0 c
	for c in "$@"; do
		[[ -n ${CAP_NUM[$c]:-} ]] || { fail "unknown capability $c"; return 1; }
		m=$((m | (1 << CAP_NUM[$c])))
	done
	printf '%016x\n' "$m"
}

# ---------------------------------------------------------------------------
# console socket receiver (for --console-socket)
# ---------------------------------------------------------------------------

# start_console_receiver SOCKET OUTFILE: listens on SOCKET, receives the pty
# master crunit sends over it and copies everything from it into OUTFILE.
start_console_receiver() {
	local sock=$1 out=$2
	"$PYTHON" - "$sock" "$out" <<'EOF' &
import os, socket, sys
sock_path, out_path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sock_path)
s.listen(1)
open(sock_path + ".ready", "w").close()
c, _ = s.accept()
msg, fds, flags, addr = socket.recv_fds(c, 4096, 4)
with open(out_path + ".meta", "w") as m:
    m.write("fds=%d msg=%r\n" % (len(fds), msg))
if not fds:
    sys.exit(1)
with open(out_path, "ab", buffering=0) as o:
    while True:
        try:
            d = os.read(fds[0], 4096)
        except OSError:
            break
        if not d:
            break
        o.write(d)
EOF
	CONSOLE_RECEIVER_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $sock.ready ]] && return 0
		sleep 0.05
	done
	fail "console receiver did not come up on $sock"
}

# Rootless tests (rootless.bats, userns.bats), in setup_file: creates the
# unprivileged user (lib/rootless-user.sh) and exports CRUNIT_ROOTLESS_USER,
# CRUNIT_ROOTLESS_UID, CRUNIT_ROOTLESS_GID, the same as RUSER, RUID, RGID, and
# RL_XDG (its XDG_RUNTIME_DIR).
rootless_user_setup_file() {
	require_sandbox || return 1
	local env
	env=$("$LIB/rootless-user.sh" --env) || { echo "lib/rootless-user.sh failed" >&2; return 1; }
	eval "$env"
	export CRUNIT_ROOTLESS_USER CRUNIT_ROOTLESS_UID CRUNIT_ROOTLESS_GID
	export RUSER=$CRUNIT_ROOTLESS_USER RUID=$CRUNIT_ROOTLESS_UID RGID=$CRUNIT_ROOTLESS_GID
	export RL_XDG=$XDG_RUNTIME_DIR
}

# as_user XDG_RUNTIME_DIR CRUNIT-ARGS...: runs crunit as the rootless user $RUSER,
# like cr (sets status, output, stderr, lines, stderr_lines; container output in
# $CR_OUT/$CR_ERR). Sandbox quirk: sandbox.sh mounts /proc/sys read-only over the
# sandbox's /proc, and the kernel refuses a new proc in a user namespace unless
# /proc is fully visible; so the user's crunit runs in a private mount namespace
# without that overmount, as on a normal host (CRUNIT_ROOTLESS_KEEP_PROC_SYS=1:
# without this workaround).
as_user() {
	local xdg=$1
	shift
	CR_N=$((CR_N + 1))
	CR_OUT=$BATS_TEST_TMPDIR/user.$CR_N.out
	CR_ERR=$BATS_TEST_TMPDIR/user.$CR_N.err
	: >"$CR_OUT"
	: >"$CR_ERR"
	chmod 0666 "$CR_OUT" "$CR_ERR"
	local wrap=(unshare -m sh -c 'umount -l /proc/sys && exec "$@"' sh)
	[[ ${CRUNIT_ROOTLESS_KEEP_PROC_SYS:-0} == 1 ]] && wrap=()
	status=0
	timeout -k 5 "$CMD_TIMEOUT" "${wrap[@]}" runuser -u "$RUSER" -- \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="/home/$RUSER" XDG_RUNTIME_DIR="$xdg" \
		"$CRUNIT" "$@" </dev/null >"$CR_OUT" 2>"$CR_ERR" || status=$?
	output=$(<"$CR_OUT")
	stderr=$(<"$CR_ERR")
	mapfile -t lines <"$CR_OUT"
	mapfile -t stderr_lines <"$CR_ERR"
	{
		printf '$ [%s] crunit %s  => exit %d\n' "$RUSER" "$*" "$status"
		[[ -z $output ]] || printf 'stdout: %s\n' "$output"
		[[ -z $stderr ]] || printf 'stderr: %s\n' "$stderr"
	} >&2
	return 0
}

# userns_bundle: $BUNDLE becomes a user-namespaced container, 0 -> 100000
# (65536 ids): the rootfs owned by the mapped root, every directory above it
# searchable, no /sys or /dev/mqueue mount.
userns_bundle() {
	cfg '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.mounts |= map(select(.destination != "/sys" and .destination != "/dev/mqueue"))'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	local d=$BUNDLE
	while [[ $d != / ]]; do
		chmod a+x "$d"
		d=$(dirname "$d")
	done
}

# userns_crunit: $CRUNIT runs in a private mount namespace without the
# sandbox's /proc/sys overmount: a new proc in a user namespace needs a fully
# visible /proc (see as_user).
userns_crunit() {
	local w=$BATS_TEST_TMPDIR/crunit-nsproc
	printf '#!/bin/sh\nexec unshare -m sh -c '"'"'umount -l /proc/sys && exec "$@"'"'"' sh %s "$@"\n' "$CRUNIT" >"$w"
	chmod +x "$w"
	CRUNIT=$w
}

# start_seccomp_agent SOCKET OUT REPLY...: lib/seccomp-agent.py in the background
# (one connection, killed at teardown; its stderr in OUT.err).
start_seccomp_agent() {
	local sock=$1 out=$2
	shift 2
	"$PYTHON" "$LIB/seccomp-agent.py" "$sock" "$out" "$@" 2>"$out.err" &
	on_teardown "kill -KILL $!"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $out.ready ]] && return 0
		sleep 0.1
	done
	show_file "$out.err"
	fail "the seccomp agent did not start"
}
