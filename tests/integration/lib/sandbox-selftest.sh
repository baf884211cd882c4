#!/bin/bash
# shellcheck disable=SC2016  # the single-quoted scripts run inside the sandbox
# sandbox-selftest.sh [--quick] [TEST...] - tests for tests/integration/sandbox.sh
# and its helpers. Runs on the host, as root; boots many sandboxes (about a
# second each). Every test also checks that the sandboxes it started left
# nothing behind on the host: processes, cgroups, mounts, state and scratch
# dirs. --quick skips the slow ones (signals, concurrency).
#
# Prints "N passed, N failed" at the end; exits non-zero if anything failed.
# runc tests need runc and jq and are skipped without them.

set -uo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
SANDBOX=$(readlink -f "$here/../sandbox.sh")
REPO=$(cd "$here/../../.." && pwd -P)
WORK=$(mktemp -d /var/tmp/crunit-selftest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export CRUNIT_SANDBOX_VERBOSE=1

passed=0 failed=0 skipped=0
declare -a failures=()

note() { printf '    %s\n' "$*"; }
fail() { note "FAIL: $*"; return 1; }

# sb LOG ARGS... - runs sandbox.sh with ARGS, its stderr to LOG (and to our
# stdout on failure).
sb() {
	local log=$1
	shift
	"$SANDBOX" "$@" 2>"$log"
}

# leak_check LOG... - verifies that the sandboxes named in the verbose logs
# are completely gone.
leak_check() {
	local log cg state scratch pid name ok=0 i
	for log in "$@"; do
		[[ -f $log ]] || continue
		while read -r cg; do
			# Give a watchdog doing the cleanup a moment.
			for ((i = 0; i < 100; i++)); do [[ -d $cg ]] || break; sleep 0.1; done
			[[ -d $cg ]] && { fail "cgroup left behind: $cg"; ok=1; }
			name=${cg##*/}
			if grep -ls -- "$name" /proc/[0-9]*/cgroup | grep -v "/proc/$$/" >/dev/null; then
				# Zombies keep their cgroup path: only count live processes.
				# shellcheck disable=SC2013  # pids, one per line
				for pid in $(grep -ls -- "$name" /proc/[0-9]*/cgroup | cut -d/ -f3); do
					[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && continue
					[[ -e /proc/$pid ]] || continue
					fail "process left behind: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline")"
					ok=1
				done
			fi
		done < <(sed -n 's/^sandbox.sh: created cgroup //p' "$log")
		while read -r pid state; do
			# A dying pid-namespace init lingers until the host's init reaps
			# orphaned zombies of its namespace; allow for that.
			for ((i = 0; i < 100; i++)); do
				[[ -e /proc/$pid && $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || break
				sleep 0.1
			done
			((i < 100)) || { fail "sandbox PID $pid still alive"; ok=1; }
			[[ -d $state ]] && { fail "state dir left behind: $state"; ok=1; }
			grep -q -- "$state" /proc/self/mountinfo && { fail "host mount below $state"; ok=1; }
			[[ -e /run/crunit-sandbox/$pid ]] && { fail "registry entry left: /run/crunit-sandbox/$pid"; ok=1; }
		done < <(sed -n 's/^sandbox.sh: sandbox PID \([0-9]*\), state \(.*\)$/\1 \2/p' "$log")
		while read -r scratch; do
			[[ $scratch == /var/tmp/crunit-scratch.* && -d $scratch ]] &&
				{ fail "scratch dir left behind: $scratch"; ok=1; }
		done < <(sed -n 's/^sandbox.sh: scratch //p' "$log")
	done
	return $ok
}

run_test() {
	local t=$1 rc
	printf '%s\n' "- $t"
	rm -rf "${WORK:?}/$t"
	mkdir -p "$WORK/$t"
	sort /proc/self/mounts >"$WORK/$t.mounts-before"
	("$t" "$WORK/$t")
	rc=$?
	if ((rc == 0)); then
		leak_check "$WORK/$t"/*.log || rc=1
		# The host's mount table must be untouched (sandbox mounts live in
		# their own namespaces).
		sort /proc/self/mounts | diff "$WORK/$t.mounts-before" - || { note "FAIL: host mounts changed"; rc=1; }
	fi
	if ((rc == 0)); then
		passed=$((passed + 1))
	elif ((rc == 77)); then
		skipped=$((skipped + 1))
		note "skipped"
	else
		failed=$((failed + 1))
		failures+=("$t")
		for f in "$WORK/$t"/*.log; do
			[[ -s $f ]] && { note "--- ${f##*/}"; sed 's/^/      /' "$f"; }
		done
	fi
}

# ---------------------------------------------------------------------------

t_exit_status() {
	local d=$1 m rc
	for m in unified hybrid; do
		sb "$d/$m-0.log" --mode "$m" -- true || fail "$m: true failed" || return 1
		sb "$d/$m-7.log" --mode "$m" -- sh -c 'exit 7'
		rc=$?
		((rc == 7)) || fail "$m: exit 7 gave $rc" || return 1
		sb "$d/$m-sig.log" --mode "$m" -- sh -c 'kill -TERM $$'
		rc=$?
		((rc == 143)) || fail "$m: kill -TERM gave $rc" || return 1
	done
}

t_stdio_cwd_env() {
	local d=$1 out
	out=$(echo hello | sb "$d/stdin.log" -- cat) || return 1
	[[ $out == hello ]] || fail "stdin/stdout: got '$out'" || return 1
	out=$(sb "$d/stderr.log" -- sh -c 'echo err >&2' 2>&1 >/dev/null)
	out=$(cd "$REPO/tests" && "$SANDBOX" -- pwd 2>"$d/cwd.log") || return 1
	[[ $out == "$REPO/tests" ]] || fail "cwd: got '$out'" || return 1
	out=$(CRUNIT_FOO=1 BATS_BAR=2 OTHER_BAZ=3 sb "$d/env.log" -- env) || return 1
	grep -qx CRUNIT_FOO=1 <<<"$out" || fail "CRUNIT_FOO not passed" || return 1
	grep -qx BATS_BAR=2 <<<"$out" || fail "BATS_BAR not passed" || return 1
	grep -q OTHER_BAZ <<<"$out" && { fail "OTHER_BAZ passed"; return 1; }
	grep -qx CRUNIT_SANDBOX=1 <<<"$out" || fail "CRUNIT_SANDBOX not set" || return 1
	# SIGINT must not be ignored in CMD (it would be inherited by containers).
	out=$(sb "$d/sig.log" -- grep SigIgn /proc/self/status) || return 1
	[[ $out == *0000000000000000 ]] || fail "CMD ignores signals: $out" || return 1
}

t_filesystem() {
	local d=$1 scratch=$1/scratch out
	mkdir -p "$scratch"
	CRUNIT_SCRATCH=$scratch sb "$d/fs.log" -- sh -euc '
		echo in-scratch > "$CRUNIT_SCRATCH/file"
		echo sandbox-only > /etc/crunit-selftest
		touch /var/tmp/crunit-selftest-overlay
		# the sandbox is an overlay, /tmp a tmpfs, /proc/sys read-only
		[ "$(findmnt -n -o SOURCE /)" = crunit-sandbox-root ]
		[ "$(findmnt -n -o FSTYPE /tmp)" = tmpfs ]
		! echo 1 2>/dev/null > /proc/sys/kernel/printk_ratelimit
		[ "$(hostname)" = crunit-sandbox ]
		' || fail "checks inside the sandbox failed" || return 1
	[[ $(cat "$scratch/file") == in-scratch ]] || fail "scratch write not visible on host" || return 1
	[[ -d $scratch ]] || fail "CRUNIT_SCRATCH was removed" || return 1
	[[ ! -e /etc/crunit-selftest && ! -e /var/tmp/crunit-selftest-overlay ]] ||
		fail "overlay write leaked to the host" || return 1
	# The checkout is writable at its own path.
	sb "$d/repo.log" -- sh -c "touch '$REPO/.crunit-selftest' && rm '$REPO/.crunit-selftest'" ||
		fail "checkout not writable" || return 1
}

t_hybrid_limits() {
	local d=$1
	sb "$d/limits.log" --mode hybrid -- bash -euc '
		systemd-run --quiet --scope --unit=lim -p MemoryMax=64M -p TasksMax=10 -p CPUWeight=50 sleep 3 &
		for i in $(seq 50); do systemctl -q is-active lim.scope && break; sleep 0.1; done
		cg=/sys/fs/cgroup; s=system.slice/lim.scope
		[ "$(cat $cg/memory/$s/memory.limit_in_bytes)" = 67108864 ] || { echo memory; exit 1; }
		[ "$(cat $cg/pids/$s/pids.max)" = 10 ] || { echo pids; exit 1; }
		[ "$(cat $cg/cpu/$s/cpu.shares)" = 512 ] || { echo cpu; exit 1; }
		kill %1; wait || true
		# TasksMax is enforced
		! systemd-run --quiet --scope -p TasksMax=3 sh -c "for i in 1 2 3 4 5 6; do sleep 1 & done; wait" 2>/dev/null
		' || fail "hybrid cgroup limits not applied"
}

t_runc() {
	local d=$1 m
	command -v runc >/dev/null && command -v jq >/dev/null || return 77
	cat >"$d/runc.sh" <<-'EOF'
		set -euo pipefail
		b=$CRUNIT_SCRATCH/bundle
		"$LIB/make-busybox-rootfs.sh" "$b/rootfs"
		cd "$b"
		rm -f config.json
		runc spec
		jq '.process.terminal=false | .process.args=["sh","-c","echo hello; cat /proc/self/cgroup"]' \
			config.json >c && mv c config.json
		out=$(runc --systemd-cgroup run t1)
		grep -qx hello <<<"$out"
		jq '.process.args=["sleep","30"]' config.json >c && mv c config.json
		runc --systemd-cgroup run -d t2 </dev/null >/dev/null 2>&1
		systemctl is-active runc-t2.scope
		systemctl status runc-t2.scope --no-pager >/dev/null
		runc kill t2 KILL
		for i in $(seq 50); do [ "$(runc state t2 | jq -r .status)" = stopped ] && break; sleep 0.1; done
		runc delete t2
	EOF
	for m in unified hybrid; do
		CRUNIT_SCRATCH=$d/scratch-$m LIB=$here sb "$d/runc-$m.log" --mode "$m" -- \
			env LIB="$here" bash "$d/runc.sh" >"$d/runc-$m.out" 2>&1 ||
			{ cat "$d/runc-$m.out"; fail "runc in $m mode"; return 1; }
	done
}

t_rootless_user() {
	local d=$1 m
	for m in unified hybrid; do
		sb "$d/rootless-$m.log" --mode "$m" -- bash -euc '
			rt=$("$0/rootless-user.sh")
			rt2=$("$0/rootless-user.sh")   # idempotent
			[ "$rt" = "$rt2" ]
			runuser -u crunituser -- env XDG_RUNTIME_DIR="$rt" systemd-run --user --scope --quiet true
			grep -q "^crunituser:" /etc/subuid /etc/subgid
			' "$here" || fail "rootless user in $m mode" || return 1
	done
	"$here/rootless-user.sh" >/dev/null 2>&1 && fail "rootless-user.sh ran on the host" && return 1
	return 0
}

t_proc_sys() {
	local d=$1 before after m
	# systemd writes these at startup; they are the host's.
	before=$(sysctl -n fs.file-max fs.nr_open net.unix.max_dgram_qlen)
	for m in unified hybrid; do
		sb "$d/ro-$m.log" --mode "$m" -- sh -c '! touch /proc/sys/fs/file-max 2>/dev/null' ||
			fail "/proc/sys writable in $m mode" || return 1
		CRUNIT_SANDBOX_PROC_SYS=rw sb "$d/rw-$m.log" --mode "$m" -- bash -euc '
			rt=$("$0/rootless-user.sh")
			runuser -u crunituser -- unshare --user --map-root-user --pid --fork --mount --mount-proc true
			' "$here" || fail "CRUNIT_SANDBOX_PROC_SYS=rw: rootless proc mount in $m mode" || return 1
	done
	after=$(sysctl -n fs.file-max fs.nr_open net.unix.max_dgram_qlen)
	[[ $before == "$after" ]] || fail "host sysctls changed: ${before//$'\n'/ } -> ${after//$'\n'/ }"
}

t_busybox_rootfs() {
	local d=$1 r=$1/rootfs
	"$here/make-busybox-rootfs.sh" "$r" || return 1
	"$here/make-busybox-rootfs.sh" "$r" || return 1
	[[ -x $r/bin/busybox && -L $r/bin/sh && -L $r/bin/ls ]] || fail "applets missing" || return 1
	grep -q '^nobody:' "$r/etc/passwd" && grep -q '^root:' "$r/etc/group" || fail "etc files" || return 1
	for x in proc sys dev etc tmp root; do [[ -d $r/$x ]] || fail "no /$x" || return 1; done
	[[ $(chroot "$r" /bin/sh -c 'echo ok') == ok ]] || fail "chroot sh" || return 1
}

t_keep_enter_stop() {
	local d=$1 pid out
	pid=$(sb "$d/keep.log" --keep | tail -n 1)
	[[ $pid =~ ^[0-9]+$ ]] || fail "--keep printed '$pid'" || return 1
	out=$("$SANDBOX" --enter "$pid" systemctl is-system-running 2>>"$d/keep.log")
	[[ $out == running || $out == degraded ]] || fail "--enter: '$out'" || return 1
	"$SANDBOX" --stop "$pid" 2>>"$d/keep.log" || fail "--stop failed" || return 1
}

t_signals() {
	local d=$1 p rc sig
	for sig in TERM INT HUP; do
		# (Background jobs of scripts start with SIGINT ignored.)
		env --default-signal=INT "$SANDBOX" -- sleep 60 2>"$d/$sig.log" &
		p=$!
		for ((i = 0; i < 100; i++)); do grep -q 'ready after' "$d/$sig.log" 2>/dev/null && break; sleep 0.1; done
		sleep 0.3
		kill -"$sig" "$p"
		wait "$p"
		rc=$?
		((rc >= 128)) || fail "SIG$sig: exit status $rc" || return 1
		grep -q 'teardown done' "$d/$sig.log" || fail "SIG$sig: no teardown" || return 1
	done
	# SIGKILL: the watchdog has to clean up (leak_check waits for it).
	"$SANDBOX" -- sleep 60 2>"$d/KILL.log" &
	p=$!
	for ((i = 0; i < 100; i++)); do grep -q 'ready after' "$d/KILL.log" 2>/dev/null && break; sleep 0.1; done
	kill -KILL "$p"
	wait "$p" 2>/dev/null
	return 0
}

t_concurrent() {
	local d=$1 i rc=0
	local -a pids=()
	for i in 1 2 3; do
		sb "$d/u$i.log" --mode unified -- bash -euc 'systemd-run --quiet --scope -p TasksMax=50 sleep 2; systemctl is-system-running' >/dev/null &
		pids+=($!)
		sb "$d/h$i.log" --mode hybrid -- bash -euc 'systemd-run --quiet --scope -p MemoryMax=32M sleep 2; systemctl is-system-running' >/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=1
	done
	((rc == 0)) || fail "a concurrent sandbox failed"
}

t_boot_failure() {
	local d=$1 rc
	# Boot ends in emergency mode: fail at once, with diagnostics.
	CRUNIT_SANDBOX_SYSTEMD_ARGS=--unit=emergency.target sb "$d/emerg.log" -- true
	rc=$?
	((rc == 125)) || fail "emergency boot: exit $rc, wanted 125" || return 1
	grep -q "state 'maintenance'" "$d/emerg.log" || fail "no clear message" || return 1
	grep -q "Emergency Mode" "$d/emerg.log" || fail "no console log in diagnostics" || return 1
	# A failed unit: degraded is accepted, the failed units are listed.
	local run_args="--unit=kernel-command-line.service systemd.run=/bin/false"
	CRUNIT_SANDBOX_SYSTEMD_ARGS="$run_args systemd.run_failure_action=none systemd.run_success_action=none" \
		sb "$d/degraded.log" -- true || fail "degraded boot not accepted" || return 1
	grep -q "kernel-command-line.service.*failed" "$d/degraded.log" || fail "failed unit not listed" || return 1
	# systemd exits during boot (systemd.run's default failure action).
	CRUNIT_SANDBOX_SYSTEMD_ARGS="$run_args" sb "$d/exit.log" -- true
	rc=$?
	((rc == 125)) || fail "exiting systemd: exit $rc, wanted 125" || return 1
	# systemd shuts down while CMD runs (outside a scope and ignoring SIGTERM,
	# CMD outlives the unit shutdown): no hang, a warning, CMD's status.
	CRUNIT_SANDBOX_SCOPE=0 sb "$d/poweroff.log" -- sh -c 'trap "" TERM; systemctl poweroff; sleep 3; exit 5'
	rc=$?
	((rc == 5)) || fail "poweroff during CMD: exit $rc, wanted 5" || return 1
	grep -q "shut down while the command was running" "$d/poweroff.log" || fail "no message" || return 1
	# Time-out.
	CRUNIT_SANDBOX_TIMEOUT=0 sb "$d/timeout.log" -- true
	rc=$?
	((rc == 125)) || fail "time-out: exit $rc, wanted 125" || return 1
	grep -q "did not finish booting within" "$d/timeout.log" || fail "no clear message" || return 1
}

# ---------------------------------------------------------------------------
[[ $(id -u) == 0 ]] || { echo "sandbox-selftest.sh: must run as root" >&2; exit 1; }
quick=0
if [[ ${1:-} == --quick ]]; then
	quick=1
	shift
fi
if (($#)); then
	tests=("$@")
else
	tests=(t_exit_status t_stdio_cwd_env t_filesystem t_proc_sys t_hybrid_limits t_runc t_rootless_user
		t_busybox_rootfs t_keep_enter_stop t_boot_failure)
	((quick)) || tests+=(t_signals t_concurrent)
fi
for t in "${tests[@]}"; do
	run_test "$t"
done
((${#failures[@]} == 0)) || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
