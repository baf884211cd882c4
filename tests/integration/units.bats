#!/usr/bin/env bats
# units.bats - the README's walkthrough, and crunit run from a unit file.

load helpers

setup() { common_setup; }
teardown() {
	systemctl stop "svc-$ID.service" >/dev/null 2>&1 || true
	rm -f "/run/systemd/system/svc-$ID.service"
	systemctl daemon-reload || true
	common_teardown
}

@test "seed scenario: spec, run -d --pid-file, systemctl status, state, list, kill, delete" {
	local dir=$BATS_TEST_TMPDIR/mycontainer
	mkdir -p "$dir"
	cp -a "$(rootfs_template)" "$dir/rootfs"
	cd "$dir"
	crunit_ok spec
	BUNDLE=$dir
	cfg '.process.terminal = false | .process.args = ["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]'
	crunit_ok run -d --pid-file "$BATS_TEST_TMPDIR/my.pid" "$ID"
	local pid
	pid=$(<"$BATS_TEST_TMPDIR/my.pid")
	systemctl status "crunit-$ID.scope" --no-pager >"$BATS_TEST_TMPDIR/status" || true
	show_file "$BATS_TEST_TMPDIR/status"
	grep -q "Active: active (running)" "$BATS_TEST_TMPDIR/status" || fail "scope not active"
	grep -q -- "─$pid sh -c" "$BATS_TEST_TMPDIR/status" || fail "the scope's PID tree does not show the container's init $pid"
	assert_eq "$(state_field "$ID" .pid)" "$pid" "state pid = pid file"
	assert_eq "$(ctr_status "$ID")" running
	crunit_ok list
	assert_match "$output" "$ID +$pid +running" "list"
	crunit_ok kill "$ID" TERM
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID" "" "$dir"
}

@test "a forking service runs a container with run -d --pid-file (the README's unit file)" {
	cfg_sh 'echo container-started; exec sleep 1000'
	cat >"/run/systemd/system/svc-$ID.service" <<UNIT
[Service]
Type=forking
ExecStart=$CRUNIT run -d --pid-file /run/svc-$ID.pid --bundle $BUNDLE $ID
ExecStop=$CRUNIT delete --force $ID
ExecStopPost=$CRUNIT delete --force $ID
PIDFile=/run/svc-$ID.pid
UNIT
	systemctl daemon-reload
	systemctl start "svc-$ID.service"
	assert_eq "$(systemctl show -P ActiveState "svc-$ID.service")" active "service state"
	local main
	main=$(systemctl show -P MainPID "svc-$ID.service")
	assert_eq "$main" "$(ctr_pid "$ID")" "the service's MainPID is the container's init"
	assert_eq "$(unit_prop "crunit-$ID.scope" ActiveState)" active "container scope"
	local t0=$SECONDS
	systemctl stop "svc-$ID.service"
	((SECONDS - t0 < 10)) || fail "stopping the service took $((SECONDS - t0))s"
	wait_pid_gone "$main"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}
