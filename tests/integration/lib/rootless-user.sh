#!/bin/bash
# rootless-user.sh [--env] [USER] - set up an unprivileged user inside the
# crunit sandbox (tests/integration/sandbox.sh) for rootless tests.
#
# Creates USER (default crunituser; uid 1000 or the first free uid above it)
# with /etc/subuid and /etc/subgid ranges of 65536 ids, starts its systemd
# user manager (lingering via logind, else user@UID.service directly), waits
# until the manager answers on $XDG_RUNTIME_DIR/systemd/private (and the user
# bus $XDG_RUNTIME_DIR/bus exists, if dbus-user-session is installed) and
# checks that the user can create a transient scope. Idempotent.
#
# Prints XDG_RUNTIME_DIR (e.g. /run/user/1000) on stdout. With --env, prints
# shell assignments instead, for eval:
#   CRUNIT_ROOTLESS_USER=crunituser CRUNIT_ROOTLESS_UID=1000
#   CRUNIT_ROOTLESS_GID=1000 XDG_RUNTIME_DIR=/run/user/1000
#
# Then e.g.:
#   runuser -u crunituser -- env XDG_RUNTIME_DIR=/run/user/1000 systemd-run --user --scope true
#
# Refuses to run anywhere but inside the sandbox: it edits /etc/passwd.

set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=tests/integration/lib/sandbox-common.sh
. "$here/sandbox-common.sh"

die() { printf 'rootless-user.sh: error: %s\n' "$*" >&2; exit 1; }
warn() { printf 'rootless-user.sh: warning: %s\n' "$*" >&2; }

print_env=0
if [[ ${1:-} == --env ]]; then
	print_env=1
	shift
fi
user=${1:-crunituser}
range=65536

crunit_require_sandbox
[[ $(id -u) == 0 ]] || die "must run as root"

# --- the user ---------------------------------------------------------------
if ! uid=$(id -u "$user" 2>/dev/null); then
	uid=1000
	while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do
		uid=$((uid + 1))
	done
	# No automatic subordinate ranges: we add them ourselves below.
	useradd --create-home --uid "$uid" --user-group --shell /bin/bash \
		-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user"
fi
gid=$(id -g "$user")

# --- subordinate ids ----------------------------------------------------------
# Appends "user:start:count" to $1 unless the user has a range there; start is
# past every existing range and at least 100000.
add_subid_range() {
	local file=$1 name start count next=100000
	[[ -e $file ]] || install -m 0644 /dev/null "$file"
	if grep -q "^$user:" "$file"; then
		return 0
	fi
	while IFS=: read -r name start count; do
		[[ -n $name && $start =~ ^[0-9]+$ && $count =~ ^[0-9]+$ ]] || continue
		((start + count > next)) && next=$((start + count))
	done <"$file"
	echo "$user:$next:$range" >>"$file"
}
add_subid_range /etc/subuid
add_subid_range /etc/subgid

# --- the user manager -----------------------------------------------------------
rt=/run/user/$uid
if ! loginctl enable-linger "$user" 2>/dev/null; then
	warn "loginctl enable-linger failed (logind not usable?), starting user@$uid.service directly"
	systemctl start "user@$uid.service"
fi

as_user() { runuser -u "$user" -- env XDG_RUNTIME_DIR="$rt" "$@"; }

want_bus=0
for d in /usr/lib/systemd/user /lib/systemd/user; do
	[[ -e $d/dbus.socket ]] && want_bus=1
done

state=''
for ((i = 0; i < 300; i++)); do
	if [[ -S $rt/systemd/private ]] && { ((want_bus == 0)) || [[ -S $rt/bus ]]; }; then
		state=$(as_user systemctl --user is-system-running 2>/dev/null) || true
		[[ $state == running || $state == degraded ]] && break
	fi
	sleep 0.1
done
case $state in
running) ;;
degraded)
	warn "user manager of $user is degraded; failed units:"
	as_user systemctl --user --no-pager --no-legend --plain --failed >&2 || true
	;;
*)
	systemctl --no-pager status "user@$uid.service" >&2 || true
	die "user manager of $user (uid $uid) did not come up within 30s (state: ${state:-none})"
	;;
esac

as_user systemd-run --user --scope --quiet true ||
	die "user $user cannot create transient scopes (systemd-run --user --scope true failed)"

if ((print_env)); then
	printf 'CRUNIT_ROOTLESS_USER=%q\nCRUNIT_ROOTLESS_UID=%q\nCRUNIT_ROOTLESS_GID=%q\nXDG_RUNTIME_DIR=%q\n' \
		"$user" "$uid" "$gid" "$rt"
else
	echo "$rt"
fi
