#!/usr/bin/env bats
# labels.bats - fields crunit refuses on these kernels (no LSM, no resctrl),
# with a one-line error naming the field, and empty values accepted; the five
# capability sets as the process gets them.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "labels: process.selinuxLabel, process.apparmorProfile, linux.mountLabel are refused when the host does not run that LSM" {
	[[ ! -e /sys/fs/selinux/enforce && $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) != Y ]] ||
		fail "this host runs SELinux or AppArmor: this test expects neither"
	cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "config.json: process.selinuxLabel \"system_u:system_r:container_t:s0\" is set but SELinux is not enabled on this host"
	assert_no_leftovers "$ID"
	cfg 'del(.process.selinuxLabel) | .process.apparmorProfile = "docker-default"'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "config.json: process.apparmorProfile \"docker-default\" is set but AppArmor is not enabled on this host"
	assert_no_leftovers "$ID"
	cfg 'del(.process.apparmorProfile) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.mountLabel \"system_u:object_r:container_file_t:s0\" is set but SELinux is not enabled on this host"
	assert_no_leftovers "$ID"
}

@test "labels: empty labels are accepted" {
	cfg '.process.selinuxLabel = "" | .process.apparmorProfile = "" | .linux.mountLabel = ""'
	crunit_ok run --bundle "$BUNDLE" "$ID"
}

@test "labels: linux.intelRdt is refused (no resctrl here)" {
	[[ ! -d /sys/fs/resctrl/info ]] || fail "resctrl is mounted: this test expects it absent"
	cfg '.linux.intelRdt = {"closID": "guaranteed_group", "l3CacheSchema": "L3:0=7f0"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob "linux.intelRdt is set but resctrl is not mounted at /sys/fs/resctrl *"
	assert_no_leftovers "$ID"
}

# the capability mask /proc/self/status shows for a list of names
mask_of() {
	local n bits=0
	for n in "$@"; do
		case $n in
		CAP_CHOWN) bits=$((bits | 1 << 0)) ;;
		CAP_KILL) bits=$((bits | 1 << 5)) ;;
		CAP_NET_BIND_SERVICE) bits=$((bits | 1 << 10)) ;;
		CAP_NET_RAW) bits=$((bits | 1 << 13)) ;;
		CAP_SYS_TIME) bits=$((bits | 1 << 25)) ;;
		esac
	done
	printf '%016x\n' "$bits"
}

@test "capabilities: all five sets reach the process" {
	cfg '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_TIME"],
		"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		"effective": ["CAP_CHOWN", "CAP_KILL"],
		"inheritable": ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		"ambient": ["CAP_NET_BIND_SERVICE"]}'
	run_ctr_ok 'grep ^Cap /proc/self/status'
	# permitted/effective are recomputed by execve (for uid 0: bounding | inheritable);
	# bounding, inheritable and ambient are kept as set
	assert_contains "$output" "CapBnd:	$(mask_of CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_TIME)"
	assert_contains "$output" "CapInh:	$(mask_of CAP_NET_BIND_SERVICE CAP_NET_RAW)"
	assert_contains "$output" "CapAmb:	$(mask_of CAP_NET_BIND_SERVICE)"
}

@test "capabilities: an unknown name in any set is an error naming the set" {
	local set
	for set in bounding effective permitted inheritable ambient; do
		cfg ".process.capabilities = {\"$set\": [\"CAP_CHOWN\", \"CAP_NOPE\"]}"
		crunit_fails create --bundle "$BUNDLE" "$ID"
		assert_error "config.json: process.capabilities.$set[1]: unknown capability \"CAP_NOPE\"" || return 1
	done
	assert_no_leftovers "$ID"
}
