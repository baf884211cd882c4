#!/usr/bin/env bats
# verbs.bats - pause/resume (FreezeUnit/ThawUnit on cgroup v2, the v1 freezer in
# hybrid mode), ps (the scope's processes) and update (SetUnitProperties).

load helpers

setup() {
	common_setup || return 1
	cfg '.root.readonly = false'
}
teardown() { common_teardown; }

hybrid() { [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; }

# The file the container writes /tmp/NAME to.
ctr_file() { echo "$BUNDLE/rootfs/tmp/$1"; }

# assert_frozen yes|no: the cgroup of the container's init is (not) frozen.
assert_frozen() {
	local pid cg f want=$1
	pid=$(ctr_pid "$ID") || return 1
	if hybrid; then
		cg=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$pid/cgroup")
		f=/sys/fs/cgroup/freezer$cg/freezer.state
		if [[ $want == yes ]]; then
			assert_eq "$(cat "$f")" FROZEN "$f"
		else
			[[ $cg == / ]] || assert_eq "$(cat "$f")" THAWED "$f"
		fi
	else
		cg=$(unit_prop "crunit-$ID.scope" ControlGroup)
		f=/sys/fs/cgroup$cg/cgroup.events
		if [[ $want == yes ]]; then
			grep -qx 'frozen 1' "$f" || fail "$f: $(cat "$f")"
		else
			grep -qx 'frozen 0' "$f" || fail "$f: $(cat "$f")"
		fi
	fi
}

# No freezer cgroup of the container is left (hybrid: crunit creates it at pause).
assert_no_freezer_left() {
	hybrid || return 0
	local d=/sys/fs/cgroup/freezer/machine.slice/crunit-$ID.scope
	[[ ! -e $d ]] || fail "$d is left behind"
}

counter() { cat "$(ctr_file counter)" 2>/dev/null || echo 0; }

start_counter() {
	start_detached 'i=0; while :; do i=$((i+1)); echo $i >/tmp/counter; sleep 0.05; done'
	local i
	for ((i = 0; i < 100; i++)); do
		(($(counter) > 2)) && return 0
		sleep 0.05
	done
	fail "the counter did not start"
}

@test "verbs: pause freezes the container (state paused), resume thaws it" {
	start_counter
	crunit_ok pause "$ID"
	assert_eq "$(ctr_status "$ID")" paused status
	crunit_ok list
	assert_match "$output" "$ID +[0-9]+ +paused" "list"
	assert_frozen yes
	local a b
	a=$(counter)
	sleep 0.5
	b=$(counter)
	assert_eq "$b" "$a" "counter while paused"
	crunit_ok resume "$ID"
	assert_eq "$(ctr_status "$ID")" running status
	assert_frozen no
	sleep 0.5
	b=$(counter)
	((b > a)) || fail "counter did not advance after resume: $a -> $b"
	assert_no_freezer_left
	# twice: the processes forked since the first pause are frozen too
	crunit_ok pause "$ID"
	assert_frozen yes
	crunit_ok resume "$ID"
	assert_eq "$(ctr_status "$ID")" running status
}

@test "verbs: pause/resume errors" {
	cfg_sh 'sleep 1000'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_fails pause "$ID"
	assert_error "container \"$ID\" is not running"
	crunit_fails resume "$ID"
	assert_error "container \"$ID\" is not paused"
	crunit_ok start "$ID"
	crunit_fails resume "$ID"
	assert_error "container \"$ID\" is not paused"
	crunit_ok pause "$ID"
	crunit_fails pause "$ID"
	assert_error "container \"$ID\" is already paused"
	crunit_fails delete "$ID"
	assert_error "cannot delete container \"$ID\" that is not stopped: paused (use --force)"
	crunit_fails start "$ID"
	crunit_fails pause nonexistent-$ID
	assert_error "container \"nonexistent-$ID\" does not exist"
}

@test "verbs: kill KILL of a paused container stops it" {
	start_counter
	crunit_ok pause "$ID"
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
	assert_no_freezer_left
}

@test "verbs: kill --all KILL of a paused container stops it" {
	start_detached 'sleep 1000 & sleep 1001'
	crunit_ok pause "$ID"
	crunit_ok kill --all "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
	assert_no_freezer_left
}

@test "verbs: delete --force of a paused container" {
	start_detached 'sleep 1000 & sleep 1001'
	crunit_ok pause "$ID"
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"
	assert_no_freezer_left
}

@test "verbs: ps -f json lists exactly the container's pids" {
	start_detached 'sleep 1000 & exec sleep 1001'
	local pid child want
	pid=$(ctr_pid "$ID")
	for ((i = 0; i < 50; i++)); do
		child=$(pgrep -P "$pid") && break
		sleep 0.1
	done
	[[ -n $child ]] || fail "no child of $pid"
	want=$(printf '%s\n' "$pid" "$child" | sort -n | jq -cs .)
	crunit_ok ps -f json "$ID"
	assert_eq "$(jq -c 'sort' <<<"$output")" "$want" "ps -f json"
}

@test "verbs: ps (table) has ps's header and the container's processes only" {
	start_detached 'sleep 1000 & exec sleep 1001'
	crunit_ok ps "$ID"
	assert_match "${lines[0]}" "PID" "header"
	assert_contains "$output" "sleep 1000"
	assert_contains "$output" "sleep 1001"
	((${#lines[@]} == 3)) || fail "expected the header and 2 processes, got:" "$output"
	crunit_ok ps "$ID" -o pid,comm
	assert_match "${lines[0]}" "^ *PID +COMMAND" "header"
	((${#lines[@]} == 3)) || fail "expected the header and 2 processes, got:" "$output"
	crunit_fails ps -f yaml "$ID"
}

@test "verbs: update --pids-limit/--memory/--cpu-shares change the scope's properties (hybrid: the cgroup files)" {
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope
	crunit_ok update --pids-limit 42 --memory 32m --cpu-shares 1024 "$ID"
	assert_eq "$(unit_prop "$u" TasksMax)" 42 TasksMax
	assert_eq "$(unit_prop "$u" MemoryMax)" 33554432 MemoryMax
	# runc's conversion: 1 + (1024 - 2) * 9999 / 262142 = 39
	assert_eq "$(unit_prop "$u" CPUWeight)" 39 CPUWeight
	if hybrid; then
		assert_eq "$(cat "/sys/fs/cgroup/pids/machine.slice/$u/pids.max")" 42 pids.max
		assert_eq "$(cat "/sys/fs/cgroup/memory/machine.slice/$u/memory.limit_in_bytes")" 33554432 \
			memory.limit_in_bytes
		assert_eq "$(cat "/sys/fs/cgroup/cpu/machine.slice/$u/cpu.shares")" 399 cpu.shares
	fi
	crunit_ok update --memory 1G "$ID"
	assert_eq "$(unit_prop "$u" MemoryMax)" 1073741824 MemoryMax
	assert_eq "$(unit_prop "$u" TasksMax)" 42 "TasksMax (unchanged)"
}

@test "verbs: update -r FILE and -r - (stdin)" {
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope
	echo '{"pids": {"limit": 17}, "memory": {"limit": 67108864}}' >"$BATS_TEST_TMPDIR/r.json"
	crunit_ok update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	assert_eq "$(unit_prop "$u" TasksMax)" 17 TasksMax
	assert_eq "$(unit_prop "$u" MemoryMax)" 67108864 MemoryMax
	echo '{"pids": {"limit": 19}}' | "$CRUNIT" --root "$CRUNIT_ROOT" update -r - "$ID" ||
		fail "update -r - failed"
	assert_eq "$(unit_prop "$u" TasksMax)" 19 TasksMax
	echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 1}]}' >"$BATS_TEST_TMPDIR/bad.json"
	crunit_fails update -r "$BATS_TEST_TMPDIR/bad.json" "$ID"
}

@test "verbs: update --memory-swap alone keeps the memory limit in effect (as runc)" {
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope
	crunit_fails update --memory-swap 48m "$ID"
	assert_error_glob "*swap (memory+swap)*needs a memory.limit*"
	crunit_ok update --memory 32m "$ID"
	crunit_ok update --memory-swap 48m "$ID"
	assert_eq "$(unit_prop "$u" MemoryMax)" 33554432 "MemoryMax (unchanged)"
	assert_eq "$(unit_prop "$u" MemorySwapMax)" 16777216 "MemorySwapMax = swap - limit"
	if hybrid; then
		assert_eq "$(cat "/sys/fs/cgroup/memory/machine.slice/$u/memory.memsw.limit_in_bytes")" 50331648 \
			memory.memsw.limit_in_bytes
	fi
}

@test "verbs: update --pids-limit 3 is enforced (hybrid; unified: property only)" {
	start_detached 'while [ ! -e /tmp/go ]; do sleep 0.1; done
		for i in 1 2 3 4 5 6 7 8 9 10; do sleep 100 & done 2>/tmp/err; echo done >/tmp/done; sleep 1000'
	crunit_ok update --pids-limit 3 "$ID"
	assert_eq "$(unit_prop "crunit-$ID.scope" TasksMax)" 3 TasksMax
	hybrid || return 0
	touch "$(ctr_file go)"
	# (busybox sh gives up at the first failed fork: no /tmp/done then)
	wait_file_contains "$(ctr_file err)" "can't fork"
	[[ ! -e $(ctr_file done) ]] || fail "all 10 sleeps were forked despite pids.max 3"
}

@test "verbs: update errors" {
	cfg_sh 'true'
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	crunit_fails update --pids-limit 5 "$ID"
	assert_error "cannot update container \"$ID\": it is stopped"
	crunit_fails update --memory 12x "$ID"
	assert_error_glob "update: invalid value \"12x\" for --memory*"
	crunit_fails update "$ID"
	crunit_fails update --pids-limit 5
}
