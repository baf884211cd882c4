#!/usr/bin/env bats
# userns-refused.bats - a rootless crunit where the kernel refuses a user namespace must say
# why (the sysctl), not fail with a broken pipe. Runs on the host: the limit is set in a user
# namespace of our own (user.max_user_namespaces is per user namespace), never globally.

load ../helpers

setup() {
	require_crunit || return 1
	# bats' own temporary directories are private to root: use one the user can enter
	WORK=$(mktemp -d /tmp/crunit-userns.XXXXXX)
	chmod 755 "$WORK"
	CRUNIT_ROOT=$WORK/state
	new_bundle "$WORK/bundle" || return 1
	new_id host
}

teardown() {
	common_teardown
	rm -rf "$WORK"
}

@test "rootless: user namespaces refused by the kernel: the error names the sysctl" {
	local uid=4242
	# spec --rootless as that user, so that the mapping is of its own ids
	rm "$BUNDLE/config.json"
	chown -R $uid:$uid "$BUNDLE"
	setpriv --reuid=$uid --regid=$uid --clear-groups "$CRUNIT" spec --rootless --bundle "$BUNDLE"
	cfg '.process.terminal = false | .process.args = ["true"]'
	jq -e '.linux.uidMappings[0].hostID == 4242' "$BUNDLE/config.json" >/dev/null ||
		fail "spec --rootless did not map the user's uid"
	# crunit runs as host root seen as uid 4242 through two user namespaces: let it write
	mkdir -p "$CRUNIT_ROOT" && chmod 1777 "$CRUNIT_ROOT"
	# Outer namespace (root in it): allow exactly one more user namespace below, and use it
	# to become the unprivileged user. crunit's own then exceeds the limit.
	run unshare -U -r sh -c "echo 1 >/proc/sys/user/max_user_namespaces &&
		exec unshare -U --map-user=$uid --map-group=$uid env -u XDG_RUNTIME_DIR \
			$CRUNIT --root $CRUNIT_ROOT run --bundle $BUNDLE $ID"
	echo "$output" >&2
	((status == 1)) || fail "exit status $status, expected 1"
	assert_contains "$output" "the kernel refused to create a user namespace"
	assert_contains "$output" "user.max_user_namespaces"
	[[ $output != *"pipe"* ]] || fail "error mentions a pipe"
	[[ -z $(ls -A "$CRUNIT_ROOT") ]] || fail "state left behind: $(ls -A "$CRUNIT_ROOT")"
}
