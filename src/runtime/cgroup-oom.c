/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OOM notifications of a cgroup, for `crunit events`, as runc gets them: cgroup v2 has the
 * counters "oom" and "oom_kill" in memory.events, which the kernel signals as a modification
 * (inotify IN_MODIFY); cgroup v1 signals an eventfd registered for memory.oom_control through
 * cgroup.event_control. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup-stats.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/macro.h"

/* oom_kill of memory.events (v2); -ENOENT when the file is gone. */
static int read_oom_count(const char *path, uint64_t *ret)
{
        _cleanup_free_ char *t = NULL;
        uint64_t kill = 0;
        int r = read_full_file(path, &t, NULL);
        if (r < 0)
                return r == -ENODEV ? -ENOENT : r;
        (void)cg_keyed_get(t, "oom_kill", &kill);
        *ret = kill;
        return 0;
}

static int open_v2(const char *root, const char *cg, struct oom_watch *w)
{
        if (asprintf(&w->events, "%s%s/memory.events", root, cg) < 0) {
                w->events = NULL;
                return log_error_errno(ENOMEM, "events");
        }
        if (access(w->events, F_OK) < 0) { /* no memory controller for this cgroup */
                free(w->events);
                w->events = NULL;
                return 0;
        }
        w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (w->fd < 0)
                return log_error_errno(errno, "inotify");
        if (inotify_add_watch(w->fd, w->events, IN_MODIFY) < 0)
                return log_error_errno(errno, "cannot watch %s", w->events);
        /* the baseline, read after the watch exists so that no kill falls in between */
        int r = read_oom_count(w->events, &w->seen);
        if (r < 0)
                return log_error_errno(r, "cannot read %s", w->events);
        return 0;
}

static int open_v1(const char *root, const char *cg, struct oom_watch *w)
{
        char dir[4200], path[4300], line[64];
        snprintf(dir, sizeof dir, "%s/memory%s", root, cg);
        snprintf(path, sizeof path, "%s/memory.oom_control", dir);
        w->v1_ctl_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (w->v1_ctl_fd < 0) {
                if (errno == ENOENT) /* not in the memory hierarchy */
                        return 0;
                return log_error_errno(errno, "cannot open %s", path);
        }
        w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (w->fd < 0)
                return log_error_errno(errno, "eventfd");
        w->v1 = true;
        snprintf(path, sizeof path, "%s/cgroup.event_control", dir);
        snprintf(line, sizeof line, "%d %d", w->fd, w->v1_ctl_fd);
        int r = write_string_file(path, line);
        if (r < 0)
                return log_error_errno(r, "cannot register for OOM notifications in %s", path);
        w->events = strdup(path); /* to tell a removed cgroup from an OOM */
        if (!w->events)
                return log_error_errno(ENOMEM, "events");
        return 0;
}

int oom_watch_open(const char *root, bool unified, const char *cg, struct oom_watch *w)
{
        *w = (struct oom_watch){.fd = -1, .v1_ctl_fd = -1};
        int r = unified ? open_v2(root, cg, w) : open_v1(root, cg, w);
        if (r < 0)
                oom_watch_close(w);
        return r;
}

int oom_watch_read(struct oom_watch *w)
{
        if (w->fd < 0)
                return 0;
        if (w->v1) {
                uint64_t n = 0;
                if (read(w->fd, &n, sizeof n) != sizeof n)
                        return 0; /* EAGAIN: nothing new */
                /* The eventfd is also signalled when the cgroup is removed. */
                if (access(w->events, F_OK) < 0)
                        return -ENOENT;
                return n > 0 ? (int)(n > 1000 ? 1000 : n) : 0;
        }
        char buf[4096];
        while (read(w->fd, buf, sizeof buf) > 0) /* drain */
                ;
        uint64_t count;
        int r = read_oom_count(w->events, &count);
        if (r < 0)
                return r == -ENOENT ? -ENOENT : 0;
        if (count <= w->seen)
                return 0;
        uint64_t n = count - w->seen;
        w->seen = count;
        return n > 1000 ? 1000 : (int)n;
}

void oom_watch_close(struct oom_watch *w)
{
        w->fd = safe_close(w->fd);
        w->v1_ctl_fd = safe_close(w->v1_ctl_fd);
        free(w->events);
        w->events = NULL;
}
