#!/usr/bin/env bats
# machined.bats - containers registered with systemd-machined (machinectl list/status), with
# their scope as the unit; gone at delete; opt-outs; no machined, no trouble.

load helpers

setup() {
	common_setup || return 1
	command -v machinectl >/dev/null ||
		fail "machinectl not found: apt-get install systemd-container (tools/install-deps.sh)"
}

teardown() { common_teardown; }

# machine_prop NAME PROPERTY: machinectl show -p PROPERTY --value NAME
machine_prop() {
	machinectl show -p "$2" --value "$1"
}

# assert_no_machine NAME
assert_no_machine() {
	local out
	if out=$(machinectl show "$1" 2>&1); then
		fail "machine $1 is still registered:" "$out"
	fi
	out=$(machinectl list --no-legend 2>&1)
	[[ $out != *"$1 "* ]] || fail "machinectl list still has $1:" "$out"
}

@test "a container is a machine: machinectl list and status show it with its scope" {
	start_detached 'sleep 1000; :'
	local pid
	pid=$(ctr_pid "$ID")
	machinectl list --no-legend >"$BATS_TEST_TMPDIR/list"
	show_file "$BATS_TEST_TMPDIR/list"
	grep -Eq "^$ID +container +crunit" "$BATS_TEST_TMPDIR/list" || fail "$ID not in machinectl list"
	assert_eq "$(machine_prop "$ID" Unit)" "crunit-$ID.scope" Unit
	assert_eq "$(machine_prop "$ID" Leader)" "$pid" Leader
	assert_eq "$(machine_prop "$ID" Class)" container Class
	assert_eq "$(machine_prop "$ID" Service)" crunit Service
	assert_eq "$(machine_prop "$ID" RootDirectory)" "$BUNDLE/rootfs" RootDirectory
	assert_eq "$(machine_prop "$ID" State)" running State
	machinectl status "$ID" >"$BATS_TEST_TMPDIR/status" 2>&1 || true
	show_file "$BATS_TEST_TMPDIR/status"
	grep -q "Unit: crunit-$ID.scope" "$BATS_TEST_TMPDIR/status" || fail "machinectl status: no Unit line"
	# nothing about machined on stderr
	[[ -z $stderr ]] || fail "stderr of run -d: $stderr"
	crunit_ok delete --force "$ID"
	assert_no_machine "$ID"
	assert_no_leftovers "$ID"
}

@test "delete of a stopped container leaves no machine; so does a foreground run" {
	start_detached 'sleep 1'
	machinectl show "$ID" >/dev/null || fail "not registered"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_machine "$ID"
	# create: registered already while created
	new_id
	cfg_sh 'sleep 1000; :'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	assert_eq "$(machine_prop "$ID" Unit)" "crunit-$ID.scope" "Unit of a created container"
	crunit_ok delete "$ID"
	assert_no_machine "$ID"
	new_id
	run_ctr_ok 'cat /proc/1/comm'
	assert_no_machine "$ID"
	assert_no_leftovers "$ID"
}

@test "systemctl stop of the scope ends the machine too" {
	start_detached 'sleep 1000; :'
	machinectl show "$ID" >/dev/null || fail "not registered"
	systemctl stop "crunit-$ID.scope"
	local i
	for ((i = 0; i < 50; i++)); do
		machinectl show "$ID" >/dev/null 2>&1 || break
		sleep 0.1
	done
	assert_no_machine "$ID"
}

@test "opt-out: annotation org.crunit.machine=false, CRUNIT_MACHINE=0" {
	cfg '.annotations["org.crunit.machine"] = "false"'
	start_detached 'sleep 1000; :'
	assert_no_machine "$ID"
	assert_eq "$(ctr_status "$ID")" running
	crunit_ok delete --force "$ID"

	new_id
	cfg '.annotations["org.crunit.machine"] = "true"'
	CRUNIT_MACHINE=0 crunit_ok run -d --bundle "$BUNDLE" "$ID"
	assert_no_machine "$ID"
	crunit_ok delete --force "$ID"

	new_id
	CRUNIT_MACHINE=1 crunit_ok run -d --bundle "$BUNDLE" "$ID"
	machinectl show "$ID" >/dev/null || fail "CRUNIT_MACHINE=1 and annotation true: not registered"
}

@test "a bad org.crunit.machine annotation is an error naming it, nothing left" {
	cfg '.annotations["org.crunit.machine"] = "maybe"'
	cfg_sh 'sleep 1000; :'
	crunit_fails run -d --bundle "$BUNDLE" "$ID"
	assert_error 'annotation org.crunit.machine: "maybe" is not a boolean (true or false)'
	assert_no_machine "$ID"
	assert_no_leftovers "$ID"
}

@test "an id that is not a machine name: the container runs, unregistered, silently" {
	ID="under_score-$$-$RANDOM"
	CREATED_IDS+=("$ID")
	start_detached 'sleep 1000; :'
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_no_machine "$ID"
	cr --debug delete --force "$ID"
	((status == 0)) || fail "delete failed: $stderr"
	cfg_sh 'true'
	new_id
	ID="x_$ID"
	CREATED_IDS+=("$ID")
	cr --debug run --bundle "$BUNDLE" "$ID"
	((status == 0)) || fail "run failed: $stderr"
	assert_contains "$stderr" "is not a valid machine name"
}

@test "no machined: containers run as before, without a word or a delay" {
	# masked in the sandbox's overlay /etc; restored for the next test
	on_teardown 'systemctl unmask systemd-machined.service'
	systemctl mask --now systemd-machined.service
	cfg_sh 'sleep 1000; :'
	local t0=$EPOCHREALTIME
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	local ms=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	[[ -z $stderr ]] || fail "stderr: $stderr"
	((ms < 3000)) || fail "run -d took $ms ms without machined"
	assert_eq "$(ctr_status "$ID")" running
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"
	# and at debug level it says why
	new_id
	cfg_sh 'true'
	cr --debug run --bundle "$BUNDLE" "$ID"
	((status == 0)) || fail "run failed: $stderr"
	assert_contains "$stderr" "systemd-machined is not available"
	systemctl unmask systemd-machined.service
}

@test "no D-Bus system bus: containers run as before, silently" {
	cfg_sh 'sleep 1000; :'
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/crunit-test-no-such-bus crunit_ok run -d --bundle "$BUNDLE" "$ID"
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_eq "$(ctr_status "$ID")" running
	assert_no_machine "$ID"
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/crunit-test-no-such-bus crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"
	new_id
	cfg_sh 'true'
	DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/crunit-test-no-such-bus cr --debug run --bundle "$BUNDLE" "$ID"
	((status == 0)) || fail "run failed: $stderr"
	assert_contains "$stderr" "no D-Bus system bus"
}
