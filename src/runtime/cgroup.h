/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The little crunit reads from cgroupfs itself (pause/resume, ps, the derived "paused"
 * status). Everything else about cgroups is systemd's business. */

#include <stdbool.h>
#include <sys/types.h>

/* True when /sys/fs/cgroup is cgroup2 (unified); false: hybrid/legacy v1. */
bool cgroup_is_unified(void);
/* The cgroup of `pid` in the hierarchy systemd manages: the cgroup2 path ("0::") when
 * unified, else the name=systemd one. -ENOENT when there is none. */
int cgroup_of_pid(pid_t pid, char **ret);
/* The path of `pid` in the hierarchy with controller `controller` ("memory", "name=systemd"; ""
 * for the v2 line "0::"). -ENOENT when there is none. Not logged. */
int pid_cgroup_line(pid_t pid, const char *controller, char **ret);
/* 1 when the cgroup of `pid` is frozen (v2: cgroup.events "frozen 1"; v1: the freezer
 * hierarchy's freezer.state FROZEN), 0 when not, negative errno if unknown. Not logged. */
int cgroup_pid_frozen(pid_t pid);
/* v1 freezer: moves every process of `cg` (a name=systemd path) into the freezer cgroup of
 * the same path and freezes it (waiting until FROZEN), or thaws it. Logs errors. */
int cgroup_v1_freeze(const char *cg, bool freeze);
/* The PIDs of `cg` (a path in the systemd hierarchy) and every cgroup below it, sorted. */
int cgroup_pids(const char *cg, pid_t **ret, size_t *ret_n);
