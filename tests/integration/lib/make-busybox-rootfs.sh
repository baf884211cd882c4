#!/bin/bash
# make-busybox-rootfs.sh DIR - build a minimal container root file system in DIR
# from the host's static busybox (Debian package busybox-static).
#
# Result: DIR/bin/busybox and a symlink DIR/bin/<applet> -> busybox for every
# applet, sbin, usr/bin and usr/sbin as symlinks to bin, the directories proc
# sys dev etc tmp root run, and /etc/passwd, /etc/group with root and nobody.
#
# Idempotent and fast: a stamp file records what was built; when it matches,
# nothing is done. Files that tests added to DIR are left alone.
#
# Environment: BUSYBOX=/path/to/static/busybox (default /bin/busybox).

set -euo pipefail

die() { printf 'make-busybox-rootfs.sh: error: %s\n' "$*" >&2; exit 1; }

(($# == 1)) || die "usage: make-busybox-rootfs.sh DIR"
dir=$1
busybox=${BUSYBOX:-/bin/busybox}

[[ -x $busybox ]] || die "$busybox not found (apt-get install busybox-static)"
# A dynamically linked busybox would not run inside the container.
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
	die "$busybox is not statically linked (apt-get install busybox-static)"
fi

# Bump the version when the layout below changes.
stamp_want="v1 $(stat -L -c '%s %Y' "$busybox")"
stamp=$dir/.crunit-busybox-rootfs
if [[ -f $stamp && $(<"$stamp") == "$stamp_want" && -x $dir/bin/busybox ]]; then
	exit 0
fi

mkdir -p "$dir"/{bin,proc,sys,dev,etc,run,usr,tmp,root}
chmod 1777 "$dir/tmp"
chmod 0700 "$dir/root"

# Copy rather than link: the bundle may live on another file system, and a
# container must not be able to modify the host's binary.
if ! cmp -s "$busybox" "$dir/bin/busybox"; then
	cp "$busybox" "$dir/bin/busybox.tmp"
	chmod 0755 "$dir/bin/busybox.tmp"
	mv -f "$dir/bin/busybox.tmp" "$dir/bin/busybox"
fi

mapfile -t applets < <("$busybox" --list)
((${#applets[@]} > 0)) || die "$busybox --list printed nothing"
# One perl for all the links (`ln` once per applet takes a minute in the
# emulated VM of vm.sh), with what `ln -sfn busybox DIR/bin/APPLET` does.
perl -e 'my $d = shift;
	for (@ARGV) {
		next if $_ eq "busybox" || $_ eq "" || m{/};
		unlink "$d/$_";
		symlink("busybox", "$d/$_") or die "make-busybox-rootfs.sh: error: cannot link $d/$_: $!\n";
	}' "$dir/bin" "${applets[@]}"

# Common paths (/usr/bin/env, /sbin/...) resolve to the same applets.
for l in sbin:bin usr/bin:../bin usr/sbin:../bin; do
	link=$dir/${l%%:*}
	[[ -e $link || -L $link ]] || ln -s "${l#*:}" "$link"
done

cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$dir/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
chmod 0644 "$dir/etc/passwd" "$dir/etc/group"

echo "$stamp_want" >"$stamp"
