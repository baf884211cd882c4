/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container.h"
#include "verb-util.h"

static int pause_or_resume(const char *verb, bool on, int argc, char *argv[])
{
        _cleanup_container_ struct container *c = NULL;
        const char *id;
        int r = parse_plain(verb,
                            on ? "Freezes every process of the container (its scope)."
                               : "Thaws a paused container.",
                            argc, argv, &id);
        if (r != 0)
                return r < 0 ? r : 0;
        if ((r = container_open(id, true, false, &c)) < 0)
                return r;
        return on ? container_pause(c) : container_resume(c);
}

int verb_pause(int argc, char *argv[])
{
        return pause_or_resume("pause", true, argc, argv);
}

int verb_resume(int argc, char *argv[])
{
        return pause_or_resume("resume", false, argc, argv);
}
