#!/usr/bin/env bats
# notify.bats - containers run from unit files: NOTIFY_SOCKET passthrough (Type=notify),
# keep-unit mode, and the unit files of units/ (crunit@.service, crunit-forking@.service).

load helpers

setup_file() {
	gcc -static -O2 -o "$BATS_FILE_TMPDIR/sd-notify-send" "$HELPERS_DIR/data/sd-notify-send.c" ||
		fail "cannot build the sd-notify-send helper (gcc -static)"
}

setup() {
	common_setup || return 1
	cp "$BATS_FILE_TMPDIR/sd-notify-send" "$BUNDLE/rootfs/bin/sd-notify-send"
	UNITS_WRITTEN=()
	SVC=
}

teardown() {
	local f
	if [[ -n $SVC ]]; then
		systemctl stop "$SVC" >/dev/null 2>&1 || true
		systemctl reset-failed "$SVC" >/dev/null 2>&1 || true
		systemctl revert "$SVC" >/dev/null 2>&1 || true
	fi
	for f in "${UNITS_WRITTEN[@]}"; do
		rm -rf "$f"
	done
	systemctl daemon-reload || true
	[[ -z ${RECEIVER_PID:-} ]] || kill "$RECEIVER_PID" 2>/dev/null || true
	common_teardown
}

# The container: STATUS=waiting, then READY=1 with STATUS=serving once /tmp/go exists; a PID 1
# that ends on SIGTERM.
NOTIFY_SCRIPT='sd-notify-send STATUS=waiting
while [ ! -e /tmp/go ]; do sleep 0.1; done
sd-notify-send READY=1 STATUS=serving
trap "exit 0" TERM
while :; do sleep 0.1; done'

# write_unit NAME: stdin to /run/systemd/system/NAME (removed at teardown).
write_unit() {
	cat >"/run/systemd/system/$1"
	UNITS_WRITTEN+=("/run/systemd/system/$1")
}

# start_notify_receiver: a host NOTIFY_SOCKET at $sock (lib/notify-receiver.py, killed at
# teardown) that writes each datagram to $out as a line, fields joined by "|"; the caller
# declares sock and out local.
start_notify_receiver() {
	local i
	sock=$BATS_TEST_TMPDIR/host-notify.sock out=$BATS_TEST_TMPDIR/notify.out
	"$PYTHON" "$LIB/notify-receiver.py" "$sock" "$out" &
	RECEIVER_PID=$!
	for ((i = 0; i < 50; i++)); do [[ -e $out.ready ]] && break; sleep 0.1; done
}

# start_unit NAME: stdin as the unit NAME (write_unit), loaded and started. Sets SVC.
start_unit() {
	SVC=$1
	write_unit "$SVC"
	systemctl daemon-reload
	systemctl start "$SVC"
}

# install_template NAME: units/NAME.in with this build's crunit, and a drop-in for instance $ID
# pointing CRUNIT_BUNDLE at $BUNDLE. Sets SVC to NAME's instance $ID.
install_template() {
	local name=$1
	sed "s|@SBINDIR@/crunit|$CRUNIT|g" "$REPO/units/$name.in" | write_unit "$name"
	SVC=${name/@/@$ID}
	mkdir -p "/run/systemd/system/$SVC.d"
	UNITS_WRITTEN+=("/run/systemd/system/$SVC.d")
	printf '[Service]\nEnvironment=CRUNIT_BUNDLE=%s\n' "$BUNDLE" >"/run/systemd/system/$SVC.d/bundle.conf"
	systemctl daemon-reload
}

# wait_unit_prop UNIT PROPERTY VALUE [SECONDS]
wait_unit_prop() {
	local unit=$1 prop=$2 want=$3 secs=${4:-15} i v=
	for ((i = 0; i < secs * 10; i++)); do
		v=$(systemctl show -P "$prop" "$unit") && [[ $v == "$want" ]] && return 0
		sleep 0.1
	done
	systemctl status --no-pager "$unit" >&2 || true
	fail "$unit: $prop did not become '$want' within ${secs}s (last: '$v')"
}

# The journal of a unit (after a sync).
unit_journal() {
	journalctl --sync 2>/dev/null || true
	journalctl --no-pager -o cat -u "$1"
}

# assert_in_unit_cgroup PID UNIT: PID's cgroup (systemd's hierarchy) is UNIT's.
assert_in_unit_cgroup() {
	local cg
	cg=$(grep -E '^(0::|[0-9]+:name=systemd:)' "/proc/$1/cgroup" | tail -n1)
	[[ $cg == *"/$2" ]] || fail "process $1 is not in $2's cgroup: $(cat "/proc/$1/cgroup")"
}

stop_and_check_gone() {
	local pid=$1 t0=$SECONDS
	systemctl stop "$SVC"
	((SECONDS - t0 < 10)) || fail "stopping $SVC took $((SECONDS - t0))s"
	wait_pid_gone "$pid"
	local st
	st=$(unit_prop "$SVC" ActiveState)
	[[ $st == inactive || $st == failed ]] || fail "$SVC is $st after stop"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "crunit@.service (Type=notify, keep-unit): READY=1 only when the container says so, MainPID, STATUS=, its cgroup, stop" {
	cfg_sh "$NOTIFY_SCRIPT"
	install_template crunit@.service
	systemctl start --no-block "$SVC"
	wait_unit_prop "$SVC" StatusText waiting
	sleep 0.5
	assert_eq "$(unit_prop "$SVC" ActiveState)" activating "before the container sent READY=1"
	touch "$BUNDLE/rootfs/tmp/go"
	wait_unit_prop "$SVC" ActiveState active
	assert_eq "$(unit_prop "$SVC" StatusText)" serving "StatusText"
	local pid
	pid=$(ctr_pid "$ID")
	assert_eq "$(unit_prop "$SVC" MainPID)" "$pid" "the service's MainPID is the container's init"
	assert_in_unit_cgroup "$pid" "$SVC"
	systemctl status --no-pager "$SVC" >"$BATS_TEST_TMPDIR/status" || true
	grep -q 'Status: "serving"' "$BATS_TEST_TMPDIR/status" || { show_file "$BATS_TEST_TMPDIR/status"; fail "no Status: line"; }
	assert_eq "$(state_field "$ID" .systemdUnit)" "$SVC" "state: systemdUnit"
	assert_eq "$(jq -r .keepUnit "$CRUNIT_ROOT/$ID/state.json")" true "state.json: keepUnit"
	assert_eq "$(systemctl show -P LoadState "crunit-$ID.scope")" not-found "no scope"
	# the verbs work on it
	assert_eq "$(ctr_status "$ID")" running
	crunit_ok ps --format json "$ID"
	assert_contains "$output" "$pid"
	stop_and_check_gone "$pid"
}

@test "crunit-forking@.service (Type=forking, run -d --keep-unit --pid-file, PIDFile=): MainPID accepted, no refusal" {
	cfg_sh 'echo container-started; trap "exit 0" TERM; while :; do sleep 0.1; done'
	install_template crunit-forking@.service
	systemctl start "$SVC"
	assert_eq "$(unit_prop "$SVC" ActiveState)" active "service state"
	local pid
	pid=$(ctr_pid "$ID")
	assert_eq "$(unit_prop "$SVC" MainPID)" "$pid" "MainPID = the container's init"
	assert_in_unit_cgroup "$pid" "$SVC"
	local j
	j=$(unit_journal "$SVC")
	if grep -Eiq 'refusing|does not belong|not owned by root' <<<"$j"; then
		fail "systemd complained about the PID file:" "$j"
	fi
	stop_and_check_gone "$pid"
	[[ ! -e /run/crunit-forking-$ID.pid ]] || fail "the PID file is left"
}

@test "Type=notify without --keep-unit: systemd accepts MAINPID (root sender) of the init in crunit-ID.scope" {
	cfg_sh "$NOTIFY_SCRIPT"
	touch "$BUNDLE/rootfs/tmp/go"
	start_unit notify-$ID.service <<UNIT
[Service]
Type=notify
ExecStart=$CRUNIT run -d --bundle $BUNDLE $ID
ExecStopPost=$CRUNIT delete --force $ID
UNIT
	local pid
	pid=$(ctr_pid "$ID")
	assert_eq "$(unit_prop "$SVC" MainPID)" "$pid" "MainPID"
	assert_eq "$(unit_prop "$SVC" StatusText)" serving "StatusText"
	assert_in_unit_cgroup "$pid" "crunit-$ID.scope"
	assert_eq "$(unit_prop "crunit-$ID.scope" ActiveState)" active "the container's scope"
	# systemd does not wait for an alien main PID: it is SIGKILLed right away (see README)
	stop_and_check_gone "$pid"
}

@test "a container that exits before READY=1 fails the service with a clear message; nothing is left" {
	cfg_sh 'sd-notify-send STATUS=starting; exit 3'
	install_template crunit@.service
	! systemctl start "$SVC" 2>/dev/null || fail "systemctl start succeeded"
	assert_eq "$(unit_prop "$SVC" ActiveState)" failed "service state"
	local j
	j=$(unit_journal "$SVC")
	assert_contains "$j" "crunit: container \"$ID\" exited before it sent READY=1 to \$NOTIFY_SOCKET (/run/notify/notify.sock)" "journal"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "foreground run --keep-unit in a Type=notify service: STATUS= after READY=1 is forwarded too" {
	cfg_sh 'sd-notify-send READY=1 STATUS=first
while [ ! -e /tmp/go ]; do sleep 0.1; done
sd-notify-send STATUS=later
trap "exit 0" TERM
while :; do sleep 0.1; done'
	start_unit notify-$ID.service <<UNIT
[Service]
Type=notify
ExecStart=$CRUNIT run --keep-unit --bundle $BUNDLE $ID
UNIT
	local pid
	pid=$(ctr_pid "$ID")
	assert_eq "$(unit_prop "$SVC" MainPID)" "$pid" "MainPID"
	assert_eq "$(unit_prop "$SVC" StatusText)" first "StatusText"
	touch "$BUNDLE/rootfs/tmp/go"
	wait_unit_prop "$SVC" StatusText later
	assert_in_unit_cgroup "$pid" "$SVC"
	stop_and_check_gone "$pid"
}

@test "create/start: create leaves NOTIFY_SOCKET alone, start forwards READY=1 with MAINPID (socket recorded at create)" {
	local sock out
	start_notify_receiver
	cfg_sh 'sd-notify-send STATUS=one MAINPID=1; sd-notify-send READY=1; exec sleep 1000'
	NOTIFY_SOCKET=$sock
	export NOTIFY_SOCKET
	crunit_ok create --bundle "$BUNDLE" "$ID"
	unset NOTIFY_SOCKET
	[[ ! -s $out ]] || fail "create sent something to NOTIFY_SOCKET: $(cat "$out")"
	crunit_ok start "$ID"
	local pid
	pid=$(ctr_pid "$ID")
	wait_file_contains "$out" "READY=1|MAINPID=$pid"
	grep -qx 'STATUS=one' "$out" || fail "STATUS=one not forwarded (or MAINPID=1 not dropped): $(cat "$out")"
	! grep -q 'MAINPID=1$' "$out" || fail "the container's own MAINPID was forwarded: $(cat "$out")"
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID" "sleep 1000" "$BUNDLE"
}

@test "run -d: a container that exits without READY=1 is an error naming it; nothing is left" {
	local sock out
	start_notify_receiver
	cfg_sh 'exit 0'
	export NOTIFY_SOCKET=$sock
	crunit_fails run -d --bundle "$BUNDLE" "$ID"
	unset NOTIFY_SOCKET
	assert_error "container \"$ID\" exited before it sent READY=1 to \$NOTIFY_SOCKET (/run/notify/notify.sock)"
	! grep -q READY "$out" || fail "READY=1 was sent on the container's behalf: $(cat "$out")"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "--keep-unit (or the annotation) outside a service: one clear error, nothing left" {
	crunit_fails run --keep-unit --bundle "$BUNDLE" "$ID"
	assert_error_glob "--keep-unit: crunit is not running inside a service but in *.scope: keep-unit mode is for ExecStart= of a .service"
	assert_no_leftovers "$ID" "" "$BUNDLE"
	cfg '.annotations["org.crunit.keep-unit"] = "true"'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error_glob "--keep-unit: crunit is not running inside a service but in *"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "keep-unit: resources go to the service (SetUnitProperties); update, pause/resume, kill; delete leaves the service running" {
	cfg '.linux.resources.memory.limit = 67108864 | .linux.resources.pids.limit = 77'
	cfg_sh 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	start_unit keep-$ID.service <<UNIT
[Service]
ExecStart=/bin/sh -c '$CRUNIT run -d --keep-unit --bundle $BUNDLE $ID && exec sleep 1000'
UNIT
	wait_status "$ID" running
	local pid
	pid=$(ctr_pid "$ID")
	assert_in_unit_cgroup "$pid" "$SVC"
	assert_eq "$(unit_prop "$SVC" MemoryMax)" 67108864 "the service's MemoryMax"
	assert_eq "$(unit_prop "$SVC" TasksMax)" 77 "the service's TasksMax"
	assert_eq "$(state_field "$ID" .systemdUnit)" "$SVC"
	crunit_ok update --pids-limit 88 "$ID"
	assert_eq "$(unit_prop "$SVC" TasksMax)" 88 "the service's TasksMax after update"
	crunit_ok pause "$ID"
	assert_eq "$(ctr_status "$ID")" paused
	crunit_ok resume "$ID"
	assert_eq "$(ctr_status "$ID")" running
	crunit_ok kill "$ID" TERM
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_eq "$(unit_prop "$SVC" ActiveState)" active "the service after delete"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "keep-unit: memory.reservation and cpu.cpus (hybrid: into the service's v1 cgroups, the cpuset one removed by delete; unified: properties)" {
	cfg '.linux.resources.memory.reservation = 16777216 | .linux.resources.cpu.cpus = "0"'
	cfg_sh 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	start_unit keep-$ID.service <<UNIT
[Service]
ExecStart=/bin/sh -c '$CRUNIT run -d --keep-unit --bundle $BUNDLE $ID && exec sleep 1000'
UNIT
	wait_status "$ID" running
	assert_eq "$(unit_prop "$SVC" MemoryLow)" 16777216 "the service's MemoryLow"
	assert_eq "$(unit_prop "$SVC" AllowedCPUs)" 0 "the service's AllowedCPUs"
	if [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; then
		assert_eq "$(cat "/sys/fs/cgroup/memory/system.slice/$SVC/memory.soft_limit_in_bytes")" 16777216 \
			memory.soft_limit_in_bytes
		assert_eq "$(cat "/sys/fs/cgroup/cpuset/system.slice/$SVC/cpuset.cpus")" 0 cpuset.cpus
		grep -qx "$(ctr_pid "$ID")" "/sys/fs/cgroup/cpuset/system.slice/$SVC/cgroup.procs" ||
			fail "the container's init is not in the service's cpuset cgroup"
	fi
	crunit_ok kill "$ID" TERM
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	assert_eq "$(unit_prop "$SVC" ActiveState)" active "the service after delete"
	[[ ! -e /sys/fs/cgroup/cpuset/system.slice/$SVC ]] || fail "the service's cpuset cgroup is left after delete"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

@test "crunit@.service: systemd sees the container's init exit (exit 3 after READY=1: the service fails, nothing is left)" {
	cfg_sh 'sd-notify-send READY=1; while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 3'
	install_template crunit@.service
	systemctl start "$SVC"
	local pid
	pid=$(ctr_pid "$ID")
	assert_eq "$(unit_prop "$SVC" MainPID)" "$pid" "MainPID"
	touch "$BUNDLE/rootfs/tmp/go"
	wait_unit_prop "$SVC" ActiveState failed
	assert_eq "$(unit_prop "$SVC" Result)" exit-code "Result"
	assert_eq "$(unit_prop "$SVC" ExecMainStatus)" 3 "ExecMainStatus"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}
