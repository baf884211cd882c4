/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>

#include "verb-util.h"

/* Verbs whose only option is --help. Returns 1 after printing usage. */
int parse_plain(const char *verb, const char *usage, int argc, char *argv[], const char **ret_id)
{
        static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {}};
        int c;
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
                if (c == 'h') {
                        printf("Usage: crunit %s CONTAINER-ID\n\n%s\n", verb, usage);
                        return 1;
                }
                return usage_error(verb, "unknown option \"%s\"", argv[optind - 1]);
        }
        return expect_id(verb, argc, argv, optind, ret_id);
}
