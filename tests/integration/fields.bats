#!/usr/bin/env bats
# fields.bats - linux.sysctl, linux.personality, linux.timeOffsets, process.scheduler,
# process.ioPriority, process.execCPUAffinity.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "linux.sysctl: a net sysctl is set in the container's network namespace" {
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_ctr_ok 'cat /proc/sys/net/ipv4/ip_forward'
	assert_eq "$output" 1 "net.ipv4.ip_forward inside"
}

@test "linux.sysctl: an ipc sysctl is set in the container's ipc namespace, /proc/sys stays read-only" {
	cfg '.linux.sysctl = {"kernel.shmmax": "4096", "kernel.msgmax": "1234"}'
	run_ctr_ok 'cat /proc/sys/kernel/shmmax /proc/sys/kernel/msgmax; echo 1 >/proc/sys/kernel/shmmax 2>/dev/null && echo writable || echo read-only'
	assert_eq "$output" $'4096\n1234\nread-only' "kernel.shmmax, kernel.msgmax inside"
	[[ $(cat /proc/sys/kernel/shmmax) != 4096 ]] || fail "the host's kernel.shmmax was changed"
}

@test "linux.sysctl: a sysctl that is not namespaced is refused, nothing left" {
	cfg '.linux.sysctl = {"vm.swappiness": "10"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*linux.sysctl: "vm.swappiness" is not namespaced: refusing to change it for the host*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "linux.sysctl: net.* without a network namespace of its own is refused, nothing left" {
	cfg '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*linux.sysctl: "net.ipv4.ip_forward" needs a network namespace*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "linux.sysctl: a name with a path component is refused" {
	cfg '.linux.sysctl = {"net.ipv4/../../kernel.shmmax": "1"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*linux.sysctl: invalid name*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "linux.personality LINUX32: uname -m says i686" {
	[[ $(uname -m) == x86_64 ]] || skip "needs an x86_64 host"
	cfg '.linux.personality = {"domain": "LINUX32"}'
	run_ctr_ok 'uname -m'
	assert_eq "$output" i686 "uname -m"
}

@test "linux.personality LINUX: uname -m is the host's" {
	cfg '.linux.personality = {"domain": "LINUX", "flags": []}'
	run_ctr_ok 'uname -m'
	assert_eq "$output" "$(uname -m)" "uname -m"
}

@test "linux.personality with flags is refused" {
	cfg '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*linux.personality.flags is not supported yet*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "process.scheduler SCHED_BATCH nice 5: policy 3, nice 5" {
	cfg '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	# /proc/self/stat: field 19 is nice, field 41 the policy (comm "(cat)" has no space)
	run_ctr_ok 'cut -d" " -f19,41 /proc/self/stat'
	assert_eq "$output" "5 3" "nice and policy"
}

@test "process.scheduler SCHED_FIFO priority 10: set, or refused for want of a real-time budget" {
	cfg '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	run_ctr 'cut -d" " -f40,41 /proc/self/stat'
	if ((status == 0)); then
		# field 40 is rt_priority, 41 the policy
		assert_eq "$output" "10 1" "rt_priority and policy"
	else
		# CONFIG_RT_GROUP_SCHED: the scope's cgroup has cpu.rt_runtime_us 0
		assert_error_glob '*cannot set process.scheduler (a real-time policy needs a real-time budget*'
	fi
}

@test "process.scheduler SCHED_IDLE: policy 5" {
	cfg '.process.scheduler = {"policy": "SCHED_IDLE"}'
	run_ctr_ok 'cut -d" " -f41 /proc/self/stat'
	assert_eq "$output" 5 policy
}

@test "process.scheduler: priority with SCHED_OTHER is refused" {
	cfg '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 10}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*process.scheduler.priority can only be given for SCHED_FIFO and SCHED_RR*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "process.ioPriority IOPRIO_CLASS_BE 6: ionice inside and on the host" {
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	start_detached 'ionice; sleep 1000'
	local pid
	pid=$(ctr_pid "$ID")
	run ionice -p "$pid"
	assert_eq "$output" "best-effort: prio 6" "ionice -p on the host"
	wait_file_contains "$CR_OUT" "best-effort: prio 6"
}

@test "process.ioPriority IOPRIO_CLASS_IDLE" {
	cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE"}'
	run_ctr_ok 'ionice'
	assert_eq "$output" idle "ionice inside"
}

@test "process.execCPUAffinity: final CPU 0" {
	cfg '.process.execCPUAffinity = {"initial": "0", "final": "0"}'
	run_ctr_ok 'grep Cpus_allowed_list /proc/self/status'
	assert_match "$output" $'^Cpus_allowed_list:[ \t]*0$' "Cpus_allowed_list"
}

@test "process.execCPUAffinity: a bad CPU list is refused" {
	cfg '.process.execCPUAffinity = {"final": "1-0"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*process.execCPUAffinity.final*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "linux.timeOffsets: boottime offset in a new time namespace" {
	[[ -e /proc/self/ns/time ]] || skip "the kernel has no time namespaces"
	cfg '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 86400}, "monotonic": {"secs": 3600}}'
	run_ctr_ok 'cut -d. -f1 /proc/uptime'
	((output > 86400)) || fail "uptime inside is $output, not more than 86400"
}

@test "linux.timeOffsets without a time namespace is refused" {
	cfg '.linux.timeOffsets = {"boottime": {"secs": 86400}}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob '*linux.timeOffsets needs a new time namespace*'
	assert_no_leftovers "$ID" "" "$BUNDLE"
}
