#!/usr/bin/env bats
# cli.bats - global options, --version, --help, logging, `crunit spec`.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "--version and -v print version, spec version and libraries" {
	local opt
	for opt in --version -v; do
		crunit_ok "$opt"
		assert_match "${lines[0]}" '^crunit version [0-9]+\.[0-9]+\.[0-9]+' "first line of $opt"
		assert_eq "${lines[1]}" "spec: 1.2.0" "second line of $opt"
		((${#lines[@]} >= 3)) || fail "$opt: no library versions after the spec line"
		assert_contains "$output" "libsystemd" "$opt"
		assert_contains "$output" "libseccomp" "$opt"
		[[ -z $stderr ]] || fail "$opt wrote to stderr: $stderr"
	done
	# Same output for both spellings.
	cr --version
	local a=$output
	cr -v
	assert_eq "$output" "$a" "-v vs --version"
}

@test "--help lists every command and exits 0" {
	crunit_ok --help
	local v
	for v in spec create start run state list kill delete; do
		grep -qE "^\s+$v\b" "$CR_OUT" || fail "--help does not list the command $v"
	done
	assert_contains "$output" "--root"
}

@test "every command has --help (exit 0, usage on stdout)" {
	local v
	for v in spec create start run state list kill delete; do
		crunit_ok "$v" --help
		assert_contains "$output" "Usage: crunit $v" "$v --help"
	done
}

@test "--systemd-cgroup and --debug are accepted" {
	crunit_ok --systemd-cgroup list
	assert_match "${lines[0]}" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER *$' "list header"
	crunit_ok --debug list
	crunit_ok --systemd-cgroup --debug --root "$BATS_TEST_TMPDIR/r" list -q
}

@test "--log FILE --log-format json: JSON lines in the file, error also on stderr" {
	local log=$BATS_TEST_TMPDIR/crunit.log
	crunit_fails --log "$log" --log-format json state "no-such-$ID"
	assert_error "container \"no-such-$ID\" does not exist"
	[[ -s $log ]] || fail "log file $log is empty or missing"
	show_file "$log"
	# Every line is a JSON object with level, msg, time.
	jq -e -s 'length > 0 and all(.[]; (.level|type) == "string" and (.msg|type) == "string" and (.time|type) == "string")' "$log" >/dev/null ||
		fail "log file lines are not all JSON objects with string level/msg/time"
	jq -e -s --arg m "container \"no-such-$ID\" does not exist" 'any(.[]; .level == "error" and (.msg | contains($m)))' "$log" >/dev/null ||
		fail "no error entry with the message in the JSON log"
}

@test "--log FILE with text format writes the error to the file and stderr" {
	local log=$BATS_TEST_TMPDIR/crunit-text.log
	crunit_fails --log "$log" --log-format text state "no-such-$ID"
	assert_error "container \"no-such-$ID\" does not exist"
	grep -qF "container \"no-such-$ID\" does not exist" "$log" || { show_file "$log"; fail "error not in the text log"; }
}

@test "--log-format with an unknown format is an error" {
	crunit_fails --log-format yaml list
}

@test "spec writes a runtime-spec 1.2.0 config.json with the documented defaults" {
	local d=$BATS_TEST_TMPDIR/spec1
	mkdir -p "$d"
	cd "$d"
	crunit_ok spec
	[[ -f $d/config.json ]] || fail "no config.json written in the current directory"
	local c=$d/config.json
	jq -e . "$c" >/dev/null || fail "config.json is not valid JSON"
	assert_eq "$(jq -r .ociVersion "$c")" 1.2.0 ociVersion
	assert_eq "$(jq -c .process.args "$c")" '["sh"]' process.args
	assert_eq "$(jq -r .process.terminal "$c")" true process.terminal
	assert_eq "$(jq -r .root.path "$c")" rootfs root.path
	assert_eq "$(jq -r .root.readonly "$c")" true root.readonly
	assert_eq "$(jq -r .hostname "$c")" crunit hostname
	assert_eq "$(jq -c '[.linux.namespaces[].type] | sort' "$c")" \
		'["cgroup","ipc","mount","network","pid","uts"]' "namespace types"
	assert_eq "$(jq -r '.linux.namespaces | map(select(.type == "user")) | length' "$c")" 0 "user namespace in non-rootless spec"
	assert_eq "$(jq -r '.linux.maskedPaths | length > 0' "$c")" true "maskedPaths present"
	assert_eq "$(jq -r '.linux.readonlyPaths | length > 0' "$c")" true "readonlyPaths present"
	assert_eq "$(jq -r '.linux.maskedPaths | index("/proc/kcore") != null' "$c")" true "/proc/kcore masked"
	assert_eq "$(jq -r '.linux.readonlyPaths | index("/proc/sys") != null' "$c")" true "/proc/sys readonly"
}

@test "spec refuses to overwrite an existing config.json" {
	local d=$BATS_TEST_TMPDIR/spec2
	mkdir -p "$d"
	echo '{"keep":"me"}' >"$d/config.json"
	cd "$d"
	crunit_fails spec
	assert_error "File config.json exists. Remove it first"
	assert_eq "$(cat "$d/config.json")" '{"keep":"me"}' "config.json content after refused spec"
	crunit_fails spec --bundle "$d"
	assert_error_glob "*config.json exists. Remove it first"
}

@test "spec --bundle DIR writes DIR/config.json, not ./config.json" {
	local d=$BATS_TEST_TMPDIR/spec3 cwd=$BATS_TEST_TMPDIR/spec3-cwd
	mkdir -p "$d" "$cwd"
	cd "$cwd"
	crunit_ok spec --bundle "$d"
	[[ -f $d/config.json ]] || fail "spec --bundle did not write $d/config.json"
	[[ ! -e $cwd/config.json ]] || fail "spec --bundle also wrote ./config.json"
	crunit_ok spec -b "$cwd"
	[[ -f $cwd/config.json ]] || fail "spec -b did not write $cwd/config.json"
}

@test "spec --rootless adds a user namespace mapping the caller to 0" {
	local d=$BATS_TEST_TMPDIR/spec4
	mkdir -p "$d"
	crunit_ok spec --rootless --bundle "$d"
	local c=$d/config.json
	assert_eq "$(jq -r '[.linux.namespaces[].type] | index("user") != null' "$c")" true "user namespace"
	assert_eq "$(jq -c '.linux.uidMappings' "$c")" "[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}]" uidMappings
	assert_eq "$(jq -c '.linux.gidMappings' "$c")" "[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]" gidMappings
}

@test "the default spec runs (with a console it is the only change needed)" {
	# new_bundle's config is spec + terminal false + args ["true"]; make sure
	# the spec as written is otherwise runnable.
	crunit_ok run --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID"
}

@test "--log journald: crunit's own diagnostics go to the journal (and errors to stderr)" {
	local tag=journal-$ID
	crunit_fails --log journald state "$tag"
	assert_error "container \"$tag\" does not exist"
	local i
	for ((i = 0; i < 50; i++)); do
		journalctl --sync 2>/dev/null || true
		journalctl -q -t crunit --no-pager -o cat | grep -qF "container \"$tag\" does not exist" && return 0
		sleep 0.1
	done
	fail "message not in the journal: $(journalctl -q -t crunit --no-pager -o cat | tail -5)"
}
