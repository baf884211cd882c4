/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* A duration in Go's syntax (time.ParseDuration, what runc's --interval takes): a sequence of
 * decimal numbers, each with an optional fraction and a unit, "ns", "us" (or "µs"), "ms", "s",
 * "m", "h": "5s", "500ms", "1.5s", "1h30m". A lone "0" needs no unit. An optional leading sign.
 * Returns the value in nanoseconds; -EINVAL when it is not a duration, -ERANGE when it does not
 * fit in an int64. */
int parse_go_duration(const char *s, int64_t *ret_nsec);
