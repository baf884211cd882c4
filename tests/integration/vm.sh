#!/bin/bash
# vm.sh - run a command inside a throw-away QEMU virtual machine that boots
# the host's own systemd with every cgroup v2 controller.
#
# The namespace sandbox (sandbox.sh) cannot give cgroup v2 controllers to its
# systemd when the host binds them to v1. This slower tier boots a real
# kernel (Debian's linux-image-amd64) under QEMU (TCG emulation), with
# the host's root file system shared read-only over virtio-9p below a tmpfs
# overlay, and systemd as PID 1 in unified mode (memory, cpu, io, pids,
# cpuset on the root cgroup). CMD runs as root in a oneshot service after
# boot, then the VM powers off.
#
# Usage:
#   vm.sh [--] CMD [ARGS...]
#
# CMD runs in the caller's working directory with PATH, TERM, HOME=/root,
# CRUNIT, every CRUNIT_* and BATS_* variable of the caller, plus
# CRUNIT_SANDBOX=1, CRUNIT_SANDBOX_MODE=unified, CRUNIT_VM=1 and
# CRUNIT_SCRATCH (a directory in the VM). Its stdin is /dev/null; its stdout
# and stderr are the caller's (virtio-serial ports). vm.sh exits with CMD's
# exit status, or 125 if the VM failed (no kernel/QEMU, boot failure or
# timeout, VM died before CMD finished).
#
# Writable host paths inside the VM (at the same paths): the git checkout
# this script lives in. Everything else is the host's file tree as QEMU sees
# it (mounts below / included), read-only, with a tmpfs overlay that
# vanishes with the VM; /tmp and /run are fresh tmpfs mounts, /proc, /sys,
# /dev the VM's own (devtmpfs, no udev: /dev/block/MAJ:MIN links are made at
# boot). The VM has two empty virtio disks, vda and vdb (reads give zeroes,
# writes are dropped), for I/O limit tests. CMD runs in the VM's
# crunit-vm.service (Type=oneshot) once basic.target is reached.
#
# Environment:
#   CRUNIT_VM_KERNEL        kernel image (default: newest /boot/vmlinuz-*-amd64);
#                           its modules must be in /lib/modules/<version>
#   CRUNIT_VM_PVH=0         boot the compressed kernel through the BIOS (default:
#                           its uncompressed image, extracted into the cache)
#   CRUNIT_VM_MEM           guest RAM (default 2G)
#   CRUNIT_VM_CPUS          guest CPUs (default 2)
#   CRUNIT_VM_CACHE         where the generated initramfs is kept
#                           (default /var/tmp/crunit-vm-cache)
#   CRUNIT_VM_BOOT_TIMEOUT  seconds until CMD must have started (default 300)
#   CRUNIT_VM_KVM=1         use KVM (default: TCG emulation; /dev/kvm may exist
#                           and still not work, as in nested setups)
#   CRUNIT_VM_SYSTEMD_ARGS  extra words for the kernel/systemd command line
#   CRUNIT_VM_VERBOSE=1     progress and timing on stderr; the console log
#                           is shown at the end
#
# Needs root (9p passthrough of the checkout keeps file ownership),
# qemu-system-x86, linux-image-amd64 and busybox-static
# (tools/install-deps.sh). State of each run: /var/tmp/crunit-vm.*/
# (console.log is the VM's serial console), removed at exit.

set -euo pipefail
shopt -s nullglob

SELF=$(readlink -f "${BASH_SOURCE[0]}")
SELF_DIR=${SELF%/*}
PROG=vm.sh
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Units of the host that are useless or slow in the VM (no udev: the VM's
# devices are few and static; no gettys: the console is a log).
MASKED_UNITS=(
	systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket
	systemd-udev-trigger.service systemd-udev-settle.service systemd-hwdb-update.service
	systemd-modules-load.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount
	proc-sys-fs-binfmt_misc.mount systemd-timesyncd.service systemd-time-wait-sync.service
	systemd-pstore.service ldconfig.service systemd-firstboot.service systemd-sysusers.service
	systemd-tmpfiles-clean.timer systemd-journald-audit.socket systemd-journal-catalog-update.service
	systemd-update-done.service systemd-machine-id-commit.service systemd-random-seed.service
	systemd-remount-fs.service systemd-fsck-root.service systemd-repart.service
	systemd-boot-system-token.service systemd-update-utmp.service
	systemd-journal-flush.service
	cryptsetup.target veritysetup.target integritysetup.target remote-fs.target
	console-getty.service container-getty@.service getty@.service serial-getty@.service
	systemd-ask-password-console.path systemd-ask-password-wall.path
	dev-hugepages.mount sys-kernel-debug.mount sys-kernel-tracing.mount
	sys-fs-fuse-connections.mount sys-kernel-config.mount
	modprobe@.service kmod-static-nodes.service systemd-sysctl.service
	systemd-pcrphase-sysinit.service systemd-sysext.service
)
# (Every system generator is masked too: none is useful in the VM.)
# Modules the initramfs loads (with their dependencies from modules.dep).
INITRD_MODULES=(virtio_pci 9pnet_virtio 9p overlay virtio_console virtio_blk)

log() { [[ ${CRUNIT_VM_VERBOSE:-0} == 1 ]] && printf '%s: %s\n' "$PROG" "$*" >&2; return 0; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 125; }

usage() {
	sed -n '/^# Usage:/,/^# CMD runs/{/^# CMD runs/d;s/^# \{0,1\}//;p}' "$SELF" >&2
	exit "${1:-125}"
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# ---------------------------------------------------------------------------
# The initramfs: busybox, the modules to reach the 9p root, and /init.
# ---------------------------------------------------------------------------

# The init of the initramfs (busybox sh). The host's root is the 9p share
# "hostroot", the checkout "repo", the per-run state directory "state"
# (vm.conf: REPO=...; cmd.sh: what the VM runs).
initrd_init() {
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
fail() {
	echo "crunit-vm init: $*" >&2
	echo "crunit-vm init: $*" >/dev/ttyS0
	poweroff -f
	sleep 1000
}
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev
# progress in dmesg (debug level: not on the console)
mark() { echo "<7>crunit-vm init: $*" >/dev/kmsg; }
mark "loading modules"
while read -r m; do
	insmod "/lib/modules/$m" || fail "insmod $m failed"
done </modules.list
opts=trans=virtio,version=9p2000.L,msize=512000
mkdir -p /lower /rw /newroot /state
mount -t 9p -o "$opts,cache=none" state /state || fail "cannot mount the state share"
. /state/vm.conf
mark "mounting the host root"
mount -t 9p -o "$opts,ro,cache=loose" hostroot /lower || fail "cannot mount the host root"
mount -t tmpfs -o mode=0755 crunit-vm-rw /rw
mkdir /rw/upper /rw/work
# (the sandbox's name for its root: the tests recognize it)
mount -t overlay crunit-sandbox-root -o "lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work" /newroot ||
	fail "cannot mount the overlay"
r=/newroot
mount -t tmpfs -o mode=1777,nosuid,nodev crunit-tmp $r/tmp
mount -t tmpfs -o mode=0755,nosuid,nodev crunit-run $r/run
mkdir -p $r/run/crunit-vm "$r$REPO"
mount --move /state $r/run/crunit-vm
mount -t 9p -o "$opts,cache=none" repo "$r$REPO" || fail "cannot mount the checkout $REPO"
# (systemd would take the VM for a container)
rm -f $r/.dockerenv $r/run/.containerenv
mark "configuring the overlay"
tr -d - </proc/sys/kernel/random/uuid >$r/etc/machine-id
echo crunit-vm >$r/etc/hostname
echo '# crunit vm: no mounts' >$r/etc/fstab
rm -rf $r/etc/systemd/system/*.wants $r/etc/systemd/system/*.requires
mkdir -p $r/etc/systemd/system-generators
for u in $MASKED_UNITS; do ln -sfn /dev/null $r/etc/systemd/system/$u; done
for g in $r/lib/systemd/system-generators/* $r/usr/lib/systemd/system-generators/*; do
	ln -sfn /dev/null "$r/etc/systemd/system-generators/${g##*/}"
done
cat >$r/etc/systemd/system/crunit-vm.target <<EOT
[Unit]
Description=crunit VM command
Requires=crunit-vm.service
After=crunit-vm.service
AllowIsolate=yes
EOT
cat >$r/etc/systemd/system/crunit-vm.service <<EOT
[Unit]
Description=crunit VM command
After=basic.target
[Service]
Type=oneshot
ExecStart=/bin/bash /run/crunit-vm/cmd.sh
StandardInput=null
StandardOutput=journal+console
TimeoutStartSec=infinity
LimitNOFILE=1048576
EOT
# /dev/block/MAJ:MIN links, as udev makes them (systemd resolves IO device
# limits through them).
mkdir -p /dev/block
for d in /sys/class/block/*; do
	[ -e "$d/dev" ] && ln -sfn "../${d##*/}" "/dev/block/$(cat "$d/dev")"
done
mark "switching to systemd"
for d in dev proc sys; do mount --move /$d $r/$d; done
exec switch_root $r /lib/systemd/systemd --unit=crunit-vm.target
EOF
}

# modules_for KVER NAME...: the module files (relative to /lib/modules/KVER)
# for NAME... and their dependencies, dependencies first, each once.
modules_for() {
	local kver=$1 dep=/lib/modules/$1/modules.dep
	shift
	[[ -r $dep ]] || die "$dep not found (is the kernel's package installed?)"
	awk -v want="$*" '
		{ sub(/:$/, "", $1); f = $1; n = f; sub(/.*\//, "", n); sub(/\.ko(\..*)?$/, "", n)
		  path[n] = f; deps[f] = ""; for (i = 2; i <= NF; i++) deps[f] = deps[f] " " $i }
		function add(f,   d, k, i) {
			if (f in seen) return
			seen[f] = 1
			k = split(deps[f], d, " ")
			for (i = k; i >= 1; i--) add(d[i])
			print f
		}
		END {
			k = split(want, w, " ")
			for (i = 1; i <= k; i++) {
				n = w[i]; gsub(/-/, "_", n)
				if (!(n in path)) { m = n; gsub(/_/, "-", m); if (m in path) n = m; else { print "missing " w[i] > "/dev/stderr"; exit 1 } }
				add(path[n])
			}
		}' "$dep"
}

# build_initrd KVER: prints the path of the initramfs for kernel KVER,
# building it into the cache if needed.
build_initrd() {
	local kver=$1 cache=${CRUNIT_VM_CACHE:-/var/tmp/crunit-vm-cache} key mods out tmp m
	[[ -x $BUSYBOX ]] || die "$BUSYBOX not found (apt-get install busybox-static)"
	mods=$(modules_for "$kver" "${INITRD_MODULES[@]}") || die "cannot resolve the initramfs modules of $kver"
	key=$({
		initrd_init
		printf '%s\n' "$kver" "$mods" "${MASKED_UNITS[*]}"
		sha256sum "$BUSYBOX"
		for m in $mods; do stat -c '%n %s %Y' "/lib/modules/$kver/$m"; done
	} | sha256sum | cut -c1-16)
	out=$cache/initrd-$kver-$key.cpio
	if [[ -s $out ]]; then
		echo "$out"
		return 0
	fi
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/build.XXXXXX")
	(
		set -e
		cd "$tmp"
		mkdir -p root/bin root/proc root/sys root/dev root/lib/modules root/etc
		cp "$BUSYBOX" root/bin/busybox
		initrd_init >root/init
		# The unit list, for the init's loop.
		sed -i "2i MASKED_UNITS='${MASKED_UNITS[*]}'" root/init
		chmod 0755 root/init root/bin/busybox
		for m in $mods; do
			cp "/lib/modules/$kver/$m" "root/lib/modules/${m##*/}"
			echo "${m##*/}" >>root/modules.list
		done
		cd root
		find . -print0 | LC_ALL=C sort -z | cpio --quiet -o -0 -H newc -R 0:0 >"$tmp/initrd.cpio"
	) || { rm -rf "$tmp"; die "building the initramfs failed"; }
	mv "$tmp/initrd.cpio" "$out"
	rm -rf "$tmp"
	# Old initramfs images of this kernel.
	for m in "$cache"/initrd-"$kver"-*.cpio; do
		[[ $m == "$out" ]] || rm -f "$m"
	done
	log "built $out"
	echo "$out"
}

# uncompressed_kernel KERNEL KVER: prints the path of KERNEL's uncompressed
# ELF image (cached), or nothing if it cannot be extracted. QEMU boots it
# through its PVH entry point: no BIOS boot loader and no decompression in
# the emulated CPU (a few seconds under TCG).
uncompressed_kernel() {
	local kernel=$1 kver=$2 cache=${CRUNIT_VM_CACHE:-/var/tmp/crunit-vm-cache} out off tmp
	out=$cache/vmlinux-$kver-$(stat -L -c '%s-%Y' "$kernel")
	if [[ -s $out ]]; then
		echo "$out"
		return 0
	fi
	command -v xz >/dev/null || return 0
	# the xz stream inside the bzImage
	off=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ' "$kernel" 2>/dev/null | head -1 | cut -d: -f1) || return 0
	[[ -n $off ]] || return 0
	mkdir -p "$cache"
	tmp=$(mktemp "$cache/vmlinux.XXXXXX")
	# (tail is killed by SIGPIPE when xz stops after the stream)
	if { tail -c +"$((off + 1))" "$kernel" || true; } | xz -dc --single-stream >"$tmp" 2>/dev/null &&
		[[ $(head -c 4 "$tmp") == $'\x7fELF' ]]; then
		rm -f "$cache/vmlinux-$kver"-*
		mv "$tmp" "$out"
		echo "$out"
	else
		rm -f "$tmp"
	fi
	return 0
}

# ---------------------------------------------------------------------------
# The command run in the VM.
# ---------------------------------------------------------------------------

# write_cmd FILE CMD...: the script the VM's crunit-vm.service runs.
# shellcheck disable=SC2016  # $S, $out, ... are the VM script's variables
write_cmd() {
	local file=$1 name
	shift
	local -a envv=(PATH="$PATH" HOME=/root CRUNIT_SANDBOX=1 CRUNIT_SANDBOX_MODE=unified CRUNIT_VM=1
		CRUNIT_SCRATCH=/var/tmp/crunit-scratch)
	[[ -n ${TERM:-} ]] && envv+=(TERM="$TERM")
	for name in $(compgen -e); do
		case $name in
		CRUNIT_SANDBOX | CRUNIT_SANDBOX_MODE | CRUNIT_SANDBOX_PID | CRUNIT_SCRATCH | CRUNIT_VM) ;;
		CRUNIT | CRUNIT_* | BATS_*) envv+=("$name=${!name}") ;;
		esac
	done
	{
		echo '# generated by vm.sh'
		echo 'S=/run/crunit-vm'
		echo 'date +%s%N >$S/started'
		# The virtio-serial ports named crunit.stdout/crunit.stderr.
		cat <<'EOF'
out='' err=''
for p in /sys/class/virtio-ports/*; do
	case $(cat "$p/name" 2>/dev/null) in
	crunit.stdout) out=/dev/${p##*/} ;;
	crunit.stderr) err=/dev/${p##*/} ;;
	esac
done
if [ -z "$out" ] || [ -z "$err" ]; then
	echo "crunit-vm: no virtio-serial ports for stdout/stderr" >&2
	echo 125 >$S/rc
	systemctl poweroff -ff
fi
mkdir -p /var/tmp/crunit-scratch
EOF
		printf 'cd %q || { echo "vm.sh: cannot cd to %q in the VM" >&2; echo 125 >$S/rc; systemctl poweroff -ff; }\n' "$PWD" "$PWD"
		printf 'rc=0\nenv -i --'
		printf ' %q' "${envv[@]}" "$@"
		printf ' </dev/null >"$out" 2>"$err" || rc=$?\n'
		echo 'echo $rc >$S/rc.tmp && mv $S/rc.tmp $S/rc'
		echo 'sync'
		echo 'systemctl poweroff -ff'
	} >"$file"
}

# ---------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------
STATE='' QEMU_PID='' CAT_PIDS=()

# shellcheck disable=SC2317  # invoked by trap
on_exit() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [[ -n $QEMU_PID ]]; then
		kill -KILL "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
	fi
	local p
	for p in "${CAT_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [[ -n $STATE ]]; then
		if [[ ${CRUNIT_VM_VERBOSE:-0} == 1 && -f $STATE/console.log ]]; then
			echo "---- VM console ----" >&2
			tr -d '\r' <"$STATE/console.log" >&2 || true
			echo "----" >&2
		fi
		rm -rf "$STATE"
	fi
	exit "$rc"
}

# Lets the copying cats see EOF even if QEMU never opened the FIFOs (a cat
# blocked in open() is released by any writer; O_RDWR never blocks).
release_fifos() {
	local s fd
	for s in stdout stderr; do
		exec {fd}<>"$STATE/$s.out"
		exec {fd}>&-
	done
}

console_tail() {
	{
		echo "---- VM console (last 50 lines) ----"
		tail -n 50 "$STATE/console.log" 2>/dev/null | tr -d '\r' || true
		echo "----"
	} >&2
}

main() {
	while (($#)); do
		case $1 in
		-h | --help) usage 0 ;;
		--) shift && break ;;
		-*) die "unknown option $1 (try --help)" ;;
		*) break ;;
		esac
	done
	(($#)) || usage
	[[ $(id -u) == 0 ]] || die "must run as root"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"

	local kernel=${CRUNIT_VM_KERNEL:-} kver
	if [[ -z $kernel ]]; then
		local -a ks=(/boot/vmlinuz-*-amd64)
		((${#ks[@]})) || die "no /boot/vmlinuz-*-amd64 (apt-get install linux-image-amd64)"
		kernel=$(printf '%s\n' "${ks[@]}" | sort -V | tail -1)
	fi
	[[ -r $kernel ]] || die "kernel $kernel not readable"
	kver=${kernel##*/vmlinuz-}
	[[ -d /lib/modules/$kver ]] || die "/lib/modules/$kver not found (modules of $kernel)"

	local repo
	repo=$(git -C "$SELF_DIR" rev-parse --show-toplevel 2>/dev/null) ||
		repo=$(cd "$SELF_DIR/../.." && pwd -P)
	[[ $repo != *[[:space:]\'\"\\]* ]] || die "the checkout's path '$repo' has characters the VM's init cannot handle"

	local t0 initrd boot_kernel=''
	t0=$(now_ms)
	initrd=$(build_initrd "$kver")
	if [[ ${CRUNIT_VM_PVH:-1} != 0 ]]; then
		boot_kernel=$(uncompressed_kernel "$kernel" "$kver")
	fi
	[[ -n $boot_kernel ]] || boot_kernel=$kernel
	log "initramfs $initrd ($(($(now_ms) - t0)) ms)"

	STATE=$(mktemp -d /var/tmp/crunit-vm.XXXXXX)
	trap on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	chmod 0755 "$STATE"
	printf 'REPO=%s\n' "$repo" >"$STATE/vm.conf"
	write_cmd "$STATE/cmd.sh" "$@"

	# stdout/stderr of CMD: virtio-serial ports to FIFOs that we copy to ours
	# (QEMU opens NAME.in and NAME.out).
	local s
	for s in stdout stderr; do
		mkfifo "$STATE/$s.in" "$STATE/$s.out"
	done
	cat "$STATE/stdout.out" &
	CAT_PIDS+=($!)
	cat "$STATE/stderr.out" >&2 &
	CAT_PIDS+=($!)

	local accel=tcg cpu=max
	if [[ ${CRUNIT_VM_KVM:-0} == 1 ]]; then
		accel=kvm:tcg
		cpu=host
	fi
	local -a sd_args=()
	read -ra sd_args <<<"${CRUNIT_VM_SYSTEMD_ARGS:-}"
	local cmdline="console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init"
	cmdline+=" systemd.unified_cgroup_hierarchy=1 systemd.show_status=error"
	cmdline+=" systemd.log_level=notice rw tsc=reliable no_timer_check"
	((${#sd_args[@]})) && cmdline+=" ${sd_args[*]}"

	# shellcheck disable=SC2054  # commas inside QEMU's option values
	local -a qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
		-machine "pc,accel=$accel" -cpu "$cpu" -smp "${CRUNIT_VM_CPUS:-2}" -m "${CRUNIT_VM_MEM:-2G}"
		-kernel "$boot_kernel" -initrd "$initrd" -append "$cmdline"
		-serial "file:$STATE/console.log" -monitor none
		-fsdev "local,id=fsroot,path=/,security_model=passthrough,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=fsroot,mount_tag=hostroot
		-fsdev "local,id=fsrepo,path=$repo,security_model=passthrough,multidevs=remap"
		-device virtio-9p-pci,fsdev=fsrepo,mount_tag=repo
		-fsdev "local,id=fsstate,path=$STATE,security_model=passthrough"
		-device virtio-9p-pci,fsdev=fsstate,mount_tag=state
		-device virtio-serial-pci
		-chardev "pipe,id=out,path=$STATE/stdout" -device virtserialport,chardev=out,name=crunit.stdout
		-chardev "pipe,id=err,path=$STATE/stderr" -device virtserialport,chardev=err,name=crunit.stderr
		# two disks for I/O limits (reads: zeroes, writes: discarded)
		-drive if=none,id=d0,format=raw,file=null-co://,size=1G -device virtio-blk-pci,drive=d0
		-drive if=none,id=d1,format=raw,file=null-co://,size=1G -device virtio-blk-pci,drive=d1
	)
	log "booting $boot_kernel ($accel, ${CRUNIT_VM_CPUS:-2} CPUs, ${CRUNIT_VM_MEM:-2G})"
	t0=$(now_ms)
	"${qemu[@]}" </dev/null >"$STATE/qemu.log" 2>&1 &
	QEMU_PID=$!

	local boot_timeout=${CRUNIT_VM_BOOT_TIMEOUT:-300} started=0 sleep_fd done_ms=''
	exec {sleep_fd}<> <(:)
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		# CMD is done but the VM does not power off: stop it.
		if [[ -z $done_ms && -s $STATE/rc ]]; then
			done_ms=$(now_ms)
		elif [[ -n $done_ms ]] && (($(now_ms) - done_ms > 30000)); then
			warn "the VM did not power off 30 s after CMD finished: killing it"
			kill -KILL "$QEMU_PID" 2>/dev/null || true
		fi
		if ((!started)) && [[ -s $STATE/started ]]; then
			started=1
			log "CMD started $(($(now_ms) - t0)) ms after QEMU"
		fi
		if ((!started && $(now_ms) - t0 > boot_timeout * 1000)); then
			console_tail
			die "the VM did not start CMD within ${boot_timeout}s"
		fi
		# (wait, not a busy loop; woken up by nothing else)
		read -r -t 0.2 -u "$sleep_fd" _ || true
	done
	exec {sleep_fd}<&-
	local qrc=0
	wait "$QEMU_PID" || qrc=$?
	QEMU_PID=''
	release_fifos
	for s in "${CAT_PIDS[@]}"; do
		wait "$s" 2>/dev/null || true
	done
	CAT_PIDS=()
	log "VM ran $(($(now_ms) - t0)) ms (QEMU exit $qrc)"
	if [[ ! -s $STATE/rc ]]; then
		cat "$STATE/qemu.log" >&2 || true
		console_tail
		if ((started)); then
			die "the VM stopped before CMD finished (QEMU exit $qrc)"
		fi
		die "the VM stopped before CMD started (QEMU exit $qrc)"
	fi
	local rc
	rc=$(<"$STATE/rc")
	[[ $rc =~ ^[0-9]+$ ]] || die "bad exit status '$rc' from the VM"
	exit "$rc"
}

main "$@"
