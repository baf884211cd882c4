#!/usr/bin/env bats
# mount-attr.bats - mount options of the new mount API: recursive attributes
# (rro, rnosuid … with mount_setattr AT_RECURSIVE), nosymfollow, propagation per
# mount, tmpfs size/mode, idmap/ridmap bind mounts in a user namespace, and
# destinations that are symlinks in the rootfs.

load helpers

setup() {
	common_setup || return 1
	cfg '.root.readonly = false'
	# a host directory with a tmpfs mounted below it, and a symlink in each
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=1m tmpfs "$SRC/sub"
	on_teardown "umount -l '$SRC/sub'"
	echo top >"$SRC/file"
	echo sub >"$SRC/sub/file"
	ln -s file "$SRC/link"
	ln -s file "$SRC/sub/link"
}
teardown() { common_teardown; }

# add_mount JSON: appends a mount.
add_mount() {
	cfg ".mounts += [$1]"
}

bind_src() { # OPTIONS-JSON
	add_mount "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": $1}"
}

# mount options of the mount at PATH in the container's mountinfo (field 6)
OPTS='opts() { awk -v p="$1" '"'"'$5 == p {print $6; exit}'"'"' /proc/self/mountinfo; }'

@test "mounts: ro is not recursive, rro is" {
	bind_src '["rbind", "ro"]'
	run_ctr_ok 'touch /mnt/x 2>/dev/null && echo top-rw; touch /mnt/sub/x 2>/dev/null && echo sub-rw; :'
	assert_eq "$output" "sub-rw" "ro: only the top is read-only"
	rm -f "$SRC/sub/x"
	cfg '.mounts[-1].options = ["rbind", "rro"]'
	run_ctr_ok 'touch /mnt/x 2>/dev/null && echo top-rw; touch /mnt/sub/x 2>/dev/null && echo sub-rw; echo done'
	assert_eq "$output" "done" "rro: everything read-only"
}

@test "mounts: rrw after ro makes the whole tree writable again" {
	bind_src '["rbind", "rro", "rrw"]'
	run_ctr_ok 'touch /mnt/x && touch /mnt/sub/x && echo rw'
	assert_eq "$output" rw
}

@test "mounts: rnosuid, rnodev, rnoexec, rnoatime reach the submount" {
	bind_src '["rbind", "rnosuid", "rnodev", "rnoexec", "rnoatime"]'
	run_ctr_ok "$OPTS"'; opts /mnt/sub'
	local o=$output
	for f in nosuid nodev noexec noatime; do
		[[ ,$o, == *,$f,* ]] || fail "submount options '$o' lack $f"
	done
}

@test "mounts: rstrictatime and rnodiratime; rrelatime" {
	bind_src '["rbind", "rnoatime", "rstrictatime", "rnodiratime"]'
	run_ctr_ok "$OPTS"'; opts /mnt/sub'
	[[ ,$output, != *,noatime,* && ,$output, != *,relatime,* ]] || fail "strictatime expected: $output"
	[[ ,$output, == *,nodiratime,* ]] || fail "nodiratime expected: $output"
	cfg '.mounts[-1].options = ["rbind", "rnoatime", "rrelatime"]'
	run_ctr_ok "$OPTS"'; opts /mnt/sub'
	[[ ,$output, == *,relatime,* ]] || fail "relatime expected: $output"
}

@test "mounts: nosymfollow on the mount, rnosymfollow on the tree" {
	bind_src '["rbind", "nosymfollow"]'
	run_ctr_ok 'cat /mnt/link 2>/dev/null || echo top-refused; cat /mnt/sub/link'
	assert_eq "${lines[0]}" top-refused
	assert_eq "${lines[1]}" sub
	cfg '.mounts[-1].options = ["rbind", "rnosymfollow"]'
	run_ctr_ok 'cat /mnt/link 2>/dev/null || echo top-refused; cat /mnt/sub/link 2>/dev/null || echo sub-refused'
	assert_eq "$output" "top-refused
sub-refused"
}

@test "mounts: propagation per mount: shared, private, unbindable, rslave" {
	bind_src '["rbind", "shared"]'
	run_ctr_ok 'awk '"'"'$5 == "/mnt" {print}'"'"' /proc/self/mountinfo'
	assert_match "$output" " shared:[0-9]+ " "shared /mnt"
	cfg '.mounts[-1].options = ["rbind", "rprivate"]'
	run_ctr_ok 'awk '"'"'$5 == "/mnt" || $5 == "/mnt/sub" {print}'"'"' /proc/self/mountinfo'
	[[ $output != *shared:* && $output != *master:* ]] || fail "rprivate: $output"
	cfg '.mounts[-1].options = ["rbind", "unbindable"]'
	run_ctr_ok 'awk '"'"'$5 == "/mnt" {print}'"'"' /proc/self/mountinfo'
	assert_contains "$output" " unbindable "
	cfg '.mounts[-1].options = ["rbind", "rshared"]'
	run_ctr_ok 'awk '"'"'$5 == "/mnt/sub" {print}'"'"' /proc/self/mountinfo'
	assert_match "$output" " shared:[0-9]+ " "rshared /mnt/sub"
}

@test "mounts: tmpfs size and mode" {
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1770", "nosuid"]}'
	run_ctr_ok 'stat -c %a /t; df -k /t | awk '"'"'NR == 2 {print $2}'"'"
	assert_eq "${lines[0]}" 1770 "mode"
	assert_eq "${lines[1]}" 1024 "size in KiB"
}

@test "mounts: a destination that is a symlink in the rootfs is refused (pointing out or in)" {
	ln -s /etc "$BUNDLE/rootfs/out"
	add_mount '{"destination": "/out", "type": "tmpfs", "source": "tmpfs"}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "mount /out: the destination is a symlink in the rootfs (to /etc): refusing to mount over it"
	assert_no_leftovers "$ID"
	cfg 'del(.mounts[-1])'
	ln -s tmp "$BUNDLE/rootfs/in"
	add_mount "{\"destination\": \"/in\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\"]}"
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "mount /in: the destination is a symlink in the rootfs (to tmp): refusing to mount over it"
	assert_no_leftovers "$ID"
}

@test "mounts: a missing destination is created inside the rootfs, also below a symlinked directory" {
	mkdir -p "$BUNDLE/rootfs/opt"
	ln -s /opt "$BUNDLE/rootfs/optlink"
	add_mount '{"destination": "/optlink/a/b", "type": "tmpfs", "source": "tmpfs"}'
	run_ctr_ok 'grep -c " /opt/a/b " /proc/self/mountinfo'
	assert_eq "$output" 1
	[[ -d $BUNDLE/rootfs/opt/a/b && ! -e /opt/a/b ]] || fail "the destination was not made in the rootfs"
}

# A user-namespaced container (0 -> 100000, 65536 ids); a new proc needs a /proc
# without the sandbox's /proc/sys overmount (helpers.bash: userns_crunit).
userns_setup() {
	userns_bundle
	userns_crunit
	# files owned by host uids 0 and 1000, on a tmpfs (idmappable)
	IDSRC=$BATS_TEST_TMPDIR/ids
	mkdir -p "$IDSRC"
	mount -t tmpfs -o mode=0755 tmpfs "$IDSRC"
	on_teardown "umount -l '$IDSRC'"
	touch "$IDSRC/root-file" "$IDSRC/user-file"
	chown 1000:1000 "$IDSRC/user-file"
	mkdir "$IDSRC/sub"
	mount -t tmpfs tmpfs "$IDSRC/sub"
	on_teardown "umount -l '$IDSRC/sub'"
	touch "$IDSRC/sub/root-file"
}

@test "mounts: idmap to the container's user namespace: host uid 0 is the container's 0" {
	userns_setup
	# (rbind: in the container's less privileged mount namespace the submount
	# is locked, and the kernel refuses a bind without it)
	add_mount "{\"destination\": \"/ids\", \"type\": \"bind\", \"source\": \"$IDSRC\", \"options\": [\"rbind\"]}"
	run_ctr_ok 'stat -c "%u:%g" /ids/root-file /ids/user-file'
	assert_eq "$output" "65534:65534
65534:65534" "without idmap: unmapped ids"
	cfg '.mounts[-1].options = ["bind", "idmap"]'
	run_ctr_ok 'stat -c "%u:%g" /ids/root-file /ids/user-file; touch /ids/new && stat -c "%u:%g" /ids/new'
	assert_eq "$output" "0:0
1000:1000
0:0" "idmapped"
	assert_eq "$(stat -c %u:%g "$IDSRC/new")" "0:0" "owner on the host of a file made in the container"
}

@test "mounts: idmap with the mount's own uidMappings/gidMappings" {
	userns_setup
	# on-disk 1000 -> 100000 (container root); on-disk 0 is then unmapped
	add_mount "{\"destination\": \"/ids\", \"type\": \"bind\", \"source\": \"$IDSRC\", \"options\": [\"bind\", \"idmap\"],
		\"uidMappings\": [{\"containerID\": 1000, \"hostID\": 100000, \"size\": 1}],
		\"gidMappings\": [{\"containerID\": 1000, \"hostID\": 100000, \"size\": 1}]}"
	run_ctr_ok 'stat -c "%u:%g" /ids/user-file /ids/root-file'
	assert_eq "$output" "0:0
65534:65534"
}

@test "mounts: ridmap idmaps the submounts too, idmap only the top" {
	userns_setup
	add_mount "{\"destination\": \"/ids\", \"type\": \"bind\", \"source\": \"$IDSRC\", \"options\": [\"rbind\", \"idmap\"]}"
	run_ctr_ok 'stat -c %u /ids/root-file /ids/sub/root-file'
	assert_eq "$output" "0
65534" "idmap + rbind"
	cfg '.mounts[-1].options = ["rbind", "ridmap"]'
	run_ctr_ok 'stat -c %u /ids/root-file /ids/sub/root-file'
	assert_eq "$output" "0
0" "ridmap"
}

@test "mounts: idmap errors: not a bind mount, no user namespace, mappings without idmap" {
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "mount /t: idmap and ridmap are supported on bind mounts only"
	assert_no_leftovers "$ID"
	cfg '.mounts[-1] = {"destination": "/ids", "type": "bind", "source": "/tmp", "options": ["bind", "idmap"]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "mount /ids: idmap and ridmap need a new user namespace (a user entry without path in linux.namespaces)"
	assert_no_leftovers "$ID"
	cfg '.mounts[-1].options = ["bind"] | .mounts[-1].uidMappings = [{"containerID": 0, "hostID": 1, "size": 1}] | .mounts[-1].gidMappings = [{"containerID": 0, "hostID": 1, "size": 1}]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error_glob "config.json: mounts\[*\].uidMappings: the mount needs the option idmap or ridmap"
	assert_no_leftovers "$ID"
}
