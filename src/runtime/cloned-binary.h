/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Whether `verb` creates or enters a container (and so must not run from the host's binary). */
bool cloned_binary_wanted(const char *verb);
/* Unless crunit already runs from a copy of itself that cannot be written (a sealed memfd or a
 * read-only mount), makes one (a private read-only overlay of the binary as root, else a sealed
 * memfd) and re-executes it with the same argv and environment (CVE-2019-5736). Returns 0 in the
 * copy, or a negative errno after logging why it could not. */
int cloned_binary_ensure(char **argv);
