#!/usr/bin/env bats
# no-systemd.bats - crunit where no systemd is reachable. Runs OUTSIDE the
# sandbox (tests/run runs it on the host; if the host's PID 1 is systemd,
# tests/run runs it in a private pid+mount namespace with an empty /run, so
# that neither the system bus nor systemd's private socket is reachable).

load ../helpers

setup() {
	require_crunit || return 1
	# Precondition: really no systemd to talk to. Fail (not skip) otherwise.
	[[ $(cat /proc/1/comm) != systemd ]] || fail "PID 1 is systemd: this test needs a system without systemd (use tests/run)" || return 1
	local s
	for s in /run/systemd/private /run/dbus/system_bus_socket /var/run/dbus/system_bus_socket; do
		[[ ! -S $s ]] || fail "$s exists: systemd/dbus may be reachable" || return 1
	done
	[[ -z ${DBUS_SYSTEM_BUS_ADDRESS:-} ]] || fail "DBUS_SYSTEM_BUS_ADDRESS is set" || return 1
	CRUNIT_ROOT=$BATS_TEST_TMPDIR/state
	new_bundle || return 1
	new_id host
	MARKER=nosd-$ID
	cfg_args sh -c 'sleep 100; :' "$MARKER"
}

teardown() {
	common_teardown
}

@test "no systemd: create fails with one clear line and leaves nothing" {
	local verb
	for verb in create run "run -d"; do
		# shellcheck disable=SC2086
		crunit_fails $verb --bundle "$BUNDLE" "$ID"
		assert_error_glob "cannot connect to systemd (is systemd running as PID 1?)*"
		[[ ! -e $CRUNIT_ROOT/$ID ]] || fail "state directory $CRUNIT_ROOT/$ID left behind"
		! pgrep -a -f -- "$MARKER" || fail "container process left behind"
		! pgrep -a -f -- "$ID" || fail "crunit process left behind"
		! grep -F -- "$BUNDLE" /proc/self/mountinfo || fail "mount left behind"
	done
}

@test "no systemd: with the default state root, nothing is left there" {
	CRUNIT_ROOT=/run/crunit
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error_glob "cannot connect to systemd (is systemd running as PID 1?)*"
	[[ ! -e /run/crunit/$ID ]] || fail "/run/crunit/$ID left behind"
}

@test "no systemd: commands that need no systemd still work" {
	crunit_ok --version
	crunit_ok list
	assert_match "${lines[0]}" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER *$' "list header"
	crunit_fails state "$ID"
	assert_error "container \"$ID\" does not exist"
	crunit_ok delete --force "$ID"
}
