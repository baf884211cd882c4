/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>

#include "cli.h"

/* For verbs that take exactly one container id after their options. */
static inline int expect_id(const char *verb, int argc, char *argv[], int optind_, const char **ret)
{
        if (optind_ >= argc)
                return usage_error(verb, "a container id is required");
        if (optind_ + 1 < argc)
                return usage_error(verb, "unexpected argument \"%s\"", argv[optind_ + 1]);
        *ret = argv[optind_];
        return 0;
}

/* Verbs whose only option is --help: parses it and the id. Returns 1 after printing usage. */
int parse_plain(const char *verb, const char *usage, int argc, char *argv[], const char **ret_id);
