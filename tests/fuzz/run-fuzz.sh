#!/bin/bash
# run-fuzz.sh - builds the libFuzzer target tests/fuzz/fuzz-spec (clang, build-fuzz/, meson
# -Dfuzz=true: ASan+UBSan+coverage over the whole tree) and runs it for SECONDS (default 60)
# from the seed corpus tests/fuzz/corpus. Inputs it finds go to build-fuzz/fuzz-corpus (the
# seed corpus is never written), a crashing input to build-fuzz/fuzz-artifacts/.
# tests/fuzz/spec.dict (the quoted words of src/spec/*.c) guides the mutations.
# Exit status 0: it ran that long without a crash, leak or timeout.
#
# Usage: tests/fuzz/run-fuzz.sh [SECONDS] [extra libFuzzer options, e.g. -jobs=2 -workers=2]
# Reproduce a crash: build-fuzz/tests/fuzz/fuzz-spec build-fuzz/fuzz-artifacts/crash-…
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$REPO"
secs=${1:-60}
shift || true
dir=${CRUNIT_FUZZ_BUILD:-build-fuzz}

command -v clang >/dev/null || { echo "run-fuzz.sh: clang is not installed (apt-get install clang)" >&2; exit 1; }
if [[ ! -f $dir/build.ninja ]]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Db_lundef=false >"$dir.setup.log" 2>&1 ||
		{ cat "$dir.setup.log" >&2; exit 1; }
fi
ninja -C "$dir" tests/fuzz/fuzz-spec
mkdir -p "$dir/fuzz-corpus" "$dir/fuzz-artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$dir/tests/fuzz/fuzz-spec" -max_total_time="$secs" -max_len=65536 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -dict=tests/fuzz/spec.dict -artifact_prefix="$dir/fuzz-artifacts/" "$@" \
	"$dir/fuzz-corpus" tests/fuzz/corpus
