#!/usr/bin/env bats
# resources.bats - linux.resources become properties of the container's scope
# (StartTransientUnit), and systemd applies them to the cgroup.
#
# In both sandbox modes the scope's properties must match the config. Only
# in hybrid mode are there controllers (v1 memory, pids, cpu, devices, ...):
# there the cgroup files must match and the limits must be enforced. The
# unified sandbox has no controllers at all: systemd accepts the properties
# but cannot apply them, so there the tests check the properties only.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

hybrid() { [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; }

# v1 cgroup directory of the container's scope for controller $1.
v1_dir() {
	echo "/sys/fs/cgroup/$1/machine.slice/crunit-$ID.scope"
}

# assert_cgfile CONTROLLER FILE EXPECTED
assert_cgfile() {
	local f
	f=$(v1_dir "$1")/$2
	[[ -f $f ]] || fail "$f does not exist" || return 1
	assert_eq "$(<"$f")" "$3" "$1/$2"
}

# assert_props UNIT NAME=VALUE...: systemctl show of the unit has these lines.
assert_props() {
	local unit=$1 kv names=() props
	shift
	for kv in "$@"; do names+=("${kv%%=*}"); done
	props=$(IFS=,; systemctl show -p "${names[*]}" "$unit") || fail "systemctl show $unit failed" || return 1
	printf 'systemctl show %s:\n%s\n' "$unit" "$props" >&2
	for kv in "$@"; do
		grep -qxF -- "$kv" <<<"$props" || fail "$unit: expected $kv" "got: $props" || return 1
	done
}

@test "resources: the scope's properties match the config (both modes; hybrid: the cgroup files too)" {
	cfg '.linux.resources = {
		"memory": {"limit": 33554432},
		"pids": {"limit": 20},
		"cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0"},
		"devices": [{"allow": false, "access": "rwm"}]
	}'
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope
	# CPUWeight = 1 + (1024 - 2) * 9999 / 262142 = 39 (runc's conversion);
	# CPUQuotaPerSecUSec = 50000 * 1000000 / 100000 = 500ms.
	assert_props "$u" MemoryMax=33554432 TasksMax=20 CPUWeight=39 AllowedCPUs=0 \
		DevicePolicy=strict CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=100ms
	local allow
	allow=$(unit_prop "$u" DeviceAllow)
	assert_contains "$allow" "/dev/char/1:3 rwm" DeviceAllow
	assert_contains "$allow" "char-pts rw" DeviceAllow
	if hybrid; then
		assert_cgfile memory memory.limit_in_bytes 33554432
		assert_cgfile pids pids.max 20
		# systemd's v1 conversion of CPUWeight: shares = weight * 1024 / 100
		assert_cgfile cpu cpu.shares 399
		assert_cgfile cpu cpu.cfs_quota_us 50000
		assert_cgfile cpu cpu.cfs_period_us 100000
	fi
}

@test "resources: memory reservation/swap, cpu mems, blockIO become their properties (both modes)" {
	cfg '.linux.resources = {
		"memory": {"limit": 33554432, "reservation": 16777216, "swap": 50331648},
		"cpu": {"cpus": "0", "mems": "0", "quota": -1},
		"blockIO": {"weight": 500,
			"weightDevice": [{"major": 8, "minor": 0, "weight": 1000}],
			"throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
			"throttleWriteBpsDevice": [{"major": 8, "minor": 16, "rate": 2097152}],
			"throttleReadIOPSDevice": [{"major": 8, "minor": 0, "rate": 100}],
			"throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 200}]}
	}'
	start_detached 'sleep 1000; :'
	# MemorySwapMax = swap - limit (runc: swap is memory+swap);
	# IOWeight = 1 + (500 - 10) * 9999 / 990 = 4950
	assert_props "crunit-$ID.scope" MemoryMax=33554432 MemoryLow=16777216 MemorySwapMax=16777216 \
		AllowedCPUs=0 AllowedMemoryNodes=0 CPUQuotaPerSecUSec=infinity IOWeight=4950 \
		"IODeviceWeight=/dev/block/8:0 10000" "IOReadBandwidthMax=/dev/block/8:0 1048576" \
		"IOWriteBandwidthMax=/dev/block/8:16 2097152" "IOReadIOPSMax=/dev/block/8:0 100" \
		"IOWriteIOPSMax=/dev/block/8:0 200"
}

@test "resources: no linux.resources sets none of the limits" {
	start_detached 'sleep 1000; :'
	assert_props "crunit-$ID.scope" MemoryMax=infinity DevicePolicy=auto CPUQuotaPerSecUSec=infinity
}

@test "resources: pids.limit 5 (hybrid: forking 10 sleeps fails; unified: property only, no pids controller)" {
	cfg '.linux.resources.pids = {"limit": 5}'
	if ! hybrid; then
		start_detached 'sleep 1000; :'
		assert_props "crunit-$ID.scope" TasksMax=5
		return 0
	fi
	# (the sleeps die with the container's init: it is PID 1 of its namespace)
	run_ctr 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 100 & done 2>&1; echo forked'
	# shellcheck disable=SC2154 # stderr is set by cr (helpers.bash)
	assert_contains "$output$stderr" "can't fork" "container output"
}

@test "resources: memory.limit 32M (hybrid: allocating 100M is OOM-killed; unified: property only, no memory controller)" {
	cfg '.linux.resources.memory = {"limit": 33554432}'
	if ! hybrid; then
		start_detached 'sleep 1000; :'
		assert_props "crunit-$ID.scope" MemoryMax=33554432
		return 0
	fi
	# tail keeps the whole (newline-free) input in memory; it volunteers to be the OOM
	# killer's victim (oom_score_adj 1000), so that the container's init survives to report
	run_ctr 'head -c 104857600 /dev/zero | (echo 1000 >/proc/self/oom_score_adj && exec tail) >/dev/null; echo "rc=$?"'
	assert_eq "$status" 0 "crunit run exit status"
	assert_contains "$output" "rc=137" "container output"
	assert_no_leftovers "$ID"
}

@test "resources: memory.limit 32M: a small allocation works under the limit" {
	cfg '.linux.resources.memory = {"limit": 33554432}'
	run_ctr_ok 'head -c 4194304 /dev/zero | tail | wc -c'
	assert_eq "$output" 4194304 "bytes"
}

@test "resources: runc's default deny-all device rule: /dev/null, zero, urandom and a pty still work" {
	cfg '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]}'
	cfg '.process.terminal = true'
	cfg_args sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && head -c 8 /dev/urandom | wc -c && tty && echo ok >/dev/tty && echo dev-ok'
	local out=$BATS_TEST_TMPDIR/script.out rc=0
	run_in_pty "$CRUNIT --root $CRUNIT_ROOT run --bundle $BUNDLE $ID" "$out" || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status of the container"
	grep -q '^4' "$out" || fail "/dev/zero did not give 4 bytes"
	grep -q '^8' "$out" || fail "/dev/urandom did not give 8 bytes"
	grep -q '^/dev/pts/0' "$out" || fail "no pty in the container"
	grep -q '^dev-ok' "$out" || fail "the device accesses did not all succeed"
	assert_no_leftovers "$ID"
}

@test "resources: deny-all devices (hybrid: devices.list has no 'a *:* rwm'; unified: DevicePolicy=strict)" {
	cfg '.linux.resources = {"devices": [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rw"}]}'
	start_detached 'sleep 1000; :'
	assert_props "crunit-$ID.scope" DevicePolicy=strict
	assert_contains "$(unit_prop "crunit-$ID.scope" DeviceAllow)" "/dev/char/10:200 rw" DeviceAllow
	if hybrid; then
		local list
		list=$(<"$(v1_dir devices)/devices.list")
		printf 'devices.list:\n%s\n' "$list" >&2
		[[ $list != *"a *:* rwm"* ]] || fail "devices.list allows everything"
		assert_contains "$list" "c 1:3 rwm" devices.list
		assert_contains "$list" "c 10:200 rw" devices.list
		assert_contains "$list" "c 136:* rw" devices.list
	fi
}

@test "resources: a deny-all device rule: the container cannot mknod a device not allowed (hybrid; unified: property only)" {
	cfg '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]}'
	if ! hybrid; then
		start_detached 'sleep 1000; :'
		assert_props "crunit-$ID.scope" DevicePolicy=strict
		return 0
	fi
	# /dev/mem (1:1) is not in the allow list: mknod is refused by the devices cgroup
	run_ctr 'mknod /tmp/mem c 1 1 && echo mknod-ok; echo x >/dev/null && echo null-ok'
	assert_contains "$output" null-ok
	[[ $output != *mknod-ok* ]] || fail "mknod of c 1:1 succeeded despite the device rules"
}

@test "resources: a refused field is a one-line error naming it, nothing left" {
	cfg '.linux.resources = {"hugepageLimits": [{"pageSize": "2MB", "limit": 1048576}]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.resources.hugepageLimits is not supported yet"
	assert_no_leftovers "$ID"

	cfg '.linux.resources = {"memory": {"limit": 33554432, "kernel": 1048576}}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.resources.memory.kernel is not supported yet"
	assert_no_leftovers "$ID"

	cfg '.linux.resources = {"devices": [{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 1, "access": "rwm"}]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob "config.json: linux.resources.devices[[]1[]]: denying some devices while others are allowed cannot be expressed*"
	assert_no_leftovers "$ID"
}

@test "resources: an invalid CPU list fails create cleanly" {
	cfg '.linux.resources = {"cpu": {"cpus": "0-"}}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob 'config.json: linux.resources.cpu.cpus: invalid list "0-"*'
	assert_no_leftovers "$ID"
}
