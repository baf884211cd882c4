#!/bin/bash
# install-deps.sh - the Debian 12 packages crunit needs to build, test and benchmark.
# Used by tools/setup-demo.sh and .ci/run. Needs root.
set -euo pipefail
packages=(
	# build
	meson ninja-build pkg-config gcc clang-format
	libsystemd-dev libseccomp-dev libcap-dev libjson-c-dev libmount-dev
	# integration tests: a real systemd in a sandbox, a busybox image, bats
	systemd dbus dbus-user-session util-linux busybox-static bats uidmap iproute2 python3 procps jq file coreutils
	# benchmark: runc side by side, peak RSS
	runc time
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
