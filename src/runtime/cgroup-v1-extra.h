/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* linux.resources that systemd cannot express on cgroup v1 (it ignores MemoryLow,
 * MemorySwapMax, AllowedCPUs and AllowedMemoryNodes there and has no swappiness property),
 * written by crunit into the container's delegated cgroups of the v1 hierarchies:
 *   memory.reservation → memory.soft_limit_in_bytes
 *   memory.swap        → memory.memsw.limit_in_bytes (memory+swap, -1: unlimited)
 *   memory.swappiness  → memory.swappiness (refused on cgroup v2: systemd has no property)
 *   cpu.cpus, cpu.mems → cpuset.cpus, cpuset.mems of a cpuset cgroup crunit creates at the
 *                        scope's path (systemd does not manage the v1 cpuset hierarchy) and
 *                        moves the container's processes into; its path is recorded in the
 *                        state directory, and removed by cgroup_v1_extra_remove(). */

#include <stdbool.h>
#include <sys/types.h>

struct spec_resources;

enum cgroup_v1_phase {
        CGROUP_V1_BEFORE_SYSTEMD, /* update: raises the memory+swap limit before systemd
                                   * raises memory.limit_in_bytes; checks */
        CGROUP_V1_AFTER_SYSTEMD,  /* create and update: the rest */
};

/* Applies what is described above for the container whose process `pid` is in its cgroups
 * (create: stage 1, already in the scope; update: the init). `dirfd` is the state directory.
 * On cgroup v2 it only refuses memory.swappiness. Logs one line naming the field on error. */
int cgroup_v1_extra_apply(int dirfd, pid_t pid, const struct spec_resources *res,
                          enum cgroup_v1_phase phase);
/* Removes the cpuset cgroup recorded in the state directory, if any (the processes are gone or
 * going). Best effort, logged at debug level. */
void cgroup_v1_extra_remove(int dirfd);
