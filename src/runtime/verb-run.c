/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/file.h>

#include "container.h"
#include "notify.h"
#include "signals.h"
#include "verb-create.h"
#include "verb-util.h"

int verb_run(int argc, char *argv[])
{
        _cleanup_container_ struct container *c = NULL;
        struct create_opts o;
        bool detach = false, keep = false;
        sigset_t old;
        int r = parse_create_options("run", argc, argv, &o, &detach, &keep);
        if (r != 0)
                return r > 0 ? 0 : r;
        o.foreground = !detach;

        /* Block signals before anything exists, so that none is lost and none kills crunit
         * half-way; the setup processes inherit the mask and clear it before exec. */
        if (!detach && (r = signals_block_all(&old)) < 0)
                return r;
        if ((r = container_create(&o, &c)) < 0)
                return r;
        if ((r = notify_bind(c)) < 0 || (r = container_start(c)) < 0 ||
            (detach && (r = notify_wait_ready(c)) < 0)) {
                (void)container_delete(c, true);
                return r;
        }
        if (detach)
                return 0;
        (void)notify_forward_start(c);

        /* While it runs, other verbs (state, kill, …) must not wait for our lock. */
        (void)flock(c->dirfd, LOCK_UN);
        int code = forward_signals_and_wait(c->pid, c->pidfd, c->pty_master);
        if (notify_forward_stop(c) < 0 && code == 0)
                code = 1;
        (void)flock(c->dirfd, LOCK_EX);
        if (!keep && (r = container_delete(c, true)) < 0 && code == 0)
                code = 1;
        sigprocmask(SIG_SETMASK, &old, NULL);
        return code < 0 ? 1 : code;
}
