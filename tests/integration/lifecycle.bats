#!/usr/bin/env bats
# lifecycle.bats - create/start/state/list/kill/delete, run, run -d, exit
# codes, signals, pid files, terminals.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "create: status created, init waits inside its active scope" {
	cfg_sh 'echo started-$$'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local out=$CR_OUT
	[[ -z $output ]] || fail "create printed on stdout: $output"
	assert_eq "$(ctr_status "$ID")" created status
	local pid
	pid=$(ctr_pid "$ID")
	[[ $pid =~ ^[0-9]+$ && $pid -gt 0 ]] || fail "bad pid in state: '$pid'"
	[[ -d /proc/$pid ]] || fail "init process $pid does not exist"
	# The user process has not run yet.
	sleep 0.3
	! grep -q started "$out" || fail "process ran before start: $(cat "$out")"
	# Already inside its scope.
	assert_eq "$(systemctl is-active "crunit-$ID.scope")" active "scope state"
	systemctl status --no-pager "crunit-$ID.scope" >"$BATS_TEST_TMPDIR/status" 2>&1 || true
	grep -q 'Active: active' "$BATS_TEST_TMPDIR/status" || { show_file "$BATS_TEST_TMPDIR/status"; fail "systemctl status does not show the scope active"; }
	local cg
	cg=$(unit_prop "crunit-$ID.scope" ControlGroup)
	grep -qx "$pid" "$(cgroup_dirs_of "$cg" | head -1)/cgroup.procs" ||
		fail "created init $pid is not in $cg: $(cat /proc/"$pid"/cgroup)"
	# The state directory exists.
	[[ -d $CRUNIT_ROOT/$ID ]] || fail "no state directory $CRUNIT_ROOT/$ID"
}

@test "start: created -> running -> stopped; output of the process" {
	cfg_sh 'echo started-$$; sleep 0.5'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local out=$CR_OUT
	crunit_ok start "$ID"
	assert_eq "$(ctr_status "$ID")" running "status right after start"
	wait_file_contains "$out" "started-1"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "start twice is an error" {
	cfg_sh 'sleep 100'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok start "$ID"
	crunit_fails start "$ID"
	assert_eq "$(ctr_status "$ID")" running "status after the second start"
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_fails start "$ID"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "state: OCI state JSON with all fields" {
	cfg_sh 'sleep 100'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok state "$ID"
	local s=$output
	jq -e . <<<"$s" >/dev/null || fail "state is not JSON: $s"
	assert_eq "$(jq -r .ociVersion <<<"$s")" 1.2.0 ociVersion
	assert_eq "$(jq -r .id <<<"$s")" "$ID" id
	assert_eq "$(jq -r .status <<<"$s")" created status
	assert_match "$(jq -r .pid <<<"$s")" '^[1-9][0-9]*$' pid
	assert_eq "$(jq -r .bundle <<<"$s")" "$BUNDLE" bundle
	assert_eq "$(jq -r .rootfs <<<"$s")" "$BUNDLE/rootfs" rootfs
	assert_match "$(jq -r .created <<<"$s")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' created
	assert_eq "$(jq -r .owner <<<"$s")" root owner
	assert_eq "$(jq -r .systemdUnit <<<"$s")" "crunit-$ID.scope" systemdUnit
	crunit_ok start "$ID"
	crunit_ok state "$ID"
	assert_eq "$(jq -r .status <<<"$output")" running "status after start"
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok state "$ID"
	assert_eq "$(jq -r .status <<<"$output")" stopped "status after kill"
}

@test "list: table, --format json and -q" {
	cfg_sh 'sleep 100'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	crunit_ok list
	assert_match "${lines[0]}" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER *$' "list header"
	local row
	row=$(printf '%s\n' "${lines[@]}" | awk -v id="$ID" '$1 == id')
	[[ -n $row ]] || fail "container $ID not in the list"
	read -r -a f <<<"$row"
	assert_eq "${f[1]}" "$pid" "PID column"
	assert_eq "${f[2]}" created "STATUS column"
	assert_eq "${f[3]}" "$BUNDLE" "BUNDLE column"
	assert_match "${f[4]}" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "CREATED column"
	assert_eq "${f[5]}" root "OWNER column"

	crunit_ok list --format json
	jq -e 'type == "array"' <<<"$output" >/dev/null || fail "list --format json is not an array: $output"
	assert_eq "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" created "json status"
	assert_eq "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .pid' <<<"$output")" "$pid" "json pid"
	assert_eq "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .bundle' <<<"$output")" "$BUNDLE" "json bundle"

	crunit_ok list -q
	printf '%s\n' "${lines[@]}" | grep -qx -- "$ID" || fail "list -q does not print $ID alone on a line"
	! printf '%s\n' "${lines[@]}" | grep -q '^ID' || fail "list -q prints a header"
	crunit_ok list --quiet
	printf '%s\n' "${lines[@]}" | grep -qx -- "$ID" || fail "list --quiet does not print $ID"

	crunit_ok delete --force "$ID"
	crunit_ok list -q
	! printf '%s\n' "${lines[@]}" | grep -qx -- "$ID" || fail "deleted container still listed"
}

@test "list with an empty root: header only / empty json array" {
	local r=$BATS_TEST_TMPDIR/empty-root
	mkdir -p "$r"
	crunit_ok --root "$r" list
	assert_eq "${#lines[@]}" 1 "number of lines"
	crunit_ok --root "$r" list --format json
	assert_eq "$(jq -c . <<<"$output")" '[]' "json"
	crunit_ok --root "$r" list -q
	assert_eq "$output" "" "list -q"
}

@test "run (foreground) returns the container's exit code and deletes it" {
	run_ctr 'echo hello; exit 3'
	assert_eq "$status" 3 "exit status"
	assert_eq "$output" hello stdout
	assert_no_leftovers "$ID"
	run_ctr 'exit 0'
	assert_eq "$status" 0 "exit status"
	assert_no_leftovers "$ID"
}

@test "run: 128+N when the container dies of signal N" {
	local marker=sig-$ID
	# "; :" keeps sh (whose $0 is the marker) from exec'ing sleep.
	cfg_args sh -c 'echo ready; sleep 1000; :' "$marker"
	local out=$BATS_TEST_TMPDIR/run.out
	"$CRUNIT" run --bundle "$BUNDLE" "$ID" </dev/null >"$out" 2>&1 &
	local rpid=$!
	wait_file_contains "$out" ready
	wait_status "$ID" running
	wait_pgrep "$marker"
	crunit_ok kill "$ID" KILL
	wait_bg "$rpid" || return 1
	local rc=$WAIT_RC
	show_file "$out"
	assert_eq "$rc" 137 "exit status of crunit run"
	assert_no_leftovers "$ID" "$marker"
}

@test "run forwards SIGTERM to the container (sh trap exits 42)" {
	cfg_args sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
	local out=$BATS_TEST_TMPDIR/run.out
	"$CRUNIT" run --bundle "$BUNDLE" "$ID" </dev/null >"$out" 2>&1 &
	local rpid=$!
	wait_file_contains "$out" ready
	kill -TERM "$rpid"
	wait_bg "$rpid" || return 1
	local rc=$WAIT_RC
	show_file "$out"
	assert_eq "$rc" 42 "exit status of crunit run"
	grep -q got-term "$out" || fail "the container's trap did not run"
	assert_no_leftovers "$ID"
}

@test "run forwards SIGINT and SIGHUP too" {
	local sig
	for sig in INT HUP USR1; do
		cfg_args sh -c "trap 'echo got-$sig; exit 7' $sig; echo ready; while :; do sleep 0.1; done"
		local out=$BATS_TEST_TMPDIR/run-$sig.out
		"$CRUNIT" run --bundle "$BUNDLE" "$ID" </dev/null >"$out" 2>&1 &
		local rpid=$!
		wait_file_contains "$out" ready
		kill "-$sig" "$rpid"
		wait_bg "$rpid" || return 1
		local rc=$WAIT_RC
		show_file "$out"
		assert_eq "$rc" 7 "exit status after SIG$sig"
		grep -q "got-$sig" "$out" || fail "SIG$sig did not reach the container"
		assert_no_leftovers "$ID"
	done
}

@test "run --keep: container stays (stopped) and delete works" {
	run_ctr 'exit 5' --keep
	assert_eq "$status" 5 "exit status"
	assert_eq "$(ctr_status "$ID")" stopped "status after run --keep"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "run -d: detached, running; kill; kill again fails; delete" {
	local marker=det-$ID
	cfg_args sh -c 'echo ready; sleep 1000; :' "$marker"
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	assert_eq "$(ctr_status "$ID")" running status
	wait_file_contains "$CR_OUT" ready
	wait_pgrep "$marker"
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_fails kill "$ID" KILL
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID" "$marker"
}

@test "run -d --pid-file / create --pid-file write the init pid" {
	cfg_sh 'sleep 100'
	local pf=$BATS_TEST_TMPDIR/pid
	crunit_ok run -d --pid-file "$pf" --bundle "$BUNDLE" "$ID"
	[[ -s $pf ]] || fail "pid file not written"
	assert_eq "$(tr -d '\n' <"$pf")" "$(ctr_pid "$ID")" "pid file vs state pid"
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"

	local pf2=$BATS_TEST_TMPDIR/pid2
	crunit_ok create --pid-file "$pf2" --bundle "$BUNDLE" "$ID"
	assert_eq "$(tr -d '\n' <"$pf2")" "$(ctr_pid "$ID")" "create pid file vs state pid"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "kill: default TERM, names with/without SIG, numbers" {
	local sig spec
	# spec:signal the container's trap expects
	for spec in ":TERM" "TERM:TERM" "SIGTERM:TERM" "15:TERM" "USR1:USR1" "SIGUSR1:USR1" "10:USR1" "HUP:HUP" "1:HUP"; do
		sig=${spec#*:}
		new_id k
		cfg_args sh -c "trap 'echo got-$sig; exit 0' $sig; echo ready; while :; do sleep 0.1; done"
		crunit_ok run -d --bundle "$BUNDLE" "$ID"
		local out=$CR_OUT
		wait_file_contains "$out" ready
		if [[ -z ${spec%%:*} ]]; then
			crunit_ok kill "$ID"
		else
			crunit_ok kill "$ID" "${spec%%:*}"
		fi
		wait_file_contains "$out" "got-$sig"
		wait_status "$ID" stopped
		crunit_ok delete "$ID"
		assert_no_leftovers "$ID"
	done
}

@test "kill with an unknown signal is an error" {
	cfg_sh 'sleep 100'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_fails kill "$ID" NOSUCHSIG
	crunit_fails kill "$ID" 0x
	assert_eq "$(ctr_status "$ID")" created "status after bad kills"
}

@test "a created (not started) container exits on TERM" {
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	crunit_ok kill "$ID" TERM
	wait_status "$ID" stopped
	wait_pid_gone "$pid"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "delete: created container" {
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	crunit_ok delete "$ID"
	wait_pid_gone "$pid" 5
	assert_no_leftovers "$ID"
	crunit_fails state "$ID"
	assert_error "container \"$ID\" does not exist"
}

@test "delete: refuses a running container without --force; --force deletes it" {
	local marker=del-$ID
	cfg_args sh -c 'sleep 1000; :' "$marker"
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_pgrep "$marker"
	crunit_fails delete "$ID"
	assert_error "cannot delete container \"$ID\" that is not stopped: running (use --force)"
	assert_eq "$(ctr_status "$ID")" running "status after refused delete"
	crunit_ok delete --force "$ID"
	[[ -z $output && -z $stderr ]] || fail "delete --force printed something"
	assert_no_leftovers "$ID" "$marker"
}

@test "delete --force of a nonexistent id succeeds silently" {
	crunit_ok delete --force "nonexistent-$ID"
	assert_eq "$output$stderr" "" "output of delete --force"
	crunit_ok delete -f "nonexistent-$ID"
}

@test "create then delete, same id again works" {
	local i
	for i in 1 2 3; do
		crunit_ok create --bundle "$BUNDLE" "$ID"
		crunit_ok delete --force "$ID"
		assert_no_leftovers "$ID"
	done
}

@test "create/run use the current directory as the default bundle" {
	cd "$BUNDLE"
	cfg_sh 'echo in-cwd-bundle'
	crunit_ok run "$ID"
	assert_eq "$output" in-cwd-bundle stdout
	crunit_ok create "$ID"
	assert_eq "$(state_field "$ID" .bundle)" "$BUNDLE" bundle
	crunit_ok delete "$ID"
}

@test "run with terminal: crunit proxies a pty (script)" {
	cfg '.process.terminal = true'
	cfg_args sh -c 'tty; echo ok'
	local out=$BATS_TEST_TMPDIR/script.out rc=0
	run_in_pty "$CRUNIT run --bundle $BUNDLE $ID" "$out" || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status of script/crunit run"
	grep -q '^/dev/pts/0' "$out" || fail "tty in the container is not /dev/pts/0"
	grep -q '^ok' "$out" || fail "no 'ok' from the container"
	assert_no_leftovers "$ID"
}

@test "run with terminal: exit code passes through the pty proxy" {
	cfg '.process.terminal = true'
	cfg_args sh -c 'exit 9'
	local out=$BATS_TEST_TMPDIR/script.out rc=0
	run_in_pty "$CRUNIT run --bundle $BUNDLE $ID" "$out" || rc=$?
	show_file "$out"
	assert_eq "$rc" 9 "exit status"
	assert_no_leftovers "$ID"
}

@test "run -d --console-socket: the pty master goes to the socket" {
	cfg '.process.terminal = true'
	cfg_args sh -c 'tty; echo ok-console; sleep 1'
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	start_console_receiver "$sock" "$out"
	crunit_ok run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	wait_file_contains "$out" ok-console
	show_file "$out"
	grep -q '/dev/pts/0' "$out" || fail "tty in the container is not /dev/pts/0"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "create --console-socket + start" {
	cfg '.process.terminal = true'
	cfg_args sh -c 'echo ok-created-console'
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	start_console_receiver "$sock" "$out"
	crunit_ok create --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	crunit_ok start "$ID"
	wait_file_contains "$out" ok-created-console
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "several containers at once" {
	local ids=() i
	cfg_sh 'sleep 100'
	for i in 1 2 3; do
		new_id multi
		crunit_ok run -d --bundle "$BUNDLE" "$ID"
		ids+=("$ID")
	done
	crunit_ok list -q
	for i in "${ids[@]}"; do
		printf '%s\n' "${lines[@]}" | grep -qx -- "$i" || fail "$i not listed"
		assert_eq "$(systemctl is-active "crunit-$i.scope")" active "scope of $i"
	done
	for i in "${ids[@]}"; do
		crunit_ok delete --force "$i"
		assert_no_leftovers "$i"
	done
}
