#!/usr/bin/env bats
# userns.bats - user namespaces with several id ranges: as root (uid_map written
# directly) and rootless (newuidmap/newgidmap with the user's /etc/subuid and
# /etc/subgid ranges, Debian package uidmap). The rootless harness (user from
# lib/rootless-user.sh, crunit run in a mount namespace without the sandbox's
# /proc/sys overmount) is rootless.bats'.

load helpers

setup_file() {
	rootless_user_setup_file
}

setup() {
	require_sandbox || return 1
	require_crunit || return 1
	SUBUID=$(awk -F: -v u="$RUSER" '$1 == u {print $2; exit}' /etc/subuid)
	SUBGID=$(awk -F: -v u="$RUSER" '$1 == u {print $2; exit}' /etc/subgid)
	[[ -n $SUBUID && -n $SUBGID ]] || fail "no /etc/subuid or /etc/subgid range for $RUSER" || return 1
	new_id un
	RLROOT=/tmp/crunit-un-$ID
	BUNDLE=/tmp/crunit-un-bundle-$ID
	mkdir -p "$BUNDLE"
	chmod 0755 "$BUNDLE"
	cp -a "$(rootfs_template)" "$BUNDLE/rootfs" || return 1
	crunit_ok spec --rootless --bundle "$BUNDLE" || return 1
	cfg '.process.terminal = false | .process.args = ["true"] | .root.readonly = false |
		.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.effective += ["CAP_CHOWN"] |
		.process.capabilities.permitted += ["CAP_CHOWN"]'
	cd "$BUNDLE" || return 1
}

teardown() {
	as_user "$RL_XDG" --root "$RLROOT" delete --force "$ID" || true
	common_teardown
	rm -rf "$BUNDLE" "$RLROOT"
}

# rootless: container 0 = the user, 1..65536 = the user's subordinate range
rootless_maps() {
	cfg ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RUID, \"size\": 1},
			{\"containerID\": 1, \"hostID\": $SUBUID, \"size\": 65536}] |
		.linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RGID, \"size\": 1},
			{\"containerID\": 1, \"hostID\": $SUBGID, \"size\": 65536}]"
	chown -R "$RUID:$RGID" "$BUNDLE"
}

@test "userns: root, two uid and gid ranges: both mapped, files of the second range" {
	cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
			{"containerID": 1000, "hostID": 300000, "size": 1000}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
			{"containerID": 1000, "hostID": 300000, "size": 1000}] |
		.mounts |= map(select(.destination != "/sys" and .destination != "/dev/mqueue"))'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	touch "$BUNDLE/rootfs/second"
	chown 300005:300007 "$BUNDLE/rootfs/second"
	cfg_sh 'cat /proc/self/uid_map /proc/self/gid_map; stat -c "%u:%g" /second; touch /tmp/x && chown 1001:1002 /tmp/x && echo chowned'
	# (root's crunit, with the /proc workaround of as_user)
	status=0
	timeout -k 5 "$CMD_TIMEOUT" unshare -m sh -c 'umount -l /proc/sys && exec "$@"' sh \
		"$CRUNIT" --root "$CRUNIT_ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e" || status=$?
	mapfile -t lines <"$BATS_TEST_TMPDIR/o"
	show_file "$BATS_TEST_TMPDIR/e"
	assert_match "${lines[0]}" "^ +0 +100000 +1000\$" "uid_map line 1"
	assert_match "${lines[1]}" "^ +1000 +300000 +1000\$" "uid_map line 2"
	assert_match "${lines[3]}" "^ +1000 +300000 +1000\$" "gid_map line 2"
	assert_eq "${lines[4]}" "1005:1007" "owner of a file of the second range"
	assert_eq "${lines[5]}" chowned
	assert_eq "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/x")" "300001:300002" "owner on the host"
}

@test "userns: rootless with the user's subordinate ranges (newuidmap/newgidmap)" {
	rootless_maps
	cfg_sh 'cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/x && chown 1000:1000 /tmp/x && echo chowned; id'
	chown "$RUID:$RGID" "$BUNDLE/config.json"
	as_user "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 0 "exit status"
	assert_match "${lines[0]}" "^ +0 +$RUID +1\$" "uid_map line 1"
	assert_match "${lines[1]}" "^ +1 +$SUBUID +65536\$" "uid_map line 2"
	assert_match "${lines[2]}" "^ +0 +$RGID +1\$" "gid_map line 1"
	assert_match "${lines[3]}" "^ +1 +$SUBGID +65536\$" "gid_map line 2"
	assert_eq "${lines[4]}" chowned
	assert_eq "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/x")" "$((SUBUID + 999)):$((SUBGID + 999))" "owner on the host"
}

@test "userns: rootless, process.user of the subordinate range and additionalGids" {
	rootless_maps
	cfg '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000]}'
	cfg_sh 'id -u; id -g; id -G'
	chown "$RUID:$RGID" "$BUNDLE/config.json"
	as_user "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 0 "exit status"
	assert_eq "${lines[0]}" 1000 uid
	assert_eq "${lines[1]}" 1000 gid
	assert_contains "${lines[2]}" 2000 groups
}

@test "userns: rootless, a range outside the user's subordinate ids is refused, nothing left" {
	cfg ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RUID, \"size\": 1},
			{\"containerID\": 1, \"hostID\": 5000000, \"size\": 10}]"
	chown -R "$RUID:$RGID" "$BUNDLE"
	as_user "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 1 "exit status"
	assert_eq "${#stderr_lines[@]}" 1 "lines on stderr"
	assert_match "$stderr" "^crunit: rootless: newuidmap failed for the uid mappings in config.json: .*\(are they within your ranges in /etc/subuid\?\)\$"
	[[ ! -e $RLROOT/$ID ]] || fail "state directory left"
	if out=$(pgrep -a -f -- "$ID"); then
		fail "processes left: $out"
	fi
}

@test "userns: rootless, an idmap mount is refused (the kernel wants root for it), nothing left" {
	rootless_maps
	mkdir -p "$BUNDLE/data"
	chown "$RUID:$RGID" "$BUNDLE/data"
	cfg ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$BUNDLE/data\", \"options\": [\"bind\", \"idmap\"]}]"
	chown "$RUID:$RGID" "$BUNDLE/config.json"
	as_user "$RL_XDG" --root "$RLROOT" run "$ID"
	assert_eq "$status" 1 "exit status"
	assert_eq "$stderr" "crunit: mount /data: idmapped mounts need crunit to run as root" stderr
	[[ ! -e $RLROOT/$ID ]] || fail "state directory left"
}
