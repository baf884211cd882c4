#!/usr/bin/env bats
# events.bats - `crunit events`: runc's stats events (JSON lines) from the scope's cgroup, OOM
# events, the end of the stream when the container stops, and its errors.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# events_bg ARGS...: crunit events in the background; its stdout goes to EV_OUT (stderr to
# EV_OUT.err), its pid is EV_PID (wait for it with wait_bg).
events_bg() {
	EV_OUT=$BATS_TEST_TMPDIR/events.$RANDOM.out
	timeout -k 5 "$CMD_TIMEOUT" "$CRUNIT" --root "$CRUNIT_ROOT" events "$@" </dev/null >"$EV_OUT" 2>"$EV_OUT.err" &
	EV_PID=$!
}

# The members of runc's types.Stats, as `runc events --stats` prints them.
STATS_KEYS='["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]'

@test "events --stats: one stats event in runc's shape" {
	cfg '.linux.resources.pids.limit = 100 | .linux.resources.memory.limit = 67108864'
	start_detached 'sleep 1000; :'
	crunit_ok events --stats "$ID"
	((${#lines[@]} == 1)) || fail "expected one line, got ${#lines[@]}: $output"
	assert_eq "$(jq -r .type <<<"$output")" stats type
	assert_eq "$(jq -r .id <<<"$output")" "$ID" id
	assert_eq "$(jq -c '.data | keys' <<<"$output")" "$STATS_KEYS" "keys of data"
	# cpu.usage has kernel and user always; the usage total is in every cgroup (v2 cpu.stat,
	# v1 cpuacct or the unified hierarchy of hybrid mode)
	jq -e '.data.cpu.usage | (.kernel|type) == "number" and (.user|type) == "number" and .total > 0' \
		<<<"$output" >/dev/null || fail "cpu.usage: $(jq -c .data.cpu <<<"$output")"
	jq -e '.data.cpu.throttling | type == "object"' <<<"$output" >/dev/null || fail "cpu.throttling"
	jq -e '.data.memory | (.usage|has("limit") and has("failcnt")) and (.swap|type) == "object"
		and (.kernel|type) == "object" and (.kernelTCP|type) == "object"' <<<"$output" >/dev/null ||
		fail "memory: $(jq -c .data.memory <<<"$output")"
	jq -e '.data.network_interfaces == null and .data.intel_rdt == {}' <<<"$output" >/dev/null ||
		fail "network_interfaces/intel_rdt"
	jq -e '(.data.blkio|type) == "object" and (.data.hugetlb|type) == "object"' <<<"$output" >/dev/null ||
		fail "blkio/hugetlb"
	if [[ ${CRUNIT_SANDBOX_MODE:-} == hybrid ]]; then
		# v1 memory and pids controllers: the scope's limits and usage
		assert_eq "$(jq .data.memory.usage.limit <<<"$output")" 67108864 memory.usage.limit
		jq -e '.data.memory.usage.usage > 0 and (.data.memory.raw | has("rss"))' <<<"$output" >/dev/null ||
			fail "memory usage/raw: $(jq -c .data.memory.usage <<<"$output")"
		assert_eq "$(jq .data.pids.limit <<<"$output")" 100 pids.limit
		jq -e '.data.pids.current >= 1' <<<"$output" >/dev/null || fail "pids.current: $(jq -c .data.pids <<<"$output")"
	else
		# unified sandbox: cgroup v2 without controllers; what is not there is zero, as runc
		assert_eq "$(jq -c .data.memory.usage <<<"$output")" '{"limit":0,"failcnt":0}' memory.usage
		assert_eq "$(jq -c .data.pids <<<"$output")" '{}' pids
	fi
}

@test "events --stats reads the same numbers as the cgroup files" {
	start_detached 'sleep 1000; :'
	local cg d
	cg=$(unit_prop "crunit-$ID.scope" ControlGroup)
	if [[ ${CRUNIT_SANDBOX_MODE:-} == hybrid ]]; then
		d=/sys/fs/cgroup/pids$cg
		crunit_ok events --stats "$ID"
		assert_eq "$(jq .data.pids.current <<<"$output")" "$(cat "$d/pids.current")" pids.current
		d=/sys/fs/cgroup/memory$cg
		assert_eq "$(jq .data.memory.usage.failcnt <<<"$output")" "$(cat "$d/memory.failcnt")" failcnt
		assert_eq "$(jq .data.memory.raw.total_pgfault <<<"$output")" \
			"$(awk '$1 == "total_pgfault" {print $2}' "$d/memory.stat")" raw.total_pgfault
	else
		d=/sys/fs/cgroup$cg
		local before after total
		before=$(awk '$1 == "usage_usec" {print $2 * 1000}' "$d/cpu.stat")
		crunit_ok events --stats "$ID"
		after=$(awk '$1 == "usage_usec" {print $2 * 1000}' "$d/cpu.stat")
		total=$(jq .data.cpu.usage.total <<<"$output")
		((total >= before && total <= after)) || fail "cpu.usage.total $total not in [$before, $after]"
	fi
}

@test "events: a stats event every --interval until the container stops, then exit 0" {
	start_detached 'sleep 3'
	local t0=$SECONDS
	cr events --interval 500ms "$ID"
	((status == 0)) || fail "events exited with $status: $stderr"
	((SECONDS - t0 < 10)) || fail "events took $((SECONDS - t0))s to notice the container stopped"
	((${#lines[@]} >= 3)) || fail "expected at least 3 stats events in ~3s, got ${#lines[@]}: $output"
	local l
	for l in "${lines[@]}"; do
		assert_eq "$(jq -r '.type + " " + .id' <<<"$l")" "stats $ID" "event" || return 1
		assert_eq "$(jq -c '.data | keys' <<<"$l")" "$STATS_KEYS" "keys of data" || return 1
	done
	[[ -z $stderr ]] || fail "stderr: $stderr"
}

@test "events --interval 1m30s: no event before the interval; ends when the container is killed" {
	start_detached 'sleep 1000; :'
	events_bg --interval 1m30s "$ID"
	sleep 1
	crunit_ok kill "$ID" KILL
	wait_bg "$EV_PID" 20
	((WAIT_RC == 0)) || fail "events exited with $WAIT_RC: $(cat "$EV_OUT.err")"
	[[ ! -s $EV_OUT ]] || fail "unexpected events: $(cat "$EV_OUT")"
	[[ ! -s $EV_OUT.err ]] || fail "stderr: $(cat "$EV_OUT.err")"
}

@test "events: errors" {
	crunit_fails events --stats "nope-$ID"
	assert_error "container \"nope-$ID\" does not exist"
	crunit_fails events
	assert_error_glob "events: a container id is required*"
	crunit_fails events --interval 0 "$ID"
	assert_error_glob "events: the --interval must be greater than 0*"
	crunit_fails events --interval 5 "$ID"
	assert_error_glob "events: invalid --interval \"5\"*"
	crunit_fails events --interval 1x "$ID"
	assert_error_glob "events: invalid --interval \"1x\"*"
	crunit_fails events --bogus "$ID"
	assert_error_glob "events: unknown option*"
	# a stopped container
	cfg_sh 'true'
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	crunit_fails events --stats "$ID"
	assert_error "container \"$ID\" is not running"
	crunit_fails events "$ID"
	assert_error "container \"$ID\" is not running"
}

@test "events --stats on a created and on a paused container" {
	cfg_sh 'sleep 1000; :'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok events --stats "$ID"
	assert_eq "$(jq -r .type <<<"$output")" stats
	crunit_ok start "$ID"
	crunit_ok pause "$ID"
	crunit_ok events --stats "$ID"
	assert_eq "$(jq -r .type <<<"$output")" stats
	crunit_ok resume "$ID"
}

@test "events: an OOM kill is an oom event (hybrid: v1 memory controller)" {
	if [[ ${CRUNIT_SANDBOX_MODE:-} != hybrid ]]; then
		# The unified sandbox has no memory controller: no OOM source, and events says so
		# only at debug level while it still reports stats and ends with the container.
		start_detached 'sleep 2'
		cr --debug events --interval 500ms "$ID"
		((status == 0)) || fail "events exited with $status"
		assert_contains "$stderr" "no memory controller: no OOM events"
		((${#lines[@]} >= 1)) || fail "no stats events: $output"
		return 0
	fi
	# 32 MiB, no swap; busybox dd allocates its 64 MiB block and fills it from /dev/zero
	cfg '.linux.resources.memory.limit = 33554432 | .linux.resources.memory.swap = 33554432'
	start_detached 'sleep 2; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000'
	events_bg --interval 1h "$ID"
	wait_file_contains "$EV_OUT" '"type":"oom"' 20
	assert_eq "$(head -n1 "$EV_OUT")" "{\"type\":\"oom\",\"id\":\"$ID\"}" "oom event"
	# the container goes on (dd was killed, not the init); events ends when it is killed
	assert_eq "$(ctr_status "$ID")" running
	crunit_ok events --stats "$ID"
	# the peak usage reached the limit (failcnt is no proof: with memory+swap limited too,
	# memory.memsw.limit_in_bytes written by crunit on v1, the kernel charges memsw first, and
	# recent kernels do not count memsw failures)
	jq -e '.data.memory.usage.limit == 33554432 and .data.memory.usage.max >= .data.memory.usage.limit' \
		<<<"$output" >/dev/null || fail "memory.usage: $(jq -c .data.memory.usage <<<"$output")"
	crunit_ok kill "$ID" KILL
	wait_bg "$EV_PID" 20
	((WAIT_RC == 0)) || fail "events exited with $WAIT_RC: $(cat "$EV_OUT.err")"
	assert_eq "$(wc -l <"$EV_OUT")" 1 "number of events"
}

@test "events: the OOM kill of the init is reported, then events ends (hybrid)" {
	if [[ ${CRUNIT_SANDBOX_MODE:-} != hybrid ]]; then
		# unified: events on a container whose init exits ends with it, exit 0
		start_detached 'sleep 1; exit 3'
		cr events --interval 10s "$ID"
		((status == 0)) || fail "events exited with $status"
		[[ -z $output ]] || fail "unexpected events: $output"
		return 0
	fi
	cfg '.linux.resources.memory.limit = 33554432 | .linux.resources.memory.swap = 33554432'
	start_detached 'sleep 2; exec dd if=/dev/zero of=/dev/null bs=64M count=1'
	cr events --interval 10s "$ID"
	((status == 0)) || fail "events exited with $status: $stderr"
	assert_eq "$output" "{\"type\":\"oom\",\"id\":\"$ID\"}" "events output"
	wait_status "$ID" stopped
}
