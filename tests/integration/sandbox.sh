#!/bin/bash
# sandbox.sh - run a command inside a throw-away systemd "machine".
#
# Boots the host's own /lib/systemd/systemd as PID 1 in fresh pid, mount,
# cgroup, uts and ipc namespaces, on a tmpfs-backed overlay of the host's /,
# waits until it is up, runs CMD inside it and tears everything down again.
# The network namespace is the host's.
#
# Usage:
#   sandbox.sh [--mode unified|hybrid] [--keep] [--] CMD [ARGS...]
#   sandbox.sh [--mode unified|hybrid] --keep      boot, print PID, leave it running
#   sandbox.sh --enter PID [--] CMD [ARGS...]      run CMD in a kept sandbox
#   sandbox.sh --stop PID                          tear a kept sandbox down
#
#   --mode unified  cgroup v2 only (systemd.unified_cgroup_hierarchy=1); default
#   --mode hybrid   cgroup v1 controllers + v2 for systemd's own tracking
#   --keep          do not tear down at exit; the sandbox's PID (host pid of
#                   its systemd) is printed on stdout as the last line
#
# CMD runs as root with the caller's stdin/stdout/stderr and working
# directory, inside a transient scope unit (crunit-cmd-*.scope), in all of
# the sandbox's namespaces. Its environment is PATH, TERM, HOME=/root, CRUNIT,
# every CRUNIT_* and BATS_* variable of the caller, plus CRUNIT_SANDBOX=1,
# CRUNIT_SANDBOX_MODE and CRUNIT_SCRATCH. sandbox.sh exits with CMD's exit
# status (128+N if CMD was killed by signal N) or 125 if the sandbox itself
# failed.
#
# Writable host paths inside the sandbox (at the same paths): the git
# checkout this script lives in, and the scratch directory ($CRUNIT_SCRATCH,
# created if missing and then kept; default a fresh /var/tmp/crunit-scratch.*
# removed at teardown). Everything else is a copy-on-write overlay that
# vanishes with the sandbox; /tmp and /run are fresh tmpfs mounts.
#
# Environment:
#   CRUNIT_SCRATCH              scratch directory (see above)
#   CRUNIT_SANDBOX_TIMEOUT      seconds to wait for systemd (default 60)
#   CRUNIT_SANDBOX_SYSTEMD_ARGS extra words for systemd's command line,
#                               e.g. "systemd.log_level=debug"
#   CRUNIT_SANDBOX_SCOPE=0      run CMD in the sandbox's root cgroup
#                               instead of a transient scope
#   CRUNIT_SANDBOX_PROC_SYS=rw  make /proc/sys writable once systemd has booted
#                               (it is read-only by default); rootless
#                               containers need that to mount their own proc.
#                               Careful: most sysctls are the host's.
#   CRUNIT_SANDBOX_VERBOSE=1    progress messages on stderr
#   CRUNIT_TEST_HOST_SYSTEMD=1  if the host's PID 1 is systemd, run CMD
#                               directly on the host, no sandbox
#
# Needs root, util-linux (unshare, nsenter, script, flock), coreutils >= 8.31.
#
# Notes:
# - The host's own enabled units (/etc/systemd/system/*.wants) are dropped and
#   units that would act on the host kernel are masked (MASKED_UNITS below):
#   the sandbox runs journald, dbus, logind and little else. Boot ~0.5 s.
# - /proc/sys is read-only (CRUNIT_SANDBOX_PROC_SYS), /sys is read-only,
#   /dev is a small tmpfs with its own devpts. CMD's stdin/stdout/stderr are
#   the caller's, but a caller's terminal is not a tty *name* inside (tty(1)
#   says "not a tty"); interactive shells work.
# - Harmless boot messages: "Couldn't move remaining userspace processes"
#   (host-side helpers sit in the sandbox's root cgroup) and, in hybrid mode,
#   "Failed to create symlink /sys/fs/cgroup/cpu: File exists".
# - State of each sandbox: /var/tmp/crunit-sandbox.*/ (console.log is
#   systemd's console); /run/crunit-sandbox/<PID> points to it while it runs.

set -euo pipefail
shopt -s nullglob

SELF=$(readlink -f "${BASH_SOURCE[0]}")
SELF_DIR=${SELF%/*}
PROG=sandbox.sh
SYSTEMD=/lib/systemd/systemd
RUNDIR=/run/crunit-sandbox  # registry of kept sandboxes: $RUNDIR/<pid> -> state dir

# Units that must not run in the sandbox because they would act on the host
# kernel (sysctl, modules, binfmt, clock, udev) or are useless/slow there.
# They are masked in the sandbox's overlay /etc.
MASKED_UNITS=(
	systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket
	systemd-udev-trigger.service systemd-udev-settle.service
	systemd-modules-load.service systemd-sysctl.service
	systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
	systemd-timesyncd.service systemd-time-wait-sync.service systemd-pstore.service
	systemd-hwdb-update.service ldconfig.service systemd-firstboot.service
	systemd-tmpfiles-clean.timer modprobe@.service systemd-journald-audit.socket
	console-getty.service container-getty@.service getty@.service serial-getty@.service
	systemd-ask-password-console.path systemd-ask-password-wall.path
)
# Generators that would pull in host services (SysV scripts, rc.local, gettys).
MASKED_GENERATORS=(systemd-sysv-generator systemd-rc-local-generator systemd-getty-generator)

log() { [[ ${CRUNIT_SANDBOX_VERBOSE:-0} == 1 ]] && printf '%s: %s\n' "$PROG" "$*" >&2; return 0; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 125; }

usage() {
	sed -n '/^# Usage:/,/^# CMD runs/{/^# CMD runs/d;s/^# \{0,1\}//;p}' "$SELF" >&2
	exit "${1:-125}"
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# Field 22 of /proc/PID/stat (start time), used to make sure a recorded pid
# still names the same process before we signal it.
proc_starttime() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	local -a f
	stat=${stat##*) }         # drop "pid (comm) ", comm may contain spaces
	read -ra f <<<"$stat"
	echo "${f[19]}"           # field 22 overall = index 19 after pid and comm
}

# Waits up to $2 * 50 ms for process $1 to exit (gone or zombie).
wait_exit() {
	local i st
	for ((i = 0; i < $2; i++)); do
		st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
		st=${st##*) }
		[[ ${st:0:1} == Z ]] && return 0
		sleep 0.05
	done
	return 1
}

# ---------------------------------------------------------------------------
# State directory: everything teardown needs is appended to $STATE/info as
# KEY=VALUE lines as soon as it exists, so that a teardown from another
# process (the watchdog, or --stop) can undo a half-finished setup.
# ---------------------------------------------------------------------------
record() { printf '%s=%s\n' "$1" "$2" >>"$STATE/info"; }

# Loads $1/info into SPID, SSTART, LAUNCH_PID, SCRATCH, SCRATCH_OWNED, MODE
# and the array CG_DIRS.
load_state() {
	local key val
	SPID='' SSTART='' LAUNCH_PID='' SCRATCH='' SCRATCH_OWNED='' MODE=''
	CG_DIRS=()
	[[ -f $1/info ]] || return 0
	while IFS='=' read -r key val; do
		case $key in
		CG_DIR) CG_DIRS+=("$val") ;;
		SPID | SSTART | LAUNCH_PID | SCRATCH | SCRATCH_OWNED | MODE) printf -v "$key" '%s' "$val" ;;
		esac
	done <"$1/info"
}

# ---------------------------------------------------------------------------
# Host cgroups. For every hierarchy this process is in, create
# <current cgroup>/crunit-sandbox-<pid>-<suffix>; the sandbox is started
# inside these and they become the roots of its cgroup namespace.
# ---------------------------------------------------------------------------

# Prints "mountpoint mountroot" of the hierarchy with controller list $1
# ("" = cgroup2, "cpu,cpuacct", "name=systemd", ...).
cg_mount_of() {
	local want=$1 line pre post fstype superopts mroot mpoint c ok
	local -a f
	while IFS= read -r line; do
		pre=${line%% - *} post=${line#* - }
		read -r fstype _ superopts <<<"$post"
		read -ra f <<<"$pre"
		mroot=${f[3]} mpoint=${f[4]}
		if [[ -z $want ]]; then
			[[ $fstype == cgroup2 ]] || continue
		else
			[[ $fstype == cgroup ]] || continue
			ok=1
			IFS=, read -ra cs <<<"$want"
			for c in "${cs[@]}"; do
				[[ ,$superopts, == *",$c,"* ]] || { ok=0; break; }
			done
			((ok)) || continue
		fi
		echo "$mpoint $mroot"
		return 0
	done </proc/self/mountinfo
	return 1
}

cg_setup() {
	local name=$1 id ctrls path mp mroot rel dir f
	while IFS=: read -r id ctrls path; do
		: "$id"
		if ! read -r mp mroot < <(cg_mount_of "$ctrls"); then
			warn "cgroup hierarchy '${ctrls:-cgroup2}' is not mounted on the host; sandbox processes stay in $path there"
			continue
		fi
		rel=$path
		if [[ $mroot != / ]]; then
			rel=${path#"$mroot"}
		fi
		dir=$mp${rel%/}/$name
		mkdir "$dir" || die "cannot create cgroup $dir"
		record CG_DIR "$dir"
		if [[ ,$ctrls, == *,cpuset,* ]]; then
			# v1 cpuset starts out empty; a task cannot join until it is set.
			for f in cpuset.cpus cpuset.mems; do
				cat "${dir%/*}/$f" >"$dir/$f"
			done
		fi
		log "created cgroup $dir"
	done </proc/self/cgroup
}

# Closes the watchdog pipe in a child: only the main script may hold it.
close_wd() {
	if [[ -n ${WD_FD:-} ]]; then
		exec {WD_FD}>&-
	fi
	return 0
}

# Closes every fd above 2 (except bash's own script fd 255) in a child that
# lives on in the background, so that it does not keep e.g. a pipe of the
# caller (bats' fd 3, a $(...) capture) open.
close_extra_fds() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd=${fd##*/}
		if ((fd > 2 && fd != 255)); then
			exec {fd}>&-
		fi
	done 2>/dev/null
	return 0
}

# Moves the calling (sub)shell into the sandbox's root cgroups.
cg_enter() {
	local d
	for d in "${CG_DIRS[@]}"; do
		echo "$BASHPID" >"$d/cgroup.procs"
	done
}

# Prints the pids in the cgroup subtrees of CG_DIRS.
cg_pids() {
	local d
	for d in "${CG_DIRS[@]}"; do
		[[ -d $d ]] || continue
		find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
	done
}

# ---------------------------------------------------------------------------
# Teardown of the sandbox described by state dir $1. Idempotent; used by the
# EXIT trap, by the watchdog and by --stop.
# ---------------------------------------------------------------------------
teardown() {
	local state=$1 d i lockfd pids='' pid start stuck=0
	[[ -d $state ]] || return 0
	exec {lockfd}>>"$state/lock"
	flock "$lockfd"
	if [[ ! -d $state ]]; then exec {lockfd}>&-; return 0; fi
	load_state "$state"

	# Killing PID 1 of a pid namespace kills everything in it. The host-side
	# processes around it (script -> sh -> unshare, nsenter parents) then
	# exit by themselves; give them a moment, and reap those that are ours.
	# (No "Killed" job notices from bash for the command we are cutting short.)
	[[ -n ${CMD_PID:-} ]] && { disown "$CMD_PID" 2>/dev/null || true; }
	if [[ -n $SPID ]] && start=$(proc_starttime "$SPID") && [[ $start == "$SSTART" ]]; then
		log "killing sandbox PID $SPID"
		kill -KILL "$SPID" 2>/dev/null || true
	fi
	for pid in ${LAUNCHED_HERE:+$LAUNCH_PID} ${CMD_PID:-}; do
		if wait_exit "$pid" 100; then
			wait "$pid" 2>/dev/null || true
		fi
	done
	# Whatever is still in our cgroups after a grace period (in which the
	# launcher chain normally exits by itself) is killed outright.
	for ((i = 0; i < 260; i++)); do
		pids=$(cg_pids)
		[[ -z $pids ]] && break
		if ((i >= 60 && i % 20 == 0)); then
			for d in "${CG_DIRS[@]}"; do
				[[ -f $d/cgroup.kill ]] && { echo 1 >"$d/cgroup.kill" 2>/dev/null || true; }
			done
			# v1-only host (no cgroup.kill): kill by pid, these are ours.
			# shellcheck disable=SC2086
			((i == 60)) || kill -KILL $pids 2>/dev/null || true
		fi
		sleep 0.05
	done
	for pid in ${LAUNCHED_HERE:+$LAUNCH_PID} ${CMD_PID:-}; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ -n $pids ]]; then
		warn "processes still in sandbox cgroups: ${pids//$'\n'/ }"
		stuck=1
	fi

	# Depth-first removal of our cgroups and everything systemd made below.
	for d in "${CG_DIRS[@]}"; do
		[[ -d $d ]] || continue
		for ((i = 0; i < 50; i++)); do
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
			[[ -d $d ]] || break
			sleep 0.1
		done
		[[ -d $d ]] && { warn "could not remove cgroup $d"; stuck=1; }
	done

	# Nothing is mounted below these in the host's mount namespace (all
	# sandbox mounts live in its own namespace, gone with its processes), but
	# refuse to rm -rf across a mount point just in case.
	if [[ -n $SCRATCH_OWNED ]] && [[ -d $SCRATCH_OWNED ]]; then
		if awk -v p="$SCRATCH_OWNED/" 'index($5 "/", p) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
			warn "something is mounted below $SCRATCH_OWNED; not removing it"
		else
			rm -rf --one-file-system "$SCRATCH_OWNED"
		fi
	fi
	if [[ -n $SPID && -L $RUNDIR/$SPID ]]; then
		rm -f "$RUNDIR/$SPID"
	fi
	if ((stuck)); then
		warn "teardown incomplete, leaving state in $state"
	elif awk -v p="$state/" 'index($5 "/", p) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		warn "something is mounted below $state; not removing it"
	else
		rm -rf --one-file-system "$state"
	fi
	exec {lockfd}>&-
	log "teardown done"
}

# Runs as a separate process for the lifetime of a non-kept sandbox, reading
# from a pipe whose write end only the main script holds. If the main script
# dies without saying "ok" (e.g. SIGKILL), the read sees EOF and we clean up.
watchdog() {
	local line=''
	trap '' INT TERM HUP QUIT
	close_extra_fds
	read -r line || true
	[[ $line == ok ]] && exit 0
	teardown "$1"
}

# Pre-mounts the hybrid cgroup layout at $1 (as systemd-nspawn does), using
# the host's own v1 hierarchies. systemd keeps an existing layout. Left to
# itself it would try to co-mount cpu and cpuacct at cpu,cpuacct, which fails
# when the host binds them to separate hierarchies, and then has no cpu
# controller at all. Runs inside the new cgroup namespace, so each mount's
# root is the sandbox's cgroup.
mount_hybrid_cgroups() {
	local dir=$1 id ctrls path name c have_v1=0
	mount -t tmpfs -o mode=0755,nosuid,nodev,noexec,size=4m crunit-cgroup "$dir"
	while IFS=: read -r id ctrls path; do
		: "$id" "$path"
		if [[ -z $ctrls ]]; then
			mkdir "$dir/unified"
			mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$dir/unified"
			continue
		fi
		name=${ctrls#name=}
		mkdir "$dir/$name"
		mount -t cgroup -o "nosuid,nodev,noexec,$ctrls" cgroup "$dir/$name"
		[[ $ctrls == name=* ]] || have_v1=1
		# A co-mounted hierarchy is also reachable by each controller's name.
		if [[ $name == *,* ]]; then
			IFS=, read -ra cs <<<"$name"
			for c in "${cs[@]}"; do
				ln -s "$name" "$dir/$c"
			done
		fi
	done </proc/self/cgroup
	((have_v1)) || { echo "sandbox init: hybrid mode needs cgroup v1 controllers, the host has none" >&2; exit 1; }
	# systemd skips mount points that exist already, but for its cpu,cpuacct
	# pair it would try (and fail) to co-mount them at cpu,cpuacct. A symlink
	# to the cpu hierarchy stops that. (It still logs "Failed to create
	# symlink /sys/fs/cgroup/cpu: File exists", which is harmless.)
	if [[ -d $dir/cpu && -d $dir/cpuacct && ! -e $dir/cpu,cpuacct ]]; then
		ln -s cpu "$dir/cpu,cpuacct"
	fi
}

# ---------------------------------------------------------------------------
# Inside the namespaces: build the root file system and exec systemd.
# Runs as PID 1 of the new pid namespace, still seeing the host's mounts
# (unshare made them a private copy).
# ---------------------------------------------------------------------------
internal_init() {
	local state=$1 mode=$2 scratch=$3 repo=$4
	shift 4
	local hostpid root d u
	# /proc is still the host's procfs, so this is our pid in the host namespace.
	read -r hostpid _ </proc/self/stat
	echo "$hostpid" >"$state/pid.tmp"
	mv "$state/pid.tmp" "$state/pid"

	mount --make-rprivate /
	mkdir -p "$state/fs"
	mount -t tmpfs -o mode=0755 crunit-sandbox "$state/fs"
	mkdir "$state/fs/upper" "$state/fs/work" "$state/fs/root"
	root=$state/fs/root
	# Copy-on-write view of the host's root file system (only the root mount
	# itself: other host mounts show up as empty directories).
	mount -t overlay crunit-sandbox-root \
		-o "lowerdir=/,upperdir=$state/fs/upper,workdir=$state/fs/work" "$root"

	# Fresh /tmp and /run: systemd-tmpfiles would otherwise clean the
	# overlay's copy of the host's /tmp (harmless, but slow).
	mount -t tmpfs -o mode=1777,nosuid,nodev crunit-tmp "$root/tmp"
	mount -t tmpfs -o mode=0755,nosuid,nodev crunit-run "$root/run"

	# The only writable host paths, at the same paths as on the host (after
	# /tmp and /run, in case they live there).
	for d in "$repo" "$scratch"; do
		mkdir -p "$root$d"
		mount --rbind "$d" "$root$d"
	done

	mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
	# Host-global knobs must stay untouchable, as in systemd-nspawn: systemd
	# itself writes fs.file-max and net.unix.max_dgram_qlen (the host's: we
	# share its network namespace) at startup. Side effect: with these
	# over-mounts the kernel refuses a new proc mount in a user namespace
	# (mount_too_revealing), i.e. rootless containers, unless their mount
	# namespace drops the over-mounts. CRUNIT_SANDBOX_PROC_SYS=rw removes
	# them once systemd has booted (see start_sandbox).
	for d in sys sysrq-trigger; do
		[[ -e $root/proc/$d ]] || continue
		mount --bind "$root/proc/$d" "$root/proc/$d"
		mount -o remount,bind,ro,nosuid,nodev,noexec "$root/proc/$d"
	done
	# Fresh read-only sysfs: /sys/fs/cgroup is an empty mount point that
	# systemd fills itself; ro also keeps udev and friends off the host.
	mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"

	mount -t tmpfs -o mode=0755,nosuid,size=64m crunit-dev "$root/dev"
	for d in null zero full random urandom tty fuse net/tun; do
		[[ -c /dev/$d ]] || continue
		[[ $d == */* ]] && mkdir -p "$root/dev/${d%/*}"
		cp -a "/dev/$d" "$root/dev/$d"
	done
	mkdir -m 0755 "$root/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$root/dev/pts"
	ln -s pts/ptmx "$root/dev/ptmx"
	mkdir -m 1777 "$root/dev/shm"
	mount -t tmpfs -o mode=1777,nosuid,nodev crunit-shm "$root/dev/shm"
	ln -s /proc/self/fd "$root/dev/fd"
	ln -s /proc/self/fd/0 "$root/dev/stdin"
	ln -s /proc/self/fd/1 "$root/dev/stdout"
	ln -s /proc/self/fd/2 "$root/dev/stderr"
	# Our stdin is the pty that `script` logs to $state/console.log; give it
	# to systemd as its console.
	if d=$(tty 2>/dev/null); then
		touch "$root/dev/console"
		mount --bind "$d" "$root/dev/console"
	fi

	if [[ $mode == hybrid ]]; then
		mount_hybrid_cgroups "$root/sys/fs/cgroup"
	fi

	# Configure the throw-away /etc.
	tr -d - </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
	echo crunit-sandbox >"$root/etc/hostname"
	echo '# crunit sandbox: no mounts' >"$root/etc/fstab"
	# Drop the host's own unit enablements (postgres, timers, gettys, ...):
	# the sandbox runs only what systemd's vendor presets pull in statically.
	rm -rf "$root"/etc/systemd/system/*.wants "$root"/etc/systemd/system/*.requires
	for u in "${MASKED_UNITS[@]}"; do
		ln -sfn /dev/null "$root/etc/systemd/system/$u"
	done
	mkdir -p "$root/etc/systemd/system-generators"
	for u in "${MASKED_GENERATORS[@]}"; do
		ln -sfn /dev/null "$root/etc/systemd/system-generators/$u"
	done

	cd "$root"
	mkdir .crunit-oldroot
	pivot_root . .crunit-oldroot
	cd /
	umount -l /.crunit-oldroot
	rmdir /.crunit-oldroot

	local -a args=(--unit=multi-user.target)
	if [[ $mode == hybrid ]]; then
		args+=(systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0)
	else
		args+=(systemd.unified_cgroup_hierarchy=1)
	fi
	exec env -i container=crunit-sandbox TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"$SYSTEMD" "${args[@]}" "$@"
}

# ---------------------------------------------------------------------------
# Host side helpers.
# ---------------------------------------------------------------------------

# Runs "$@" in the sandbox's namespaces and root cgroups (foreground), for
# at most $SB_TIMEOUT (default 15) seconds. The time limit also matters
# because nsenter stops itself when its child is stopped, and systemd's
# shutdown stops every process of the namespace (kill(-1, SIGSTOP)) before
# killing it: without `timeout`, which sends SIGCONT, nsenter would hang.
sb_exec() {
	(
		close_wd
		cg_enter
		exec timeout -k 2 "${SB_TIMEOUT:-15}" nsenter -t "$SPID" -m -p -u -i -C -- "$@"
	)
}

sb_diagnostics() {
	{
		echo "---- console (last 40 lines of $STATE/console.log) ----"
		tail -n 40 "$STATE/console.log" 2>/dev/null | tr -d '\r' || true
		if [[ -n $SPID ]] && kill -0 "$SPID" 2>/dev/null; then
			echo "---- systemctl list-jobs ----"
			SB_TIMEOUT=5 sb_exec systemctl --no-pager list-jobs 2>&1 || true
			echo "---- systemctl --failed ----"
			SB_TIMEOUT=5 sb_exec systemctl --no-pager --failed 2>&1 || true
			echo "---- journal (last 40 lines) ----"
			SB_TIMEOUT=5 sb_exec journalctl -b --no-pager -n 40 2>&1 || true
		fi
		echo "----"
	} >&2
}

# Waits for `systemctl is-system-running` to say running or degraded.
wait_for_boot() {
	local timeout=${CRUNIT_SANDBOX_TIMEOUT:-60} state='' t0 deadline seen_up=0 comm
	t0=$(now_ms)
	deadline=$((t0 + timeout * 1000))
	while :; do
		comm=$(cat "/proc/$SPID/comm" 2>/dev/null) || comm=''
		if [[ -z $comm ]] || ! kill -0 "$SPID" 2>/dev/null; then
			sb_diagnostics
			die "systemd (pid $SPID) died during boot"
		fi
		if [[ $comm == systemd-shutdow* ]]; then
			sb_diagnostics
			die "sandbox systemd shut down during boot"
		fi
		state=$(SB_TIMEOUT=10 sb_exec systemctl is-system-running 2>/dev/null) || true
		if [[ $state == offline || -z $state ]] && ((seen_up)); then
			sb_diagnostics
			die "sandbox systemd stopped answering during boot"
		fi
		[[ -n $state && $state != offline ]] && seen_up=1
		case $state in
		running) break ;;
		degraded)
			warn "sandbox systemd is degraded; failed units:"
			sb_exec systemctl --no-pager --no-legend --plain --failed >&2 || true
			break
			;;
		maintenance | stopping)
			sb_diagnostics
			die "sandbox systemd is in state '$state'"
			;;
		esac
		if (($(now_ms) > deadline)); then
			sb_diagnostics
			die "sandbox systemd did not finish booting within ${timeout}s (state: ${state:-unknown})"
		fi
		sleep 0.05
	done
	BOOT_MS=$(($(now_ms) - t0))
	log "systemd is $state after ${BOOT_MS} ms"
}

# Checks that hybrid mode ended up with usable v1 cpu and cpuacct controllers.
check_hybrid() {
	local c
	for c in cpu cpuacct memory pids; do
		sb_exec grep -q "^cgroup /sys/fs/cgroup/[^ ]* cgroup [^ ]*[,]${c}[, ]" /proc/self/mounts ||
			warn "hybrid mode: cgroup v1 controller '$c' is not mounted in the sandbox"
	done
}

# ---------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------
MODE=unified KEEP=0 ACTION=run TARGET_PID=''
STATE='' WD_FD='' BOOTED=0 SPID='' SCRATCH='' CG_DIRS=()

# shellcheck disable=SC2317  # invoked by trap
on_exit() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [[ -n $STATE ]] && { ((KEEP == 0)) || ((BOOTED == 0)); }; then
		teardown "$STATE" || true
	fi
	if [[ -n $WD_FD ]]; then
		echo ok 1>&"$WD_FD" || true
		exec {WD_FD}>&-
		wait "$WD_PID" 2>/dev/null || true
	fi
	exit "$rc"
}

start_sandbox() {
	local name
	[[ $(id -u) == 0 ]] || die "must run as root"
	[[ -x $SYSTEMD ]] || die "$SYSTEMD not found"
	local repo
	repo=$(git -C "$SELF_DIR" rev-parse --show-toplevel 2>/dev/null) ||
		repo=$(cd "$SELF_DIR/../.." && pwd -P)

	STATE=$(mktemp -d /var/tmp/crunit-sandbox.XXXXXX)
	trap on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	record MODE "$MODE"
	if ((KEEP == 0)); then
		# The watchdog cleans up if we are killed without running our trap.
		exec {WD_FD}> >(exec setsid "$SELF" --internal-watchdog "$STATE" >/dev/null 2>&1)
		WD_PID=$!
	fi

	if [[ -n ${CRUNIT_SCRATCH:-} ]]; then
		SCRATCH=$CRUNIT_SCRATCH
		mkdir -p "$SCRATCH"
	else
		SCRATCH=$(mktemp -d /var/tmp/crunit-scratch.XXXXXX)
		record SCRATCH_OWNED "$SCRATCH"
	fi
	SCRATCH=$(cd "$SCRATCH" && pwd -P)
	record SCRATCH "$SCRATCH"
	log "scratch $SCRATCH"

	name=crunit-sandbox-$$-${STATE##*.}
	cg_setup "$name"
	load_state "$STATE"

	local -a sd_args=()
	read -ra sd_args <<<"${CRUNIT_SANDBOX_SYSTEMD_ARGS:-}"
	local t0 cmd
	t0=$(now_ms)
	printf -v cmd '%q ' unshare --fork --pid --mount --uts --ipc --cgroup --propagation private \
		--kill-child -- "$SELF" --internal-init "$STATE" "$MODE" "$SCRATCH" "$repo" "${sd_args[@]}"
	(
		close_extra_fds
		cg_enter
		# `script` gives systemd a pty as /dev/console and logs it. setsid:
		# a kept sandbox must not get the caller's terminal's SIGHUP.
		SHELL=/bin/sh exec setsid script -q -f -E never -c "$cmd" "$STATE/console.log"
	) </dev/null >>"$STATE/launch.log" 2>&1 &
	LAUNCH_PID=$!
	LAUNCHED_HERE=1
	record LAUNCH_PID "$LAUNCH_PID"

	local i
	for ((i = 0; i < 200; i++)); do
		[[ -s $STATE/pid ]] && break
		kill -0 "$LAUNCH_PID" 2>/dev/null || break
		sleep 0.05
	done
	[[ -s $STATE/pid ]] || {
		cat "$STATE/launch.log" "$STATE/console.log" >&2 2>/dev/null || true
		die "sandbox init did not start"
	}
	SPID=$(<"$STATE/pid")
	SSTART=$(proc_starttime "$SPID") || die "sandbox init died early"
	record SPID "$SPID"
	record SSTART "$SSTART"
	log "sandbox PID $SPID, state $STATE"

	wait_for_boot
	if [[ $MODE == hybrid ]]; then
		check_hybrid
	fi
	if [[ ${CRUNIT_SANDBOX_PROC_SYS:-ro} == rw ]]; then
		# Lazily: PID 1 keeps files below /proc/sys open.
		# shellcheck disable=SC2016
		sb_exec sh -c 'for p in /proc/sysrq-trigger /proc/sys; do
			if mountpoint -q "$p"; then umount -l "$p"; fi; done' ||
			die "could not make /proc/sys writable"
	fi
	log "ready after $(($(now_ms) - t0)) ms (mode $MODE)"
	mkdir -p "$RUNDIR"
	ln -sfn "$STATE" "$RUNDIR/$SPID"
	BOOTED=1
}

# Sets PSTATE to the state letter (R, S, T, Z, ...) of process $1, or to ''
# if it is gone. No fork: this runs in a polling loop.
proc_state() {
	local st=''
	PSTATE=''
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 0
	st=${st##*) }
	PSTATE=${st:0:1}
}

# Waits until CMD_PID (the host-side nsenter) has exited, without reaping it.
# A plain `wait` could hang forever: nsenter stops itself whenever its child
# is stopped and relies on whoever stopped the child to continue it - but
# systemd's shutdown (systemctl poweroff inside, or a failed boot) stops all
# processes of the namespace with kill(-1, SIGSTOP) and continues only those
# it can see, and then waits for nsenter to reap its child. So: continue
# nsenter whenever it is stopped while its child is not (a job-control stop
# of CMD stops both, and is left alone).
watch_cmd() {
	local sleep_fd child
	exec {sleep_fd}<> <(:)   # read -t on this is a fork-free sleep
	while :; do
		proc_state "$CMD_PID"
		[[ -z $PSTATE || $PSTATE == Z ]] && break
		if [[ $PSTATE == T ]]; then
			child=''
			{ read -r child _ <"/proc/$CMD_PID/task/$CMD_PID/children"; } 2>/dev/null || true
			[[ -n $child ]] && proc_state "$child"
			if [[ -z $child || $PSTATE != T ]]; then
				kill -CONT "$CMD_PID" 2>/dev/null || true
			fi
		fi
		read -r -t 0.1 -u "$sleep_fd" _ || true
	done
	exec {sleep_fd}<&-
}

# Runs "$@" in the sandbox (SPID, CG_DIRS, MODE, SCRATCH set) and returns its
# exit status.
run_cmd() {
	local name rc=0
	local -a envv=(PATH="$PATH" HOME=/root CRUNIT_SANDBOX=1 CRUNIT_SANDBOX_MODE="$MODE"
		CRUNIT_SANDBOX_PID="$SPID" CRUNIT_SCRATCH="$SCRATCH")
	[[ -n ${TERM:-} ]] && envv+=(TERM="$TERM")
	for name in $(compgen -e); do
		case $name in
		CRUNIT_SANDBOX | CRUNIT_SANDBOX_MODE | CRUNIT_SANDBOX_PID | CRUNIT_SCRATCH) ;;
		CRUNIT | CRUNIT_* | BATS_*) envv+=("$name=${!name}") ;;
		esac
	done
	local -a scope=()
	if [[ ${CRUNIT_SANDBOX_SCOPE:-1} != 0 ]]; then
		CMD_SEQ=$((${CMD_SEQ:-0} + 1))
		scope=(systemd-run --quiet --scope --collect
			"--unit=crunit-cmd-$$-$CMD_SEQ" "--description=crunit sandbox command" --)
	fi
	# Run in the background and `wait`, so that our INT/TERM traps fire at
	# once instead of after CMD exits. stdin is passed explicitly (background
	# jobs get /dev/null otherwise). SIGINT/SIGQUIT are reset to default for
	# CMD, even if we were started with them ignored (as background jobs of
	# scripts are): containers started by CMD would inherit that.
	(
		trap - INT QUIT TERM HUP
		close_wd
		cg_enter
		exec nsenter -t "$SPID" -m -p -u -i -C -- \
			env -i --default-signal=INT,QUIT -C "$PWD" "${envv[@]}" "${scope[@]}" "$@"
	) <&0 &
	CMD_PID=$!
	watch_cmd
	wait "$CMD_PID" || rc=$?
	if [[ $(cat "/proc/$SPID/comm" 2>/dev/null) != systemd ]]; then
		warn "the sandbox's systemd exited or shut down while the command was running"
	fi
	CMD_PID=''

	return "$rc"
}

main() {
	case ${1:-} in
	--internal-init)
		shift
		internal_init "$@"
		;;
	--internal-watchdog)
		watchdog "$2"
		exit 0
		;;
	esac

	while (($#)); do
		case $1 in
		--mode)
			[[ ${2:-} == unified || ${2:-} == hybrid ]] || die "--mode takes unified or hybrid"
			MODE=$2
			shift 2
			;;
		--mode=*)
			MODE=${1#--mode=}
			[[ $MODE == unified || $MODE == hybrid ]] || die "--mode takes unified or hybrid"
			shift
			;;
		--keep) KEEP=1 && shift ;;
		--stop | --enter)
			ACTION=${1#--}
			TARGET_PID=${2:-}
			[[ $TARGET_PID =~ ^[0-9]+$ ]] || die "$1 needs a PID"
			shift 2
			;;
		-h | --help) usage 0 ;;
		--) shift && break ;;
		-*) die "unknown option $1 (try --help)" ;;
		*) break ;;
		esac
	done

	case $ACTION in
	stop)
		[[ -L $RUNDIR/$TARGET_PID ]] || die "no kept sandbox with PID $TARGET_PID"
		teardown "$(readlink "$RUNDIR/$TARGET_PID")"
		exit 0
		;;
	enter)
		(($#)) || die "--enter needs a command"
		[[ -L $RUNDIR/$TARGET_PID ]] || die "no kept sandbox with PID $TARGET_PID"
		STATE=$(readlink "$RUNDIR/$TARGET_PID")
		load_state "$STATE"
		[[ $SPID == "$TARGET_PID" && $(proc_starttime "$SPID") == "$SSTART" ]] ||
			die "sandbox $TARGET_PID is gone"
		STATE=''
		local rc=0
		run_cmd "$@" || rc=$?
		exit "$rc"
		;;
	esac

	if ((!$# && !KEEP)); then
		usage
	fi

	if [[ ${CRUNIT_TEST_HOST_SYSTEMD:-0} == 1 ]] && [[ $(cat /proc/1/comm 2>/dev/null) == systemd ]]; then
		(($#)) || die "CRUNIT_TEST_HOST_SYSTEMD=1: nothing to keep, give a command"
		log "CRUNIT_TEST_HOST_SYSTEMD=1: running on the host"
		exec "$@"
	fi

	start_sandbox
	local rc=0
	if (($#)); then
		run_cmd "$@" || rc=$?
	fi
	if ((KEEP)); then
		echo "$SPID"
	fi
	exit "$rc"
}

main "$@"
