/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Mount options that need the new mount API (mount_setattr(2), open_tree(2), move_mount(2)):
 *  - recursive attributes "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec",
 *    "rexec", "rnoatime", "ratime", "rrelatime", "rnorelatime", "rstrictatime",
 *    "rnostrictatime", "rnodiratime", "rdiratime", "rnosymfollow", "rsymfollow": "r" + a flag
 *    of libmount's Linux option table, applied with mount_setattr(AT_RECURSIVE) to the mount
 *    and every mount below it, after the mount and its own options;
 *  - "idmap"/"ridmap" on bind mounts: the parent crunit (which has the privileges the kernel
 *    asks for: CAP_SYS_ADMIN in the initial user namespace) clones the source with open_tree()
 *    and idmaps it with MOUNT_ATTR_IDMAP, to the mount's uidMappings/gidMappings if given (a
 *    user namespace made for it), else to the container's new user namespace; the clone goes
 *    to stage 1 (SYNC_IDMAP_FD, before SYNC_USERNS_MAPPED) and stage 2 moves it in place. */

#include <stdbool.h>
#include <stdint.h>

#include "linux.h"

struct mount_rattr {
        uint64_t set, clr; /* MOUNT_ATTR_* */
        bool idmap;        /* idmap or ridmap */
        bool ridmap;
};

/* 1: `opt` is one of the options above (recorded in *a); 0: it is not. */
int mount_attr_parse_option(const char *opt, struct mount_rattr *a);
/* After the mount: the recursive attributes, on the mount now at `dest` (re-resolved). */
int mount_attr_apply(int rootfd, const char *dest, const struct mount_rattr *a);

/* Before a mount is made: its destination must not be a symlink in the rootfs (whether it
 * points in or out of it); the directories above it are resolved in the rootfs (RESOLVE_IN_ROOT),
 * as runc does. A missing destination is fine (it is created). */
int mount_check_destination(int rootfd, const char *dest);

/* Parent side, on SYNC_USERNS (the maps of stage 1's user namespace are written): one
 * SYNC_IDMAP_FD per idmap mount over `sync_sock`. */
int idmap_mounts_send(int sync_sock, pid_t stage1, const struct spec *s);
/* Stage 1: waits for SYNC_USERNS_MAPPED, keeping the SYNC_IDMAP_FDs in c->idmap_fds. */
int idmap_mounts_receive(struct setup_ctx *c);
/* Stage 2: the idmapped clone of mount `i` moved onto `destfd`. */
int idmap_mount_attach(struct setup_ctx *c, size_t i, int destfd);
