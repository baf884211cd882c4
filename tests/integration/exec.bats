#!/usr/bin/env bats
# exec.bats - `crunit exec`: every flag, the defaults taken from the container's config.json
# (kept at create), namespaces and cgroups equal to the init's, errors (stopped, paused,
# unknown id, bad flags), and socket activation (LISTEN_FDS) for run and exec.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# A running container whose init sleeps; INIT is its PID.
start_sleeper() {
	start_detached 'sleep 1000' "$@" || return 1
	INIT=$(ctr_pid "$ID")
	[[ $INIT -gt 1 ]] || fail "no init pid for $ID"
}

# The PID in a --pid-file, once it is there.
pid_from_file() {
	local f=$1 i
	for ((i = 0; i < 50; i++)); do
		[[ -s $f ]] && break
		sleep 0.1
	done
	[[ -s $f ]] || fail "pid file $f was not written" || return 1
	cat "$f"
}

# Value of a field of /proc/PID/status.
proc_status_field() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

@test "exec: output, and the exit code of the process" {
	start_sleeper
	crunit_ok exec "$ID" echo hello-from-exec
	assert_eq "$output" "hello-from-exec" stdout
	cr exec "$ID" sh -c 'echo to-stderr >&2; exit 7'
	assert_eq "$status" 7 "exit status"
	assert_eq "$stderr" "to-stderr" stderr
	cr exec "$ID" sh -c 'kill -KILL $$'
	assert_eq "$status" 137 "exit status when killed by SIGKILL"
	cr exec "$ID" nonexistent-command
	assert_eq "$status" 127 "exit status of a missing command"
	assert_contains "$stderr" 'executable file not found in $PATH'
}

@test "exec: stdin is passed through; signals are forwarded to the process" {
	start_sleeper
	local out=$BATS_TEST_TMPDIR/o rc=0
	echo "line in" | timeout -k 5 60 "$CRUNIT" --root "$CRUNIT_ROOT" exec "$ID" sh -c 'read l; echo "got: $l"' >"$out" 2>&1 || rc=$?
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(cat "$out")" "got: line in" output

	out=$BATS_TEST_TMPDIR/sig
	"$CRUNIT" --root "$CRUNIT_ROOT" exec "$ID" sh -c 'trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done' </dev/null >"$out" 2>&1 &
	local pid=$!
	wait_file_contains "$out" ready
	kill -TERM "$pid"
	wait_bg "$pid"
	assert_eq "$WAIT_RC" 5 "exit status after SIGTERM"
	assert_contains "$(cat "$out")" got-term
}

@test "exec: environment from config.json, -e appends and overrides" {
	cfg '.process.env += ["FROM_CONFIG=1", "OVER=config"]'
	start_sleeper
	crunit_ok exec -e NEW=2 --env OVER=flag "$ID" env
	assert_contains "$output" "FROM_CONFIG=1"
	assert_contains "$output" "NEW=2"
	assert_contains "$output" "OVER=flag"
	assert_contains "$output" "PATH=/usr/local/sbin"
	assert_eq "$(grep -c '^OVER=' "$CR_OUT")" 1 "OVER= lines"
	crunit_fails exec -e NOEQUALS "$ID" true
	assert_error_glob '*--env: "NOEQUALS" is not NAME=VALUE*'
}

@test "exec: cwd from config.json, --cwd overrides, inside the rootfs" {
	cfg '.process.cwd = "/tmp"'
	start_sleeper
	crunit_ok exec "$ID" pwd
	assert_eq "$output" "/tmp" "default cwd"
	crunit_ok exec --cwd /etc "$ID" pwd
	assert_eq "$output" "/etc" "--cwd"
	crunit_ok exec --cwd / "$ID" ls /bin/busybox
	crunit_fails exec --cwd relative "$ID" pwd
	assert_error_glob '*--cwd: "relative" is not an absolute path*'
	crunit_fails exec --cwd /does-not-exist "$ID" pwd
	assert_contains "$errmsg" "/does-not-exist"
}

@test "exec: user from config.json; -u UID[:GID] and -g are numeric" {
	cfg '.process.user = {"uid": 123, "gid": 456, "additionalGids": [11]}'
	start_sleeper
	crunit_ok exec "$ID" sh -c 'echo $(id -u) $(id -g) $(id -G)'
	assert_eq "$output" "123 456 456 11" "default user"
	crunit_ok exec -u 1000 "$ID" sh -c 'echo $(id -u) $(id -g)'
	assert_eq "$output" "1000 456" "-u UID keeps the gid"
	crunit_ok exec --user 1000:1001 -g 5 --additional-gids 6 "$ID" sh -c 'echo $(id -u) $(id -g) $(id -G)'
	assert_eq "$output" "1000 1001 1001 5 6 11" "-u UID:GID -g -g" || assert_eq "$output" "1000 1001 1001 11 5 6" "-u UID:GID -g -g"
	crunit_fails exec -u root "$ID" true
	assert_contains "$errmsg" '--user: "root" is not a numeric UID[:GID]'
	crunit_fails exec -u 1:x "$ID" true
	crunit_fails exec -u 1: "$ID" true
	crunit_fails exec -g wheel "$ID" true
	assert_error_glob '*--additional-gids: "wheel" is not a numeric GID*'
}

@test "exec: capabilities of config.json in all sets; --cap adds one" {
	start_sleeper
	local want
	want=$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
	crunit_ok exec "$ID" cat /proc/self/status
	assert_eq "$(awk '$1 == "CapEff:" {print $2}' "$CR_OUT")" "$want" CapEff
	assert_eq "$(awk '$1 == "CapPrm:" {print $2}' "$CR_OUT")" "$want" CapPrm
	assert_eq "$(awk '$1 == "CapBnd:" {print $2}' "$CR_OUT")" "$want" CapBnd
	assert_eq "$(awk '$1 == "CapInh:" {print $2}' "$CR_OUT")" 0000000000000000 CapInh
	assert_eq "$(awk '$1 == "CapAmb:" {print $2}' "$CR_OUT")" 0000000000000000 CapAmb
	want=$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_ADMIN CAP_CHOWN)
	crunit_ok exec --cap CAP_SYS_ADMIN -c CAP_CHOWN "$ID" cat /proc/self/status
	assert_eq "$(awk '$1 == "CapEff:" {print $2}' "$CR_OUT")" "$want" "CapEff with --cap"
	assert_eq "$(awk '$1 == "CapBnd:" {print $2}' "$CR_OUT")" "$want" "CapBnd with --cap"
	crunit_fails exec --cap CAP_BOGUS "$ID" true
	assert_error_glob '*--cap: unknown capability "CAP_BOGUS"*'
	crunit_fails exec --cap chown "$ID" true
}

@test "exec: --cap goes to the ambient set when config.json has inheritable ones" {
	cfg '.process.capabilities.inheritable = ["CAP_CHOWN"] | .process.capabilities.bounding += ["CAP_CHOWN"]'
	start_sleeper
	crunit_ok exec --cap CAP_CHOWN -u 1000 "$ID" cat /proc/self/status
	assert_eq "$(awk '$1 == "CapAmb:" {print $2}' "$CR_OUT")" "$(cap_mask CAP_CHOWN)" CapAmb
	assert_eq "$(awk '$1 == "CapEff:" {print $2}' "$CR_OUT")" "$(cap_mask CAP_CHOWN)" "CapEff of uid 1000"
}

@test "exec: the container's seccomp profile applies to the process" {
	cfg '.root.readonly = false'
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	start_sleeper
	cr exec "$ID" mkdir /tmp/x
	assert_eq "$status" 1 "exit status of mkdir"
	assert_contains "$stderr" "Operation not permitted"
	crunit_ok exec "$ID" touch /tmp/y
	crunit_ok exec "$ID" awk '$1 == "Seccomp:" {print $2}' /proc/self/status
	assert_eq "$output" 2 "Seccomp mode"
}

@test "exec: SCMP_ACT_NOTIFY: the process's listener fd goes to listenerPath too" {
	local sdir sock
	sdir=$(mktemp -d /tmp/xn.XXXXXX)
	on_teardown "rm -rf '$sdir'"
	sock=$sdir/agent.sock
	cfg '.root.readonly = false'
	cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' --arg p "$sock"
	start_seccomp_agent "$sock" "$sdir/init" continue
	start_sleeper
	wait_file_contains "$sdir/init" seccompFd
	assert_eq "$(jq -r .pid "$sdir/init")" "$INIT" "pid in the init's ContainerProcessState"
	# a second agent for the exec'd process (the first one serves the init)
	rm -f "$sock"
	start_seccomp_agent "$sock" "$sdir/exec" 31
	cr exec "$ID" sh -c 'mkdir /tmp/a; echo "mkdir=$?"'
	assert_eq "$status" 0 "exit status"
	assert_eq "$output" "mkdir=1"
	assert_contains "$stderr" "Too many links"
	wait_file_contains "$sdir/exec.log" 31
	local pid
	pid=$(jq -r .pid "$sdir/exec")
	[[ $pid =~ ^[0-9]+$ && $pid != "$INIT" ]] || fail "pid in the exec's ContainerProcessState: $pid"
	# no agent listening: a clear error, nothing runs
	rm -f "$sock"
	crunit_fails exec "$ID" touch /tmp/should-not-exist
	assert_contains "$errmsg" "$sock"
	[[ ! -e $BUNDLE/rootfs/tmp/should-not-exist ]] || fail "the process ran without its agent"
}

@test "exec: noNewPrivileges from config.json, --no-new-privs sets it" {
	cfg '.process.noNewPrivileges = false'
	start_sleeper
	crunit_ok exec "$ID" awk '$1 == "NoNewPrivs:" {print $2}' /proc/self/status
	assert_eq "$output" 0 "NoNewPrivs by default"
	crunit_ok exec --no-new-privs "$ID" awk '$1 == "NoNewPrivs:" {print $2}' /proc/self/status
	assert_eq "$output" 1 "NoNewPrivs with --no-new-privs"
}

@test "exec: rlimits and umask from config.json" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 77, "hard": 88}] | .process.user.umask = 23'
	start_sleeper
	crunit_ok exec "$ID" sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(umask)'
	assert_eq "$output" "77 88 0027"
}

@test "exec: every namespace is the init's; the root is the container's" {
	start_sleeper
	local ns inside outside
	crunit_ok exec "$ID" sh -c 'for n in cgroup ipc mnt net pid time user uts; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	for ns in cgroup ipc mnt net pid time user uts; do
		[[ -e /proc/$INIT/ns/$ns ]] || continue
		outside=$(readlink "/proc/$INIT/ns/$ns")
		inside=$(awk -v n="$ns" '$1 == n {print $2}' "$CR_OUT")
		assert_eq "$inside" "$outside" "namespace $ns"
	done
	# the init's pid namespace: the process sees the init as PID 1
	crunit_ok exec "$ID" sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	assert_eq "$output" "sleep 1000 " "PID 1 seen by the process"
	crunit_ok exec "$ID" sh -c 'echo $$'
	[[ $output -gt 1 ]] || fail "the process is PID $output in the container"
	# its root is the rootfs: a file only there
	echo marker >"$BUNDLE/rootfs/only-in-rootfs"
	crunit_ok exec "$ID" cat /only-in-rootfs
	assert_eq "$output" marker
}

@test "exec: the container's time namespace (offsets) and hostname" {
	cfg '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 86400}} | .hostname = "exec-host"'
	start_sleeper
	crunit_ok exec "$ID" sh -c 'cut -d. -f1 /proc/uptime; hostname'
	((lines[0] > 86400)) || fail "uptime in the exec'd process is ${lines[0]}, not more than 86400"
	assert_eq "${lines[1]}" exec-host hostname
}

@test "exec: a container created with --no-pivot (chroot): the process is in its root" {
	echo marker >"$BUNDLE/rootfs/only-in-rootfs"
	start_sleeper --no-pivot
	crunit_ok exec "$ID" sh -c 'cat /only-in-rootfs; pwd'
	assert_eq "${lines[0]}" marker
	assert_eq "${lines[1]}" /
	crunit_ok exec --cwd /etc "$ID" pwd
	assert_eq "$output" /etc
}

@test "exec: with a user namespace, the process is in it (ids mapped)" {
	# no proc/sysfs/mqueue: the sandbox's /proc is not fully visible, which a proc mount in a
	# user namespace needs; the process is inspected from outside instead
	userns_bundle
	cfg '.mounts |= map(select(.destination != "/proc"))'
	local pid ns
	start_sleeper
	crunit_ok exec "$ID" sh -c 'echo $(id -u) $(id -g)'
	assert_eq "$output" "0 0" "ids inside"
	crunit_ok exec -d --pid-file "$BATS_TEST_TMPDIR/p" "$ID" sleep 100
	pid=$(pid_from_file "$BATS_TEST_TMPDIR/p")
	for ns in user mnt pid net ipc uts cgroup; do
		assert_eq "$(readlink "/proc/$pid/ns/$ns")" "$(readlink "/proc/$INIT/ns/$ns")" "namespace $ns"
	done
	assert_eq "$(stat -c %u "/proc/$pid")" 100000 "host uid of the process"
	assert_match "$(cat "/proc/$pid/uid_map")" '^ +0 +100000 +65536$' uid_map
	assert_eq "$(proc_status_field "$pid" CapEff)" "$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)" CapEff
}

@test "exec: the process is in the container's scope (every cgroup of the init)" {
	start_sleeper
	local pf=$BATS_TEST_TMPDIR/exec.pid pid cg
	crunit_ok exec -d --pid-file "$pf" "$ID" sleep 100
	pid=$(pid_from_file "$pf")
	show_file "/proc/$pid/cgroup"
	show_file "/proc/$INIT/cgroup"
	assert_eq "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$INIT/cgroup")" "/proc/PID/cgroup of the process and of the init"
	cg=$(unit_prop "$(scope_of "$ID")" ControlGroup)
	[[ -n $cg ]] || fail "scope has no ControlGroup"
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; then
		grep -qx "[0-9]*:name=systemd:$cg" "/proc/$pid/cgroup" || fail "not in $cg (name=systemd)"
		grep -qx "[0-9]*:memory:$cg" "/proc/$pid/cgroup" || fail "not in $cg (memory)"
		grep -qx "[0-9]*:pids:$cg" "/proc/$pid/cgroup" || fail "not in $cg (pids)"
	else
		grep -qx "0::$cg" "/proc/$pid/cgroup" || fail "not in $cg"
	fi
	local d
	for d in $(cgroup_dirs_of "$cg"); do
		grep -qx "$pid" "$d/cgroup.procs" || fail "$pid not in $d/cgroup.procs"
	done
	# systemd sees it as part of the unit
	systemctl status "$(scope_of "$ID")" --no-pager >"$BATS_TEST_TMPDIR/status" 2>&1 || true
	grep -q "$pid" "$BATS_TEST_TMPDIR/status" || { show_file "$BATS_TEST_TMPDIR/status"; fail "systemctl status does not list $pid"; }
	# and it goes with the container
	crunit_ok delete --force "$ID"
	wait_pid_gone "$pid"
	assert_no_leftovers "$ID"
}

@test "exec -d --pid-file: returns at once, the process runs on (reparented)" {
	start_sleeper
	local pf=$BATS_TEST_TMPDIR/sub/exec.pid pid t0 t1
	mkdir -p "$BATS_TEST_TMPDIR/sub"
	t0=$(date +%s)
	crunit_ok exec -d --pid-file "$pf" "$ID" sleep 300
	t1=$(date +%s)
	((t1 - t0 < 10)) || fail "exec -d took $((t1 - t0))s"
	pid=$(cat "$pf")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 300 " "cmdline of the pid-file's process"
	kill -0 "$pid"
	# runs in the foreground too: the pid file names the process
	crunit_ok exec --pid-file "$pf" "$ID" sh -c 'echo $$'
	[[ -s $pf ]] || fail "no pid file for a foreground exec"
	crunit_ok delete --force "$ID"
	wait_pid_gone "$pid"
	assert_no_leftovers "$ID"
}

@test "exec -t: a pty proxied to the caller's terminal, exit code passed" {
	start_sleeper
	local out=$BATS_TEST_TMPDIR/script.out rc=0
	run_in_pty "$CRUNIT --root $CRUNIT_ROOT exec -t $ID sh -c 'tty; echo ok-tty; exit 3'" "$out" || rc=$?
	show_file "$out"
	assert_eq "$rc" 3 "exit status of exec -t"
	grep -q '^/dev/pts/[0-9]' "$out" || fail "tty of the process is not a /dev/pts one"
	grep -q '^ok-tty' "$out" || fail "no output through the pty"
}

@test "exec -t -d --console-socket: the pty master goes to the socket" {
	start_sleeper
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	start_console_receiver "$sock" "$out"
	crunit_ok exec -t -d --console-socket "$sock" "$ID" sh -c 'tty; echo ok-console; ls /proc/self/fd | sort -n | xargs; sleep 1'
	wait_file_contains "$out" ok-console
	show_file "$out"
	grep -q '/dev/pts/[0-9]' "$out" || fail "tty of the process is not a /dev/pts one"
	tr -d '\r' <"$out" | grep -qx '0 1 2 3' || fail "fds of the process are not 0 1 2 (+3)"
	crunit_fails exec -t -d "$ID" true
	assert_contains "$errmsg" "--console-socket"
	crunit_fails exec --console-socket "$sock" "$ID" true
	assert_contains "$errmsg" "-t"
}

@test "exec --preserve-fds: fds 3.. are passed, nothing else leaks" {
	start_sleeper
	echo "content of fd 3" >"$BATS_TEST_TMPDIR/fd3"
	local out=$BATS_TEST_TMPDIR/pfd.out rc=0
	timeout -k 5 60 "$CRUNIT" --root "$CRUNIT_ROOT" exec --preserve-fds 1 "$ID" sh -c 'cat <&3; ls /proc/self/fd | sort -n | xargs' \
		</dev/null >"$out" 2>&1 3<"$BATS_TEST_TMPDIR/fd3" 4</dev/null 7</dev/null || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(sed -n 1p "$out")" "content of fd 3" "read from fd 3"
	assert_eq "$(sed -n 2p "$out")" "0 1 2 3 4" "fds (4 is ls' directory)"
	rc=0
	timeout -k 5 60 "$CRUNIT" --root "$CRUNIT_ROOT" exec "$ID" sh -c 'ls /proc/self/fd | sort -n | xargs' \
		</dev/null >"$out" 2>&1 3</dev/null 7</dev/null || rc=$?
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(cat "$out")" "0 1 2 3" "fds without --preserve-fds (3 is ls' directory)"
	crunit_fails exec --preserve-fds x "$ID" true
}

@test "exec -p process.json: an OCI process object" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 99, "hard": 99}]'
	start_sleeper
	local p=$BATS_TEST_TMPDIR/process.json
	cat >"$p" <<-'EOF'
		{"args": ["sh", "-c", "echo $(id -u) $(id -g) $(pwd) $A $(ulimit -n); cat /proc/self/status"],
		 "cwd": "/etc", "env": ["A=from-process-json", "PATH=/bin"],
		 "user": {"uid": 7, "gid": 8},
		 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]},
		 "noNewPrivileges": true}
	EOF
	crunit_ok exec -p "$p" "$ID"
	assert_eq "${lines[0]}" "7 8 /etc from-process-json 99" "id, cwd, env, rlimit (the container's)"
	assert_eq "$(awk '$1 == "NoNewPrivs:" {print $2}' "$CR_OUT")" 1 NoNewPrivs
	assert_eq "$(awk '$1 == "CapBnd:" {print $2}' "$CR_OUT")" "$(cap_mask CAP_KILL)" CapBnd
	echo '{"args": ["true"]}' >"$p"
	crunit_fails exec --process "$p" "$ID"
	assert_eq "$errmsg" "$p: process.cwd is required"
	echo '{"args": ' >"$p"
	crunit_fails exec --process "$p" "$ID"
	assert_contains "$errmsg" "$p: invalid JSON"
	echo '{"args": ["true"], "cwd": "/", "apparmorProfile": "x"}' >"$p"
	crunit_fails exec --process "$p" "$ID"
	assert_eq "$errmsg" 'exec: process.apparmorProfile "x" is set but AppArmor is not enabled on this host'
	crunit_fails exec --process "$p" "$ID" echo extra
	crunit_fails exec --process "$BATS_TEST_TMPDIR/missing.json" "$ID"
	assert_contains "$errmsg" "missing.json"
}

@test "exec: --apparmor and --process-label are refused when the host does not run that LSM; empty is fine" {
	start_sleeper
	crunit_fails exec --apparmor foo "$ID" true
	assert_eq "$errmsg" 'exec: process.apparmorProfile "foo" is set but AppArmor is not enabled on this host'
	crunit_fails exec --process-label system_u:foo "$ID" true
	assert_eq "$errmsg" 'exec: process.selinuxLabel "system_u:foo" is set but SELinux is not enabled on this host'
	crunit_ok exec --apparmor "" --process-label "" "$ID" true
}

@test "exec: the config.json kept at create is used, not the bundle's current one" {
	cfg '.process.env += ["WHICH=at-create"]'
	start_sleeper
	cfg '.process.env += ["WHICH=changed"] | .process.cwd = "/nonexistent"'
	crunit_ok exec "$ID" sh -c 'echo $WHICH; pwd'
	assert_eq "${lines[0]}" at-create
	assert_eq "${lines[1]}" /
	[[ -f $CRUNIT_ROOT/$ID/config.json ]] || fail "no config.json in the state directory"
}

@test "exec into a created (not started) container works, as runc" {
	cfg_sh 'echo started'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok exec "$ID" echo in-created
	assert_eq "$output" in-created
	assert_eq "$(ctr_status "$ID")" created
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "exec: stopped, paused and unknown containers are clear errors" {
	crunit_fails exec no-such-container-here true
	assert_error 'container "no-such-container-here" does not exist'
	crunit_fails exec "$ID"
	start_sleeper
	crunit_fails exec "$ID"
	assert_contains "$errmsg" "a command is required"
	crunit_ok pause "$ID"
	crunit_fails exec "$ID" true
	assert_error "cannot exec in a paused container \"$ID\" (use --ignore-paused to override)"
	# --ignore-paused: it runs once the container is resumed
	local out=$BATS_TEST_TMPDIR/paused.out
	"$CRUNIT" --root "$CRUNIT_ROOT" exec --ignore-paused "$ID" echo ran-after-resume </dev/null >"$out" 2>&1 &
	local pid=$!
	sleep 1
	crunit_ok resume "$ID"
	wait_bg "$pid"
	assert_eq "$WAIT_RC" 0 "exit status of exec --ignore-paused"
	assert_eq "$(cat "$out")" ran-after-resume
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_fails exec "$ID" true
	assert_error "cannot exec in a stopped container \"$ID\""
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "exec: nothing is left behind after exec'd processes and the container" {
	start_sleeper
	crunit_ok exec "$ID" true
	crunit_ok exec -d "$ID" sleep 200
	cr exec "$ID" false
	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
	pgrep -f "sleep 200" && fail "the exec'd sleep survived the container"
	return 0
}

# ---- socket activation ---------------------------------------------------------------------

# socket_activated FDS CMD...: runs CMD with LISTEN_FDS=FDS and LISTEN_PID of CMD itself and
# fd 3 open on $BATS_TEST_TMPDIR/fd3, fd 4 on $BATS_TEST_TMPDIR/fd4.
socket_activated() {
	local n=$1
	shift
	echo "listen fd 3" >"$BATS_TEST_TMPDIR/fd3"
	echo "listen fd 4" >"$BATS_TEST_TMPDIR/fd4"
	timeout -k 5 60 bash -c 'export LISTEN_FDS=$1 LISTEN_PID=$$; shift; exec "$@"' sh "$n" "$@" \
		3<"$BATS_TEST_TMPDIR/fd3" 4<"$BATS_TEST_TMPDIR/fd4"
}

@test "run with LISTEN_FDS: the fds and LISTEN_FDS/LISTEN_PID reach the container" {
	cfg_sh 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; ls /proc/self/fd | sort -n | xargs'
	local out=$BATS_TEST_TMPDIR/la.out rc=0
	socket_activated 1 "$CRUNIT" --root "$CRUNIT_ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$out" 2>&1 || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(sed -n 1p "$out")" "1 1" "LISTEN_FDS LISTEN_PID"
	assert_eq "$(sed -n 2p "$out")" "listen fd 3" "fd 3"
	assert_eq "$(sed -n 3p "$out")" "0 1 2 3 4" "fds (4 is ls' directory)"
}

@test "run with LISTEN_FDS and --preserve-fds: listen fds first, then the preserved ones" {
	cfg_sh 'echo "$LISTEN_FDS"; cat <&3; cat <&4; ls /proc/self/fd | sort -n | xargs'
	local out=$BATS_TEST_TMPDIR/la.out rc=0
	socket_activated 1 "$CRUNIT" --root "$CRUNIT_ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" </dev/null >"$out" 2>&1 || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(sed -n 1p "$out")" 1 LISTEN_FDS
	assert_eq "$(sed -n 2p "$out")" "listen fd 3"
	assert_eq "$(sed -n 3p "$out")" "listen fd 4"
	assert_eq "$(sed -n 4p "$out")" "0 1 2 3 4 5" "fds (5 is ls' directory)"
}

@test "LISTEN_FDS for another PID is not ours: nothing is passed" {
	cfg_sh 'echo "[${LISTEN_FDS:-}]"; ls /proc/self/fd | sort -n | xargs'
	local out=$BATS_TEST_TMPDIR/la.out rc=0
	echo x >"$BATS_TEST_TMPDIR/fd3"
	LISTEN_FDS=1 LISTEN_PID=1 timeout -k 5 60 "$CRUNIT" --root "$CRUNIT_ROOT" run --bundle "$BUNDLE" "$ID" \
		</dev/null >"$out" 2>&1 3<"$BATS_TEST_TMPDIR/fd3" || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(sed -n 1p "$out")" "[]" LISTEN_FDS
	assert_eq "$(sed -n 2p "$out")" "0 1 2 3" "fds (3 is ls' directory)"
}

@test "exec with LISTEN_FDS: the fds, LISTEN_FDS=N and LISTEN_PID of the process itself" {
	start_sleeper
	local out=$BATS_TEST_TMPDIR/la.out rc=0
	socket_activated 2 "$CRUNIT" --root "$CRUNIT_ROOT" exec "$ID" sh -c 'echo "$LISTEN_FDS $([ "$LISTEN_PID" = $$ ] && echo own-pid)"; cat <&3; cat <&4; ls /proc/self/fd | sort -n | xargs' </dev/null >"$out" 2>&1 || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(sed -n 1p "$out")" "2 own-pid" "LISTEN_FDS, LISTEN_PID"
	assert_eq "$(sed -n 3p "$out")" "listen fd 4"
	assert_eq "$(sed -n 4p "$out")" "0 1 2 3 4 5" "fds (5 is ls' directory)"
}
