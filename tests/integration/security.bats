#!/usr/bin/env bats
# security.bats - each known class of container escape, performed against crunit, and shown to
# fail: CVE-2019-5736 (overwriting the runtime through /proc/<pid>/exe), CVE-2024-21626 (leaked
# fds, process.cwd through /proc/self/fd), CVE-2025-31133/-52565/-52881 and the /dev symlink
# follow-ups (a rootfs that swaps /dev/null, /dev/console, masked paths or /proc for symlinks),
# container ids, capabilities. Nothing on the host may change: every test checks a host file.

load helpers

setup() {
	common_setup || return 1
	# A host file that the attacks aim at; it must never change.
	HOSTFILE=$BATS_TEST_TMPDIR/host-secret
	echo "host secret" >"$HOSTFILE"
	HOSTFILE_SUM=$(sha256sum <"$HOSTFILE")
}
teardown() { common_teardown; }

assert_hostfile_untouched() {
	assert_eq "$(sha256sum <"$HOSTFILE")" "$HOSTFILE_SUM" "checksum of the host file $HOSTFILE"
	assert_eq "$(stat -c %F "$HOSTFILE")" "regular file" "type of the host file"
	grep -qF -- "$HOSTFILE" /proc/self/mountinfo && fail "something is mounted on $HOSTFILE" || true
}

# A private copy of crunit is the victim of the CVE-2019-5736 attacks, so that a defence that
# fails damages the copy, never the build.
victim_crunit() {
	VICTIM=$BATS_TEST_TMPDIR/crunit-victim
	cp "$CRUNIT" "$VICTIM"
	VICTIM_SUM=$(sha256sum <"$VICTIM")
}

# vcr ARGS: cr with the victim copy.
vcr() {
	local saved=$CRUNIT
	CRUNIT=$VICTIM cr "$@"
	CRUNIT=$saved
}

# in_ctr PID SCRIPT: runs SCRIPT with the container's sh in all namespaces of PID, as
# `crunit exec` would put a process there (an attacker inside the container).
in_ctr() {
	nsenter -t "$1" -m -u -i -n -p -- /bin/sh -c "$2"
}

# ---------------------------------------------------------------------------
# CVE-2019-5736: /proc/<pid>/exe of crunit must not lead to the host's binary
# ---------------------------------------------------------------------------

@test "CVE-2019-5736: the container's init before start runs from a read-only or sealed copy" {
	victim_crunit
	cfg_args sleep 1000
	vcr create --bundle "$BUNDLE" "$ID"
	((status == 0)) || fail "create failed: $stderr"
	local pid
	pid=$(ctr_pid "$ID")
	# Seen from the host: not the binary's inode, but the same bytes, on a private read-only
	# overlay (root) or in a sealed memfd (rootless / no overlayfs).
	[[ ! /proc/$pid/exe -ef $VICTIM ]] || fail "the init's exe is the host binary $VICTIM"
	assert_match "$(stat -L -f -c %T "/proc/$pid/exe")" '^(overlayfs|tmpfs)$' "file system of the init's exe"
	assert_eq "$(cat "/proc/$pid/comm")" crunit-victim "comm of the init (named after argv[0])"
	# Even the host's root cannot change it: the memfd is sealed.
	! printf 'PWNED' >>"/proc/$pid/exe" 2>/dev/null || fail "appended to /proc/$pid/exe"
	! printf 'PWNED' >"/proc/$pid/exe" 2>/dev/null || fail "truncated and wrote /proc/$pid/exe"
	assert_eq "$(sha256sum <"/proc/$pid/exe")" "$VICTIM_SUM" "contents of the sealed copy"
	assert_eq "$(sha256sum <"$VICTIM")" "$VICTIM_SUM" "checksum of the crunit binary"
}

@test "CVE-2019-5736: a container process holding /proc/1/exe cannot overwrite crunit" {
	victim_crunit
	cfg_args sleep 1000
	vcr create --bundle "$BUNDLE" "$ID"
	((status == 0)) || fail "create failed: $stderr"
	local pid out=$BATS_TEST_TMPDIR/attack.out
	pid=$(ctr_pid "$ID")
	# The classic exploit: keep an fd of the runtime's binary while it runs (writing it then is
	# ETXTBSY), and once the runtime process has exec'd the user's process, reopen the fd for
	# writing through /proc/self/fd (the binary is no longer busy) and replace it.
	in_ctr "$pid" '
		exec 3</proc/1/exe || { echo "open: failed"; exit 1; }
		echo "exe: $(readlink /proc/1/exe)"
		printf PWNED >>/proc/1/exe 2>/dev/null && echo "write-while-running: OK" || echo "write-while-running: failed"
		echo held
		while [ "$(readlink /proc/1/exe)" != /bin/busybox ]; do sleep 0.05; done
		printf PWNED >/proc/self/fd/3 2>/dev/null && echo "truncate-write: OK" || echo "truncate-write: failed"
		printf PWNED >>/proc/self/fd/3 2>/dev/null && echo "append: OK" || echo "append: failed"
		echo done' >"$out" 2>&1 &
	local attacker=$!
	wait_file_contains "$out" held
	vcr start "$ID"
	((status == 0)) || fail "start failed: $stderr"
	wait_bg "$attacker" 30
	show_file "$out"
	grep -q "^exe: .*crunit" "$out" || fail "/proc/1/exe did not look like crunit"
	grep -qx "write-while-running: failed" "$out" || fail "wrote the running binary"
	grep -qx "truncate-write: failed" "$out" || fail "overwrote the binary after it stopped running"
	grep -qx "append: failed" "$out" || fail "appended to the binary after it stopped running"
	grep -qx done "$out" || fail "the attack did not run to its end"
	assert_eq "$(sha256sum <"$VICTIM")" "$VICTIM_SUM" "checksum of the crunit binary"
}

@test "CVE-2019-5736: a '#!/proc/self/exe' entrypoint does not reach crunit, the binary is unchanged" {
	victim_crunit
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
	chmod 755 "$BUNDLE/rootfs/evil"
	cfg_args /evil
	vcr run --bundle "$BUNDLE" "$ID"
	# The kernel does not let the init's execve reach its own /proc/self/exe as an interpreter
	# (ENOENT, exit 127); had it run, it would have been the sealed copy.
	((status != 0)) || fail "the '#!/proc/self/exe' entrypoint ran"
	assert_eq "$(sha256sum <"$VICTIM")" "$VICTIM_SUM" "checksum of the crunit binary"
}

@test "CVE-2019-5736: verbs that do not enter a container are not re-executed" {
	victim_crunit
	strace -f -e trace=execve,execveat -o "$BATS_TEST_TMPDIR/st" "$VICTIM" --root "$CRUNIT_ROOT" list -q >/dev/null
	! grep -q execveat "$BATS_TEST_TMPDIR/st" || fail "list re-executed itself"
	local v
	for v in create run exec; do
		strace -f -e trace=execveat -o "$BATS_TEST_TMPDIR/st-$v" "$VICTIM" --root "$CRUNIT_ROOT" "$v" --help >/dev/null
		grep -q 'execveat(.*AT_EMPTY_PATH' "$BATS_TEST_TMPDIR/st-$v" || fail "$v did not re-execute from the memfd"
		[[ $(grep -c execveat "$BATS_TEST_TMPDIR/st-$v") == 1 ]] || fail "$v: more than one re-execution"
	done
}

@test "CVE-2019-5736: a process of crunit exec in the container cannot overwrite crunit" {
	victim_crunit
	cfg_args sleep 1000
	vcr run -d --bundle "$BUNDLE" "$ID"
	((status == 0)) || fail "run -d failed: $stderr"
	local pid out=$BATS_TEST_TMPDIR/exec.out
	pid=$(ctr_pid "$ID")
	# While the process of `crunit exec` is in the container and still crunit (strace holds
	# its final execve for 3 s), a process of the container finds it and tries to write its exe.
	in_ctr "$pid" '
		end=$(( $(date +%s) + 20 ))
		while [ $(date +%s) -lt $end ]; do
			for p in /proc/[0-9]*; do
				e=$(readlink $p/exe 2>/dev/null) || continue
				case $e in *crunit*) ;; *) continue;; esac
				exec 3<$p/exe || continue
				echo "exe: $e"
				# keep trying while the process runs (ETXTBSY) and after it is gone
				i=0; while [ $i -lt 60 ]; do
					printf PWNED >>/proc/self/fd/3 2>/dev/null && { echo WROTE; exit 0; }
					sleep 0.1; i=$((i + 1))
				done
				echo "write: failed"; exit 0
			done
		done; echo "not seen"' >"$out" 2>&1 &
	local watcher=$!
	strace -f -o /dev/null -e trace=execve -e inject=execve:delay_enter=3000000 \
		"$VICTIM" --root "$CRUNIT_ROOT" exec "$ID" true </dev/null || fail "crunit exec failed"
	wait_bg "$watcher" 30
	show_file "$out"
	grep -q "^exe: " "$out" || fail "no crunit exec process seen in the container"
	! grep -q WROTE "$out" || fail "wrote to the binary of crunit exec through /proc/<pid>/exe"
	grep -qx "write: failed" "$out" || fail "the attack did not run to its end"
	assert_eq "$(sha256sum <"$VICTIM")" "$VICTIM_SUM" "checksum of the crunit binary"
}

@test "CVE-2019-5736: without root (no overlayfs) crunit re-executes from a sealed memfd" {
	local v=/tmp/crunit-victim-$ID st=/tmp/crunit-victim-$ID.strace
	cp "$CRUNIT" "$v"
	chmod 0755 "$v"
	on_teardown "rm -f '$v' '$st'"
	runuser -u nobody -- strace -f -o "$st" -e trace=memfd_create,fcntl,execveat,fsopen "$v" create --help >/dev/null ||
		fail "crunit create --help as nobody failed"
	show_file "$st"
	grep -q 'memfd_create("crunit", MFD_CLOEXEC|MFD_ALLOW_SEALING' "$st" || fail "no memfd"
	grep -q 'F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE) = 0' "$st" || fail "memfd not sealed"
	grep -q 'execveat(.*AT_EMPTY_PATH) = 0' "$st" || fail "no re-execution from the memfd"
	# the copy checks itself: sealed, so it does not re-execute again
	grep -qE 'F_GET_SEALS\) +=  *0xf' "$st" || fail "the re-executed copy did not find itself sealed"
	[[ $(grep -c 'execveat(' "$st") == 1 ]] || fail "more than one re-execution"
}

# ---------------------------------------------------------------------------
# CVE-2024-21626: file descriptors and process.cwd
# ---------------------------------------------------------------------------

@test "CVE-2024-21626: the created container's init holds no fd of a host directory" {
	exec 7<"$BATS_TEST_TMPDIR" 8</etc
	cfg_args sleep 1000
	crunit_ok create --bundle "$BUNDLE" "$ID"
	exec 7<&- 8<&-
	local pid fd t rootfs
	pid=$(ctr_pid "$ID")
	rootfs=$(realpath "$BUNDLE/rootfs")
	for fd in /proc/"$pid"/fd/*; do
		t=$(readlink "$fd")
		if [[ -d $fd ]]; then
			[[ $t == "$rootfs" || $t == / ]] || fail "the init holds $fd -> $t, a directory outside the rootfs"
		fi
	done
	# Seen from inside: every directory reachable through /proc/1/fd is the container's root.
	local out
	out=$(in_ctr "$pid" 'for f in /proc/1/fd/*; do [ -d $f ] && (cd $f && echo "$f $(ls -a | xargs)"); done; echo end')
	while read -r fd t; do
		[[ $fd == end ]] && continue
		assert_eq "$t" "$(cd "$rootfs" && ls -a | xargs)" "directory behind $fd in the container"
	done <<<"$out"
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/N is refused" {
	exec 7<"$BATS_TEST_TMPDIR"
	local n
	for n in 3 4 5 6 7 8 9 10; do
		cfg ".process.cwd = \"/proc/self/fd/$n\""
		crunit_fails run --bundle "$BUNDLE" "$ID"
		assert_error_glob "process.cwd /proc/self/fd/$n*"
		assert_no_leftovers "$ID"
	done
	cfg '.process.cwd = "/proc/1/cwd"'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob "process.cwd /proc/1/cwd: goes through a magic link*"
	exec 7<&-
}

@test "CVE-2024-21626: crunit exec --cwd /proc/self/fd/N with the caller's fds is refused" {
	cfg_args sleep 1000
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	exec 7<"$BATS_TEST_TMPDIR" 8</etc
	local n
	for n in 3 4 5 6 7 8 9; do
		cr exec --cwd "/proc/self/fd/$n" "$ID" ls
		((status != 0)) || fail "exec --cwd /proc/self/fd/$n ran: $output"
		[[ $output != *host-secret* && $output != *passwd* ]] || fail "exec --cwd /proc/self/fd/$n saw a host directory: $output"
	done
	exec 7<&- 8<&-
	assert_hostfile_untouched
}

@test "CVE-2024-21626: a cwd symlink pointing out of the rootfs resolves inside it" {
	mkdir -p "$BUNDLE/rootfs/inside-dir"
	touch "$BUNDLE/rootfs/inside-dir/inside-marker" "$BUNDLE/rootfs/tmp/tmp-marker"
	ln -s ../../../../../../../../../../../../tmp "$BUNDLE/rootfs/up"
	ln -s "$BATS_TEST_TMPDIR" "$BUNDLE/rootfs/abs"
	run_ctr_ok 'pwd; ls'
	cfg '.process.cwd = "/up"'
	run_ctr_ok 'ls'
	assert_contains "$output" tmp-marker "cwd /up (-> ../../…/tmp)"
	# An absolute symlink to a host directory: not in the rootfs, so refused …
	cfg '.process.cwd = "/abs"'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "process.cwd /abs: No such file or directory"
	# … and once the rootfs has that path, it is the rootfs's directory, not the host's.
	mkdir -p "$BUNDLE/rootfs/$BATS_TEST_TMPDIR"
	touch "$BUNDLE/rootfs/$BATS_TEST_TMPDIR/rootfs-copy"
	run_ctr_ok 'ls'
	assert_eq "$output" rootfs-copy "contents of cwd /abs"
	assert_hostfile_untouched
}

@test "CVE-2024-21626: the caller's fds do not leak; --preserve-fds passes exactly those" {
	# fd 3 is bats' own; 4..7 and 9 ours. In the container, ls' own directory fd is the lowest
	# free one (3, or 8 with --preserve-fds 5).
	exec 4</dev/null 5</dev/null 6</dev/null 7</etc/passwd 9</etc/passwd
	cfg_sh 'ls /proc/self/fd | sort -n | xargs'
	crunit_ok run --bundle "$BUNDLE" "$ID"
	assert_eq "$output" "0 1 2 3" "fds in the container"
	cfg_sh 'ls /proc/self/fd | sort -n | xargs; head -1 <&7'
	crunit_ok run --preserve-fds 5 --bundle "$BUNDLE" "$ID"
	exec 4<&- 5<&- 6<&- 7<&- 9<&-
	assert_eq "${lines[0]}" "0 1 2 3 4 5 6 7 8" "fds with --preserve-fds 5 (3..7, not 9)"
	assert_eq "${lines[1]}" "$(head -1 /etc/passwd)" "read through preserved fd 7"
}

# ---------------------------------------------------------------------------
# CVE-2025-31133 / -52565 / -52881: /dev, /dev/console, maskedPaths, procfs
# ---------------------------------------------------------------------------

# A config whose /dev is a bind mount of a directory of the (untrusted) rootfs, so the image
# decides what /dev/null, /dev/console … are.
evil_dev() {
	mkdir -p "$BUNDLE/rootfs/evildev/pts"
	cfg '.mounts = [.mounts[] | select(.destination != "/dev" and .destination != "/dev/pts" and .destination != "/dev/shm" and .destination != "/dev/mqueue")]
	     | .mounts += [{"destination": "/dev", "type": "bind", "source": "'"$BUNDLE/rootfs/evildev"'", "options": ["rbind"]},
	                   {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
}

@test "CVE-2025-31133: /dev/null of the rootfs swapped for a symlink to a host file is refused" {
	evil_dev
	ln -s "$HOSTFILE" "$BUNDLE/rootfs/evildev/null"
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "/dev/null in the container is a symlink, not the device 1:3: refusing to use it"
	assert_no_leftovers "$ID"
	assert_hostfile_untouched
}

@test "CVE-2025-31133: /dev/null of the rootfs swapped for a file is refused" {
	evil_dev
	echo "not null" >"$BUNDLE/rootfs/evildev/null"
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "/dev/null in the container is something else, not the device 1:3: refusing to use it"
	assert_no_leftovers "$ID"
}

@test "CVE-2025-31133: masked files are covered by the real null device, never the container's" {
	# Without a /dev mount crunit creates nothing in /dev: the image's own /dev/null (a symlink
	# to a procfs file) stays, and maskedPaths must not use it as the mask.
	cfg '.mounts = [.mounts[] | select(.destination != "/dev")]'
	ln -sfn /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
	run_ctr_ok 'stat -c "%t:%T %F" /proc/keys /proc/timer_list; wc -c </proc/keys'
	assert_eq "${lines[0]}" "1:3 character special file" "what covers /proc/keys"
	assert_eq "${lines[1]}" "1:3 character special file" "what covers /proc/timer_list"
	assert_eq "${lines[2]}" 0 "contents of the masked /proc/keys"
}

@test "CVE-2025-31133: a masked path that is a symlink (to sysrq-trigger, out of the rootfs) is refused" {
	ln -s /proc/sysrq-trigger "$BUNDLE/rootfs/etc/masked-link"
	cfg '.linux.maskedPaths += ["/etc/masked-link"]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "maskedPaths: /etc/masked-link is a symlink or goes through one in the rootfs: refusing to mask it"
	assert_no_leftovers "$ID"
	ln -s ../../../../../../../../"$HOSTFILE" "$BUNDLE/rootfs/etc/masked-up"
	cfg '.linux.maskedPaths = ["/etc/masked-up"]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "maskedPaths: /etc/masked-up is a symlink or goes through one in the rootfs: refusing to mask it"
	ln -s /etc "$BUNDLE/rootfs/etclink"
	cfg '.linux.maskedPaths = ["/etclink/passwd"]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "maskedPaths: /etclink/passwd is a symlink or goes through one in the rootfs: refusing to mask it"
	cfg '.linux.maskedPaths = [] | .linux.readonlyPaths = ["/etclink"]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "readonlyPaths: /etclink is a symlink or goes through one in the rootfs: refusing to make it read-only"
	assert_no_leftovers "$ID"
	assert_hostfile_untouched
}

@test "CVE-2025-52565: /dev/console swapped for a symlink (terminal: true) is refused" {
	evil_dev
	ln -s ../../../../../../../../"$HOSTFILE" "$BUNDLE/rootfs/evildev/console"
	cfg '.process.terminal = true'
	local sock=$BATS_TEST_TMPDIR/console.sock
	start_console_receiver "$sock" "$BATS_TEST_TMPDIR/console.out"
	crunit_fails run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	assert_error "terminal: /dev/console in the container is a symlink or goes through one: refusing to mount the terminal there"
	assert_no_leftovers "$ID"
	assert_hostfile_untouched
	# The same with an absolute symlink to a procfs file.
	rm "$BUNDLE/rootfs/evildev/console"
	ln -s /proc/sysrq-trigger "$BUNDLE/rootfs/evildev/console"
	crunit_fails run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	assert_error "terminal: /dev/console in the container is a symlink or goes through one: refusing to mount the terminal there"
	assert_no_leftovers "$ID"
}

@test "CVE-2025-52565: /dev/pts/ptmx that is not the pty multiplexer is refused" {
	mkdir -p "$BUNDLE/rootfs/evilpts"
	echo "not a ptmx" >"$BUNDLE/rootfs/evilpts/ptmx"
	cfg '.mounts = [.mounts[] | select(.destination != "/dev/pts")]
	     | .mounts += [{"destination": "/dev/pts", "type": "bind", "source": "'"$BUNDLE/rootfs/evilpts"'", "options": ["bind"]}]'
	cfg '.process.terminal = true'
	local sock=$BATS_TEST_TMPDIR/console.sock
	start_console_receiver "$sock" "$BATS_TEST_TMPDIR/console.out"
	crunit_fails run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	assert_error "terminal: /dev/pts/ptmx in the container is not the pty multiplexer (device 5:2)"
	assert_eq "$(cat "$BUNDLE/rootfs/evilpts/ptmx")" "not a ptmx" "the file posing as ptmx"
	assert_no_leftovers "$ID"
}

@test "CVE-2025-52881: /proc of the rootfs is a symlink out of it: nothing lands on the host" {
	rm -rf "$BUNDLE/rootfs/proc"
	mkdir -p "$BATS_TEST_TMPDIR/hostproc"
	ln -s "$BATS_TEST_TMPDIR/hostproc" "$BUNDLE/rootfs/proc"
	cfg '.linux.sysctl = {"kernel.shmmax": "4096"} | .process.oomScoreAdj = 100'
	cr run --bundle "$BUNDLE" "$ID"
	((status != 0)) || fail "run succeeded with a symlinked /proc"
	((${#stderr_lines[@]} == 1)) || fail "expected one error line: $stderr"
	assert_no_leftovers "$ID"
	[[ -z $(ls -A "$BATS_TEST_TMPDIR/hostproc") ]] || fail "something was created in the host's directory: $(ls -A "$BATS_TEST_TMPDIR/hostproc")"
	grep -qF -- "$BATS_TEST_TMPDIR/hostproc" /proc/self/mountinfo && fail "procfs mounted on the host's directory" || true
	# relative, pointing far up
	rm "$BUNDLE/rootfs/proc"
	ln -s ../../../../../../../../"$BATS_TEST_TMPDIR/hostproc" "$BUNDLE/rootfs/proc"
	cr run --bundle "$BUNDLE" "$ID"
	((status != 0)) || fail "run succeeded with a symlinked /proc"
	[[ -z $(ls -A "$BATS_TEST_TMPDIR/hostproc") ]] || fail "something was created in the host's directory"
	assert_no_leftovers "$ID"
	# pointing inside the rootfs: procfs would land there; a mount destination that is a
	# symlink is refused (mount-attr.c), before sysctl and the masks would refuse it
	rm "$BUNDLE/rootfs/proc"
	ln -s /tmp "$BUNDLE/rootfs/proc"
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "mount /proc: the destination is a symlink in the rootfs (to /tmp): refusing to mount over it"
	cfg 'del(.linux.sysctl)'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "mount /proc: the destination is a symlink in the rootfs (to /tmp): refusing to mount over it"
	assert_no_leftovers "$ID"
}

@test "CVE-2025-52881: sysctl and oomScoreAdj are written only through a verified procfs" {
	# A file bind-mounted over a sysctl: crunit must not write into it.
	cfg '.mounts += [{"destination": "/proc/sys/kernel/shmmax", "type": "bind", "source": "'"$HOSTFILE"'", "options": ["bind"]}]
	     | .linux.sysctl = {"kernel.shmmax": "4096"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob "linux.sysctl: cannot open kernel.shmmax*"
	assert_no_leftovers "$ID"
	assert_hostfile_untouched
	# /proc of the container is not a procfs: oomScoreAdj is refused, not written elsewhere.
	cfg '.mounts = [.mounts[] | select(.destination != "/proc")] | del(.linux.sysctl) | .process.oomScoreAdj = 100'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "cannot write /proc/self/oom_score_adj: /proc in the container is not a procfs"
	assert_no_leftovers "$ID"
	# A normal one works.
	cfg '.mounts = [.mounts[] | select(.destination != "/proc/sys/kernel/shmmax")]
	     | .mounts += [{"destination": "/proc", "type": "proc", "source": "proc"}] | .linux.sysctl = {"kernel.shmmax": "4096"}'
	run_ctr_ok 'cat /proc/self/oom_score_adj /proc/sys/kernel/shmmax'
	assert_eq "${lines[*]}" "100 4096" "oom_score_adj and kernel.shmmax"
}

# ---------------------------------------------------------------------------
# container ids
# ---------------------------------------------------------------------------

@test "container ids: only [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, at most 128 bytes" {
	local bad long
	long=$(printf 'a%.0s' {1..129})
	for bad in "" ".." "." ".hidden" "a/b" "/" "../../etc" "a b" $'a\nb' "é" "ü-x" "a*" "$long"; do
		cr create --bundle "$BUNDLE" -- "$bad"
		((status == 1)) || fail "id '$bad' accepted (exit $status)"
		assert_error_glob "invalid container id*"
	done
	local good=a.b+c_d-E9
	CREATED_IDS+=("$good" "${long:1}")
	crunit_ok create --bundle "$BUNDLE" "$good"
	crunit_ok delete "$good"
	crunit_ok create --bundle "$BUNDLE" "${long:1}"
	crunit_ok delete "${long:1}"
	assert_no_leftovers "$good" "$good" "$BUNDLE" 'crunit-a.b\x2bc_d-E9.scope'
}

@test "malformed configs (tests/fuzz/corpus/bad-*): one error line, nothing left behind" {
	local f n=0
	for f in "$REPO"/tests/fuzz/corpus/bad-*.json; do
		cp "$f" "$BUNDLE/config.json"
		crunit_fails create --bundle "$BUNDLE" "$ID"
		assert_no_leftovers "$ID"
		n=$((n + 1))
	done
	((n >= 10)) || fail "only $n malformed configs in the corpus"
}

@test "process.user is parsed strictly; uid/gid 4294967295 ((uid_t)-1, 'unchanged') is refused" {
	local f v
	for f in uid gid; do
		for v in 4294967295 4294967296 -1 1.5 '"0"' true; do
			cfg ".process.user.$f = $v"
			crunit_fails create --bundle "$BUNDLE" "$ID"
			assert_error "config.json: process.user.$f must be an integer between 0 and 4294967294"
			assert_no_leftovers "$ID"
		done
		cfg ".process.user.$f = 0"
	done
	cfg '.process.user.additionalGids = [1, 4294967295]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: process.user.additionalGids[1] must be an integer between 0 and 4294967294"
	# and the largest real ids work
	cfg '.process.user = {"uid": 4294967294, "gid": 4294967294}'
	cfg_sh 'id -u; id -g'
	crunit_ok run --bundle "$BUNDLE" "$ID"
	assert_eq "${lines[*]}" "4294967294 4294967294" "uid and gid"
}

# ---------------------------------------------------------------------------
# capabilities
# ---------------------------------------------------------------------------

@test "capabilities: inheritable and ambient are set (CapInh/CapAmb), uid 1000 keeps the ambient one" {
	cfg '.process.user = {"uid": 1000, "gid": 1000}
	     | .process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
	                                "effective": ["CAP_NET_BIND_SERVICE"],
	                                "permitted": ["CAP_NET_BIND_SERVICE"],
	                                "inheritable": ["CAP_NET_BIND_SERVICE"],
	                                "ambient": ["CAP_NET_BIND_SERVICE"]}'
	run_ctr_ok 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status; id -u'
	local m
	m=$(cap_mask CAP_NET_BIND_SERVICE)
	assert_contains "$output" "CapInh:	$m"
	assert_contains "$output" "CapPrm:	$m"
	assert_contains "$output" "CapEff:	$m"
	assert_contains "$output" "CapAmb:	$m"
	assert_contains "$output" "CapBnd:	$(cap_mask CAP_NET_BIND_SERVICE CAP_CHOWN)"
	assert_eq "${lines[-1]}" 1000 "uid"
}

@test "capabilities: ambient outside permitted or inheritable is refused at create, naming it" {
	cfg '.process.capabilities = {"bounding": ["CAP_NET_RAW"], "permitted": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "config.json: process.capabilities.ambient: CAP_NET_RAW is not also in process.capabilities.permitted and .inheritable, so it cannot be ambient"
	assert_no_leftovers "$ID"
}

@test "capabilities: an unknown name is an error naming it; every name the kernel has is known" {
	cfg '.process.capabilities.bounding += ["CAP_DOES_NOT_EXIST"]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error_glob 'config.json: process.capabilities.bounding\[*\]: unknown capability "CAP_DOES_NOT_EXIST"'
	for bad in cap_chown 0 all "CAP_CHOWN,CAP_KILL" "CAP_"; do
		cfg '.process.capabilities.bounding = [$b]' --arg b "$bad"
		crunit_fails create --bundle "$BUNDLE" "$ID"
		assert_error_glob "config.json: process.capabilities.bounding\[0\]: unknown capability*"
	done
	# The last capability of the running kernel is accepted and applied.
	local last name
	last=$(cat /proc/sys/kernel/cap_last_cap)
	name=$(capsh --decode=$(printf '%x' $((1 << last))) | sed 's/.*=//' | tr a-z A-Z)
	cfg '.process.capabilities = {"bounding": [$n], "effective": [$n], "permitted": [$n]}' --arg n "$name"
	run_ctr_ok 'grep ^CapBnd /proc/self/status'
	assert_eq "$output" "CapBnd:	$(printf '%016x' $((1 << last)))" "bounding set with $name"
}
