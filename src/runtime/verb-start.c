/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>

#include "container.h"
#include "notify.h"
#include "verb-util.h"

int verb_start(int argc, char *argv[])
{
        _cleanup_container_ struct container *c = NULL;
        const char *id = NULL;
        int r =
            parse_plain("start", "Runs the user process of a created container.", argc, argv, &id);
        if (r != 0)
                return r > 0 ? 0 : r;
        if ((r = container_open(id, true, false, &c)) < 0)
                return r;
        if (container_status(c) == STATUS_CREATED && (r = notify_bind(c)) < 0)
                return r;
        r = container_start(c);
        if (r < 0 && c->start_failed)
                (void)container_delete(c, true); /* nothing of it may be left */
        if (r < 0)
                return r;
        return notify_wait_ready(c);
}
