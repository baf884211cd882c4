/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* linux.intelRdt through the resctrl file system (Documentation/arch/x86/resctrl.rst):
 *
 *   /sys/fs/resctrl/info/<RESOURCE>/...        what the CPU offers (L3, L3CODE, MB, L3_MON, …)
 *   /sys/fs/resctrl/<group>/{schemata,tasks}   a control group: its allocations, its tasks
 *
 * The group is linux.intelRdt.closID, else the container id. crunit creates it when missing
 * (only with schemata to write, when closID is given), writes the schemata lines to it, and
 * adds the container's first process to its `tasks` before any container code runs, so every
 * process of the container inherits the group. An existing group is joined, and its schemata
 * must then match config.json's. delete removes the group if crunit created it.
 *
 * Every function works relative to `rootfd`, an O_PATH fd of the resctrl root (so the unit
 * tests run them against a plain directory laid out like resctrl), never following symlinks. */

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"

#define RESCTRL_PATH "/sys/fs/resctrl"
#ifndef RDTGROUP_SUPER_MAGIC
#define RDTGROUP_SUPER_MAGIC 0x7655821
#endif

/* Whether resctrl is mounted at /sys/fs/resctrl (`crunit features`). */
bool intelrdt_available(void);
/* Opens /sys/fs/resctrl; logs "linux.intelRdt: … resctrl is not mounted …" when it is not. */
int intelrdt_open_root(int *ret_fd);
/* Checks that resctrl offers what `rdt` asks for: info/<RESOURCE> for every schemata line's
 * resource, info/L3_MON/mon_features listing llc_occupancy (enableCMT) and mbm_total_bytes or
 * mbm_local_bytes (enableMBM). Logs the first thing missing. */
int intelrdt_check(int rootfd, const struct spec_intel_rdt *rdt);
/* The group name: rdt->clos_id, else `id`. */
const char *intelrdt_group_name(const struct spec_intel_rdt *rdt, const char *id);
/* Creates or joins the group `name`, writes or (joining) compares the schemata, and adds
 * `pid` to its tasks. *ret_created: the group did not exist and crunit made it (and then
 * removed it again if this fails). */
int intelrdt_apply(int rootfd, const struct spec_intel_rdt *rdt, const char *name, pid_t pid,
                   bool *ret_created);
/* Removes a group crunit created. `only_if_empty` (a closID group, which other containers
 * may have joined): only when no task is left in it. A missing group is fine. */
int intelrdt_remove(int rootfd, const char *name, bool only_if_empty);
/* Whether the group's schemata file text `existing` has every RESOURCE:ID=VALUE of `first`
 * then `last` (a later line overrides an earlier one for the same resource and id); values
 * compare as hex numbers when both parse (the kernel zero-pads cache bit masks). */
bool intelrdt_schemata_match(const char *existing, char *const *first, char *const *last);
/* exec: adds `pid` to the container's group `name` (which must exist). intelrdt_join() does it
 * on /sys/fs/resctrl. */
int intelrdt_add_task(int rootfd, const char *name, pid_t pid);
int intelrdt_join(const char *name, pid_t pid);
/* delete: intelrdt_remove() on /sys/fs/resctrl; a failure is only a warning. */
void intelrdt_delete_group(const char *name, bool only_if_empty);
