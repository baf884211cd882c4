#!/usr/bin/env bats
# rootless.bats - crunit run by an ordinary user: user namespace, scope in
# the user's systemd instance, or a warning without one.
#
# Sandbox quirk: sandbox.sh mounts /proc/sys read-only over the sandbox's
# /proc. The kernel refuses to mount a new proc in a user namespace unless
# /proc is fully visible (no locked mounts over non-empty directories), so
# in the sandbox's own mount namespace every rootless container fails with
# "cannot mount proc on /proc in a user namespace". The tests therefore run
# the user's crunit in a private mount namespace without that overmount
# (as_user in helpers.bash), which is what a normal host looks like. Set
# CRUNIT_ROOTLESS_KEEP_PROC_SYS=1 to run them without this workaround.

load helpers

setup_file() {
	rootless_user_setup_file
}

setup() {
	require_sandbox || return 1
	require_crunit || return 1
	[[ -n ${CRUNIT_ROOTLESS_USER:-} && -n ${CRUNIT_ROOTLESS_UID:-} ]] || fail "rootless user not set up" || return 1
	new_id rl
	RLROOT=/tmp/crunit-rl-$ID
	# The bundle must be readable by the user: not under $BATS_TEST_TMPDIR.
	BUNDLE=/tmp/crunit-rl-bundle-$ID
	mkdir -p "$BUNDLE"
	cp -a "$(rootfs_template)" "$BUNDLE/rootfs" || return 1
	chown -R "$RUID:$RGID" "$BUNDLE"
	chmod 0755 "$BUNDLE"
	as_user_ok "$RL_XDG" spec --rootless --bundle "$BUNDLE" || return 1
	cfg '.process.terminal = false | .process.args = ["true"]'
	chown "$RUID:$RGID" "$BUNDLE/config.json"
	cd "$BUNDLE" || return 1
}

teardown() {
	local xdg
	for xdg in "$RL_XDG" "${NOMGR_XDG:-}"; do
		[[ -n $xdg ]] || continue
		as_user "$xdg" --root "$RLROOT" delete --force "$ID" || true
	done
	as_user "$RL_XDG" delete --force "$ID" || true
	runuser -u "$RUSER" -- env XDG_RUNTIME_DIR="$RL_XDG" systemctl --user stop "crunit-$ID.scope" >/dev/null 2>&1 || true
	common_teardown
	rm -rf "$BUNDLE" "$RLROOT" ${NOMGR_XDG:+"$NOMGR_XDG"}
}

as_user_ok() {
	as_user "$@"
	((status == 0)) || fail "crunit (as $RUSER) ${*:2} failed with exit status $status" "stdout: $output" "stderr: $stderr"
}

user_systemctl() {
	runuser -u "$RUSER" -- env XDG_RUNTIME_DIR="$RL_XDG" systemctl --user "$@"
}

# cfg as root, then give the file back to the user.
rl_cfg_sh() {
	cfg_sh "$1" && chown "$RUID:$RGID" "$BUNDLE/config.json"
}

assert_no_user_leftovers() {
	local id=$1 root=${2:-$RLROOT} marker=${3:-$1} errs=() out
	[[ ! -e $root/$id ]] || errs+=("state directory $root/$id still exists")
	out=$(user_systemctl list-units --all --no-legend --plain "crunit-$id.scope" 2>&1)
	[[ -z $out ]] || errs+=("user unit crunit-$id.scope still loaded: $out")
	out=$(systemctl list-units --all --no-legend --plain "crunit-$id.scope" 2>&1)
	[[ -z $out ]] || errs+=("system unit crunit-$id.scope exists: $out")
	if out=$(pgrep -a -f -- "$marker"); then
		errs+=("processes left: $out")
	fi
	((${#errs[@]} == 0)) || fail "leftovers of rootless container $id:" "${errs[@]}"
}

@test "rootless: spec --rootless as the user maps the user's uid/gid to 0" {
	local c=$BUNDLE/config.json
	assert_eq "$(jq -r '[.linux.namespaces[].type] | index("user") != null' "$c")" true "user namespace"
	assert_eq "$(jq -c .linux.uidMappings "$c")" "[{\"containerID\":0,\"hostID\":$RUID,\"size\":1}]" uidMappings
	assert_eq "$(jq -c .linux.gidMappings "$c")" "[{\"containerID\":0,\"hostID\":$RGID,\"size\":1}]" gidMappings
}

@test "rootless: run as the user: uid 0 in a user namespace, only lo" {
	rl_cfg_sh 'id -u; cat /proc/self/uid_map; cat /proc/self/gid_map; ip -o link | cut -d: -f2 | xargs; echo $$; readlink /proc/1/ns/user'
	as_user_ok "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "${lines[0]}" 0 "id -u"
	assert_match "${lines[1]}" "^ +0 +$RUID +1\$" uid_map
	assert_match "${lines[2]}" "^ +0 +$RGID +1\$" gid_map
	assert_eq "${lines[3]}" lo "interfaces (ip link)"
	assert_eq "${lines[4]}" 1 "pid"
	[[ ${lines[5]} != "$(readlink /proc/self/ns/user)" ]] || fail "not in a new user namespace"
	assert_no_user_leftovers "$ID"
}

@test "rootless: exit code of the container" {
	rl_cfg_sh 'exit 6'
	as_user "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 6 "exit status"
	assert_no_user_leftovers "$ID"
}

@test "rootless: the scope is in the user's systemd instance" {
	rl_cfg_sh 'sleep 1000; :'
	as_user_ok "$RL_XDG" --root "$RLROOT" run -d "$ID"
	local u=crunit-$ID.scope pid
	as_user_ok "$RL_XDG" --root "$RLROOT" state "$ID"
	pid=$(jq -r .pid <<<"$output")
	assert_eq "$(jq -r .status <<<"$output")" running status
	assert_eq "$(jq -r .owner <<<"$output")" "$RUSER" owner
	assert_eq "$(jq -r .systemdUnit <<<"$output")" "$u" systemdUnit
	assert_eq "$(user_systemctl is-active "$u")" active "user scope"
	user_systemctl status --no-pager "$u" >"$BATS_TEST_TMPDIR/st" 2>&1 || true
	grep -q 'Active: active' "$BATS_TEST_TMPDIR/st" || { show_file "$BATS_TEST_TMPDIR/st"; fail "systemctl --user status"; }
	# Also through the system manager's -M user@ transport.
	systemctl --user -M "$RUSER@" list-units --no-legend --plain "$u" >"$BATS_TEST_TMPDIR/lu" 2>&1 || true
	grep -q "^$u " "$BATS_TEST_TMPDIR/lu" || { show_file "$BATS_TEST_TMPDIR/lu"; fail "scope not listed by systemctl --user -M $RUSER@"; }
	local cg
	cg=$(user_systemctl show -P ControlGroup "$u")
	assert_match "$cg" "^/user.slice/user-$RUID.slice/user@$RUID.service/.*/$u\$" ControlGroup
	grep -q "$u\$" "/proc/$pid/cgroup" || fail "pid $pid not in $u: $(cat "/proc/$pid/cgroup")"
	# Not in the system manager.
	assert_eq "$(systemctl list-units --all --no-legend --plain "$u")" "" "system unit"
	as_user_ok "$RL_XDG" --root "$RLROOT" kill "$ID" KILL
	local i
	for ((i = 0; i < 50; i++)); do
		as_user "$RL_XDG" --root "$RLROOT" state "$ID" 2>/dev/null
		[[ $(jq -r .status <<<"$output" 2>/dev/null) == stopped ]] && break
		sleep 0.1
	done
	assert_eq "$(jq -r .status <<<"$output")" stopped "status after kill"
	as_user_ok "$RL_XDG" --root "$RLROOT" delete "$ID"
	assert_no_user_leftovers "$ID"
}

@test "rootless: default root is \$XDG_RUNTIME_DIR/crunit" {
	rl_cfg_sh 'sleep 1000; :'
	as_user_ok "$RL_XDG" run -d "$ID"
	[[ -d $RL_XDG/crunit/$ID ]] || fail "no state directory $RL_XDG/crunit/$ID"
	[[ ! -e $CRUNIT_ROOT/$ID ]] || fail "the rootless container's state is in $CRUNIT_ROOT"
	as_user_ok "$RL_XDG" list -q
	printf '%s\n' "${lines[@]}" | grep -qx -- "$ID" || fail "not listed"
	as_user_ok "$RL_XDG" delete --force "$ID"
	assert_no_user_leftovers "$ID" "$RL_XDG/crunit"
}

@test "rootless: without a user manager: one warning line, the container still runs" {
	NOMGR_XDG=/tmp/crunit-nomgr-$ID
	install -d -m 0700 -o "$RUID" -g "$RGID" "$NOMGR_XDG"
	rl_cfg_sh 'echo ran-without-manager; id -u'
	as_user "$NOMGR_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 0 "exit status"
	assert_eq "${lines[0]}" ran-without-manager stdout
	assert_eq "${lines[1]}" 0 "id -u"
	assert_eq "${#stderr_lines[@]}" 1 "number of stderr lines"
	assert_contains "${stderr_lines[0]}" "cannot reach your systemd user instance" "warning"
	assert_match "${stderr_lines[0]}" '^crunit: ' "warning prefix"
	assert_no_user_leftovers "$ID"
}

@test "rootless: without a user manager, run -d / state / delete" {
	NOMGR_XDG=/tmp/crunit-nomgr-$ID
	install -d -m 0700 -o "$RUID" -g "$RGID" "$NOMGR_XDG"
	rl_cfg_sh 'sleep 1000; :'
	as_user_ok "$NOMGR_XDG" --root "$RLROOT" run -d "$ID"
	assert_contains "$stderr" "cannot reach your systemd user instance" "warning"
	as_user_ok "$NOMGR_XDG" --root "$RLROOT" state "$ID"
	assert_eq "$(jq -r .status <<<"$output")" running status
	as_user_ok "$NOMGR_XDG" --root "$RLROOT" delete --force "$ID"
	assert_no_user_leftovers "$ID"
}

@test "rootless: a failed run leaves nothing" {
	local marker=rlfail-$ID
	cfg_args "nope-$marker" && chown "$RUID:$RGID" "$BUNDLE/config.json"
	as_user "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 1 "exit status"
	assert_eq "$stderr" "crunit: exec: \"nope-$marker\": executable file not found in \$PATH" stderr
	assert_no_user_leftovers "$ID" "$RLROOT" "$marker"
	rl_cfg_sh 'echo retried'
	as_user_ok "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$output" retried stdout
}

@test "rootless: exec joins the container (user namespace, user scope)" {
	rl_cfg_sh 'sleep 1000; :'
	as_user_ok "$RL_XDG" --root "$RLROOT" run -d "$ID"
	as_user_ok "$RL_XDG" --root "$RLROOT" state "$ID"
	local pid pf=/tmp/crunit-rl-exec-$ID.pid epid
	pid=$(jq -r .pid <<<"$output")
	as_user_ok "$RL_XDG" --root "$RLROOT" exec "$ID" sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt'
	assert_eq "${lines[0]}" 0 "id -u in exec"
	assert_eq "${lines[1]}" "$(readlink "/proc/$pid/ns/user")" "user namespace"
	assert_eq "${lines[2]}" "$(readlink "/proc/$pid/ns/mnt")" "mount namespace"
	as_user "$RL_XDG" --root "$RLROOT" exec "$ID" sh -c 'exit 4'
	assert_eq "$status" 4 "exit status of exec"
	as_user_ok "$RL_XDG" --root "$RLROOT" exec -d --pid-file "$pf" "$ID" sleep 300
	epid=$(cat "$pf")
	assert_eq "$(cat "/proc/$epid/cgroup")" "$(cat "/proc/$pid/cgroup")" "cgroups of the exec'd process"
	assert_eq "$(stat -c %u "/proc/$epid")" "$RUID" "owner of the exec'd process"
	as_user_ok "$RL_XDG" --root "$RLROOT" delete --force "$ID"
	wait_pid_gone "$epid"
	rm -f "$pf"
	assert_no_user_leftovers "$ID"
}
