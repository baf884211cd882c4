#!/bin/bash
# bench.sh - start-up cost of crunit next to runc, measured in the same sandbox, same run.
#
# Usage: bench/bench.sh [-n RUNS] [--mode unified|hybrid] [--seccomp FILE]
#
# For each runtime, RUNS sequential `run` of a busybox container whose process is /bin/true:
# crunit (one transient scope per container, created over sd-bus) and Debian's runc with
# --systemd-cgroup (also one scope per container). Both get the same bundle and config. The
# two are interleaved in rounds (crunit, runc, crunit, runc, …) so that a slow phase of the
# machine hits both alike. Prints ms/run (mean and median) for each, the ratio, and crunit's
# peak RSS. Nothing here is a test: numbers are reported, not judged. --seccomp FILE sets
# linux.seccomp of the config (both runtimes) to the JSON in FILE.
#
# Runs inside tests/integration/sandbox.sh (a real systemd as PID 1) unless already inside one
# ($CRUNIT_SANDBOX=1) or CRUNIT_TEST_HOST_SYSTEMD=1 on a systemd host.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
runs=100
mode=unified
seccomp=
while [ $# -gt 0 ]; do
	case "$1" in
	-n) runs=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--seccomp) seccomp=$(realpath "$2"); shift 2 ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

[ -z "$seccomp" ] || [ -r "$seccomp" ] || { echo "bench.sh: --seccomp: cannot read $seccomp" >&2; exit 2; }
crunit=${CRUNIT:-$top/build/crunit}
[ -x "$crunit" ] || { echo "bench.sh: $crunit not built (meson setup build && ninja -C build)" >&2; exit 1; }
command -v runc >/dev/null || { echo "bench.sh: runc is not installed (apt-get install runc)" >&2; exit 1; }

if [ "${CRUNIT_SANDBOX:-}" != 1 ] && [ "$(cat /proc/1/comm)" != systemd ]; then
	export CRUNIT_BENCH_RUNS=$runs
	exec "$top/tests/integration/sandbox.sh" --mode "$mode" -- "$0" -n "$runs" --mode "$mode" \
		${seccomp:+--seccomp "$seccomp"}
fi

work=$(mktemp -d "${CRUNIT_SCRATCH:-/var/tmp}/crunit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
bundle=$work/bundle
mkdir -p "$bundle"
"$top/tests/integration/lib/make-busybox-rootfs.sh" "$bundle/rootfs" >/dev/null
(cd "$bundle" && "$crunit" spec)
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
if [ -n "$seccomp" ]; then
	jq '.linux.seccomp = $p[0]' --slurpfile p "$seccomp" "$bundle/config.json" >"$bundle/config.json.new"
	mv "$bundle/config.json.new" "$bundle/config.json"
fi

now() { date +%s%N; }
declare -a t_crunit t_runc
for i in $(seq 1 "$runs"); do
	s=$(now); "$crunit" --root "$work/crunit-state" run -b "$bundle" "bc$i" >/dev/null; e=$(now)
	t_crunit+=($(( (e - s) / 1000 )))
	s=$(now); runc --systemd-cgroup --root "$work/runc-state" run -b "$bundle" "br$i" >/dev/null; e=$(now)
	t_runc+=($(( (e - s) / 1000 )))
done
rss=$( { /usr/bin/time -f '%M' "$crunit" --root "$work/crunit-state" run -b "$bundle" rss >/dev/null; } 2>&1 | tail -1)

stats() { # microseconds on stdin -> "mean median p90" in ms
	sort -n | awk '{ a[NR] = $1; s += $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; p = a[int(NR * 0.9 + 0.999)]; printf "%.2f %.2f %.2f\n", s / NR / 1000, m / 1000, p / 1000 }'
}
read -r c_mean c_med c_p90 < <(printf '%s\n' "${t_crunit[@]}" | stats)
read -r r_mean r_med r_p90 < <(printf '%s\n' "${t_runc[@]}" | stats)
leftover=$(systemctl list-units --all --no-legend 'crunit-bc*' 'runc-br*' | wc -l)
echo "mode: ${CRUNIT_SANDBOX_MODE:-host}, runs: $runs each, /bin/true in a busybox container, one scope each${seccomp:+, seccomp $(basename "$seccomp")}"
printf '%-8s %8s %10s %8s\n' runtime "mean ms" "median ms" "p90 ms"
printf '%-8s %8s %10s %8s\n' crunit "$c_mean" "$c_med" "$c_p90"
printf '%-8s %8s %10s %8s\n' runc "$r_mean" "$r_med" "$r_p90"
awk -v c="$c_mean" -v r="$r_mean" -v cm="$c_med" -v rm="$r_med" \
	'BEGIN { printf "crunit/runc: %.2f (mean), %.2f (median)\n", c / r, cm / rm }'
echo "crunit peak RSS: ${rss} KiB"
[ "$leftover" = 0 ] || echo "warning: $leftover scopes left behind"
