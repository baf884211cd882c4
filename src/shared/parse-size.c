/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "parse-size.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int parse_size(const char *s, int64_t *ret)
{
        static const struct {
                const char *suffix;
                unsigned shift;
        } suffixes[] = {
            {"", 0},    {"b", 0},    {"k", 10}, {"kb", 10}, {"kib", 10}, {"m", 20},
            {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40},
            {"tb", 40}, {"tib", 40}, {"p", 50}, {"pb", 50}, {"pib", 50},
        };
        char *end;

        if (!s || !*s)
                return -EINVAL;
        if (strcmp(s, "-1") == 0) {
                *ret = -1;
                return 0;
        }
        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        double v = strtod(s, &end);
        if (errno != 0 || end == s || !isfinite(v))
                return -EINVAL;
        for (const char *p = s; p < end; p++)
                if ((*p < '0' || *p > '9') && *p != '.')
                        return -EINVAL; /* no hex, exponents, infinities */
        while (*end == ' ')
                end++;
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
                if (strcasecmp(end, suffixes[i].suffix) == 0) {
                        double b = v * (double)(UINT64_C(1) << suffixes[i].shift);
                        if (b >= 9223372036854775807.0)
                                return -ERANGE;
                        *ret = (int64_t)b;
                        return 0;
                }
        return -EINVAL;
}
