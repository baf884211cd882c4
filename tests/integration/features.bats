#!/usr/bin/env bats
# features.bats - `crunit features` (runtime-spec features.md): the JSON, and that what it
# lists is what crunit takes.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "features: the runtime-spec features JSON" {
	crunit_ok features
	jq -e . <<<"$output" >/dev/null || fail "not JSON"
	local f=$output
	assert_eq "$(jq -r .ociVersionMin <<<"$f")" 1.0.0 ociVersionMin
	assert_eq "$(jq -r .ociVersionMax <<<"$f")" 1.2.0 ociVersionMax
	assert_eq "$(jq -c .hooks <<<"$f")" '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' hooks
	assert_eq "$(jq -c '.linux.namespaces | sort' <<<"$f")" '["cgroup","ipc","mount","network","pid","time","user","uts"]' namespaces
	assert_eq "$(jq -c .linux.cgroup <<<"$f")" '{"v1":true,"v2":true,"systemd":true,"systemdUser":true,"rdma":false}' cgroup
	assert_eq "$(jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled, .linux.intelRdt.enabled]' <<<"$f")" '[false,false,false]' "apparmor/selinux/intelRdt"
	assert_eq "$(jq -r .linux.seccomp.enabled <<<"$f")" true seccomp.enabled
	jq -e '.linux.seccomp.actions | index("SCMP_ACT_ERRNO") and index("SCMP_ACT_KILL_PROCESS")' <<<"$f" >/dev/null || fail "seccomp actions"
	jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")' <<<"$f" >/dev/null || fail "seccomp operators"
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' <<<"$f" >/dev/null || fail "seccomp archs"
	# supportedFlags is the part of knownFlags this kernel takes
	jq -e '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) == [] and (.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_TSYNC"))' <<<"$f" >/dev/null ||
		fail "seccomp flags: $(jq -c .linux.seccomp <<<"$f")"
	# every capability the tests know by number, and nothing else
	assert_eq "$(jq -c '.linux.capabilities | sort' <<<"$f")" "$(printf '%s\n' "${!CAP_NUM[@]}" | jq -Rsc 'split("\n") | map(select(. != "")) | sort')" capabilities
	assert_eq "$(jq -r .annotations.\"org.crunit.version\" <<<"$f")" "$("$CRUNIT" --version | sed -n '1s/^crunit version //p')" "org.crunit.version"
	jq -e '.annotations."io.github.seccomp.libseccomp.version" | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")' <<<"$f" >/dev/null || fail "libseccomp version annotation"
	jq -e '.potentiallyUnsafeConfigAnnotations | index("org.systemd.property.") and index("org.crunit.")' <<<"$f" >/dev/null || fail "potentiallyUnsafeConfigAnnotations"
	# the mount options: libmount's flags, propagation, bind and crunit's tmpcopyup, no remount
	local o
	for o in ro rw nosuid nodev noexec relatime strictatime bind rbind rprivate rslave shared unbindable defaults tmpcopyup; do
		jq -e --arg o "$o" '.mountOptions | index($o)' <<<"$f" >/dev/null || fail "mountOptions lacks $o"
	done
	jq -e '.mountOptions | index("remount") | not' <<<"$f" >/dev/null || fail "mountOptions lists remount"
	crunit_ok features --help
	crunit_fails features extra
}

@test "features: mount options it lists are taken by create (libmount's flags, runc's extensions, tmpcopyup)" {
	crunit_ok features
	local f=$output o n=0
	for o in nosuid nodev noexec strictatime nosymfollow tmpcopyup rro rnosuid rnoexec; do
		jq -e --arg o "$o" '.mountOptions | index($o)' <<<"$f" >/dev/null || continue
		n=$((n + 1))
		cfg '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": [$o]}]' --arg o "$o"
		run_ctr_ok 'grep -q " /mnt tmpfs " /proc/mounts'
		cfg 'del(.mounts[-1])'
	done
	((n >= 6)) || fail "only $n of the options tried are listed"
}

@test "tmpcopyup: a tmpfs over a directory starts with a copy of it (files, symlinks, modes, owners)" {
	mkdir -p "$BUNDLE/rootfs/srv/d/sub"
	echo content >"$BUNDLE/rootfs/srv/d/f"
	ln -s f "$BUNDLE/rootfs/srv/d/l"
	chown 65534:65534 "$BUNDLE/rootfs/srv/d/sub"
	chmod 0701 "$BUNDLE/rootfs/srv/d"
	cfg '.mounts += [{"destination": "/srv/d", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "tmpcopyup"]}]'
	run_ctr_ok 'grep -q " /srv/d tmpfs " /proc/mounts && cat /srv/d/f && readlink /srv/d/l && stat -c "%a %u" /srv/d /srv/d/sub && echo new >/srv/d/f'
	assert_eq "$output" $'content\nf\n701 0\n755 65534' output
	# the rootfs underneath is untouched
	assert_eq "$(cat "$BUNDLE/rootfs/srv/d/f")" content "file under the tmpfs"
	# read-only: the copy is made first
	cfg '.mounts[-1].options += ["ro"]'
	run_ctr_ok 'cat /srv/d/f; touch /srv/d/x 2>/dev/null && echo writable; :'
	assert_eq "$output" content output
	cfg '.mounts[-1].type = "bind" | .mounts[-1].source = "/tmp" | .mounts[-1].options = ["rbind", "tmpcopyup"]'
	crunit_fails create "$ID"
	assert_error "mount /srv/d: tmpcopyup needs a tmpfs mount, not bind"
}
