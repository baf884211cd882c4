/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

struct create_opts;

/* Options shared by `create` and `run` (`run` also has -d and --keep: pass non-NULL).
 * Returns 0 when parsed, 1 when --help was printed, or a negative errno. */
int parse_create_options(const char *verb, int argc, char *argv[], struct create_opts *o,
                         bool *detach, bool *keep);
