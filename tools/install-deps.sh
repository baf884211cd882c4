#!/bin/bash
# install-deps.sh - the Debian 12 packages crunit needs to build, test and benchmark.
# Used by tools/setup-demo.sh and .ci/run. Needs root.
set -euo pipefail
packages=(
	# build
	meson ninja-build pkg-config gcc clang-format
	# the libFuzzer target (tests/fuzz)
	clang libclang-rt-14-dev
	libsystemd-dev libseccomp-dev libcap-dev libjson-c-dev libmount-dev
	# integration tests: a real systemd in a sandbox, a busybox image, bats
	systemd systemd-container dbus dbus-user-session util-linux busybox-static bats uidmap iproute2 python3 procps jq file coreutils
	strace libcap2-bin # security.bats
	libc6-dev # notify.bats builds a static sd_notify helper (gcc -static)
	# podman with crunit as its runtime (tests/integration/podman.bats)
	podman conmon catatonit
	# benchmark: runc side by side, peak RSS
	runc time
	# the cgroup v2 controller tests in a VM (tests/integration/vm.sh)
	qemu-system-x86 linux-image-amd64 cpio
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
