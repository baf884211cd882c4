#!/usr/bin/env bats
# setup.bats - what the process sees inside the container.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "hostname comes from the config" {
	run_ctr_ok 'hostname'
	assert_eq "$output" crunit "default hostname"
	cfg '.hostname = "box-test"'
	run_ctr_ok 'hostname; cat /proc/sys/kernel/hostname'
	assert_eq "${lines[0]}" box-test hostname
	assert_eq "${lines[1]}" box-test /proc/sys/kernel/hostname
	# The sandbox's hostname is unchanged.
	[[ $(hostname) != box-test ]] || fail "the container's hostname leaked out"
}

@test "the process is PID 1 of its own pid namespace" {
	run_ctr_ok 'echo $$; ps -o pid,comm | wc -l'
	assert_eq "${lines[0]}" 1 '$$'
	# ps header + sh + ps + wc (or fewer): no processes of the host.
	((lines[1] <= 5)) || fail "container sees ${lines[1]} lines of processes"
}

@test "own cgroup namespace: /proc/self/cgroup shows /" {
	run_ctr_ok 'cat /proc/self/cgroup'
	local l n=0
	for l in "${lines[@]}"; do
		[[ -z $l ]] && continue
		n=$((n + 1))
		[[ $l =~ ^[0-9]+:[^:]*:/$ ]] || fail "cgroup line is not at the namespace root: '$l'" "all: $output"
	done
	((n > 0)) || fail "no /proc/self/cgroup lines"
}

@test "/dev has the standard devices, pts, shm, mqueue and fd links" {
	run_ctr_ok '
		for d in null zero full random urandom tty; do
			[ -c /dev/$d ] || echo "missing char device /dev/$d"
		done
		[ -c /dev/ptmx ] || [ -L /dev/ptmx ] || echo "missing /dev/ptmx"
		for d in pts shm mqueue; do
			[ -d /dev/$d ] || echo "missing dir /dev/$d"
		done
		grep -q " /dev/pts devpts " /proc/mounts || echo "/dev/pts not devpts"
		grep -q " /dev/mqueue mqueue " /proc/mounts || echo "/dev/mqueue not mqueue"
		for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
			n=${l%%:*}; t=${l#*:}
			[ -L /dev/$n ] || echo "missing symlink /dev/$n"
			[ "$(readlink /dev/$n)" = "$t" ] || echo "/dev/$n -> $(readlink /dev/$n), expected $t"
		done
		echo x > /dev/null || echo "cannot write /dev/null"
		[ "$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")" = 00000000 ] || echo "/dev/zero broken"
		[ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] || echo "/dev/urandom broken"
		echo done'
	assert_eq "$output" done "problems in /dev"
}

@test "devices outside the allowed set are not there" {
	run_ctr_ok 'ls /dev/sda /dev/mem /dev/kmsg 2>/dev/null; echo done'
	assert_eq "$output" done "unexpected devices"
}

@test "masked paths: files read as empty, directories are empty (or absent)" {
	# Masked files that exist (and are not empty) outside must read as empty
	# inside; a path the kernel does not have (e.g. /proc/kcore without
	# CONFIG_PROC_KCORE) may be absent.
	local f checked=0
	run_ctr_ok '
		for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
			if [ -e $f ]; then echo "$f $(cat $f 2>/dev/null | wc -c)"; else echo "$f absent"; fi
		done
		for d in /proc/acpi /proc/scsi /sys/firmware; do
			if [ -d $d ]; then echo "$d $(ls -A $d | wc -l)"; else echo "$d absent"; fi
		done'
	for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats; do
		local line
		line=$(printf '%s\n' "${lines[@]}" | awk -v f="$f" '$1 == f')
		if [[ -e $f ]]; then
			assert_eq "$line" "$f 0" "masked $f (exists outside)"
			checked=$((checked + 1))
		else
			[[ $line == "$f absent" || $line == "$f 0" ]] || fail "masked $f (absent outside): $line"
		fi
	done
	((checked >= 2)) || fail "fewer than 2 masked files exist here; test not meaningful"
	for f in /proc/acpi /proc/scsi /sys/firmware; do
		line=$(printf '%s\n' "${lines[@]}" | awk -v f="$f" '$1 == f')
		[[ $line == "$f 0" || $line == "$f absent" ]] || fail "masked dir $f not empty: $line"
	done
	# Make sure the test would see an unmasked file: timer_list outside.
	(($(wc -c </proc/timer_list) > 0)) || fail "/proc/timer_list is empty outside too"
}

@test "readonly paths: /proc/sys is not writable" {
	# kernel.hostname is per uts namespace: writing it would be harmless.
	run_ctr 'echo crunit-rw > /proc/sys/kernel/hostname && echo WRITABLE; grep " /proc/sys " /proc/mounts'
	! grep -q WRITABLE "$CR_OUT" || fail "/proc/sys is writable in the container" "$output"
	assert_match "$output" ' /proc/sys proc ro[ ,]' "/proc/sys mount"
	run_ctr 'echo 1 > /proc/sysrq-trigger && echo WRITABLE; echo done'
	! grep -q WRITABLE "$CR_OUT" || fail "/proc/sysrq-trigger is writable"
}

@test "readonly rootfs: writes fail; with readonly false they work" {
	run_ctr 'touch /x && echo WROTE; echo rc=$?'
	! grep -q WROTE "$CR_OUT" || fail "could write to the readonly rootfs"
	[[ ! -e $BUNDLE/rootfs/x ]] || fail "/x appeared in the rootfs"
	# /tmp is not a separate mount in the default config: also read-only.
	cfg '.root.readonly = false'
	run_ctr_ok 'touch /x && echo WROTE'
	assert_eq "$output" WROTE "write to a read-write rootfs"
	[[ -e $BUNDLE/rootfs/x ]] || fail "/x did not appear in the rootfs"
}

@test "process.user: uid/gid 1000:1000 and additionalGids" {
	cfg '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 3000]}'
	run_ctr_ok 'id -u; id -g; id -G; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	assert_eq "${lines[0]}" 1000 "id -u"
	assert_eq "${lines[1]}" 1000 "id -g"
	assert_eq "$(tr ' ' '\n' <<<"${lines[2]}" | sort -n | xargs)" "1000 2000 3000" "id -G"
	assert_match "$output" $'Uid:\t1000\t1000\t1000\t1000' "Uid line"
	assert_match "$output" $'Gid:\t1000\t1000\t1000\t1000' "Gid line"
}

@test "process.env and process.cwd" {
	cfg '.process.env += ["FOO=bar baz", "CRUNIT_TEST=1"] | .process.cwd = "/tmp"'
	run_ctr_ok 'echo "$FOO"; echo "$CRUNIT_TEST"; pwd; echo "$PATH"'
	assert_eq "${lines[0]}" "bar baz" FOO
	assert_eq "${lines[1]}" 1 CRUNIT_TEST
	assert_eq "${lines[2]}" /tmp cwd
	assert_eq "${lines[3]}" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PATH
	# Nothing of crunit's own environment leaks in.
	run_ctr_ok 'env | cut -d= -f1 | sort | xargs'
	[[ $output != *BATS* && $output != *CRUNIT_SANDBOX* ]] || fail "host environment leaked: $output"
}

@test "rlimits: RLIMIT_NOFILE soft/hard as configured" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 777, "hard": 888}]'
	run_ctr_ok 'ulimit -n; ulimit -H -n; grep "Max open files" /proc/self/limits'
	assert_eq "${lines[0]}" 777 "soft nofile"
	assert_eq "${lines[1]}" 888 "hard nofile"
	assert_match "${lines[2]}" 'Max open files +777 +888 ' "/proc/self/limits"
}

@test "capabilities: the default set" {
	local want
	want=$(cap_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
	assert_eq "$want" 0000000020000420 "computed mask"
	run_ctr_ok 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status'
	assert_match "$output" "CapEff:[[:space:]]+$want" CapEff
	assert_match "$output" "CapPrm:[[:space:]]+$want" CapPrm
	assert_match "$output" "CapBnd:[[:space:]]+$want" CapBnd
	assert_match "$output" "CapInh:[[:space:]]+0000000000000000" CapInh
	assert_match "$output" "CapAmb:[[:space:]]+0000000000000000" CapAmb
}

@test "capabilities: a custom set, and its effect" {
	local caps='["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_NET_RAW"]' want
	cfg ".process.capabilities = {\"bounding\": $caps, \"effective\": $caps, \"permitted\": $caps}"
	want=$(cap_mask CAP_CHOWN CAP_SYS_ADMIN CAP_NET_RAW)
	run_ctr_ok 'grep -E "^Cap(Eff|Bnd):" /proc/self/status'
	assert_match "$output" "CapEff:[[:space:]]+$want" CapEff
	assert_match "$output" "CapBnd:[[:space:]]+$want" CapBnd
	# Without CAP_KILL etc., and without CAP_SYS_ADMIN: mount must fail.
	cfg '.process.capabilities = {"bounding": [], "effective": [], "permitted": []}'
	cfg '.root.readonly = false'
	run_ctr 'mount -t tmpfs none /tmp && echo MOUNTED; grep CapEff /proc/self/status'
	! grep -q MOUNTED "$CR_OUT" || fail "could mount without capabilities"
	assert_match "$output" "CapEff:[[:space:]]+0000000000000000" CapEff
}

@test "noNewPrivileges" {
	run_ctr_ok 'grep NoNewPrivs /proc/self/status'
	assert_match "$output" $'NoNewPrivs:\t1' "NoNewPrivs with noNewPrivileges true"
	cfg '.process.noNewPrivileges = false'
	run_ctr_ok 'grep NoNewPrivs /proc/self/status'
	assert_match "$output" $'NoNewPrivs:\t0' "NoNewPrivs with noNewPrivileges false"
}

@test "--no-pivot works" {
	run_ctr_ok 'echo $$; hostname; ls /bin/busybox; cat /proc/self/cgroup >/dev/null && echo ok' --no-pivot
	assert_eq "${lines[0]}" 1 pid
	assert_eq "${lines[1]}" crunit hostname
	assert_eq "${lines[3]}" ok "result"
	assert_no_leftovers "$ID"
}

@test "a bind mount with a relative source (relative to the bundle)" {
	mkdir -p "$BUNDLE/data"
	echo "hello from the bundle" >"$BUNDLE/data/file"
	cfg '.mounts += [{"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro"]}]'
	# Not started from the bundle directory.
	cd /
	run_ctr_ok 'cat /data/file; touch /data/new && echo WROTE; grep " /data " /proc/mounts'
	assert_eq "${lines[0]}" "hello from the bundle" "file content"
	! grep -q WROTE "$CR_OUT" || fail "ro bind mount is writable"
	assert_match "$output" ' /data [^ ]+ ro[ ,]' "/data mount options"
	assert_no_leftovers "$ID"
}

@test "a read-write bind mount: writes show up in the bundle" {
	mkdir -p "$BUNDLE/rw"
	cfg '.mounts += [{"destination": "/rw", "type": "bind", "source": "rw", "options": ["rbind", "rw"]}]'
	run_ctr_ok 'echo written > /rw/out && echo ok'
	assert_eq "$(cat "$BUNDLE/rw/out")" written "file written by the container"
}

@test "tmpfs mount from the config" {
	cfg '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m"]}]'
	run_ctr_ok 'touch /tmp/ok && echo ok; grep " /tmp tmpfs " /proc/mounts'
	assert_eq "${lines[0]}" ok "write to tmpfs"
}

@test "no file descriptors leak into the container" {
	# Extra descriptors open in the caller (besides bats' own fd 3).
	exec 7</dev/null 8>"$BATS_TEST_TMPDIR/fd8"
	run_ctr_ok 'ls /proc/self/fd | sort -n | xargs'
	exec 7<&- 8>&-
	assert_eq "$output" "0 1 2 3" "fds in the container (3 is ls' own directory)"
}

@test "no file descriptors leak into a detached container" {
	exec 7</dev/null
	cfg_sh 'ls /proc/self/fd | sort -n | xargs; sleep 1'
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	exec 7<&-
	wait_file_contains "$CR_OUT" "0 1 2"
	assert_eq "$(head -1 "$CR_OUT")" "0 1 2 3" "fds in the detached container"
}

@test "no file descriptors leak into a created-then-started container" {
	exec 7</dev/null
	cfg_sh 'ls /proc/self/fd | sort -n | xargs'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	local out=$CR_OUT
	exec 8</dev/null
	crunit_ok start "$ID"
	exec 7<&- 8<&-
	wait_file_contains "$out" "0 1 2"
	assert_eq "$(head -1 "$out")" "0 1 2 3" "fds in the container"
}

@test "no file descriptors leak with a console socket (terminal)" {
	cfg '.process.terminal = true'
	cfg_sh 'echo "fds: $(ls /proc/self/fd | sort -n | xargs)"; sleep 0.5'
	local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	start_console_receiver "$sock" "$out"
	exec 7</dev/null
	crunit_ok run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	exec 7<&-
	wait_file_contains "$out" "fds:"
	show_file "$out"
	tr -d '\r' <"$out" | grep -qx 'fds: 0 1 2 3' || fail "fds in the container are not 0 1 2 (+3)"
}

@test "--preserve-fds 1 passes fd 3 (and nothing more)" {
	echo "content of fd 3" >"$BATS_TEST_TMPDIR/fd3"
	cfg_sh 'cat <&3; ls /proc/self/fd | sort -n | xargs'
	CR_N=$((CR_N + 1))
	local out=$BATS_TEST_TMPDIR/pfd.out rc=0
	timeout -k 5 60 "$CRUNIT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
		</dev/null >"$out" 2>&1 3<"$BATS_TEST_TMPDIR/fd3" 4</dev/null || rc=$?
	show_file "$out"
	assert_eq "$rc" 0 "exit status"
	assert_eq "$(sed -n 1p "$out")" "content of fd 3" "read from fd 3"
	assert_eq "$(sed -n 2p "$out")" "0 1 2 3 4" "fds (4 is ls' directory; the caller's fd 4 must not leak)"
}

@test "create --preserve-fds 1 + start" {
	echo "created fd 3" >"$BATS_TEST_TMPDIR/fd3"
	cfg_sh 'cat <&3'
	local out=$BATS_TEST_TMPDIR/pfd.out rc=0
	timeout -k 5 60 "$CRUNIT" create --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
		</dev/null >"$out" 2>&1 3<"$BATS_TEST_TMPDIR/fd3" || rc=$?
	assert_eq "$rc" 0 "create exit status"
	crunit_ok start "$ID"
	wait_file_contains "$out" "created fd 3"
}

@test "stdin, stdout and stderr are passed through (run, no terminal)" {
	cfg_sh 'read line; echo "got: $line"; echo to-stderr >&2; exit 4'
	local out=$BATS_TEST_TMPDIR/o err=$BATS_TEST_TMPDIR/e rc=0
	echo "input line" | timeout -k 5 60 "$CRUNIT" run --bundle "$BUNDLE" "$ID" >"$out" 2>"$err" || rc=$?
	assert_eq "$rc" 4 "exit status"
	assert_eq "$(cat "$out")" "got: input line" stdout
	assert_eq "$(cat "$err")" "to-stderr" stderr
}

@test "network: a new network namespace has only lo" {
	run_ctr_ok 'ls /sys/class/net | xargs'
	assert_eq "$output" lo "interfaces"
}

@test "ipc and uts namespaces are the container's own" {
	local host_ipc host_uts
	host_ipc=$(readlink /proc/self/ns/ipc)
	host_uts=$(readlink /proc/self/ns/uts)
	# /proc is the container's: ask for pid 1's namespaces.
	run_ctr_ok 'readlink /proc/1/ns/ipc; readlink /proc/1/ns/uts'
	[[ ${lines[0]} != "$host_ipc" ]] || fail "container shares the ipc namespace"
	[[ ${lines[1]} != "$host_uts" ]] || fail "container shares the uts namespace"
}
