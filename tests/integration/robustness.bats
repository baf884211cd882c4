#!/usr/bin/env bats
# robustness.bats - crunit dying at awkward moments, stale state, reused PIDs.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "crunit SIGKILLed while a foreground run waits: the container lives on, state and delete work" {
	cfg_sh 'sleep 1000; :'
	"$CRUNIT" --root "$CRUNIT_ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local runner=$!
	wait_status "$ID" running
	kill -KILL "$runner"
	wait "$runner" 2>/dev/null || true
	# The init was set up to outlive its crunit; nothing else may have changed.
	assert_eq "$(ctr_status "$ID")" running "status after crunit died"
	assert_eq "$(unit_prop "crunit-$ID.scope" ActiveState)" active "scope"
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "crunit SIGKILLed during create: nothing runs on, the husk is deletable, the id reusable" {
	cfg_args sh -c 'sleep 1000; :' "killed-create-$ID"
	# Kill crunit as soon as it has written its first state: somewhere between the
	# scope's creation and the container being set up.
	"$CRUNIT" --root "$CRUNIT_ROOT" create --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local creator=$! i
	for ((i = 0; i < 100; i++)); do
		[[ -e $CRUNIT_ROOT/$ID/state.json ]] && break
		sleep 0.01
	done
	kill -KILL "$creator" 2>/dev/null || true # it may have finished already: also fine
	wait "$creator" 2>/dev/null || true
	# Whatever point it reached: no container process survives its crunit during setup
	# (PDEATHSIG), or it finished and the container is a normal created one.
	local st
	st=$(ctr_status "$ID") || st=missing
	[[ $st == stopped || $st == created || $st == missing ]] || fail "unexpected status $st"
	cr delete --force "$ID"
	((status == 0)) || fail "delete --force after a killed create failed: $stderr"
	assert_no_leftovers "$ID" "killed-create-$ID" "$BUNDLE"
	# and the id can be used again
	crunit_ok create --bundle "$BUNDLE" "$ID"
	assert_eq "$(ctr_status "$ID")" created
	crunit_ok delete "$ID"
}

@test "a state directory without state.json (crunit died early): stopped, listed, deleted" {
	mkdir -p "$CRUNIT_ROOT/$ID"
	assert_eq "$(ctr_status "$ID")" stopped
	crunit_ok list -q
	assert_contains "$output" "$ID" "list -q"
	crunit_ok delete "$ID"
	[[ ! -e $CRUNIT_ROOT/$ID ]] || fail "husk not removed"
}

@test "a reused PID is not mistaken for the container" {
	start_detached 'sleep 1000; :'
	local state=$CRUNIT_ROOT/$ID/state.json
	# Point the state at a live process that is not the container (our own shell):
	# same PID field, different start time, as after PID reuse.
	jq --argjson p $$ '.pid = $p' "$state" >"$state.tmp" && mv "$state.tmp" "$state"
	assert_eq "$(ctr_status "$ID")" stopped "status with a foreign pid"
	crunit_fails kill "$ID" KILL
	assert_error "container \"$ID\" is not running"
	kill -0 $$ || fail "our shell was signalled"
}

@test "a corrupt state.json is reported; delete --force still cleans up" {
	start_detached 'sleep 1000; :'
	local pid
	pid=$(ctr_pid "$ID")
	echo '{garbage' >"$CRUNIT_ROOT/$ID/state.json"
	crunit_fails state "$ID"
	assert_error "the state of container $ID is corrupt"
	# delete --force removes what it can still find: the scope (by its default name)
	# and the directory, with a warning about the state it could not read
	cr delete --force "$ID"
	((status == 0)) || fail "delete --force failed: $stderr"
	assert_contains "$stderr" "corrupt" "warning"
	wait_pid_gone "$pid"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}
