/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A minimal check harness for the unit tests: every failed CHECK prints its location and
 * counts; main() returns TEST_RESULT() (non-zero when anything failed). */

#include <stdio.h>

#include "../../src/shared/macro.h"

static unsigned failures;

#define CHECK(expr)                                                                                \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr);   \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

#define CHECK_STREQ(a, b)                                                                          \
        do {                                                                                       \
                const char *_a = (a), *_b = (b);                                                   \
                if (!streq_ptr(_a, _b)) {                                                          \
                        fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n",      \
                                __FILE__, __LINE__, #a, #b, _a ? _a : "(null)",                    \
                                _b ? _b : "(null)");                                               \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

#define TEST_RESULT() (failures ? (fprintf(stderr, "%u check(s) failed\n", failures), 1) : 0)
