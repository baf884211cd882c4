/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `crunit events`: the statistics of a container's cgroup, read from cgroupfs (cgroup v2 files,
 * or the v1 controller hierarchies in hybrid mode), as the "data" of runc's stats event: the
 * JSON shape of runc's types.Stats (cpu, cpuset, memory, pids, blkio, hugetlb, …), with Go's
 * encoding rules (an "omitempty" number that is 0 is left out, map keys sorted). What a
 * hierarchy does not have (no memory controller, no such file) is left at zero, as runc does.
 * Also the watch for OOM kills. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* --- parsers of cgroup files (text in, values out; exposed for the unit tests) ----------- */

/* One number, or "max" (UINT64_MAX). Surrounding whitespace is ignored. -EINVAL otherwise. */
int cg_parse_u64(const char *text, uint64_t *ret);
/* Calls fn for each "KEY VALUE" line (cpu.stat, memory.stat, memory.events, cpuacct.stat, …).
 * Lines that are not of that form are -EINVAL; fn's negative return stops the walk. */
typedef int (*cg_keyed_fn)(const char *key, uint64_t value, void *userdata);
int cg_parse_keyed(const char *text, cg_keyed_fn fn, void *userdata);
/* The value of KEY in a keyed file's text; -ENOENT when it is not there. */
int cg_keyed_get(const char *text, const char *key, uint64_t *ret);
/* Whitespace separated numbers (cpuacct.usage_percpu) → a JSON array. */
int cg_parse_u64_list(const char *text, json_object **ret);
/* cpuacct.usage_all ("cpu user system" header, one row per CPU) → two JSON arrays. */
int cg_parse_usage_all(const char *text, json_object **ret_user, json_object **ret_kernel);
/* A CPU or memory node list ("0-3,8") → a JSON array of the numbers. Empty text: []. */
int cg_parse_range_list(const char *text, json_object **ret);
/* cgroup v2 io.stat ("MAJ:MIN rbytes=… wbytes=… rios=… wios=… …") → runc's v1-style entries
 * appended to the arrays "ioServiceBytesRecursive" and "ioServicedRecursive" of `blkio`. */
int cg_parse_io_stat(const char *text, json_object *blkio);
/* A cgroup v1 blkio file ("MAJ:MIN Op VALUE" or "MAJ:MIN VALUE" lines, "Total N" skipped) →
 * a JSON array of runc's BlkioEntry objects {major,minor,op,value}. */
int cg_parse_blkio_v1(const char *text, json_object **ret);

/* --- the whole thing ------------------------------------------------------------------- */

/* The stats of cgroup `cg` (a path such as "/machine.slice/crunit-x.scope") below the cgroup
 * file system at `root` ("/sys/fs/cgroup"; tests pass a fake tree): the v2 files of root/cg
 * when `unified`, else the v1 hierarchies root/<controller>/cg (and root/unified/cg for what
 * v1 lacks). -ENOENT when the cgroup does not exist (root/cg, or root/systemd/cg); not
 * logged. A malformed file is logged and -EINVAL. */
int cgroup_stats_json(const char *root, bool unified, const char *cg, json_object **ret);

/* --- OOM kills ------------------------------------------------------------------------- */

struct oom_watch {
        int fd;        /* to poll for POLLIN; -1: nothing to watch (no memory controller) */
        bool v1;       /* fd is an eventfd registered on memory.oom_control */
        int v1_ctl_fd; /* v1: memory.oom_control, kept open while registered */
        char *events;  /* v2: path of memory.events */
        uint64_t seen; /* v2: oom_kill + oom counted so far */
};

/* Starts watching the OOM kills of cgroup `cg`: v2 inotify on memory.events, v1 an eventfd
 * registered through cgroup.event_control for memory.oom_control. Without a memory controller
 * w->fd is -1 and 0 is returned. Errors are logged. */
int oom_watch_open(const char *root, bool unified, const char *cg, struct oom_watch *w);
/* After w->fd polled readable (or to check once more): the number of new OOM events, 0 for a
 * spurious wakeup; -ENOENT when the cgroup is gone. Not logged. */
int oom_watch_read(struct oom_watch *w);
void oom_watch_close(struct oom_watch *w);
