#!/usr/bin/env bats
# intelrdt.bats - linux.intelRdt where resctrl is not mounted (these machines' CPUs have no
# RDT): one clear error, nothing left behind, nothing created. The resctrl side itself (groups,
# schemata, tasks, closID reuse, removal) is tested against a fake resctrl tree in
# tests/unit/test-intelrdt.c.

load helpers

setup() {
	common_setup
	[[ $(stat -f -c %t /sys/fs/resctrl 2>/dev/null) != 7655821 ]] ||
		fail "resctrl is mounted at /sys/fs/resctrl: these tests expect it absent"
}
teardown() { common_teardown; }

RDT_ERR='linux.intelRdt is set but resctrl is not mounted at /sys/fs/resctrl (this CPU or kernel does not support Intel RDT, or it needs `mount -t resctrl resctrl /sys/fs/resctrl`)'

assert_resctrl_untouched() {
	if [[ -e /sys/fs/resctrl ]]; then
		[[ -z $(ls -A /sys/fs/resctrl) ]] || fail "/sys/fs/resctrl is not empty: $(ls -A /sys/fs/resctrl)"
	fi
}

@test "intelrdt: every form of linux.intelRdt is refused with one clear error, nothing left" {
	local c
	for c in \
		'{"closID": "guaranteed_group", "l3CacheSchema": "L3:0=7f0;1=1f", "memBwSchema": "MB:0=20;1=70"}' \
		'{}' \
		'{"closID": "preset"}' \
		'{"schemata": ["L3:0=7f0", "MB:0=20"]}' \
		'{"schemata": "L3:0=7f0;1=1f\nL2:0=f\nMB:0=20;1=70"}' \
		'{"enableCMT": true, "enableMBM": true}'; do
		cfg ".linux.intelRdt = $c"
		crunit_fails run --bundle "$BUNDLE" "$ID"
		assert_error "$RDT_ERR"
		assert_no_leftovers "$ID"
		crunit_fails create --bundle "$BUNDLE" "$ID"
		assert_error "$RDT_ERR"
		assert_no_leftovers "$ID"
		cr state "$ID"
		((status != 0)) || fail "container $ID exists after a failed create"
	done
	assert_resctrl_untouched
}

@test "intelrdt: config errors in linux.intelRdt name the field" {
	cfg '.linux.intelRdt = {"closID": "../x"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob 'config.json: linux.intelRdt.closID "../x" is not a valid resctrl group name*'
	assert_no_leftovers "$ID"
	cfg '.linux.intelRdt = {"closID": "info"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob 'config.json: linux.intelRdt.closID "info" is not a valid resctrl group name*'
	cfg '.linux.intelRdt = {"memBwSchema": "L3:0=f"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.intelRdt.memBwSchema must be one line starting with "MB:", not "L3:0=f"'
	cfg '.linux.intelRdt = {"schemata": ["L3 0=f"]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.intelRdt.schemata[0]: "L3 0=f" is not a schemata line (RESOURCE:ID=VALUE;...)'
	cfg '.linux.intelRdt = {"enableCMT": "yes"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob 'config.json: linux.intelRdt.enableCMT*'
	cfg '.linux.intelRdt = {"enableMonitoring": true}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.intelRdt.enableMonitoring (a per-container resctrl monitoring group) is not supported yet'
	assert_no_leftovers "$ID"
	assert_resctrl_untouched
}

@test "intelrdt: linux.intelRdt null is not set: the container runs" {
	cfg '.linux.intelRdt = null | .process.args = ["true"]'
	crunit_ok run --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID"
}

@test "intelrdt: features says intelRdt is not enabled without resctrl" {
	crunit_ok features
	assert_eq "$(jq -c .linux.intelRdt <<<"$output")" '{"enabled":false}' "linux.intelRdt"
}
