/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The id maps of a new user namespace when crunit runs unprivileged. The kernel lets it write
 * one mapping of its own uid (and gid, after "deny" in setgroups) itself; anything more
 * (several ranges, other ids) goes through the setuid helpers newuidmap/newgidmap (Debian
 * package uidmap), which check the ranges against /etc/subuid and /etc/subgid. */

#include <sys/types.h>

#include "spec/spec.h"

/* Parent side: writes uid_map and gid_map of `pid` (stage 1, in its new user namespace). */
int userns_write_maps_rootless(pid_t pid, const struct spec *s);
