#!/usr/bin/env bats
# seccomp.bats - linux.seccomp: actions, errno values, argument conditions,
# unknown syscall names, errors at create, a realistic default profile, and
# where the filter is loaded (noNewPrivileges true and false).

load helpers

# A writable rootfs: without the filter, mkdir/chmod in /tmp succeed.
setup() {
	common_setup || return 1
	cfg '.root.readonly = false'
}
teardown() { common_teardown; }

DATA=$HELPERS_DIR/data

# seccomp JSON: sets linux.seccomp.
cfg_seccomp() {
	cfg ".linux.seccomp = $1"
}

# A profile allowing everything but one rule (the JSON object of syscalls[0]).
allow_but() {
	cfg_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$1]}"
}

@test "seccomp: SCMP_ACT_ERRNO on mkdir gives EPERM, the rest works" {
	allow_but '{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}'
	run_ctr 'echo before; mkdir /tmp/x; echo "mkdir=$?"; touch /tmp/y && echo touched'
	assert_eq "$status" 0 "exit status"
	assert_contains "$stderr" "Operation not permitted"
	assert_contains "$output" "before"
	assert_contains "$output" "mkdir=1"
	assert_contains "$output" "touched"
}

@test "seccomp: errnoRet 38 gives ENOSYS" {
	allow_but '{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}'
	run_ctr 'mkdir /tmp/x'
	assert_eq "$status" 1 "exit status"
	assert_contains "$stderr" "Function not implemented"
}

@test "seccomp: defaultAction ERRNO with defaultErrnoRet, allow list" {
	cfg '.linux.seccomp = ($p[0] | .syscalls |= map(.names -= ["mkdir"]))' --slurpfile p "$DATA/seccomp-default.json"
	run_ctr 'mkdir /tmp/x'
	assert_eq "$status" 1 "exit status"
	assert_contains "$stderr" "Function not implemented"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS on uname kills with SIGSYS (exit 159)" {
	allow_but '{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}'
	cfg '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	cfg_args uname -a
	cr run --bundle "$BUNDLE" "$ID"
	assert_eq "$status" 159 "exit status (128+SIGSYS)"
	[[ -z $output ]] || fail "uname printed something: $output"
}

@test "seccomp: args, one index twice: each condition is a rule of its own (ORed)" {
	# kill(pid, 0) and kill(pid, SIGUSR1) are refused, kill(pid, SIGTERM) is not.
	allow_but '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
		{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"},
		{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}'
	run_ctr 'kill -0 $$ || echo "sig0 refused"
		trap "echo got-usr1" USR1; kill -USR1 $$ || echo "usr1 refused"
		sleep 30 & p=$!; kill -TERM $p && wait $p; echo "term=$?"'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "sig0 refused"
	assert_contains "$output" "usr1 refused"
	assert_contains "$output" "term=143"
	[[ $output != *got-usr1* ]] || fail "SIGUSR1 was delivered: $output"
}

@test "seccomp: args on different indexes are ANDed; SCMP_CMP_MASKED_EQ" {
	# chmod(path, mode) with mode & 07 == 07 (other rwx) is refused.
	allow_but '{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [
		{"index": 1, "value": 7, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]}'
	run_ctr 'touch /tmp/f; chmod 750 /tmp/f && echo "750 ok"; chmod 777 /tmp/f || echo "777 refused"; stat -c %a /tmp/f'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "750 ok"
	assert_contains "$output" "777 refused"
	assert_contains "$stderr" "Permission denied"
	assert_eq "${lines[2]}" 750 "mode"

	# kill(pid == 1 AND sig == SIGUSR2): only both together match.
	allow_but '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
		{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
		{"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}'
	run_ctr 'trap "echo got-usr2" USR2; kill -USR2 1 || echo "usr2 to 1 refused"
		trap "echo got-usr1" USR1; kill -USR1 1 && echo "usr1 to 1 sent"'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "usr2 to 1 refused"
	assert_contains "$output" "usr1 to 1 sent"
}

@test "seccomp: syscall names this libseccomp does not know are skipped" {
	allow_but '{"names": ["no_such_syscall", "mkdir", "statmount_of_the_future"], "action": "SCMP_ACT_ERRNO"}'
	run_ctr 'mkdir /tmp/x || echo refused'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "refused"
	assert_contains "$stderr" "Operation not permitted"
	# Logged at debug level only.
	[[ $stderr != *no_such_syscall* ]] || fail "unknown syscall name reported without --debug"
	new_id
	cfg_sh true
	rm -rf "$CRUNIT_ROOT/.seccomp-cache" # compiled again, not taken from the cache
	cr --debug run --bundle "$BUNDLE" "$ID"
	assert_eq "$status" 0 "exit status with --debug"
	assert_contains "$stderr" "syscall no_such_syscall unknown to libseccomp, skipped"
}

@test "seccomp: an unknown action is refused at create, one line, nothing left" {
	cfg_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.seccomp.syscalls[1].action: unknown action "SCMP_ACT_BOGUS"'
	assert_no_leftovers "$ID"
}

@test "seccomp: SCMP_ACT_NOTIFY as default, unknown arch/op/flag are refused at create" {
	# the notify action itself: seccomp-notify.bats
	cfg_seccomp '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/seccomp.sock"}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'
	assert_no_leftovers "$ID"

	cfg_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_VAX"'

	allow_but '{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_XX"'

	cfg_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FOO"]}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_FOO"'
	assert_no_leftovers "$ID"
}

@test "seccomp: a podman-like default profile runs sh, ls, cat; Seccomp: 2" {
	cfg ".linux.seccomp = \$p[0]" --slurpfile p "$DATA/seccomp-default.json"
	run_ctr 'ls / >/dev/null && cat /etc/passwd >/dev/null && mkdir /tmp/d && echo hi >/tmp/d/f &&
		cat /tmp/d/f && ls /tmp/d && (sleep 0.1; echo sub) && grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "hi"
	assert_contains "$output" "sub"
	assert_match "$output" $'Seccomp:\t2'
	assert_match "$output" $'NoNewPrivs:\t1'
	# Its ERRNO list (unshare, mount, …) gets EPERM.
	run_ctr 'unshare -U true'
	assert_contains "$stderr" "Operation not permitted"
}

@test "seccomp: noNewPrivileges false: loaded before the capabilities and user are set" {
	cfg ".linux.seccomp = \$p[0]" --slurpfile p "$DATA/seccomp-default.json"
	cfg '.process.noNewPrivileges = false | .process.user = {"uid": 65534, "gid": 65534, "additionalGids": [100]}'
	run_ctr 'id -u; id -G; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
	assert_eq "$status" 0 "exit status"
	assert_eq "${lines[0]}" 65534 uid
	assert_eq "${lines[1]}" "65534 100" groups
	assert_match "$output" $'Seccomp:\t2'
	# libseccomp's default would have set no_new_privs: crunit turns that off.
	assert_match "$output" $'NoNewPrivs:\t0'
}

@test "seccomp: compiled at create, loaded only at start" {
	allow_but '{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}'
	cfg_sh 'grep "^Seccomp:" /proc/self/status; sleep 30'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid out=$CR_OUT
	pid=$(ctr_pid "$ID")
	grep -q $'^Seccomp:\t0' "/proc/$pid/status" || fail "filter loaded before start: $(grep Seccomp "/proc/$pid/status")"
	crunit_ok start "$ID"
	wait_file_contains "$out" $'Seccomp:\t2'
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "seccomp: flags TSYNC, LOG and SPEC_ALLOW are applied" {
	cfg_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
			{"names": ["getppid"], "action": "SCMP_ACT_LOG"}]}'
	run_ctr 'mkdir /tmp/x || echo refused; grep "^Seccomp:" /proc/self/status'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "refused"
	assert_match "$output" $'Seccomp:\t2'
}

# The compiled-filter cache (src/runtime/seccomp-cache.c) below the state root.
CACHE=$CRUNIT_ROOT/.seccomp-cache

# Prints the cache's entries (not its temporary files), one a line, sorted.
cache_entries() {
	ls -A "$CACHE" 2>/dev/null | grep -v '^\.' | sort || true
}

# A profile of its own for this test (an unknown syscall name changes the
# key, not the filter): refuses mkdir with errno $1 (default EPERM).
cached_profile() {
	allow_but "{\"names\": [\"mkdir\", \"crunit_test_${ID//-/_}\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": ${1:-1}}"
}

@test "seccomp cache: the second run adds no entry and the filter works; a new profile adds one" {
	cached_profile
	local before after1 after2 new
	before=$(cache_entries)
	run_ctr 'mkdir /tmp/x || echo refused'
	assert_contains "$output" "refused"
	after1=$(cache_entries)
	new=$(comm -13 <(echo "$before") <(echo "$after1"))
	assert_eq "$(wc -w <<<"$new")" 1 "new cache entries after the first run"
	[[ $(stat -c %a "$CACHE") == 700 ]] || fail "cache directory mode $(stat -c %a "$CACHE")"
	[[ $(stat -c %a "$CACHE/$new") == 600 ]] || fail "cache entry mode $(stat -c %a "$CACHE/$new")"
	local mtime
	mtime=$(stat -c %Y.%y "$CACHE/$new")

	run_ctr 'mkdir /tmp/x || echo refused; grep "^Seccomp:" /proc/self/status'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "refused"
	assert_match "$output" $'Seccomp:\t2'
	after2=$(cache_entries)
	assert_eq "$after2" "$after1" "cache entries after the second run"
	assert_eq "$(stat -c %Y.%y "$CACHE/$new")" "$mtime" "the entry was not rewritten"

	cached_profile 38
	run_ctr 'mkdir /tmp/x'
	assert_contains "$stderr" "Function not implemented"
	[[ -n $(comm -13 <(echo "$after2") <(cache_entries)) ]] || fail "no new entry for a changed profile"
	cr list -q
	[[ $output != *seccomp* ]] || fail "crunit list shows the cache: $output"
}

@test "seccomp cache: a garbage or tampered entry is not loaded and gets replaced" {
	cached_profile
	local before new good
	before=$(cache_entries)
	run_ctr 'mkdir /tmp/x || echo refused'
	assert_contains "$output" "refused"
	new=$(comm -13 <(echo "$before") <(cache_entries))
	[[ -n $new ]] || fail "no cache entry"
	good=$BATS_TEST_TMPDIR/entry
	cp "$CACHE/$new" "$good"

	# Garbage of any size.
	head -c 3000 /dev/urandom >"$CACHE/$new"
	run_ctr 'mkdir /tmp/x || echo refused'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "refused"
	cmp -s "$good" "$CACHE/$new" || fail "the garbage entry was not replaced"

	# The same key, another program (one bit of it flipped): the check catches it.
	local size
	size=$(stat -c %s "$good")
	local b
	b=$(od -An -tu1 -j $((size - 5)) -N1 "$good" | tr -d ' ')
	{ head -c $((size - 5)) "$good"; printf "\\$(printf %03o $((b ^ 1)))"; tail -c 4 "$good"; } >"$CACHE/$new"
	! cmp -s "$good" "$CACHE/$new" || fail "the entry did not change"
	run_ctr 'mkdir /tmp/x || echo refused'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "refused"
	cmp -s "$good" "$CACHE/$new" || fail "the tampered entry was not replaced"

	# Not private: ignored.
	chmod 0666 "$CACHE/$new"
	run_ctr 'mkdir /tmp/x || echo refused'
	assert_contains "$output" "refused"
	[[ $(stat -c %a "$CACHE/$new") == 600 ]] || fail "a world-writable entry was kept"
}
