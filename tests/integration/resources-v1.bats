#!/usr/bin/env bats
# resources-v1.bats - what systemd cannot express on cgroup v1 (it ignores
# MemoryLow, MemorySwapMax, AllowedCPUs, AllowedMemoryNodes there and has no
# swappiness property) crunit writes into the scope's delegated v1 cgroups:
# memory.soft_limit_in_bytes, memory.memsw.limit_in_bytes, memory.swappiness,
# and a cpuset cgroup at the scope's path (cpuset.cpus, cpuset.mems), on
# create and on update (src/runtime/cgroup-v1-extra.c).
#
# hybrid: the v1 files must hold the values. unified: the same config works
# as properties, and swappiness (no v2 property) is refused.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

hybrid() { [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; }

v1_dir() { echo "/sys/fs/cgroup/$1/machine.slice/crunit-$ID.scope"; }

# assert_cgfile CONTROLLER FILE EXPECTED
assert_cgfile() {
	local f
	f=$(v1_dir "$1")/$2
	[[ -f $f ]] || fail "$f does not exist" || return 1
	assert_eq "$(<"$f")" "$3" "$1/$2"
}

# swap accounting (memory.memsw.*) is on in this kernel
have_memsw() { [[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]]; }

# assert_in_cpuset PID: the process is in the scope's cpuset cgroup
assert_in_cpuset() {
	local line
	line=$(grep -E '^[0-9]+:([^:]*,)?cpuset(,[^:]*)?:' "/proc/$1/cgroup")
	assert_eq "${line#*:*:}" "/machine.slice/crunit-$ID.scope" "cpuset cgroup of pid $1"
}

@test "resources-v1: reservation, swap, swappiness, cpus, mems on create (hybrid: the v1 files; unified: properties, swappiness refused)" {
	cfg '.linux.resources = {
		"memory": {"limit": 33554432, "reservation": 16777216, "swap": 50331648},
		"cpu": {"cpus": "0", "mems": "0"}
	}'
	if ! hybrid; then
		start_detached 'sleep 1000; :'
		local u=crunit-$ID.scope
		assert_eq "$(unit_prop "$u" MemoryLow)" 16777216 MemoryLow
		assert_eq "$(unit_prop "$u" MemorySwapMax)" 16777216 MemorySwapMax
		assert_eq "$(unit_prop "$u" AllowedCPUs)" 0 AllowedCPUs
		assert_eq "$(unit_prop "$u" AllowedMemoryNodes)" 0 AllowedMemoryNodes
		crunit_ok delete --force "$ID"
		cfg '.linux.resources.memory.swappiness = 10'
		crunit_fails run -d --bundle "$BUNDLE" "$ID"
		assert_error "linux.resources.memory.swappiness is not supported on cgroup v2 (systemd has no property for it)"
		assert_no_leftovers "$ID"
		return 0
	fi
	cfg '.linux.resources.memory.swappiness = 10'
	if ! have_memsw; then
		# swap accounting off: a finite memory.swap is a clear error
		crunit_fails run -d --bundle "$BUNDLE" "$ID"
		assert_error_glob "cannot apply linux.resources.memory.swap: the kernel does not account swap*"
		assert_no_leftovers "$ID"
		cfg 'del(.linux.resources.memory.swap)'
	fi
	start_detached 'sleep 1000; :'
	assert_cgfile memory memory.limit_in_bytes 33554432
	assert_cgfile memory memory.soft_limit_in_bytes 16777216
	have_memsw && assert_cgfile memory memory.memsw.limit_in_bytes 50331648
	assert_cgfile memory memory.swappiness 10
	assert_cgfile cpuset cpuset.cpus 0
	assert_cgfile cpuset cpuset.mems 0
	# the init and what it started are in the cpuset cgroup
	local pid
	pid=$(ctr_pid "$ID")
	assert_in_cpuset "$pid"
	local child
	child=$(pgrep -P "$pid" sleep) || fail "no sleep under the init $pid"
	assert_in_cpuset "$child"
	assert_contains "$(grep Cpus_allowed_list "/proc/$child/status")" $'\t0' Cpus_allowed_list
	# crunit exec follows the init into it
	crunit_ok exec "$ID" sh -c 'grep Cpus_allowed_list /proc/self/status'
	assert_contains "$output" $'\t0' "Cpus_allowed_list of an exec'd process"
	crunit_ok delete --force "$ID"
	[[ ! -e $(v1_dir cpuset) ]] || fail "the cpuset cgroup $(v1_dir cpuset) is left after delete"
	assert_no_leftovers "$ID"

	# a foreground run cleans it up too
	run_ctr_ok 'grep Cpus_allowed_list /proc/self/status'
	assert_contains "$output" $'\t0' Cpus_allowed_list
	[[ ! -e $(v1_dir cpuset) ]] || fail "the cpuset cgroup $(v1_dir cpuset) is left after run"
	assert_no_leftovers "$ID"
}

@test "resources-v1: update --memory-reservation/--memory-swap/--cpuset-cpus/--cpuset-mems and -r swappiness (hybrid: the v1 files)" {
	cfg '.linux.resources = {"memory": {"limit": 33554432, "swap": 50331648}, "cpu": {"cpus": "0"}}'
	hybrid && ! have_memsw && cfg 'del(.linux.resources.memory.swap)'
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope ncpu last
	ncpu=$(nproc)
	last=$((ncpu - 1))
	# raise memory+swap together with the memory limit (memsw first), then lower both
	if ! hybrid || have_memsw; then
		crunit_ok update --memory 67108864 --memory-swap 134217728 --memory-reservation 8388608 \
			--cpuset-cpus "$last" --cpuset-mems 0 "$ID"
	else
		crunit_ok update --memory 67108864 --memory-reservation 8388608 \
			--cpuset-cpus "$last" --cpuset-mems 0 "$ID"
	fi
	assert_eq "$(unit_prop "$u" MemoryMax)" 67108864 MemoryMax
	assert_eq "$(unit_prop "$u" MemoryLow)" 8388608 MemoryLow
	assert_eq "$(unit_prop "$u" AllowedCPUs)" "$last" AllowedCPUs
	if hybrid; then
		assert_cgfile memory memory.limit_in_bytes 67108864
		assert_cgfile memory memory.soft_limit_in_bytes 8388608
		have_memsw && assert_cgfile memory memory.memsw.limit_in_bytes 134217728
		assert_cgfile cpuset cpuset.cpus "$last"
		assert_cgfile cpuset cpuset.mems 0
		echo '{"memory": {"swappiness": 20}}' >"$BATS_TEST_TMPDIR/r.json"
		crunit_ok update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
		assert_cgfile memory memory.swappiness 20
		if have_memsw; then
			crunit_ok update --memory 16777216 --memory-swap 25165824 "$ID"
			assert_cgfile memory memory.limit_in_bytes 16777216
			assert_cgfile memory memory.memsw.limit_in_bytes 25165824
			# a memory limit above memory+swap: systemd would fail to write it
			crunit_fails update --memory 67108864 "$ID"
			assert_error "cannot apply linux.resources.memory.limit 67108864: it is above the container's memory+swap limit (25165824); give memory.swap (--memory-swap) too"
			crunit_ok update --memory -1 --memory-swap -1 "$ID"
			assert_cgfile memory memory.memsw.limit_in_bytes 9223372036854771712
		fi
	else
		echo '{"memory": {"swappiness": 20}}' >"$BATS_TEST_TMPDIR/r.json"
		crunit_fails update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
		assert_error "linux.resources.memory.swappiness is not supported on cgroup v2 (systemd has no property for it)"
	fi
}

@test "resources-v1: update --cpuset-cpus of a container created without one moves it into a new cpuset cgroup (hybrid; unified: property)" {
	start_detached 'sleep 1000; :'
	crunit_ok update --cpuset-cpus 0 "$ID"
	assert_eq "$(unit_prop "crunit-$ID.scope" AllowedCPUs)" 0 AllowedCPUs
	hybrid || return 0
	assert_cgfile cpuset cpuset.cpus 0
	local pid child
	pid=$(ctr_pid "$ID")
	assert_in_cpuset "$pid"
	child=$(pgrep -P "$pid" sleep) || fail "no sleep under the init $pid"
	assert_in_cpuset "$child"
	# a range (the list is rebuilt from systemd's bitmask)
	local last expect
	last=$(($(nproc) - 1))
	expect=0-$last
	((last > 0)) || expect=0
	crunit_ok update --cpuset-cpus "0-$last" "$ID"
	assert_cgfile cpuset cpuset.cpus "$expect"
	crunit_ok delete --force "$ID"
	[[ ! -e $(v1_dir cpuset) ]] || fail "the cpuset cgroup $(v1_dir cpuset) is left after delete"
}

@test "resources-v1: errors name the field, nothing left (both: swappiness 101; hybrid: a CPU/memory node the host does not have)" {
	cfg '.linux.resources = {"memory": {"swappiness": 101}}'
	crunit_fails run -d --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.resources.memory.swappiness: 101 is not between 0 and 100"
	assert_no_leftovers "$ID"
	# unified: AllowedCPUs is systemd's business (and this sandbox has no controllers)
	hybrid || return 0
	cfg '.linux.resources = {"cpu": {"cpus": "4000"}}'
	crunit_fails run -d --bundle "$BUNDLE" "$ID"
	assert_error_glob 'cannot apply linux.resources.cpu.cpus "4000": *; the CPUs available are 0*'
	assert_no_leftovers "$ID"
	[[ ! -e $(v1_dir cpuset) ]] || fail "the cpuset cgroup $(v1_dir cpuset) is left"

	cfg '.linux.resources = {"cpu": {"mems": "1000"}}'
	crunit_fails run -d --bundle "$BUNDLE" "$ID"
	assert_error_glob 'cannot apply linux.resources.cpu.mems "1000": *; the memory nodes available are 0*'
	assert_no_leftovers "$ID"
	[[ ! -e $(v1_dir cpuset) ]] || fail "the cpuset cgroup $(v1_dir cpuset) is left"
}
