#!/usr/bin/env bats
# podman.bats - Debian 12's podman (4.3) + conmon run containers with crunit as the OCI
# runtime and the systemd cgroup manager: every container is libpod-<id>.scope.
#
# podman's storage (vfs driver), run root, tmp dir and config live in this file's
# BATS_FILE_TMPDIR (the sandbox's /tmp): nothing outside the sandbox is touched. The image is
# the tests' busybox rootfs, imported offline. Containers run with --network none; on a
# unified sandbox also with --pids-limit 0 (runc needs that without a v2 pids controller;
# one test shows that crunit does not).

load helpers
bats_require_minimum_version 1.5.0

IMG=localhost/crunit-busybox:latest

# pm ARGS...: podman on this file's storage and config.
pm() {
	CONTAINERS_CONF=${PM_CONF:-$PM_DIR/containers.conf} \
		timeout -k 5 120 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" \
		--tmpdir "$PM_DIR/tmp" --storage-driver vfs --cgroup-manager systemd "$@"
}

# The options every `podman run` here needs.
pm_run_opts() {
	PM_RUN=(--runtime "$CRUNIT" --network none)
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == unified ]]; then
		PM_RUN+=(--pids-limit 0)
	fi
}

setup_file() {
	require_sandbox || return 1
	require_crunit || return 1
	command -v podman >/dev/null || fail "podman is not installed (tools/install-deps.sh)" || return 1
	export PM_DIR=$BATS_FILE_TMPDIR/podman
	mkdir -p "$PM_DIR/tmp"
	# runtime_supports_json: conmon passes crunit --log FILE --log-format json and shows
	# crunit's error from there.
	cat >"$PM_DIR/containers.conf" <<EOF
[containers]
log_driver = "k8s-file"
[engine]
events_logger = "file"
runtime_supports_json = ["crunit"]
EOF
	# crunit as podman's default runtime (also for a pod's infra container)
	cat >"$PM_DIR/containers-default.conf" <<EOF
[containers]
log_driver = "k8s-file"
[engine]
events_logger = "file"
runtime = "crunit"
runtime_supports_json = ["crunit"]
[engine.runtimes]
crunit = ["$CRUNIT"]
EOF
	local rootfs=$PM_DIR/rootfs
	make_busybox_rootfs "$rootfs" >&2 || return 1
	# for tmpcopyup: a directory with a file, a symlink and a subdirectory
	mkdir -p "$rootfs/srv/data/sub"
	echo hello-from-image >"$rootfs/srv/data/file"
	ln -s file "$rootfs/srv/data/link"
	chmod 0750 "$rootfs/srv/data"
	tar -C "$rootfs" -cf "$PM_DIR/busybox.tar" . || return 1
	pm import "$PM_DIR/busybox.tar" "$IMG" >&2 || fail "podman import failed" || return 1
}

teardown_file() {
	pm rm -af -t 0 >/dev/null 2>&1 || true
	pm rmi -af >/dev/null 2>&1 || true
	local m
	if m=$(grep -F -- "$PM_DIR" /proc/self/mountinfo); then
		fail "mounts left under $PM_DIR:" "$m"
	fi
}

setup() {
	require_sandbox || return 1
	pm_run_opts
	PM_IDS=()
}

# Every test: podman rm -af (and the cleanup of the test), then nothing of its containers may be left: no podman container,
# no libpod scope, no crunit state, no process.
teardown() {
	local c
	for c in "${CLEANUP_CMDS[@]}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
	pm rm -af -t 0 >/dev/null 2>&1 || true
	assert_podman_clean
}

assert_podman_clean() {
	local i out errs=() id
	for ((i = 0; i < 50; i++)); do
		out=$(systemctl list-units --all --no-legend --plain 'libpod-*' 'machine-libpod_pod_*' 2>&1)
		[[ -z $out ]] && break
		sleep 0.1
	done
	[[ -z $out ]] || errs+=("libpod units or pod slices left: $out")
	out=$(pm ps -aq 2>&1)
	[[ -z $out ]] || errs+=("podman containers left: $out")
	out=$(pm pod ps -q 2>&1)
	[[ -z $out ]] || errs+=("podman pods left: $out")
	for id in "${PM_IDS[@]}"; do
		[[ -e $CRUNIT_ROOT/$id ]] && errs+=("crunit state $CRUNIT_ROOT/$id left")
		# conmon runs podman's cleanup command when the container has exited, then exits
		for ((i = 0; i < 100; i++)); do
			out=$(pgrep -a -f -- "$id") || break
			sleep 0.1
		done
		[[ -z $out ]] || errs+=("processes left after 10 s: $out")
	done
	((${#errs[@]} == 0)) || fail "leftovers:" "${errs[@]}"
}

# pm_detached ARGS...: podman run -d; sets CID (full id) and PID (the container's init).
pm_detached() {
	CID=$(pm run -d "${PM_RUN[@]}" "$@") || fail "podman run -d $* failed" || return 1
	PM_IDS+=("$CID")
	PID=$(pm inspect --format '{{.State.Pid}}' "$CID") || return 1
	[[ $PID =~ ^[0-9]+$ && $PID -gt 0 ]] || fail "no pid for $CID: '$PID'"
}

# pm_wait_log ID STRING: waits (10 s) until `podman logs ID` shows STRING.
pm_wait_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		pm logs "$1" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	fail "'$2' not in the logs of $1:" "$(pm logs "$1" 2>&1)"
}

# wait_unit_gone UNIT: the scope is no longer loaded (10 s).
wait_unit_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(systemctl show -P LoadState "$1") == not-found ]] && return 0
		sleep 0.1
	done
	fail "$1 still loaded: $(systemctl show -p LoadState,ActiveState "$1")"
}

# A loop that ends on SIGTERM with exit code 7 and reports SIGUSR1.
LOOP='trap "echo got-term; exit 7" TERM; trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done'

@test "podman: run --rm with crunit as runtime, exit code and output propagate" {
	run pm run --rm "${PM_RUN[@]}" "$IMG" sh -c 'echo hello-out; exit 3'
	echo "$output"
	((status == 3)) || fail "exit status $status, expected 3"
	assert_contains "$output" hello-out
	run pm run --rm "${PM_RUN[@]}" "$IMG" true
	((status == 0)) || fail "true: exit status $status"
	# podman shows `crunit --version`; its first line is runc's "runc version X"
	run pm info --runtime "$CRUNIT" --format '{{.Host.OCIRuntime.Version}}'
	((status == 0)) || fail "podman info: $output"
	[[ ${lines[0]} =~ ^crunit\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "podman info's runtime version: $output"
}

@test "podman: run -d and ps; the container is libpod-<id>.scope made by crunit" {
	pm_detached "$IMG" sh -c "$LOOP"
	local u=libpod-$CID.scope
	run pm ps --no-trunc --format '{{.ID}} {{.Status}}'
	echo "$output"
	[[ $output == *"$CID Up"* ]] || fail "podman ps does not show $CID up"
	assert_eq "$(systemctl show -P ActiveState "$u")" active ActiveState
	assert_eq "$(systemctl show -P Description "$u")" "crunit container $CID" Description
	assert_eq "$(systemctl show -P ControlGroup "$u")" "/machine.slice/$u" ControlGroup
	grep -q "^0::/machine.slice/$u\$" "/proc/$PID/cgroup" || fail "/proc/$PID/cgroup:" "$(cat "/proc/$PID/cgroup")"
	systemctl status --no-pager "$u" >"$BATS_TEST_TMPDIR/status" || true
	grep -q "$PID" "$BATS_TEST_TMPDIR/status" || fail "systemctl status $u does not list $PID:" "$(cat "$BATS_TEST_TMPDIR/status")"
	# crunit's own view of it
	crunit_ok state "$CID"
	assert_eq "$(jq -r .status <<<"$output")" running "crunit state"
	assert_eq "$(jq -r .systemdUnit <<<"$output")" "$u" "crunit state systemdUnit"
	assert_eq "$(jq -r .pid <<<"$output")" "$PID" "crunit state pid"
}

@test "podman: logs" {
	CID=$(pm run -d "${PM_RUN[@]}" "$IMG" sh -c 'echo line-out; echo line-err >&2; exit 0') || fail "podman run -d"
	PM_IDS+=("$CID")
	run pm wait "$CID"
	assert_eq "$output" 0 "podman wait"
	run pm logs "$CID"
	echo "$output"
	assert_contains "$output" line-out
	assert_contains "$output" line-err
}

@test "podman: stop (SIGTERM) ends the container and its scope" {
	pm_detached "$IMG" sh -c "$LOOP"
	pm_wait_log "$CID" ready
	run pm stop -t 10 "$CID"
	((status == 0)) || fail "podman stop: $output"
	assert_eq "$(pm inspect --format '{{.State.ExitCode}}' "$CID")" 7 "exit code after stop"
	pm_wait_log "$CID" got-term
	wait_unit_gone "libpod-$CID.scope"
	# and it starts again
	run pm start "$CID"
	((status == 0)) || fail "podman start: $output"
	assert_eq "$(systemctl show -P ActiveState "libpod-$CID.scope")" active "ActiveState after start"
}

@test "podman: kill with a signal and with SIGKILL" {
	pm_detached "$IMG" sh -c "$LOOP"
	pm_wait_log "$CID" ready
	run pm kill --signal USR1 "$CID"
	((status == 0)) || fail "podman kill --signal USR1: $output"
	pm_wait_log "$CID" got-usr1
	run pm kill "$CID"
	((status == 0)) || fail "podman kill: $output"
	run pm wait "$CID"
	assert_eq "$output" 137 "exit code after SIGKILL"
	wait_unit_gone "libpod-$CID.scope"
}

@test "podman: pause and unpause freeze and thaw the scope" {
	pm_detached "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done'
	local u=libpod-$CID.scope n1 n2
	run pm pause "$CID"
	((status == 0)) || fail "podman pause: $output"
	assert_eq "$(pm inspect --format '{{.State.Status}}' "$CID")" paused "podman status"
	assert_eq "$(state_field "$CID" .status)" paused "crunit status"
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; then
		assert_eq "$(cat "/sys/fs/cgroup/freezer/machine.slice/$u/freezer.state")" FROZEN freezer.state
	else
		assert_eq "$(cat "/sys/fs/cgroup/machine.slice/$u/cgroup.freeze")" 1 cgroup.freeze
	fi
	n1=$(cat "/proc/$PID/root/tmp/n")
	sleep 0.5
	n2=$(cat "/proc/$PID/root/tmp/n")
	assert_eq "$n2" "$n1" "counter while paused"
	run pm unpause "$CID"
	((status == 0)) || fail "podman unpause: $output"
	assert_eq "$(pm inspect --format '{{.State.Status}}' "$CID")" running "podman status"
	sleep 0.5
	n2=$(cat "/proc/$PID/root/tmp/n")
	((n2 > n1)) || fail "counter did not move after unpause: $n1 -> $n2"
}

@test "podman: --pid host: stop is crunit kill --all (the whole scope), nothing survives" {
	pm_detached --pid host "$IMG" sh -c 'sleep 1003 & trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done'
	pm_wait_log "$CID" ready
	pgrep -f 'sleep 1003' >/dev/null || fail "no sleep 1003"
	run pm stop -t 5 "$CID"
	((status == 0)) || fail "podman stop: $output"
	assert_eq "$(pm inspect --format '{{.State.ExitCode}}' "$CID")" 3 "exit code after stop"
	wait_unit_gone "libpod-$CID.scope"
	local p
	if p=$(pgrep -af 'sleep 1003'); then
		fail "left running: $p"
	fi
}

@test "podman: restart gives a new init in a new scope; stats reads the scope's cgroup" {
	pm_detached "$IMG" sleep 1000
	local old=$PID
	run pm restart -t 0 "$CID"
	((status == 0)) || fail "podman restart: $output"
	PID=$(pm inspect --format '{{.State.Pid}}' "$CID")
	[[ $PID != "$old" && $PID -gt 0 ]] || fail "pid after restart: $old -> $PID"
	grep -q "^0::/machine.slice/libpod-$CID.scope\$" "/proc/$PID/cgroup" || fail "/proc/$PID/cgroup:" "$(cat "/proc/$PID/cgroup")"
	run pm stats --no-stream --format '{{.ID}} {{.CPU}}' "$CID"
	echo "$output"
	((status == 0)) || fail "podman stats failed"
	assert_contains "$output" "${CID:0:12} "
}

@test "podman: --init runs catatonit as the container's PID 1" {
	run pm run --rm "${PM_RUN[@]}" --init "$IMG" sh -c 'cat /proc/1/cmdline | tr "\0" " "; exit 4'
	echo "$output"
	((status == 4)) || fail "status $status, expected 4"
	assert_contains "$output" "/run/podman-init -- sh"
}

@test "podman: top lists the container's processes" {
	pm_detached "$IMG" sh -c 'sleep 1000 & sleep 1001'
	run pm top "$CID"
	echo "$output"
	((status == 0)) || fail "podman top failed"
	assert_contains "$output" "sleep 1000"
	assert_contains "$output" "sleep 1001"
}

@test "podman: rm -f of a running container leaves nothing behind" {
	pm_detached "$IMG" sleep 1000
	run pm rm -f -t 0 "$CID"
	((status == 0)) || fail "podman rm -f: $output"
	wait_unit_gone "libpod-$CID.scope"
	[[ ! -e $CRUNIT_ROOT/$CID ]] || fail "crunit state of $CID left"
	wait_pid_gone "$PID"
}

@test "podman: run --memory 64m: MemoryMax of the scope; memory.limit_in_bytes (hybrid), memory.max only where v2 has a memory controller (not in these sandboxes)" {
	pm_detached --memory 64m "$IMG" sleep 1000
	local u=libpod-$CID.scope
	assert_eq "$(systemctl show -P MemoryMax "$u")" 67108864 MemoryMax
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; then
		assert_eq "$(cat "/sys/fs/cgroup/memory/machine.slice/$u/memory.limit_in_bytes")" 67108864 memory.limit_in_bytes
	elif grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
		assert_eq "$(cat "/sys/fs/cgroup/machine.slice/$u/memory.max")" 67108864 memory.max
	else
		# unified without a memory controller: systemd keeps the setting, the kernel has
		# nowhere to apply it
		[[ ! -e /sys/fs/cgroup/machine.slice/$u/memory.max ]] || fail "memory.max exists without a memory controller?"
	fi
}

@test "podman: update (crunit update --resources=FILE) changes the scope's properties" {
	pm_detached --memory 64m "$IMG" sleep 1000
	local u=libpod-$CID.scope
	run pm update --memory 128m --cpus 0.5 --cpu-shares 512 "$CID"
	((status == 0)) || fail "podman update: $output"
	assert_eq "$(systemctl show -P MemoryMax "$u")" 134217728 MemoryMax
	assert_eq "$(systemctl show -P CPUQuotaPerSecUSec "$u")" 500ms CPUQuotaPerSecUSec
	# runc's shares -> weight conversion: 1 + (512 - 2) * 9999 / 262142
	assert_eq "$(systemctl show -P CPUWeight "$u")" 20 CPUWeight
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; then
		assert_eq "$(cat "/sys/fs/cgroup/memory/machine.slice/$u/memory.limit_in_bytes")" 134217728 memory.limit_in_bytes
	fi
}

@test "podman: the default pids limit (2048) becomes TasksMax, even without a pids controller" {
	# no --pids-limit 0 here
	CID=$(pm run -d --runtime "$CRUNIT" --network none "$IMG" sleep 1000) || fail "podman run -d failed"
	PM_IDS+=("$CID")
	assert_eq "$(systemctl show -P TasksMax "libpod-$CID.scope")" 2048 TasksMax
	assert_eq "$(pm inspect --format '{{.State.Status}}' "$CID")" running status
}

@test "podman: run -it gives the container a terminal" {
	local cmd
	printf -v cmd '%q ' env CONTAINERS_CONF="$PM_DIR/containers.conf" podman --root "$PM_DIR/root" \
		--runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp" --storage-driver vfs --cgroup-manager systemd \
		run --rm -it "${PM_RUN[@]}" "$IMG" sh -c 'tty; test -t 0 && echo stdin-is-a-tty; exit 5'
	local rc=0
	run_in_pty "$cmd" "$BATS_TEST_TMPDIR/pty.out" || rc=$?
	show_file "$BATS_TEST_TMPDIR/pty.out"
	((rc == 5)) || fail "exit status $rc, expected 5"
	grep -q '/dev/pts/[0-9]' "$BATS_TEST_TMPDIR/pty.out" || fail "tty did not name a pty"
	grep -q stdin-is-a-tty "$BATS_TEST_TMPDIR/pty.out" || fail "stdin is not a tty"
}

@test "podman: exec, exec -t and exec -d" {
	pm_detached "$IMG" sleep 1000
	run pm exec -e FOO=bar --user 65534 "$CID" sh -c 'echo "$FOO $(id -u)"; grep ^0:: /proc/self/cgroup; exit 6'
	echo "$output"
	((status == 6)) || fail "exec exit status $status, expected 6"
	assert_contains "$output" "bar 65534"
	# the exec'd process is in the container's scope (host view)
	local cmd rc=0
	printf -v cmd '%q ' env CONTAINERS_CONF="$PM_DIR/containers.conf" podman --root "$PM_DIR/root" \
		--runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp" --storage-driver vfs --cgroup-manager systemd \
		exec -it "$CID" sh -c 'tty; exit 4'
	run_in_pty "$cmd" "$BATS_TEST_TMPDIR/pty.out" || rc=$?
	show_file "$BATS_TEST_TMPDIR/pty.out"
	((rc == 4)) || fail "exec -t exit status $rc, expected 4"
	grep -q '/dev/pts/[0-9]' "$BATS_TEST_TMPDIR/pty.out" || fail "exec -t: tty did not name a pty"
	run pm exec -d "$CID" sleep 1002
	((status == 0)) || fail "exec -d: $output"
	local i p=''
	for ((i = 0; i < 50; i++)); do
		p=$(pgrep -f 'sleep 1002') && break
		sleep 0.1
	done
	[[ -n $p ]] || fail "exec -d: no 'sleep 1002'"
	grep -q "^0::/machine.slice/libpod-$CID.scope\$" "/proc/$p/cgroup" || fail "exec'd process not in the scope:" "$(cat "/proc/$p/cgroup")"
	run -127 pm exec "$CID" no-such-command
	((status == 127)) || fail "exec of a missing command: status $status, expected 127"
	assert_contains "$output" "crunit"
}

@test "podman: --read-only and --tmpfs (tmpcopyup: the tmpfs starts with the image's files)" {
	run pm run --rm "${PM_RUN[@]}" --read-only "$IMG" sh -c 'touch /x 2>/dev/null && echo root-writable; touch /tmp/x /run/x /var/tmp/x && echo tmp-writable'
	echo "$output"
	((status == 0)) || fail "status $status"
	[[ $output != *root-writable* ]] || fail "--read-only: / is writable"
	assert_contains "$output" tmp-writable
	run pm run --rm "${PM_RUN[@]}" --tmpfs /srv/data "$IMG" sh -c \
		'grep -q " /srv/data tmpfs " /proc/mounts && echo is-tmpfs; cat /srv/data/link; stat -c "%a %F" /srv/data /srv/data/sub; echo new >/srv/data/file'
	echo "$output"
	((status == 0)) || fail "status $status"
	assert_contains "$output" is-tmpfs
	assert_contains "$output" hello-from-image
	assert_contains "$output" "750 directory"
	# the image is unchanged
	run pm run --rm "${PM_RUN[@]}" "$IMG" cat /srv/data/file
	assert_eq "$output" hello-from-image "the image's file"
}

@test "podman: --device (fileMode with the type bits, access r on top of a default rwm) and --privileged" {
	run pm run --rm "${PM_RUN[@]}" --device /dev/null:/dev/mynull "$IMG" sh -c 'stat -c "%F %t:%T %a" /dev/mynull; echo x >/dev/mynull && echo write-ok'
	echo "$output"
	((status == 0)) || fail "--device: status $status"
	assert_contains "$output" "character special file 1:3 666"
	assert_contains "$output" write-ok
	run pm run --rm "${PM_RUN[@]}" --device /dev/zero:/dev/myzero:r "$IMG" sh -c 'head -c 3 /dev/myzero | od -An -c; stat -c "%t:%T" /dev/zero'
	echo "$output"
	((status == 0)) || fail "--device ...:r: status $status"
	assert_contains "$output" '\0  \0  \0'
	run pm run --rm "${PM_RUN[@]}" --privileged "$IMG" sh -c 'grep CapEff /proc/self/status; test -c /dev/full && echo has-full'
	echo "$output"
	((status == 0)) || fail "--privileged: status $status"
	assert_contains "$output" has-full
	[[ $output != *"CapEff:	0000000000000000"* ]] || fail "--privileged: no capabilities"
}

@test "podman: --uidmap/--gidmap: a user namespace (on hybrid the cgroup hierarchies are bind-mounted)" {
	# A new proc in a user namespace needs a fully visible /proc: the runtime runs in a mount
	# namespace without the sandbox's /proc/sys overmount (see rootless.bats). Named crunit,
	# so that podman still treats it as crunit (runtime_supports_json).
	local w=$BATS_TEST_TMPDIR/wrap/crunit
	mkdir -p "${w%/*}"
	printf '#!/bin/sh\nexec unshare -m sh -c '"'"'umount -l /proc/sys && exec "$@"'"'"' sh %s "$@"\n' "$CRUNIT" >"$w"
	chmod +x "$w"
	PM_RUN[1]=$w
	pm_detached --uidmap 0:100000:65536 --gidmap 0:100000:65536 --memory 64m "$IMG" \
		sh -c 'touch /made-here; echo ready; sleep 1000'
	pm_wait_log "$CID" ready
	assert_eq "$(awk '{print $1, $2, $3}' "/proc/$PID/uid_map")" "0 100000 65536" uid_map
	assert_eq "$(stat -c %u:%g "/proc/$PID/root/made-here")" 100000:100000 "owner of a file the container made"
	assert_eq "$(systemctl show -P Description "libpod-$CID.scope")" "crunit container $CID" Description
	run pm exec "$CID" sh -c 'id -u; ls /sys/fs/cgroup >/dev/null && echo cgroup-ok'
	((status == 0)) || fail "exec: $output"
	assert_contains "$output" cgroup-ok
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; then
		run pm exec "$CID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		assert_eq "$output" 67108864 "the container's own memory cgroup"
	fi
}

@test "podman: a pod: the scopes are in the pod's slice, containers join the infra container's namespaces" {
	local pod infra slice
	export PM_CONF=$PM_DIR/containers-default.conf # the infra container's runtime too
	pod=$(pm pod create --network none --share uts,ipc) || fail "podman pod create failed"
	on_teardown "pm pod rm -f -t 0 $pod"
	slice=machine-libpod_pod_$pod.slice
	pm_detached --pod "$pod" "$IMG" sh -c 'hostname; sleep 1000'
	infra=$(pm pod inspect --format '{{.InfraContainerID}}' "$pod")
	PM_IDS+=("$infra")
	local ipid
	ipid=$(pm inspect --format '{{.State.Pid}}' "$infra")
	assert_eq "$(systemctl show -P ControlGroup "libpod-$CID.scope")" "/machine.slice/$slice/libpod-$CID.scope" "ControlGroup"
	assert_eq "$(systemctl show -P Description "libpod-$infra.scope")" "crunit container $infra" "the infra container's scope"
	local ns
	for ns in uts ipc; do
		assert_eq "$(readlink "/proc/$PID/ns/$ns")" "$(readlink "/proc/$ipid/ns/$ns")" "$ns namespace"
	done
	[[ $(readlink "/proc/$PID/ns/pid") != "$(readlink "/proc/$ipid/ns/pid")" ]] || fail "pid namespace shared"
	run pm pod rm -f -t 0 "$pod"
	((status == 0)) || fail "podman pod rm: $output"
	wait_unit_gone "libpod-$CID.scope"
	wait_unit_gone "libpod-$infra.scope"
	# podman's slice: stopped (its transient file stays, so `systemctl show` would load it)
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -z $(systemctl list-units --all --plain --no-legend "$slice") ]] && return 0
		sleep 0.1
	done
	fail "$slice still listed: $(systemctl list-units --all --plain --no-legend "$slice")"
}

@test "podman: crunit's errors reach podman (127: no such command, 126: not executable)" {
	run -127 pm run --rm "${PM_RUN[@]}" "$IMG" no-such-command
	echo "$output"
	((status == 127)) || fail "status $status, expected 127"
	assert_contains "$output" 'crunit: exec: "no-such-command": executable file not found in $PATH'
	run pm run --rm "${PM_RUN[@]}" "$IMG" /etc/passwd
	echo "$output"
	((status == 126)) || fail "status $status, expected 126"
	assert_contains "$output" "crunit"
}

@test "podman: crunit as the default runtime in containers.conf" {
	export PM_CONF=$PM_DIR/containers-default.conf
	cat "$PM_CONF"
	run pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
	assert_eq "$output" "crunit $CRUNIT" "podman info"
	local opts=(--network none)
	[[ ${CRUNIT_SANDBOX_MODE:-unified} == unified ]] && opts+=(--pids-limit 0)
	CID=$(pm run -d "${opts[@]}" "$IMG" sleep 1000) || fail "podman run -d failed"
	PM_IDS+=("$CID")
	assert_eq "$(pm inspect --format '{{.OCIRuntime}}' "$CID")" crunit "the container's runtime"
	assert_eq "$(systemctl show -P Description "libpod-$CID.scope")" "crunit container $CID" Description
	crunit_ok state "$CID"
	run pm run --rm "${opts[@]}" "$IMG" sh -c 'exit 9'
	((status == 9)) || fail "status $status, expected 9"
}
