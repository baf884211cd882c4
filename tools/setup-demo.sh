#!/bin/bash
# setup-demo.sh - on a fresh Debian 12 machine (as root): install what crunit needs, build it,
# and run a busybox container as a systemd scope, showing `systemctl status` of that scope.
#
# On a host whose PID 1 is systemd the demo runs right there; otherwise it runs inside a
# throw-away systemd booted by tests/integration/sandbox.sh.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

if [ "${1:-}" != --demo-only ]; then
	tools/install-deps.sh
	[ -f build/build.ninja ] || meson setup build >/dev/null
	ninja -C build >/dev/null
	echo "built $top/build/crunit: $(build/crunit --version | head -1)"
	if [ "$(cat /proc/1/comm)" != systemd ]; then
		echo "PID 1 is not systemd here: the demo runs in a sandboxed systemd (tests/integration/sandbox.sh)"
		exec tests/integration/sandbox.sh --mode unified -- "$0" --demo-only
	fi
fi

crunit=$top/build/crunit
work=$(mktemp -d "${CRUNIT_SCRATCH:-/var/tmp}/crunit-demo.XXXXXX")
trap '"$crunit" delete --force demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/mycontainer"
cd "$work/mycontainer"
"$top/tests/integration/lib/make-busybox-rootfs.sh" rootfs >/dev/null
"$crunit" spec
# detached: no terminal; a process that says hello and stays a while
jq '.process.terminal = false | .process.args = ["sh", "-c", "echo hello from $(hostname), pid $$; exec sleep 300"]' \
	config.json >config.json.new && mv config.json.new config.json
set -x
"$crunit" run -d --pid-file "$work/demo.pid" demo
systemctl status crunit-demo.scope --no-pager --lines=0
"$crunit" state demo
"$crunit" list
"$crunit" kill demo KILL
"$crunit" delete demo
systemctl is-active crunit-demo.scope || true
