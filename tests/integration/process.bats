#!/usr/bin/env bats
# process.bats - process and namespace fields not covered by setup.bats: umask, oomScoreAdj,
# domainname, rootfsPropagation.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "process.user.umask applies to files the container creates" {
	cfg '.root.readonly = false | .process.user.umask = 63'
	run_ctr_ok 'touch /tmp/f && stat -c %a /tmp/f'
	assert_eq "$output" 600 "mode of a new file with umask 077"
}

@test "process.oomScoreAdj is set (raising it needs no privilege)" {
	cfg '.process.oomScoreAdj = 500'
	run_ctr_ok 'cat /proc/self/oom_score_adj'
	assert_eq "$output" 500 oom_score_adj
}

@test "domainname comes from the config" {
	cfg '.domainname = "example.test"'
	run_ctr_ok 'cat /proc/sys/kernel/domainname'
	assert_eq "$output" example.test domainname
}

@test "hostname without a uts namespace of its own is refused" {
	cfg '.linux.namespaces |= map(select(.type != "uts"))'
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_error_glob "*hostname*uts namespace*"
	assert_no_leftovers "$ID" "" "$BUNDLE"
}

# The rootfs as a shared mount on the host, so that propagation can be observed.
shared_rootfs() {
	mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
	mount --make-shared "$BUNDLE/rootfs"
	on_teardown "umount -R '$BUNDLE/rootfs'"
	mkdir -p "$BUNDLE/rootfs/mnt/in" "$BUNDLE/rootfs/mnt/out"
	# mount(2) inside needs CAP_SYS_ADMIN
	cfg '.root.readonly = false | .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
}

# A mount made in the container (in/) and one made on the host after start (out/).
probe_propagation() {
	start_detached 'mount -t tmpfs probe /mnt/in && touch /mnt/in/seen && while [ ! -e /mnt/out/host ]; do sleep 0.1; done; awk "\$5 == \"/\"" /proc/self/mountinfo >/mnt/in/root-mountinfo; touch /mnt/in/done; sleep 1000; :'
	local pid i
	pid=$(ctr_pid "$ID")
	for ((i = 0; i < 50; i++)); do
		[[ -e /proc/$pid/root/mnt/in/seen ]] && break
		sleep 0.1
	done
	[[ -e /proc/$pid/root/mnt/in/seen ]] || fail "the container did not mount its probe" || return 1
	mount -t tmpfs hostprobe "$BUNDLE/rootfs/mnt/out"
	on_teardown "umount '$BUNDLE/rootfs/mnt/out'"
	touch "$BUNDLE/rootfs/mnt/out/host"
	for ((i = 0; i < 50; i++)); do
		[[ -e /proc/$pid/root/mnt/in/done ]] && break
		sleep 0.1
	done
	[[ -e /proc/$pid/root/mnt/in/done ]] || fail "the host's mount did not reach the container"
}

@test "rootfsPropagation default (slave): host mounts reach the container, the container's stay in it" {
	shared_rootfs
	probe_propagation
	[[ ! -e $BUNDLE/rootfs/mnt/in/seen ]] || fail "the container's mount leaked to the host"
}

@test "rootfsPropagation shared: the container's root is a shared mount that still receives the host's" {
	shared_rootfs
	cfg '.linux.rootfsPropagation = "shared"'
	probe_propagation
	local pid
	pid=$(ctr_pid "$ID")
	grep -q "shared:" "/proc/$pid/root/mnt/in/root-mountinfo" ||
		fail "the container's / is not shared: $(cat "/proc/$pid/root/mnt/in/root-mountinfo")"
	[[ ! -e $BUNDLE/rootfs/mnt/in/seen ]] || fail "the container's mount leaked to the host"
}

@test "rootfsPropagation private: host mounts made after start do not reach the container" {
	shared_rootfs
	cfg '.linux.rootfsPropagation = "rprivate"'
	start_detached 'mount -t tmpfs probe /mnt/in && touch /mnt/in/seen && sleep 1000; :'
	local pid i
	pid=$(ctr_pid "$ID")
	for ((i = 0; i < 50; i++)); do
		[[ -e /proc/$pid/root/mnt/in/seen ]] && break
		sleep 0.1
	done
	mount -t tmpfs hostprobe "$BUNDLE/rootfs/mnt/out"
	on_teardown "umount '$BUNDLE/rootfs/mnt/out'"
	touch "$BUNDLE/rootfs/mnt/out/host"
	sleep 0.3
	[[ ! -e /proc/$pid/root/mnt/out/host ]] || fail "a host mount reached a private rootfs"
}
