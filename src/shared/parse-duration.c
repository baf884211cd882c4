/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "parse-duration.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "macro.h"

static const struct {
        const char *name;
        uint64_t nsec;
} units[] = {
    /* longest first where one is a prefix of another ("ms" before "m") */
    {"ns", 1},
    {"us", 1000},
    {"\xc2\xb5s", 1000}, /* µs, U+00B5 */
    {"\xce\xbcs", 1000}, /* μs, U+03BC */
    {"ms", 1000 * 1000},
    {"s", 1000 * 1000 * 1000},
    {"m", 60ULL * 1000 * 1000 * 1000},
    {"h", 3600ULL * 1000 * 1000 * 1000},
};

int parse_go_duration(const char *s, int64_t *ret_nsec)
{
        const uint64_t max = (uint64_t)INT64_MAX;
        bool negative = false;
        uint64_t total = 0;

        if (!s)
                return -EINVAL;
        if (*s == '+' || *s == '-')
                negative = *s++ == '-';
        if (streq(s, "0")) {
                *ret_nsec = 0;
                return 0;
        }
        if (!*s)
                return -EINVAL;
        while (*s) {
                uint64_t whole = 0, frac = 0, scale = 1;
                bool digits = false;
                for (; *s >= '0' && *s <= '9'; s++, digits = true) {
                        if (whole > (max - (uint64_t)(*s - '0')) / 10)
                                return -ERANGE;
                        whole = whole * 10 + (uint64_t)(*s - '0');
                }
                if (*s == '.') {
                        s++;
                        for (; *s >= '0' && *s <= '9'; s++, digits = true)
                                if (scale < 1000ULL * 1000 * 1000 * 1000 * 1000) {
                                        frac = frac * 10 + (uint64_t)(*s - '0');
                                        scale *= 10;
                                }
                }
                if (!digits)
                        return -EINVAL;
                size_t u = 0, best = 0, best_len = 0;
                for (u = 0; u < sizeof units / sizeof units[0]; u++) {
                        size_t l = strlen(units[u].name);
                        if (l > best_len && strncmp(s, units[u].name, l) == 0) {
                                best = u;
                                best_len = l;
                        }
                }
                if (best_len == 0)
                        return -EINVAL; /* a unit is required */
                s += best_len;
                uint64_t unit = units[best].nsec;
                if (whole > max / unit)
                        return -ERANGE;
                uint64_t v = whole * unit;
                /* frac / scale of a unit, without overflowing: scale <= 10^15, unit <= 3.6e12 */
                v += (uint64_t)((long double)frac * (long double)unit / (long double)scale);
                if (v > max || total > max - v)
                        return -ERANGE;
                total += v;
        }
        *ret_nsec = negative ? -(int64_t)total : (int64_t)total;
        return 0;
}
