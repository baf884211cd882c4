/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* A size as runc's update takes it (docker's RAMInBytes): a number, optionally with a
 * fraction, and a binary suffix b, k, m, g, t, p (also kb, KiB, …; any case): "512m",
 * "1.5G", "4096". "-1" is -1 (unlimited). -EINVAL when it is not one, -ERANGE too big. */
int parse_size(const char *s, int64_t *ret);
