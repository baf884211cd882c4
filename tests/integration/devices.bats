#!/usr/bin/env bats
# devices.bats - linux.devices: nodes made in the rootfs (mknod; bind mounts of the
# host's nodes in a user namespace), their mode and owner, FIFOs, conflicts and
# symlinks refused; with linux.resources.devices rules (the devices cgroup).

load helpers

setup() {
	common_setup || return 1
	cfg '.root.readonly = false'
}
teardown() { common_teardown; }

hybrid() { [[ ${CRUNIT_SANDBOX_MODE:-unified} == hybrid ]]; }

# devices JSON: sets linux.devices.
cfg_devices() {
	cfg ".linux.devices = $1"
}

@test "devices: a character device with fileMode, uid and gid (mknod)" {
	cfg_devices '[{"path": "/dev/full2", "type": "c", "major": 1, "minor": 7, "fileMode": 434, "uid": 1, "gid": 2}]'
	run_ctr_ok 'stat -c "%t:%T %a %u %g" /dev/full2; echo x >/dev/full2 || echo write-failed'
	assert_eq "${lines[0]}" "1:7 662 1 2" "major:minor mode uid gid"
	assert_contains "$stderr" "No space left on device"
	assert_contains "$output" write-failed
}

@test "devices: default fileMode 0666 and owner root; u is a character device; b a block device" {
	cfg_devices '[{"path": "/dev/zero2", "type": "u", "major": 1, "minor": 5},
		{"path": "/dev/blk", "type": "b", "major": 7, "minor": 200}]'
	run_ctr_ok 'stat -c "%F %t:%T %a %u %g" /dev/zero2 /dev/blk; head -c 3 /dev/zero2 | wc -c'
	assert_eq "${lines[0]}" "character special file 1:5 666 0 0"
	assert_eq "${lines[1]}" "block special file 7:c8 666 0 0"
	assert_eq "${lines[2]}" 3 "bytes from /dev/zero2"
}

@test "devices: a FIFO in a directory that does not exist yet" {
	cfg_devices '[{"path": "/dev/sub/dir/fifo", "type": "p", "fileMode": 384}]'
	run_ctr_ok '[ -p /dev/sub/dir/fifo ] && stat -c "%a" /dev/sub/dir/fifo'
	assert_eq "$output" 600
}

@test "devices: outside /dev, in the rootfs's own directories" {
	# (not opened: the sandbox's /tmp, where the bundle is, is mounted nodev)
	cfg_devices '[{"path": "/opt/devs/null2", "type": "c", "major": 1, "minor": 3}]'
	run_ctr_ok 'stat -c "%F %t:%T" /opt/devs/null2'
	assert_eq "$output" "character special file 1:3"
}

@test "devices: a default device listed again is accepted; another node at its path is refused" {
	cfg_devices '[{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]'
	run_ctr_ok 'echo x >/dev/null && echo ok'
	assert_eq "$output" ok
	cfg_devices '[{"path": "/dev/null", "type": "c", "major": 1, "minor": 5}]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "linux.devices[0]: /dev/null already exists in the container and is another character device, not the device c 1:5"
	assert_no_leftovers "$ID"
}

@test "devices: symlinks on the way or at the path are refused" {
	ln -s /etc "$BUNDLE/rootfs/lnk"
	cfg_devices '[{"path": "/lnk/dev", "type": "c", "major": 1, "minor": 3}]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "linux.devices[0]: /lnk goes through a symlink in the container: refusing to create /lnk/dev"
	assert_no_leftovers "$ID"
	[[ ! -e /etc/dev ]] || fail "a node was made through the symlink"

	mkdir -p "$BUNDLE/rootfs/opt"
	ln -s /etc/passwd "$BUNDLE/rootfs/opt/leaf"
	cfg_devices '[{"path": "/opt/leaf", "type": "c", "major": 1, "minor": 3}]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "linux.devices[0]: /opt/leaf already exists in the container and is a symlink, not the device c 1:3"
	assert_no_leftovers "$ID"
}

@test "devices: bad entries are refused at create with the field named" {
	cfg_devices '[{"path": "/dev/x", "type": "q", "major": 1, "minor": 3}]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.devices[0].type: unknown device type "q" (c, b, u or p)'
	cfg_devices '[{"path": "/dev/../x", "type": "c", "major": 1, "minor": 3}]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.devices[0].path is not a clean path to a file: "/dev/../x"'
	cfg_devices '[{"path": "/dev/x", "type": "c", "major": 1}]'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_error 'config.json: linux.devices[0].minor is required'
	assert_no_leftovers "$ID"
}

@test "devices: in a user namespace the host's node is bind-mounted" {
	userns_bundle
	userns_crunit
	cfg_devices '[{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200}]'
	run_ctr_ok 'stat -c "%t:%T" /dev/net/tun && grep -c " /dev/net/tun " /proc/self/mountinfo'
	assert_eq "${lines[0]}" "a:c8" "major:minor"
	assert_eq "${lines[1]}" 1 "bind mounts on /dev/net/tun"
	# no such node on the host: a clear error
	cfg_devices '[{"path": "/dev/full2", "type": "c", "major": 1, "minor": 7}]'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob "linux.devices\[0\]: in a user namespace the host's /dev/full2 is bind-mounted, but it cannot be opened: *"
	assert_no_leftovers "$ID"
}

@test "devices: with a deny-all rule, an allowed device opens, one not allowed gives EPERM" {
	# c 1:2 and 1:6 have no driver (mem minors): allowed, open fails with ENXIO;
	# not allowed, the devices cgroup (v1) or systemd's BPF program (v2) refuses
	# first. The init is in the scope already: mknod itself needs "m".
	cfg_devices '[{"path": "/dev/allowed", "type": "c", "major": 1, "minor": 2},
		{"path": "/dev/denied", "type": "c", "major": 1, "minor": 6}]'
	cfg '.linux.resources = {"devices": [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 1, "minor": 2, "access": "rwm"},
		{"allow": true, "type": "c", "major": 1, "minor": 6, "access": "m"}]}'
	run_ctr 'cat /dev/allowed; cat /dev/denied; echo x >/dev/null && echo null-ok'
	assert_eq "$status" 0 "exit status"
	assert_contains "$stderr" "/dev/allowed': No such device or address"
	assert_contains "$stderr" "/dev/denied': Operation not permitted"
	assert_contains "$output" null-ok
}

@test "devices: a device the rules do not let the container mknod fails create, nothing left" {
	cfg_devices '[{"path": "/dev/denied", "type": "c", "major": 1, "minor": 6}]'
	cfg '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]}'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error "linux.devices[0]: cannot create /dev/denied: Operation not permitted (is c 1:6 allowed with \"m\" by linux.resources.devices?)"
	assert_no_leftovers "$ID"
}
