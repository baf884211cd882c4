/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crunit events [--stats] [--interval DURATION] ID: runc's events, one JSON object a line:
 * {"type":"stats","id":ID,"data":{…}} every interval (once with --stats) and
 * {"type":"oom","id":ID} when a process of the container is killed for lack of memory. Ends
 * when the container stops. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroup-stats.h"
#include "cgroup.h"
#include "container.h"
#include "shared/log.h"
#include "shared/parse-duration.h"
#include "shared/proc-util.h"
#include "spec/spec.h"
#include "verb-util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

static int emit(const char *type, const char *id, json_object *data)
{
        _cleanup_json_ json_object *o = json_object_new_object();
        if (!o)
                return log_error_errno(ENOMEM, "events");
        json_object_object_add(o, "type", json_object_new_string(type));
        json_object_object_add(o, "id", json_object_new_string(id));
        if (data)
                json_object_object_add(o, "data", json_object_get(data));
        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s || printf("%s\n", s) < 0 || fflush(stdout) != 0)
                return log_error_errno(errno ? errno : EIO, "cannot write the event");
        return 0;
}

/* -ENOENT, not logged, when the cgroup is gone. */
static int emit_stats(struct container *c, const char *cg, bool unified)
{
        _cleanup_json_ json_object *data = NULL;
        int r = cgroup_stats_json(CGROUP_ROOT, unified, cg, &data);
        if (r < 0)
                return r;
        return emit("stats", c->id, data);
}

static int stats_gone(struct container *c, const char *cg)
{
        return log_error("cannot read the statistics of container \"%s\": its cgroup %s is gone",
                         c->id, cg),
               -ESRCH;
}

static int report_oom(struct container *c, struct oom_watch *w)
{
        int n = oom_watch_read(w);
        if (n == -ENOENT) { /* the cgroup is gone: the container is stopping */
                oom_watch_close(w);
                return 0;
        }
        for (int i = 0; i < n; i++) {
                int r = emit("oom", c->id, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int watch(struct container *c, const char *cg, bool unified, uint64_t interval_usec)
{
        _cleanup_close_ int pidfd = pidfd_open_checked(c->state->pid, c->state->pid_start_time);
        struct oom_watch w;
        int r = 0;

        if (pidfd < 0)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        if ((r = oom_watch_open(CGROUP_ROOT, unified, cg, &w)) < 0)
                return r;
        if (w.fd < 0)
                log_debug("cgroup %s has no memory controller: no OOM events", cg);
        uint64_t next = now_usec() + interval_usec;
        for (;;) {
                struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
                                      {.fd = w.fd, .events = POLLIN}};
                uint64_t now = now_usec();
                int timeout = next > now ? (int)((next - now + 999) / 1000) : 0;
                int n = poll(p, w.fd >= 0 ? 2 : 1, timeout);
                if (n < 0 && errno != EINTR) {
                        r = log_error_errno(errno, "poll");
                        break;
                }
                if (n > 0 && w.fd >= 0 && p[1].revents && (r = report_oom(c, &w)) < 0)
                        break;
                if (n > 0 && p[0].revents) {
                        /* stopped; an OOM kill of the init shows up together with its exit */
                        r = w.fd >= 0 ? report_oom(c, &w) : 0;
                        break;
                }
                if (now_usec() < next)
                        continue;
                r = emit_stats(c, cg, unified);
                if (r == -ENOENT) {
                        /* the cgroup goes away after the init exited */
                        struct pollfd q = {.fd = pidfd, .events = POLLIN};
                        r = poll(&q, 1, 1000) > 0 ? 0 : stats_gone(c, cg);
                        break;
                }
                if (r < 0)
                        break;
                next += interval_usec;
                if (next < now_usec()) /* suspended, or slow: no burst of events */
                        next = now_usec() + interval_usec;
        }
        oom_watch_close(&w);
        return r < 0 ? r : 0;
}

int verb_events(int argc, char *argv[])
{
        static const struct option options[] = {
            {"stats", no_argument, NULL, 's'},
            {"interval", required_argument, NULL, 'i'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_container_ struct container *c = NULL;
        _cleanup_free_ char *cg = NULL;
        bool stats = false;
        int64_t interval = 5LL * 1000 * 1000 * 1000;
        const char *id = NULL;
        int opt, r;

        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
                switch (opt) {
                case 's':
                        stats = true;
                        break;
                case 'i':
                        if (parse_go_duration(optarg, &interval) < 0)
                                return usage_error("events",
                                                   "invalid --interval \"%s\" (a duration such "
                                                   "as 5s, 500ms, 1m)",
                                                   optarg);
                        break;
                case 'h':
                        printf("Usage: crunit events [--stats] [--interval DURATION] "
                               "CONTAINER-ID\n\n"
                               "Prints the container's events as JSON lines, as runc does: its "
                               "resource usage\n"
                               "(\"stats\") every interval and \"oom\" when a process of it is "
                               "killed for lack of\n"
                               "memory, until the container stops.\n"
                               "      --stats              print the statistics once and exit\n"
                               "      --interval DURATION  time between two stats events "
                               "(default 5s; 1s, 500ms, 1m30s)\n");
                        return 0;
                default:
                        return usage_error("events", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        if ((r = expect_id("events", argc, argv, optind, &id)) < 0)
                return r;
        if (interval <= 0)
                return usage_error("events", "the --interval must be greater than 0");
        if ((r = container_open(id, false, false, &c)) < 0)
                return r;
        if (container_status(c) == STATUS_STOPPED)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        if ((r = container_cgroup(c, &cg)) < 0)
                return r;
        bool unified = cgroup_is_unified();
        if (stats) {
                r = emit_stats(c, cg, unified);
                return r == -ENOENT ? stats_gone(c, cg) : r;
        }
        uint64_t usec = (uint64_t)interval / 1000;
        return watch(c, cg, unified, usec > 0 ? usec : 1);
}
