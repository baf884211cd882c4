#!/usr/bin/env bats
# seccomp-notify.bats - linux.seccomp SCMP_ACT_NOTIFY: the listener fd and the
# ContainerProcessState go to listenerPath; an agent (lib/seccomp-agent.py)
# answers the notifications; errors at create.

load helpers

setup() {
	common_setup || return 1
	cfg '.root.readonly = false'
	SDIR=$(mktemp -d /tmp/sn.XXXXXX)
	on_teardown "rm -rf '$SDIR'"
	SOCK=$SDIR/agent.sock
	OUT=$SDIR/payload.json
}
teardown() { common_teardown; }

# start_agent REPLY...: the agent in the background, listening on $SOCK.
start_agent() { start_seccomp_agent "$SOCK" "$OUT" "$@"; }

# notify_on NAMES-JSON [FLAGS-JSON]: allow all, SCMP_ACT_NOTIFY for NAMES.
notify_on() {
	cfg ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \$p,
		\"flags\": ${2:-[]}, \"syscalls\": [{\"names\": $1, \"action\": \"SCMP_ACT_NOTIFY\"}]}" --arg p "$SOCK"
}

check_mkdir_replies() {
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "a=1"
	assert_contains "$stderr" "Too many links"
	assert_contains "$output" "b-ok"
	wait_file_contains "$OUT.log" "continue" 5
	grep -q '^83 31$\|^258 31$' "$OUT.log" || fail "no mkdir notification answered 31: $(cat "$OUT.log")"
	assert_eq "$(jq -r '.fds | join(",")' "$OUT")" "seccompFd" "fds"
	assert_eq "$(jq -r '._nfds' "$OUT")" 1 "number of fds"
}

@test "seccomp notify: the agent's errno for the first mkdir, CONTINUE for the next (noNewPrivileges true)" {
	start_agent 31 continue
	notify_on '["mkdir", "mkdirat"]'
	cfg '.process.noNewPrivileges = true'
	run_ctr 'mkdir /tmp/a; echo "a=$?"; mkdir /tmp/b && [ -d /tmp/b ] && echo b-ok'
	check_mkdir_replies
}

@test "seccomp notify: noNewPrivileges false (filter loaded before the capabilities)" {
	start_agent 31 continue
	notify_on '["mkdir", "mkdirat"]'
	cfg '.process.noNewPrivileges = false'
	run_ctr 'mkdir /tmp/a; echo "a=$?"; mkdir /tmp/b && [ -d /tmp/b ] && echo b-ok'
	check_mkdir_replies
}

@test "seccomp notify: payload: ociVersion, pid, metadata, state (id, status, pid, bundle, annotations)" {
	start_agent continue
	notify_on '["mkdir", "mkdirat"]'
	cfg '.linux.seccomp.listenerMetadata = "MKNOD=/dev/null" | .annotations = {"org.test": "yes"}'
	cfg_sh 'mkdir /tmp/a && echo made; sleep 30'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	# connected at create; the fd comes at start, once the filter is loaded
	[[ ! -e $OUT ]] || fail "the payload came before start"
	crunit_ok start "$ID"
	wait_file_contains "$OUT.log" "continue" 10
	assert_eq "$(jq -r .ociVersion "$OUT")" "$(jq -r .ociVersion "$BUNDLE/config.json")" "ociVersion"
	assert_eq "$(jq -r .pid "$OUT")" "$pid" "pid"
	assert_eq "$(jq -r .metadata "$OUT")" "MKNOD=/dev/null" "metadata"
	assert_eq "$(jq -r .state.id "$OUT")" "$ID" "state.id"
	assert_eq "$(jq -r .state.pid "$OUT")" "$pid" "state.pid"
	assert_eq "$(jq -r .state.bundle "$OUT")" "$BUNDLE" "state.bundle"
	assert_eq "$(jq -r .state.status "$OUT")" "created" "state.status"
	assert_eq "$(jq -r '.state.annotations["org.test"]' "$OUT")" "yes" "state.annotations"
}

@test "seccomp notify: TSYNC and WAIT_KILLABLE_RECV flags with a notify rule" {
	start_agent 31 continue
	notify_on '["mkdir", "mkdirat"]' '["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
	run_ctr 'mkdir /tmp/a; echo "a=$?"; mkdir /tmp/b && [ -d /tmp/b ] && echo b-ok'
	check_mkdir_replies
}

@test "seccomp notify: nothing listening on listenerPath fails create, nothing left" {
	notify_on '["mkdir"]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error_glob "linux.seccomp.listenerPath: cannot connect to $SOCK: *"
	assert_no_leftovers "$ID"
}

@test "seccomp notify: SCMP_ACT_NOTIFY without listenerPath is refused" {
	notify_on '["mkdir"]'
	cfg 'del(.linux.seccomp.listenerPath)'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"
	assert_no_leftovers "$ID"
}

@test "seccomp notify: SCMP_ACT_NOTIFY as defaultAction is refused" {
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/tmp/x.sock"}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"
}

@test "seccomp notify: SCMP_ACT_NOTIFY on sendmsg is refused" {
	notify_on '["mkdir", "sendmsg"]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY cannot be used for sendmsg (crunit sends the listener fd with it)"
}

@test "seccomp notify: SCMP_ACT_NOTIFY with errnoRet is refused" {
	notify_on '["mkdir"]'
	cfg '.linux.seccomp.syscalls[0].errnoRet = 1'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY does not take an errno value, but linux.seccomp.syscalls[0].errnoRet is set"
}

@test "seccomp notify: WAIT_KILLABLE_RECV without a notify rule is refused; relative listenerPath too" {
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"], "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a rule with SCMP_ACT_NOTIFY"
	notify_on '["mkdir"]'
	cfg '.linux.seccomp.listenerPath = "agent.sock"'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.seccomp.listenerPath must be absolute: "agent.sock"'
}

@test "seccomp notify: listenerPath without a notify rule: the filter works, nothing is sent" {
	cfg ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$SOCK\", \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
	run_ctr 'mkdir /tmp/a; echo "a=$?"'
	assert_contains "$output" "a=1"
}

@test "seccomp notify: exec: the agent gets the exec'd process's pid and the container's state (running, init pid)" {
	start_agent continue
	notify_on '["mkdir", "mkdirat"]'
	cfg '.annotations = {"org.test": "exec"}'
	cfg_sh 'sleep 1000; :'
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_file_contains "$OUT" seccompFd 10
	assert_eq "$(jq -r .state.status "$OUT")" created "the init's state.status"
	local init
	init=$(ctr_pid "$ID")
	# a second agent, for the exec'd process
	OUT=$SDIR/exec.json
	rm -f "$SOCK"
	start_agent 31
	cr exec "$ID" sh -c 'echo "pid=$$"; mkdir /tmp/a; echo "mkdir=$?"'
	assert_eq "$status" 0 "exit status"
	assert_contains "$output" "mkdir=1"
	wait_file_contains "$OUT.log" 31 10
	assert_eq "$(jq -r .state.status "$OUT")" running "state.status"
	assert_eq "$(jq -r .state.pid "$OUT")" "$init" "state.pid (the init)"
	assert_eq "$(jq -r .state.id "$OUT")" "$ID" "state.id"
	assert_eq "$(jq -r .state.bundle "$OUT")" "$BUNDLE" "state.bundle"
	assert_eq "$(jq -r '.state.annotations["org.test"]' "$OUT")" exec "state.annotations"
	assert_eq "$(jq -r '.fds | join(",")' "$OUT")" seccompFd fds
	local pid
	pid=$(jq -r .pid "$OUT")
	[[ $pid =~ ^[0-9]+$ && $pid != "$init" ]] || fail "pid of the exec'd process: $pid (init $init)"
}

@test "seccomp notify: exec in a created container: the agent's state.status is created" {
	start_agent continue
	notify_on '["mkdir", "mkdirat"]'
	cfg_sh 'sleep 1000; :'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	# the init's agent connection is made at create; its fd comes at start: a new agent for exec
	OUT=$SDIR/exec.json
	rm -f "$SOCK"
	start_agent continue
	crunit_ok exec "$ID" sh -c 'mkdir /tmp/a && echo made'
	assert_contains "$output" made
	wait_file_contains "$OUT" seccompFd 10
	assert_eq "$(jq -r .state.status "$OUT")" created "state.status"
	assert_eq "$(jq -r .state.pid "$OUT")" "$(ctr_pid "$ID")" "state.pid (the init)"
}
