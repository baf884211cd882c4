#!/usr/bin/env bats
# scope.bats - every container is a transient scope crunit-ID.scope in
# machine.slice.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "scope properties while the container runs" {
	start_detached 'sleep 1000; :'
	local u=crunit-$ID.scope
	systemctl show -p ControlGroup,Slice,Delegate,CollectMode "$u" >"$BATS_TEST_TMPDIR/props"
	show_file "$BATS_TEST_TMPDIR/props"
	grep -qx "ControlGroup=/machine.slice/$u" "$BATS_TEST_TMPDIR/props" || fail "ControlGroup"
	grep -qx "Slice=machine.slice" "$BATS_TEST_TMPDIR/props" || fail "Slice"
	grep -qx "Delegate=yes" "$BATS_TEST_TMPDIR/props" || fail "Delegate"
	grep -qx "CollectMode=inactive-or-failed" "$BATS_TEST_TMPDIR/props" || fail "CollectMode"
	assert_eq "$(unit_prop "$u" ActiveState)" active ActiveState
	assert_eq "$(unit_prop "$u" Transient)" yes Transient
	assert_eq "$(unit_prop "$u" LoadState)" loaded LoadState
}

@test "the container's processes are in the scope's cgroup" {
	start_detached 'sleep 1000 & sleep 1000; :'
	local pid cg d
	pid=$(ctr_pid "$ID")
	cg=$(unit_prop "crunit-$ID.scope" ControlGroup)
	assert_eq "$cg" "/machine.slice/crunit-$ID.scope" ControlGroup
	while read -r d; do
		[[ -f $d/cgroup.procs ]] || fail "no $d/cgroup.procs (mode ${CRUNIT_SANDBOX_MODE:-?})" || return 1
		grep -qx "$pid" "$d/cgroup.procs" || fail "pid $pid not in $d/cgroup.procs: $(cat "$d/cgroup.procs")" || return 1
		# The children too: the cgroup has 3 processes (sh and 2 sleeps).
		local n
		n=$(wc -l <"$d/cgroup.procs")
		((n == 3)) || fail "$d/cgroup.procs has $n processes, expected 3: $(cat "$d/cgroup.procs")"
	done < <(cgroup_dirs_of "$cg")
	# And /proc/PID/cgroup agrees.
	grep -q "^0::/machine.slice/crunit-$ID.scope\$" "/proc/$pid/cgroup" ||
		fail "/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup")"
}

@test "hybrid mode: the scope is in the v1 controller hierarchies" {
	[[ ${CRUNIT_SANDBOX_MODE:-} == hybrid ]] || {
		# Unified mode: the same check against cgroup v2 controllers.
		start_detached 'sleep 1000; :'
		local cg=/sys/fs/cgroup/machine.slice/crunit-$ID.scope
		[[ -f $cg/cgroup.controllers ]] || fail "$cg is not a cgroup v2 directory"
		return 0
	}
	start_detached 'sleep 1000; :'
	local pid c
	pid=$(ctr_pid "$ID")
	for c in memory pids; do
		grep -q "^[0-9]*:$c:/machine.slice/crunit-$ID.scope\$" "/proc/$pid/cgroup" ||
			fail "container not in the $c hierarchy: $(cat "/proc/$pid/cgroup")"
	done
}

@test "the scope is gone after the container is deleted (run -d)" {
	start_detached 'sleep 1000; :'
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"
	[[ "$(systemctl is-active "crunit-$ID.scope")" != active ]] || fail "scope still active"
	[[ ! -e /sys/fs/cgroup/machine.slice/crunit-$ID.scope && ! -e /sys/fs/cgroup/systemd/machine.slice/crunit-$ID.scope ]] ||
		fail "the scope's cgroup directory is still there"
}

@test "the scope is gone after a stopped container is deleted" {
	cfg_sh 'exit 0'
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "systemctl stop of the scope kills the container; state says stopped; delete works" {
	local marker=stop-$ID
	cfg_args sh -c 'sleep 1000; :' "$marker"
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	wait_pgrep "$marker"
	timeout 60 systemctl stop "crunit-$ID.scope" || fail "systemctl stop failed"
	wait_pid_gone "$pid"
	wait_status "$ID" stopped
	! pgrep -f -- "$marker" >/dev/null || fail "container process survived systemctl stop"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID" "$marker"
}

@test "systemctl stop of a created container's scope" {
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	timeout 60 systemctl stop "crunit-$ID.scope" || fail "systemctl stop failed"
	wait_pid_gone "$pid"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "systemctl kill of the scope: the container stops" {
	start_detached 'sleep 1000; :'
	systemctl kill -s KILL "crunit-$ID.scope"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "kill --all signals every process in the scope; plain kill only init" {
	local m1=all-$ID-c1 m2=all-$ID-c2
	# Children: two sh with markers (built at run time, so that they are not
	# on init's command line); init sh has no TERM handler (PID 1 ignores
	# it), the children die of TERM. systemd's KillUnit enumerates the cgroup
	# until no new process shows up, so the sleep that init starts after the
	# children died may get TERM too: init loops instead of ending with it.
	cfg_args sh -c 'sh -c "sleep 1000; :" "$0-c1" & sh -c "sleep 1000; :" "$0-c2" & echo ready; wait; echo init-still-alive; while :; do sleep 1000; done' "all-$ID"
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	local out=$CR_OUT
	wait_file_contains "$out" ready
	pgrep -f -- "$m1" >/dev/null && pgrep -f -- "$m2" >/dev/null || fail "children not running"
	# Plain kill TERM: only init, which ignores it.
	crunit_ok kill "$ID" TERM
	sleep 0.5
	pgrep -f -- "$m1" >/dev/null && pgrep -f -- "$m2" >/dev/null || fail "plain kill reached the children"
	assert_eq "$(ctr_status "$ID")" running "status after plain kill TERM"
	# kill --all TERM: the children die, init (ignoring TERM) survives.
	crunit_ok kill --all "$ID" TERM
	wait_file_contains "$out" init-still-alive
	! pgrep -f -- "$m1" >/dev/null || fail "kill --all did not reach child 1"
	! pgrep -f -- "$m2" >/dev/null || fail "kill --all did not reach child 2"
	assert_eq "$(ctr_status "$ID")" running "status after kill --all TERM"
	# kill --all KILL: everything.
	crunit_ok kill --all "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID" "$m1"
}

@test "kill --all reaches a process that left the pid namespace's tree (setsid/daemon)" {
	local m=daemon-$ID-d
	cfg_args sh -c 'setsid sh -c "sleep 1000; :" "$0-d" & echo ready; sleep 1000; :' "daemon-$ID"
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_file_contains "$CR_OUT" ready
	sleep 0.2
	pgrep -f -- "$m" >/dev/null || fail "daemon not running"
	crunit_ok kill --all "$ID" KILL
	wait_status "$ID" stopped
	local i
	for ((i = 0; i < 50; i++)); do pgrep -f -- "$m" >/dev/null || break; sleep 0.1; done
	! pgrep -f -- "$m" >/dev/null || fail "daemon survived kill --all"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID" "$m"
}

@test "linux.cgroupsPath machine.slice:foo:ID gives scope foo-ID.scope" {
	cfg '.linux.cgroupsPath = $p' --arg p "machine.slice:foo:$ID"
	on_teardown "systemctl stop foo-$ID.scope"
	start_detached 'sleep 1000; :'
	local u=foo-$ID.scope pid
	pid=$(ctr_pid "$ID")
	assert_eq "$(unit_prop "$u" ActiveState)" active "ActiveState of $u"
	assert_eq "$(unit_prop "$u" ControlGroup)" "/machine.slice/$u" ControlGroup
	assert_eq "$(unit_prop "$u" Slice)" machine.slice Slice
	assert_eq "$(state_field "$ID" .systemdUnit)" "$u" "systemdUnit in state"
	grep -qx "$pid" "$(cgroup_dirs_of "/machine.slice/$u" | head -1)/cgroup.procs" || fail "pid not in $u"
	assert_eq "$(systemctl list-units --all --no-legend --plain "crunit-$ID.scope")" "" "crunit-$ID.scope must not exist"
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID" "$ID" "$BUNDLE" "$u"
}

@test "linux.cgroupsPath with another slice" {
	local slice=crunittest.slice
	cfg '.linux.cgroupsPath = $p' --arg p "$slice:bar:$ID"
	on_teardown "systemctl stop bar-$ID.scope $slice"
	start_detached 'sleep 1000; :'
	assert_eq "$(unit_prop "bar-$ID.scope" Slice)" "$slice" Slice
	assert_eq "$(unit_prop "bar-$ID.scope" ControlGroup)" "/$slice/bar-$ID.scope" ControlGroup
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID" "$ID" "$BUNDLE" "bar-$ID.scope"
}

@test "the container cannot escape its cgroup (cgroupfs is read-only)" {
	start_detached 'echo $$ > /sys/fs/cgroup/cgroup.procs 2>/dev/null && echo ESCAPED; mkdir /sys/fs/cgroup/x 2>/dev/null && echo MKDIR; echo done; sleep 1000; :'
	wait_file_contains "$CR_OUT" done
	! grep -qE 'ESCAPED|MKDIR' "$CR_OUT" || fail "$(cat "$CR_OUT")"
}

@test "the scope survives crunit exiting and is not tied to the caller's unit" {
	start_detached 'sleep 1000; :'
	local pid
	pid=$(ctr_pid "$ID")
	# Not in the caller's (the test's) cgroup.
	local mine
	mine=$(grep '^0::' /proc/self/cgroup)
	[[ $(grep '^0::' "/proc/$pid/cgroup") != "$mine" ]] || fail "container is in the caller's cgroup"
	assert_eq "$(systemctl is-active "crunit-$ID.scope")" active "scope"
}
