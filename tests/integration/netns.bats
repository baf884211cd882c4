#!/usr/bin/env bats
# netns.bats - network namespaces: a new one (only lo) or one joined by path.

load helpers

setup() {
	common_setup || return 1
	NETNS=crunit-t$$-$RANDOM
}
teardown() {
	common_teardown
	ip netns del "$NETNS" 2>/dev/null || true
}

# Sorted interface names as `ip -o link` prints them ("lo", "veth0", ...).
ifnames() {
	sed -E 's/^[0-9]+: ([^:@]+).*/\1/' | sort | xargs
}

@test "default: a new network namespace with only lo" {
	local host_net
	host_net=$(readlink /proc/self/ns/net)
	run_ctr_ok 'ls /sys/class/net | xargs; ip -o link | cut -d: -f2 | xargs; readlink /proc/1/ns/net'
	assert_eq "${lines[0]}" lo "/sys/class/net"
	assert_eq "${lines[1]}" lo "ip link"
	[[ ${lines[2]} != "$host_net" ]] || fail "container shares the sandbox's network namespace"
}

@test "joining a network namespace by path (ip netns add)" {
	ip netns add "$NETNS" || fail "ip netns add failed"
	# Give it interfaces that a fresh namespace would not have.
	ip -n "$NETNS" link add "ct-veth0" type veth peer name "ct-veth1" || fail "cannot add a veth pair"
	ip -n "$NETNS" link set lo up
	local want
	want=$(ip netns exec "$NETNS" ip -o link | ifnames)
	[[ $want == *ct-veth0* ]] || fail "setup: veth not in the namespace: $want"
	cfg '(.linux.namespaces[] | select(.type == "network")) |= {"type": "network", "path": $p}' \
		--arg p "/run/netns/$NETNS"
	run_ctr_ok 'ls /sys/class/net | xargs; ip -o link | sed -E "s/^[0-9]+: ([^:@]+).*/\1/" | sort | xargs'
	assert_eq "$(tr ' ' '\n' <<<"${lines[0]}" | sort | xargs)" "$want" "/sys/class/net in the container"
	assert_eq "${lines[1]}" "$want" "ip link in the container"
	# Same namespace, by inode.
	local ino
	ino=$(stat -L -c %i "/run/netns/$NETNS")
	run_ctr_ok 'readlink /proc/1/ns/net'
	assert_eq "$output" "net:[$ino]" "network namespace of the container"
	assert_no_leftovers "$ID"
	# The namespace survives the container.
	ip netns exec "$NETNS" true || fail "the network namespace is gone after the container"
}

@test "joined network namespace: a detached container, then delete" {
	ip netns add "$NETNS" || fail "ip netns add failed"
	cfg '(.linux.namespaces[] | select(.type == "network")) |= {"type": "network", "path": $p}' \
		--arg p "/run/netns/$NETNS"
	start_detached 'sleep 1000; :'
	local pid ino
	pid=$(ctr_pid "$ID")
	ino=$(stat -L -c %i "/run/netns/$NETNS")
	assert_eq "$(readlink "/proc/$pid/ns/net")" "net:[$ino]" "namespace of the init"
	crunit_ok delete --force "$ID"
	assert_no_leftovers "$ID"
}

@test "a network namespace path that does not exist is an error, nothing left" {
	cfg '(.linux.namespaces[] | select(.type == "network")) |= {"type": "network", "path": "/run/netns/no-such-ns"}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID"
	crunit_fails run --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID"
}

@test "a namespace path of the wrong type is an error" {
	# /proc/self/ns/uts is a namespace, but not a network namespace.
	cfg '(.linux.namespaces[] | select(.type == "network")) |= {"type": "network", "path": "/proc/1/ns/uts"}'
	crunit_fails create --bundle "$BUNDLE" "$ID"
	assert_no_leftovers "$ID"
}

@test "no network namespace in the config: the container shares the caller's" {
	cfg 'del(.linux.namespaces[] | select(.type == "network"))'
	local want
	want=$(readlink /proc/self/ns/net)
	run_ctr_ok 'readlink /proc/1/ns/net'
	assert_eq "$output" "$want" "network namespace"
}
