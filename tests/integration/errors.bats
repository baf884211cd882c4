#!/usr/bin/env bats
# errors.bats - bad input: one line "crunit: ..." on stderr, exit 1, and
# nothing left behind after a failed create/run (state dir, scope, process,
# mount); the same id works afterwards.

load helpers

setup() {
	common_setup || return 1
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good.json"
	MARKER=mark-$ID
	# A marker on the command line of the process, to find leftovers.
	cfg_args sh -c 'echo should-not-run; sleep 100; :' "$MARKER"
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good-marked.json"
}
teardown() { common_teardown; }

restore_config() {
	cp "$BATS_TEST_TMPDIR/good-marked.json" "$BUNDLE/config.json"
}

# expect_fail_create_and_run GLOB: `create` and `run` (and `run -d`) of $ID
# with the current config fail with "crunit: GLOB" and leave nothing; then
# with the good config, create succeeds with the same id.
expect_fail_create_and_run() {
	local glob=$1 verb
	for verb in create run "run -d"; do
		# shellcheck disable=SC2086
		crunit_fails $verb --bundle "$BUNDLE" "$ID"
		assert_error_glob "$glob"
		assert_no_leftovers "$ID" "$MARKER"
		assert_no_leftovers "$ID" "$ID"
	done
	restore_config
	crunit_ok create --bundle "$BUNDLE" "$ID"
	assert_eq "$(ctr_status "$ID")" created "status of the retried create"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "unknown id: state, start, kill, delete" {
	local v
	for v in state start kill delete; do
		crunit_fails "$v" "nope-$ID"
		assert_error "container \"nope-$ID\" does not exist"
	done
	crunit_fails kill "nope-$ID" KILL
	assert_error "container \"nope-$ID\" does not exist"
	crunit_fails kill --all "nope-$ID" KILL
	assert_error "container \"nope-$ID\" does not exist"
	[[ ! -e $CRUNIT_ROOT/nope-$ID ]] || fail "a state directory was created for an unknown id"
}

@test "duplicate create: already exists, the first container is untouched" {
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "container \"$ID\" already exists"
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "container \"$ID\" already exists"
	crunit_fails run -d --bundle "$BUNDLE" "$ID"
	assert_error "container \"$ID\" already exists"
	assert_eq "$(ctr_status "$ID")" created "status of the first container"
	assert_eq "$(ctr_pid "$ID")" "$pid" "pid of the first container"
	assert_eq "$(systemctl is-active "crunit-$ID.scope")" active "scope of the first container"
	assert_eq "$(pgrep -f -c -- "$MARKER" || true)" 0 "processes of a second container"
	crunit_ok start "$ID"
	wait_file_contains "$CR_OUT" should-not-run 2>/dev/null || true
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID" "$MARKER"
}

@test "invalid ids are refused (create, run)" {
	local bad verb
	for bad in "../x" "a/b" "/abs" ".." "." "a b" "x\$y" "$(printf 'a%.0s' {1..200})"; do
		for verb in create run; do
			crunit_fails "$verb" --bundle "$BUNDLE" "$bad"
			assert_error_glob "invalid container id*"
		done
	done
	[[ ! -e $CRUNIT_ROOT/../x && ! -e $CRUNIT_ROOT/a ]] || fail "invalid id created something: $(ls -la "$CRUNIT_ROOT/.." "$CRUNIT_ROOT")"
	[[ -z $(systemctl list-units --all --no-legend --plain 'crunit-*x.scope' 'crunit-a*.scope') ]] ||
		fail "a scope was created for an invalid id"
	assert_eq "$(pgrep -f -c -- "$MARKER" || true)" 0 "container processes"
}

@test "invalid ids are refused by state, start, kill, delete" {
	local v
	for v in state start kill delete; do
		crunit_fails "$v" "../x"
	done
	crunit_fails delete --force "../x"
}

@test "malformed config.json: truncated JSON" {
	printf '{"ociVersion": "1.2.0", "process": ' >"$BUNDLE/config.json"
	expect_fail_create_and_run "config.json: *"
}

@test "malformed config.json: not an object" {
	echo '[1, 2, 3]' >"$BUNDLE/config.json"
	expect_fail_create_and_run "config.json: *"
}

@test "malformed config.json: empty process.args" {
	restore_config
	cfg '.process.args = []'
	expect_fail_create_and_run "config.json: *"
}

@test "malformed config.json: wrong type (process.user.uid is a string)" {
	restore_config
	cfg '.process.user.uid = "zero"'
	expect_fail_create_and_run "config.json: *"
}

@test "missing rootfs" {
	restore_config
	cfg '.root.path = "no-such-rootfs"'
	expect_fail_create_and_run "rootfs $BUNDLE/no-such-rootfs: No such file or directory"
}

@test "missing config.json" {
	rm -f "$BUNDLE/config.json"
	expect_fail_create_and_run "*config.json*No such file or directory*"
}

@test "nonexistent bundle directory" {
	local verb
	for verb in create run; do
		crunit_fails "$verb" --bundle "$BATS_TEST_TMPDIR/no-such-bundle" "$ID"
		assert_no_leftovers "$ID"
	done
}

@test "executable not found in \$PATH" {
	restore_config
	cfg_args "foo-$MARKER" "$MARKER"
	expect_fail_create_and_run "exec: \"foo-$MARKER\": executable file not found in \$PATH"
}

@test "executable given by a path that does not exist" {
	restore_config
	cfg_args "/bin/foo-$MARKER" "$MARKER"
	expect_fail_create_and_run "*foo-$MARKER*"
}

@test "terminal true without --console-socket: create and run -d refuse" {
	restore_config
	cfg '.process.terminal = true'
	local verb
	for verb in create "run -d"; do
		# shellcheck disable=SC2086
		crunit_fails $verb --bundle "$BUNDLE" "$ID"
		assert_error_glob "*terminal*console-socket*"
		assert_no_leftovers "$ID" "$MARKER"
	done
	restore_config
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "malformed linux.cgroupsPath" {
	restore_config
	local p
	for p in "foo" "a:b" "machine.slice:foo" "x:y:z:w" "nonslice:foo:bar"; do
		cfg '.linux.cgroupsPath = $p' --arg p "$p"
		crunit_fails create --bundle "$BUNDLE" "$ID"
		assert_error_glob "*cgroupsPath*"
		assert_no_leftovers "$ID" "$MARKER"
		crunit_fails run --bundle "$BUNDLE" "$ID"
		assert_no_leftovers "$ID" "$MARKER"
	done
	restore_config
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "bind mount with a nonexistent source fails cleanly" {
	restore_config
	cfg '.mounts += [{"destination": "/data", "type": "bind", "source": "no-such-dir", "options": ["rbind"]}]'
	expect_fail_create_and_run "*"
}

@test "a cwd that is a file fails cleanly" {
	restore_config
	cfg '.process.cwd = "/bin/busybox"'
	expect_fail_create_and_run "*"
}

@test "bad --preserve-fds and unknown options are usage errors" {
	restore_config
	crunit_fails create --preserve-fds abc --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID" "$MARKER"
	crunit_fails create --no-such-option --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID" "$MARKER"
	crunit_fails no-such-command
}

@test "many failed creates in a row leave nothing (no 'Unit already exists')" {
	restore_config
	cfg_args "foo-$MARKER"
	local i
	for i in 1 2 3 4 5; do
		crunit_fails create --bundle "$BUNDLE" "$ID"
		assert_error "exec: \"foo-$MARKER\": executable file not found in \$PATH"
	done
	assert_no_leftovers "$ID" "$MARKER"
	cfg_sh 'echo retried'
	crunit_ok run --bundle "$BUNDLE" "$ID"
	assert_eq "$output" retried stdout
}
