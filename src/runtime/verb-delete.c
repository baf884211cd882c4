/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "container.h"
#include "shared/log.h"
#include "spec/spec.h"
#include "verb-util.h"

int verb_delete(int argc, char *argv[])
{
        static const struct option options[] = {
            {"force", no_argument, NULL, 'f'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_container_ struct container *c = NULL;
        bool force = false;
        const char *id = NULL;
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+fh", options, NULL)) >= 0) {
                switch (opt) {
                case 'f':
                        force = true;
                        break;
                case 'h':
                        printf("Usage: crunit delete [--force] CONTAINER-ID\n\n"
                               "Deletes a stopped or created container: its processes, its "
                               "scope, its state.\n"
                               "  -f, --force   also a running one (it is killed)\n");
                        return 0;
                default:
                        return usage_error("delete", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        int r = expect_id("delete", argc, argv, optind, &id);
        if (r < 0)
                return r;
        if (force && container_id_is_valid(id)) {
                /* runc: delete --force of a container that does not exist succeeds */
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", state_root(), id);
                if (access(path, F_OK) < 0 && errno == ENOENT)
                        return 0;
        }
        r = container_open(id, true, force, &c);
        if (r < 0)
                return r;
        return container_delete(c, force);
}
