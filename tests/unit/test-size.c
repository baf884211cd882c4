/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/shared/parse-size.c: sizes as `update` takes them (runc's suffixes). */
#include <errno.h>
#include <stdint.h>

#include "../../src/shared/parse-size.h"
#include "tests.h"

static void check_size(const char *s, int64_t want)
{
        int64_t v = 0;
        int r = parse_size(s, &v);
        if (r != 0 || v != want)
                fprintf(stderr, "parse_size(\"%s\"): r=%d v=%lld, want %lld\n", s, r, (long long)v,
                        (long long)want);
        CHECK(r == 0 && v == want);
}

static void check_bad(const char *s)
{
        int64_t v;
        CHECK(parse_size(s, &v) < 0);
}

int main(void)
{
        check_size("0", 0);
        check_size("4096", 4096);
        check_size("-1", -1);
        check_size("100b", 100);
        check_size("1k", 1024);
        check_size("1K", 1024);
        check_size("2kb", 2048);
        check_size("2KiB", 2048);
        check_size("32m", 32 * 1024 * 1024);
        check_size("32M", 32 * 1024 * 1024);
        check_size("32MB", 32 * 1024 * 1024);
        check_size("1g", 1024LL * 1024 * 1024);
        check_size("1.5g", 1536LL * 1024 * 1024);
        check_size("1 g", 1024LL * 1024 * 1024);
        check_size("2t", 2LL << 40);
        check_bad("");
        check_bad("m");
        check_bad("-2");
        check_bad("-5m");
        check_bad("12x");
        check_bad("1mm");
        check_bad("0x10");
        check_bad("1e3");
        check_bad("inf");
        check_bad("99999999p");
        int64_t v;
        CHECK(parse_size("99999999p", &v) == -ERANGE);
        return TEST_RESULT();
}
