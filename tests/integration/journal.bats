#!/usr/bin/env bats
# journal.bats - a detached container's stdout/stderr in the journal (--stdio, the
# org.crunit.stdio annotation, the auto policy), `crunit logs`, and --log journald.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# crj ARGS...: crunit with stdout /dev/null (so --stdio auto picks the journal), stdin
# /dev/null and stderr in a file; sets status, stderr.
crj() {
	local err=$BATS_TEST_TMPDIR/crj.err
	status=0
	timeout -k 5 "$CMD_TIMEOUT" "$CRUNIT" --root "$CRUNIT_ROOT" "$@" </dev/null >/dev/null 2>"$err" || status=$?
	stderr=$(<"$err")
	printf '$ crunit %s >/dev/null => exit %d\nstderr: %s\n' "$*" "$status" "$stderr" >&2
}
crj_ok() {
	crj "$@"
	((status == 0)) || fail "crunit $* failed with exit status $status: $stderr"
}

# jentries ID [journalctl args...]: the container's entries (sent by the forwarder) as JSON
# lines.
jentries() {
	local id=$1
	shift
	journalctl --no-pager -q --all -o json "$@" CONTAINER_ID="$id" _COMM=crunit-journal
}

# jmessages ID [journalctl args]: their MESSAGE, one a line.
jmessages() { jentries "$@" | jq -r .MESSAGE; }

# wait_messages ID COUNT [SECONDS]: until the journal has COUNT entries of container ID.
wait_messages() {
	local id=$1 want=$2 secs=${3:-10} i n=0
	for ((i = 0; i < secs * 10; i++)); do
		n=$(jentries "$id" | wc -l)
		((n >= want)) && return 0
		sleep 0.1
	done
	fail "container $id: $n entries in the journal after ${secs}s, expected $want:" "$(jmessages "$id")"
}

# wait_unit_gone UNIT [SECONDS]: the scope (and so the forwarder in it) is gone.
wait_unit_gone() {
	local unit=$1 secs=${2:-10} i s
	for ((i = 0; i < secs * 10; i++)); do
		s=$(systemctl show -P ActiveState "$unit" 2>/dev/null)
		[[ $s == active || $s == deactivating ]] || return 0
		sleep 0.1
	done
	fail "$unit still $s after ${secs}s"
}

@test "journal: run -d with stdout /dev/null: lines under the scope with CONTAINER_ID, CONTAINER_NAME, SYSLOG_IDENTIFIER, PRIORITY" {
	cfg_sh 'echo out-one; echo err-one >&2; echo out-two'
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_unit_gone "crunit-$ID.scope"
	local j
	j=$(journalctl --no-pager -q -o json -u "crunit-$ID.scope" | jq -c 'select(.CONTAINER_ID != null)')
	echo "$j" >&2
	assert_eq "$(jq -r .MESSAGE <<<"$j" | sort | tr '\n' ' ')" "err-one out-one out-two " "messages under journalctl -u"
	assert_eq "$(jq -r '[._SYSTEMD_UNIT, .CONTAINER_ID, .CONTAINER_NAME, .SYSLOG_IDENTIFIER] | join(" ")' <<<"$j" | sort -u)" \
		"crunit-$ID.scope $ID $ID $ID" "unit, CONTAINER_ID, CONTAINER_NAME, SYSLOG_IDENTIFIER"
	assert_eq "$(jq -r 'select(.MESSAGE == "out-one") | .PRIORITY' <<<"$j")" 6 "stdout priority"
	assert_eq "$(jq -r 'select(.MESSAGE == "err-one") | .PRIORITY' <<<"$j")" 3 "stderr priority"
	# stdout's lines keep their order
	assert_eq "$(jq -r 'select(.PRIORITY == "6") | .MESSAGE' <<<"$j" | tr '\n' ' ')" "out-one out-two " "stdout order"
	crunit_ok delete "$ID"
	assert_no_leftovers "$ID"
}

@test "journal: the last line of containers that exit at once is under their scope" {
	local ids=() i
	for i in 1 2 3 4 5 6; do
		new_id q
		ids+=("$ID")
		cfg_args echo "last-line-$ID"
		crj_ok run -d --bundle "$BUNDLE" "$ID"
	done
	for ID in "${ids[@]}"; do
		wait_unit_gone "crunit-$ID.scope"
		assert_eq "$(journalctl --no-pager -q -o json -u "crunit-$ID.scope" CONTAINER_ID="$ID" | jq -r '"\(.MESSAGE) \(._SYSTEMD_UNIT)"')" \
			"last-line-$ID crunit-$ID.scope" "journalctl -u crunit-$ID.scope"
	done
}

@test "journal: create + start: the output of the user process (and an exec error) goes to the journal" {
	cfg_args sh -c 'echo started; exec /nonexistent'
	crj_ok create --bundle "$BUNDLE" "$ID"
	crj_ok start "$ID"
	wait_status "$ID" stopped
	wait_unit_gone "crunit-$ID.scope"
	assert_eq "$(jmessages "$ID" | head -1)" started
	assert_match "$(jmessages "$ID" -p 3)" "nonexistent" "the shell's error on stderr, priority 3"
}

@test "journal: auto: a pipe, a regular file or --stdio inherit keep runc's inherited stdio" {
	cfg_args sh -c 'echo via-$0' pipe
	# a pipe: the reader gets it (cat ends when the container has exited)
	local out
	out=$(timeout -k 5 60 "$CRUNIT" --root "$CRUNIT_ROOT" run -d --bundle "$BUNDLE" "$ID" </dev/null 2>&1 | cat)
	assert_eq "$out" via-pipe "output through the pipe"
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	# a regular file (cr)
	new_id
	cfg_args sh -c 'echo via-$0' file
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	wait_file_contains "$CR_OUT" via-file
	# /dev/null but --stdio inherit
	new_id
	cfg_args sh -c 'echo via-$0' inherit
	crj_ok run -d --stdio inherit --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	wait_unit_gone "crunit-$ID.scope"
	journalctl --sync 2>/dev/null || true
	local id
	for id in "${CREATED_IDS[@]}"; do
		assert_eq "$(jentries "$id" | wc -l)" 0 "journal entries of $id"
	done
}

@test "journal: auto: closed stdout, a terminal and a service's journal stream pick the journal" {
	# closed
	cfg_args echo via-closed
	timeout -k 5 60 "$CRUNIT" --root "$CRUNIT_ROOT" run -d --bundle "$BUNDLE" "$ID" </dev/null >&- 2>"$BATS_TEST_TMPDIR/err" ||
		fail "run -d with stdout closed failed: $(cat "$BATS_TEST_TMPDIR/err")"
	wait_messages "$ID" 1
	assert_eq "$(jmessages "$ID")" via-closed
	# a terminal: nothing written into it
	new_id
	cfg_args echo via-tty
	# crunit is the session leader on that pty: when the session ends, the container (in its
	# process group) gets SIGHUP; keep the session until the line is in
	run_in_pty "$CRUNIT --root $CRUNIT_ROOT run -d --bundle $BUNDLE $ID && for i in \$(seq 100); do journalctl -q CONTAINER_ID=$ID | grep -q . && break; sleep 0.1; done" "$BATS_TEST_TMPDIR/pty.out" ||
		fail "run -d on a pty failed: $(cat "$BATS_TEST_TMPDIR/pty.out")"
	wait_messages "$ID" 1
	assert_eq "$(jmessages "$ID")" via-tty
	! grep -q via-tty "$BATS_TEST_TMPDIR/pty.out" || fail "the container wrote into the terminal"
	# a service with StandardOutput=journal (systemd-run's default)
	new_id
	cfg_args echo via-service
	systemd-run --quiet --wait --collect --unit "svc-$ID" -p Type=oneshot \
		"$CRUNIT" --root "$CRUNIT_ROOT" run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 1
	assert_eq "$(jentries "$ID" | jq -r '"\(.MESSAGE) \(._SYSTEMD_UNIT)"')" "via-service crunit-$ID.scope"
}

@test "journal: --stdio journald and the org.crunit.stdio annotation override auto; the flag wins" {
	# --stdio journald with stdout a regular file
	cfg_args echo flag-journald
	crunit_ok run -d --stdio journald --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 1
	assert_eq "$(jmessages "$ID")" flag-journald
	wait_status "$ID" stopped
	[[ ! -s $CR_OUT ]] || fail "the output also went to the file: $(cat "$CR_OUT")"
	# the annotation, with stdout a regular file
	new_id
	cfg '.annotations["org.crunit.stdio"] = "journald" | .process.args = ["echo", "annotation-journald"]'
	crunit_ok run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 1
	assert_eq "$(jmessages "$ID")" annotation-journald
	# the flag beats the annotation
	new_id
	cfg '.process.args = ["echo", "flag-wins"]'
	crunit_ok run -d --stdio inherit --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	wait_file_contains "$CR_OUT" flag-wins
	# annotation inherit with /dev/null
	new_id
	cfg '.annotations["org.crunit.stdio"] = "inherit" | .process.args = ["echo", "annotation-inherit"]'
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	wait_unit_gone "crunit-$ID.scope"
	journalctl --sync 2>/dev/null || true
	assert_eq "$(jentries "$ID" | wc -l)" 0 "entries with annotation inherit"
}

@test "journal: a foreground run and a terminal container never use the journal; bad values are refused" {
	cfg_args echo foreground-out
	cfg '.annotations["org.crunit.stdio"] = "journald"'
	crunit_ok run --bundle "$BUNDLE" "$ID"
	assert_eq "$output" foreground-out "a foreground run inherits despite the annotation"
	assert_eq "$(jentries "$ID" | wc -l)" 0

	new_id
	crunit_fails run --stdio journald --bundle "$BUNDLE" "$ID"
	assert_error "--stdio journald: a foreground run gives the container its own stdout/stderr; use run -d or create"
	assert_no_leftovers "$ID"

	crunit_fails create --stdio bogus --bundle "$BUNDLE" "$ID"
	assert_error 'create: --stdio: "bogus" is not auto, inherit or journald (see: crunit create --help)'

	cfg '.annotations["org.crunit.stdio"] = "syslog"'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: annotations."org.crunit.stdio": "syslog" is not auto, inherit or journald'
	assert_no_leftovers "$ID"

	cfg 'del(.annotations["org.crunit.stdio"]) | .process.terminal = true'
	crunit_fails create --stdio journald --console-socket /nonexistent --bundle "$BUNDLE" "$ID"
	assert_error "--stdio journald: process.terminal is true, the container's output goes to its console"
	assert_no_leftovers "$ID"
}

@test "logs: prints the output (stderr lines on stderr), -n, --timestamps; after delete; unknown id" {
	cfg_sh 'for i in 1 2 3 4 5; do echo line-$i; done; echo oops >&2'
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 6
	wait_status "$ID" stopped
	crunit_ok logs "$ID"
	assert_eq "$output" "$(printf 'line-%s\n' 1 2 3 4 5)" "logs stdout"
	assert_eq "$stderr" oops "logs stderr"
	crunit_ok logs -n 2 "$ID"
	assert_eq "$output$stderr" "line-5oops" "logs -n 2 (the last two entries)"
	crunit_ok logs --lines 0 "$ID"
	assert_eq "$output$stderr" "" "logs -n 0"
	crunit_ok logs -t -n 3 "$ID"
	assert_match "${lines[0]}" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z line-4$' "--timestamps"
	crunit_ok logs --since 10m "$ID"
	assert_eq "${#lines[@]}" 5 "--since 10m"
	crunit_ok logs --since "@$(($(date +%s) + 3600))" "$ID"
	assert_eq "$output$stderr" "" "--since in an hour"
	crunit_fails logs --since yesterday-ish "$ID"
	crunit_fails logs -n x "$ID"
	# after delete: still there (CONTAINER_ID), as long as the journal keeps them
	crunit_ok delete "$ID"
	crunit_ok logs -n 1 "$ID"
	assert_eq "$stderr" oops "logs of a deleted container"
	crunit_fails logs "nosuch-$ID"
	assert_error "container \"nosuch-$ID\" does not exist and the journal has no output of it"
	crunit_fails logs "bad/id"
}

@test "logs: a re-created id shows only the new container's output" {
	cfg_args echo first-life
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 1
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	cfg_args echo second-life
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 2
	wait_status "$ID" stopped
	crunit_ok logs "$ID"
	assert_eq "$output" second-life
	crunit_ok delete "$ID"
	crunit_ok logs "$ID"
	assert_eq "$output" "$(printf 'first-life\nsecond-life')" "a deleted id: all of its entries"
}

@test "logs -f: follows a container that prints over time until it exits; custom cgroupsPath" {
	cfg '.linux.cgroupsPath = "machine.slice:jtest:'"$ID"'"'
	cfg_sh 'for i in 1 2 3; do echo tick-$i; sleep 0.4; done; echo bye >&2'
	crj_ok create --bundle "$BUNDLE" "$ID"
	local out=$BATS_TEST_TMPDIR/follow.out
	timeout -k 5 30 "$CRUNIT" --root "$CRUNIT_ROOT" logs -f "$ID" </dev/null >"$out" 2>&1 &
	local follower=$!
	sleep 0.3
	crj_ok start "$ID"
	wait_file_contains "$out" tick-1
	[[ $(grep -c . "$out") -lt 5 ]] || fail "everything was there at once: $(cat "$out")"
	wait_bg "$follower" 20
	assert_eq "$WAIT_RC" 0 "logs -f exit status"
	assert_eq "$(cat "$out")" "$(printf 'tick-1\ntick-2\ntick-3\nbye')" "logs -f output"
	assert_eq "$(jentries "$ID" | jq -r ._SYSTEMD_UNIT | sort -u)" "jtest-$ID.scope" "the custom scope"
	# -f of a stopped container prints and returns
	crunit_ok logs -f "$ID"
	assert_eq "${#lines[@]}" 3
}

@test "--log journald: crunit's diagnostics carry SYSLOG_IDENTIFIER=crunit and CONTAINER_ID" {
	cfg_args /nonexistent-binary
	crunit_fails --log journald run -d --bundle "$BUNDLE" "$ID"
	assert_contains "$errmsg" nonexistent-binary
	local i j=
	for ((i = 0; i < 50; i++)); do
		j=$(journalctl --no-pager -q -o json SYSLOG_IDENTIFIER=crunit CONTAINER_ID="$ID")
		[[ -n $j ]] && break
		sleep 0.1
	done
	[[ -n $j ]] || fail "no entry of crunit with CONTAINER_ID=$ID"
	assert_contains "$(jq -r .MESSAGE <<<"$j")" nonexistent-binary "the journal's message"
	assert_eq "$(jq -r .PRIORITY <<<"$j" | sort -u)" 3 "priority of the error"
	# crunit's own messages are not container output
	crunit_fails logs "$ID"
	assert_no_leftovers "$ID"
}

@test "journal: the forwarder: not in ps, no capabilities, gone after delete --force (output kept)" {
	cfg_sh 'echo running; exec sleep 1000'
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 1
	local init fwd
	init=$(ctr_pid "$ID")
	fwd=$(jentries "$ID" | jq -r ._PID | head -1)
	assert_eq "$(cat "/proc/$fwd/comm")" crunit-journal "the sender of the entries"
	grep -qx "0::$(unit_prop "crunit-$ID.scope" ControlGroup)" "/proc/$fwd/cgroup" ||
		grep -q ":name=systemd:$(unit_prop "crunit-$ID.scope" ControlGroup)\$" "/proc/$fwd/cgroup" ||
		fail "the forwarder is not in the scope: $(cat "/proc/$fwd/cgroup")"
	assert_eq "$(awk '$1 == "CapEff:" {print $2}' "/proc/$fwd/status")" 0000000000000000 "forwarder's CapEff"
	crunit_ok ps -f json "$ID"
	assert_eq "$output" "[$init]" "ps -f json"
	crunit_ok ps "$ID"
	[[ $output != *crunit-journal* && ! $output =~ [[:space:]]$fwd[[:space:]] ]] || fail "ps shows the forwarder: $output"
	crunit_ok delete --force "$ID"
	wait_pid_gone "$fwd"
	assert_no_leftovers "$ID"
	assert_eq "$(jmessages "$ID")" running
}

@test "journal: a line longer than 48 KiB is split into entries of 48 KiB; a last line without newline is kept" {
	cfg_sh 'head -c 100000 /dev/zero | tr "\0" a; echo; printf no-newline'
	crj_ok run -d --bundle "$BUNDLE" "$ID"
	wait_messages "$ID" 4
	assert_eq "$(jentries "$ID" | jq -r '.MESSAGE | length' | tr '\n' ' ')" "49152 49152 1696 10 " "entry lengths"
	assert_eq "$(jmessages "$ID" | tail -1)" no-newline
}

@test "journal: rootless: entries under the user's scope (_SYSTEMD_USER_UNIT), crunit logs as the user" {
	local env
	env=$("$LIB/rootless-user.sh" --env) || fail "lib/rootless-user.sh failed"
	eval "$env"
	local u=$CRUNIT_ROOTLESS_USER xdg=$XDG_RUNTIME_DIR b=/tmp/crunit-jrl-$ID
	on_teardown "rm -rf $b"
	mkdir -p "$b"
	cp -a "$(rootfs_template)" "$b/rootfs"
	chown -R "$u" "$b"
	chmod 0755 "$b"
	# as rootless.bats: the user's crunit in a mount namespace without the sandbox's
	# read-only /proc/sys overmount (which forbids mounting proc in a user namespace)
	asu() {
		timeout -k 5 "$CMD_TIMEOUT" unshare -m sh -c 'umount -l /proc/sys && exec "$@"' sh \
			runuser -u "$u" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$xdg" \
			"$CRUNIT" "$@" </dev/null
	}
	on_teardown "runuser -u $u -- env XDG_RUNTIME_DIR=$xdg $CRUNIT delete --force $ID"
	asu spec --rootless --bundle "$b" >/dev/null || fail "spec --rootless failed"
	BUNDLE=$b cfg '.process.terminal = false | .process.args = ["sh", "-c", "echo rl-out; echo rl-err >&2"]'
	chown "$u" "$b/config.json"
	asu run -d --bundle "$b" "$ID" >/dev/null || fail "rootless run -d failed"
	wait_messages "$ID" 2
	assert_eq "$(jentries "$ID" | jq -r '"\(._SYSTEMD_USER_UNIT) \(._UID)"' | sort -u)" "crunit-$ID.scope $CRUNIT_ROOTLESS_UID"
	local out
	out=$(asu logs "$ID" 2>&1) || fail "logs as the user failed: $out"
	assert_eq "$(sort <<<"$out" | tr '\n' ' ')" "rl-err rl-out " "crunit logs as the user"
	asu delete "$ID" >/dev/null || fail "rootless delete failed"
}
