# shellcheck shell=bash
# sandbox-common.sh - helpers for code running inside tests/integration/sandbox.sh.
# Source it: . tests/integration/lib/sandbox-common.sh

# True if this process runs inside a sandbox made by sandbox.sh. Checks what
# the sandbox really is, not just the environment: the root file system is
# sandbox.sh's overlay and PID 1 is systemd. Use it before changing anything
# system-wide (/etc/passwd, ...), which must never happen on the host.
crunit_in_sandbox() {
	local src
	src=$(awk '$2 == "/" { s = $1 } END { print s }' /proc/self/mounts 2>/dev/null) || return 1
	[[ $src == crunit-sandbox-root ]] || return 1
	[[ $(cat /proc/1/comm 2>/dev/null) == systemd ]] || return 1
	return 0
}

# Exits with a message unless crunit_in_sandbox.
crunit_require_sandbox() {
	crunit_in_sandbox && return 0
	printf '%s: refusing to run outside the crunit sandbox (tests/integration/sandbox.sh)\n' \
		"${0##*/}" >&2
	exit 1
}

# Waits until the system manager (PID 1) is done starting up. Prints the
# state; fails unless it is running or degraded.
crunit_wait_system_running() {
	local state
	state=$(systemctl is-system-running --wait 2>/dev/null) || true
	echo "$state"
	[[ $state == running || $state == degraded ]]
}
