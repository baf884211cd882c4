#!/usr/bin/env bats
# unit-properties.bats - org.systemd.property.NAME annotations become properties of the scope
# (runc's convention: GVariant text values, NAMESec → NAMEUSec in microseconds).

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# annotate NAME VALUE: sets the annotation org.systemd.property.NAME to VALUE.
annotate() {
	cfg '.annotations["org.systemd.property." + $n] = $v' --arg n "$1" --arg v "$2"
}

@test "annotations set scope properties: strings, uint64, Sec → USec, booleans, arrays" {
	annotate CollectMode "'inactive'"
	annotate TimeoutStopSec 'uint64 7'
	annotate CPUWeight 'uint64 77'
	annotate Description '"a container, described"'
	annotate IOAccounting 'true'
	annotate After "['network.target', 'crunit-test-nonexistent.service']"
	annotate RuntimeMaxUSec '@t 3600000000'
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope
	systemctl show -p CollectMode,TimeoutStopUSec,CPUWeight,Description,IOAccounting,After,RuntimeMaxUSec \
		"$u" >"$BATS_TEST_TMPDIR/props"
	show_file "$BATS_TEST_TMPDIR/props"
	assert_eq "$(unit_prop "$u" CollectMode)" inactive CollectMode
	assert_eq "$(unit_prop "$u" TimeoutStopUSec)" 7s TimeoutStopUSec
	assert_eq "$(unit_prop "$u" CPUWeight)" 77 CPUWeight
	assert_eq "$(unit_prop "$u" Description)" "a container, described" Description
	assert_eq "$(unit_prop "$u" IOAccounting)" yes IOAccounting
	assert_eq "$(unit_prop "$u" RuntimeMaxUSec)" 1h RuntimeMaxUSec
	local after
	after=$(unit_prop "$u" After)
	assert_contains "$after" network.target After
	assert_contains "$after" crunit-test-nonexistent.service After
	# crunit's own properties stay
	assert_eq "$(unit_prop "$u" Delegate)" yes Delegate
	assert_eq "$(unit_prop "$u" Slice)" machine.slice Slice
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"
}

@test "NAMESec takes seconds as any number type: int32, double" {
	annotate TimeoutStopSec '3'
	annotate RuntimeMaxSec '3600.5'
	start_detached 'sleep 1000; :'
	assert_eq "$(unit_prop "crunit-$ID.scope" TimeoutStopUSec)" 3s TimeoutStopUSec
	assert_eq "$(unit_prop "crunit-$ID.scope" RuntimeMaxUSec)" "1h 500ms" RuntimeMaxUSec
}

@test "an annotation overrides crunit's default (TimeoutStopUSec 10s)" {
	start_detached 'sleep 1000; :'
	assert_eq "$(unit_prop "crunit-$ID.scope" TimeoutStopUSec)" 10s "default TimeoutStopUSec"
	crunit_ok delete --force "$ID"
	new_id
	annotate TimeoutStopUSec 'uint64 2500000'
	start_detached 'sleep 1000; :'
	assert_eq "$(unit_prop "crunit-$ID.scope" TimeoutStopUSec)" 2.500000s TimeoutStopUSec
}

# bad_annotation NAME VALUE EXPECTED-ERROR-GLOB: create fails with one line, nothing left.
bad_annotation() {
	annotate "$1" "$2"
	cfg_sh 'sleep 1000; :'
	crunit_fails run -d --bundle "$BUNDLE" "$ID" || return 1
	assert_error_glob "$3" || return 1
	assert_no_leftovers "$ID"
}

@test "an unparseable value is an error naming the annotation" {
	bad_annotation CollectMode inactive-or-failed \
		"annotation org.systemd.property.CollectMode: cannot use \"inactive-or-failed\" as the value of CollectMode: not a GVariant value*"
}

@test "a Sec value that is not a number is an error naming the annotation" {
	bad_annotation TimeoutStopSec "'10s'" \
		"annotation org.systemd.property.TimeoutStopSec: cannot use \"'10s'\" as the value of TimeoutStopSec: *number of seconds"
}

@test "a bad property name is an error naming the annotation" {
	bad_annotation 'CPU-Weight' 'uint64 1' \
		'annotation org.systemd.property.CPU-Weight: "CPU-Weight" is not a unit property name*'
}

@test "a property systemd does not know is an error naming the annotation" {
	bad_annotation NoSuchPropertyAtAll 'true' \
		"annotation org.systemd.property.NoSuchPropertyAtAll: systemd refused the property NoSuchPropertyAtAll of crunit-$ID.scope: *"
}

@test "a value systemd refuses is an error naming the annotation" {
	bad_annotation CollectMode "'sometimes'" \
		"annotation org.systemd.property.CollectMode: systemd refused the property CollectMode of crunit-$ID.scope: *sometimes*"
}

@test "a value of the wrong D-Bus type is an error pointing at the annotations" {
	# systemd wants a uint64 ("t") for CPUWeight; 100 is an int32
	bad_annotation CPUWeight '100' \
		"systemd refused to create crunit-$ID.scope: * (is the D-Bus type of org.systemd.property.CPUWeight right?*"
}
