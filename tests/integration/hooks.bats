#!/usr/bin/env bats
# hooks.bats - OCI hooks: prestart, createRuntime, createContainer (in the
# container's namespaces, before pivot_root), startContainer (in the
# container), poststart, poststop; their stdin (state JSON), argv, env, cwd,
# timeouts, and what a failing hook does.

load helpers

setup() {
	common_setup || return 1
	# Host-side hooks and the container's startContainer hook append to the
	# same file: the rootfs' /order.
	cfg '.root.readonly = false | .annotations = {"org.test.hooks": "yes"}'
	D=$BUNDLE/rootfs
	H=$BATS_TEST_TMPDIR/hook.sh
	# hook.sh KIND DIR: records everything about how it was run.
	cat >"$H" <<'SH'
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
kind=$1 dir=$2
echo "$kind" >>"$dir/order"
# (/proc/self in the redirection: the forked shell, before it execs tr; in
# createContainer /proc is still the host's, where $$ is not our pid)
tr '\0' '\n' </proc/self/cmdline >"$dir/$kind.argv"
tr '\0' '\n' </proc/self/environ >"$dir/$kind.env"
cat >"$dir/$kind.stdin"
readlink /proc/self/ns/mnt >"$dir/$kind.mntns"
readlink /proc/self/ns/pid >"$dir/$kind.pidns"
cat /proc/self/mountinfo >"$dir/$kind.mountinfo"
pwd >"$dir/$kind.cwd"
ls -l /proc/self/fd/ >"$dir/$kind.fds"
SH
	chmod 0755 "$H"
	# The startContainer hook runs inside the container: busybox sh.
	cat >"$D/hook.sh" <<'SH'
#!/bin/sh
kind=$1
echo "$kind" >>/order
cat >"/$kind.stdin"
readlink /proc/self/ns/mnt >"/$kind.mntns"
cat /proc/self/mountinfo >"/$kind.mountinfo"
exit "${2:-0}"
SH
	chmod 0755 "$D/hook.sh"
}
teardown() { common_teardown; }

# hook KIND [jq object fields]: a hook entry running hook.sh KIND $D.
hook() {
	jq -cn --arg h "$H" --arg k "$1" --arg d "$D" "{path: \$h, args: [\"hook.sh\", \$k, \$d]} + (${2:-{\}})"
}

# order without the user process' own line
order() { grep -v '^process$' "$D/order" | tr '\n' ' '; }

@test "hooks: every kind runs, in order, with the state JSON, argv, env and cwd" {
	local crt
	crt=$(jq -cn --arg h "$H" --arg d "$D" \
		'{path: "/bin/sh", args: ["crt-argv0", $h, "createRuntime", $d, "two words"], env: ["A=1", "B=two words"], timeout: 10}')
	cfg ".hooks = {prestart: [$(hook prestart)], createRuntime: [$crt],
		createContainer: [$(hook createContainer)],
		startContainer: [{path: \"/hook.sh\", args: [\"/hook.sh\", \"startContainer\"]}],
		poststart: [$(hook poststart)], poststop: [$(hook poststop)]}"
	cfg_sh 'echo process >>/order; exec sleep 100'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	[[ -z $stderr ]] || fail "create printed on stderr: $stderr"
	assert_eq "$(order)" "prestart createRuntime createContainer " "order after create"
	local pid
	pid=$(ctr_pid "$ID")

	# state JSON on stdin
	local k
	for k in prestart createRuntime createContainer; do
		local s
		s=$(<"$D/$k.stdin")
		assert_eq "$(jq -r .status <<<"$s")" creating "$k: status"
		assert_eq "$(jq -r .id <<<"$s")" "$ID" "$k: id"
		assert_eq "$(jq -r .pid <<<"$s")" "$pid" "$k: pid"
		assert_eq "$(jq -r .bundle <<<"$s")" "$BUNDLE" "$k: bundle"
		assert_eq "$(jq -r .ociVersion <<<"$s")" 1.2.0 "$k: ociVersion"
		assert_eq "$(jq -r '.annotations["org.test.hooks"]' <<<"$s")" yes "$k: annotations"
	done
	# argv (args[0] is argv[0]) and exactly the given env (none: empty)
	assert_eq "$(cat "$D/createRuntime.argv")" "crt-argv0
$H
createRuntime
$D
two words" "createRuntime argv"
	assert_eq "$(cat "$D/createRuntime.env")" "A=1
B=two words" "createRuntime env"
	assert_eq "$(cat "$D/prestart.env")" "" "prestart env"
	assert_eq "$(cat "$D/prestart.cwd")" "$BUNDLE" "prestart cwd"
	assert_eq "$(cat "$D/createContainer.cwd")" "$BUNDLE" "createContainer cwd"
	# stdin, stdout, stderr and the fd ls itself opened: nothing else
	local nfds
	nfds=$(grep -c -- '->' "$D/prestart.fds")
	((nfds <= 4)) || fail "prestart hook got extra fds: $(cat "$D/prestart.fds")"
	# createRuntime: the runtime's namespaces; createContainer: the container's,
	# before pivot_root (the rootfs mounts are visible under the bundle).
	assert_eq "$(cat "$D/createRuntime.mntns")" "$(readlink /proc/self/ns/mnt)" "createRuntime mount ns"
	assert_eq "$(cat "$D/createContainer.mntns")" "$(readlink /proc/"$pid"/ns/mnt)" "createContainer mount ns"
	assert_eq "$(cat "$D/createContainer.pidns")" "$(readlink /proc/"$pid"/ns/pid)" "createContainer pid ns"
	grep -qF " $BUNDLE/rootfs/proc " "$D/createContainer.mountinfo" ||
		fail "createContainer does not see the container's /proc mount: $(cat "$D/createContainer.mountinfo")"
	! grep -qF " $BUNDLE/rootfs/proc " "$D/createRuntime.mountinfo" ||
		fail "createRuntime sees the container's mounts"

	crunit_ok start "$ID"
	[[ -z $stderr ]] || fail "start printed on stderr: $stderr"
	assert_eq "$(order)" "prestart createRuntime createContainer startContainer poststart " "order after start"
	wait_file_contains "$D/order" process
	# The user process ran after startContainer.
	assert_eq "$(grep -n . "$D/order" | grep -E 'startContainer|process' | cut -d: -f2 | tr '\n' ' ')" \
		"startContainer process " "startContainer before the process"
	assert_eq "$(jq -r .status "$D/startContainer.stdin")" created "startContainer: status"
	assert_eq "$(jq -r .pid "$D/startContainer.stdin")" "$pid" "startContainer: pid"
	assert_eq "$(cat "$D/startContainer.mntns")" "$(readlink /proc/"$pid"/ns/mnt)" "startContainer mount ns"
	! grep -qF " $BUNDLE/rootfs " "$D/startContainer.mountinfo" ||
		fail "startContainer ran before pivot_root"
	assert_eq "$(jq -r .status "$D/poststart.stdin")" running "poststart: status"
	assert_eq "$(jq -r .pid "$D/poststart.stdin")" "$pid" "poststart: pid"

	crunit_ok kill "$ID" KILL
	wait_status "$ID" stopped
	crunit_ok delete "$ID"
	[[ -z $stderr ]] || fail "delete printed on stderr: $stderr"
	assert_eq "$(order)" "prestart createRuntime createContainer startContainer poststart poststop " "order after delete"
	assert_eq "$(jq -r .status "$D/poststop.stdin")" stopped "poststop: status"
	assert_eq "$(jq -r .id "$D/poststop.stdin")" "$ID" "poststop: id"
	assert_eq "$(jq -r .bundle "$D/poststop.stdin")" "$BUNDLE" "poststop: bundle"
	assert_no_leftovers "$ID"
}

@test "hooks: run (foreground) runs them all too" {
	cfg ".hooks = {createRuntime: [$(hook createRuntime)], createContainer: [$(hook createContainer)],
		startContainer: [{path: \"/hook.sh\", args: [\"/hook.sh\", \"startContainer\"]}],
		poststart: [$(hook poststart)], poststop: [$(hook poststop)]}"
	run_ctr_ok 'echo process >>/order'
	assert_eq "$(order)" "createRuntime createContainer startContainer poststart poststop " "order"
	assert_no_leftovers "$ID"
}

@test "hooks: a createRuntime hook that times out fails create within ~2s, nothing left" {
	local marker=10.$RANDOM$RANDOM
	cfg ".hooks.createRuntime = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"sleep $marker\"], timeout: 1}]"
	local t0=$SECONDS
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "createRuntime hook /bin/sh timed out after 1s"
	((SECONDS - t0 <= 3)) || fail "create took $((SECONDS - t0))s"
	assert_no_leftovers "$ID"
	! pgrep -af "sleep $marker" || fail "the hook's process is still there"
}

@test "hooks: a failing createRuntime hook fails create and run, nothing left" {
	cfg ".hooks.createRuntime = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"exit 3\"]}]"
	local verb
	for verb in create run "run -d"; do
		# shellcheck disable=SC2086
		crunit_fails $verb --bundle "$BUNDLE" "$ID"
		assert_error "createRuntime hook /bin/sh failed: exit status 3"
		assert_no_leftovers "$ID"
	done
}

@test "hooks: a missing prestart hook, a failing createContainer hook: create fails, nothing left" {
	cfg ".hooks.prestart = [{path: \"$BATS_TEST_TMPDIR/nonexistent\"}]"
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "prestart hook $BATS_TEST_TMPDIR/nonexistent: cannot execute it: No such file or directory"
	assert_no_leftovers "$ID"
	cfg "del(.hooks) | .hooks.createContainer = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"kill -9 \$\$\"]}]"
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error "createContainer hook /bin/sh failed: killed by signal 9"
	assert_no_leftovers "$ID"
}

@test "hooks: a failing startContainer hook fails start, nothing left" {
	cfg '.hooks.startContainer = [{path: "/hook.sh", args: ["/hook.sh", "startContainer", "4"]}]'
	cfg_sh 'echo process >>/order'
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_fails start "$ID"
	assert_error "startContainer hook /hook.sh failed: exit status 4"
	assert_no_leftovers "$ID"
	assert_eq "$(cat "$D/order")" startContainer "the process must not have run"
	# run: the same
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "startContainer hook /hook.sh failed: exit status 4"
	assert_no_leftovers "$ID"
}

@test "hooks: a failing poststart hook is a warning, run still works" {
	cfg ".hooks.poststart = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"exit 5\"]}, $(hook poststart)]"
	run_ctr 'echo hello'
	((status == 0)) || fail "run failed: $status"
	assert_eq "$output" hello "output"
	assert_contains "$stderr" "crunit: warning: poststart hook /bin/sh failed: exit status 5"
	assert_eq "$(order)" "poststart " "the next poststart hook ran"
	assert_no_leftovers "$ID"
}

@test "hooks: a failing poststop hook is a warning, delete still works" {
	cfg ".hooks.poststop = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"sleep 5\"], timeout: 1}, $(hook poststop)]"
	crunit_ok create --bundle "$BUNDLE" "$ID"
	crunit_ok delete "$ID"
	assert_eq "$stderr" "crunit: warning: poststop hook /bin/sh timed out after 1s" "stderr"
	assert_eq "$(order)" "poststop " "the next poststop hook ran"
	assert_no_leftovers "$ID"
}

@test "hooks: poststop uses the hooks of create time, even if config.json changed" {
	cfg ".hooks.poststop = [$(hook poststop)]"
	crunit_ok create --bundle "$BUNDLE" "$ID"
	cfg 'del(.hooks)'
	crunit_ok delete "$ID"
	assert_eq "$(order)" "poststop " "poststop ran"
}

@test "hooks: config errors name the field" {
	cfg '.hooks.prestart = [{path: "relative/hook"}]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: hooks.prestart[0].path must be an absolute path, not "relative/hook"'
	cfg '.hooks.prestart = [{path: "/bin/true", timeout: 0}]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_contains "$stderr" 'crunit: config.json: hooks.prestart[0].timeout must be an integer between 1 and'
	assert_no_leftovers "$ID"
}
