/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <signal.h>

#include "container.h"
#include "shared/proc-util.h"
#include "verb-util.h"

int verb_kill(int argc, char *argv[])
{
        static const struct option options[] = {
            {"all", no_argument, NULL, 'a'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_container_ struct container *c = NULL;
        bool all = false;
        int opt, sig = SIGTERM;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+ah", options, NULL)) >= 0) {
                switch (opt) {
                case 'a':
                        all = true;
                        break;
                case 'h':
                        printf("Usage: crunit kill [--all] CONTAINER-ID [SIGNAL]\n\n"
                               "SIGNAL is a name (TERM, SIGKILL) or a number; default TERM.\n"
                               "  -a, --all   signal every process of the container (its scope)\n");
                        return 0;
                default:
                        return usage_error("kill", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return usage_error("kill", "a container id is required");
        if (optind + 2 < argc)
                return usage_error("kill", "unexpected argument \"%s\"", argv[optind + 2]);
        if (optind + 1 < argc && (sig = signal_from_string(argv[optind + 1])) < 0)
                return usage_error("kill", "unknown signal \"%s\"", argv[optind + 1]);
        int r = container_open(argv[optind], false, false, &c);
        if (r < 0)
                return r;
        return container_kill(c, sig, all);
}
