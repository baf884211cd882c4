/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container setup path: what runs in the child processes between fork and exec. Each
 * function logs its failure (the log sink forwards it to the parent crunit) and returns a
 * negative errno. */

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"

struct setup_ctx {
        const struct spec *spec;
        const char *id;
        int sync_fd; /* to the parent crunit */
        int fifo_fd; /* exec.fifo, read end held open until `start` */
        int preserve_fds;
        bool no_pivot;
        bool in_userns; /* a user namespace was created or joined */
        int rootfd;     /* O_PATH fd of the rootfs (after it has been bind-mounted) */
        bool dev_mounted;
        int pty_master, pty_slave; /* terminal: true */
        void *seccomp_filter;      /* linux.seccomp, prepared (runtime/seccomp.h), or NULL */
};

/* linux-ns.c: stage 1. Joins the namespaces given by path (user first), then creates the new
 * ones; a new user namespace is mapped by the parent (SYNC_USERNS handshake). */
int ns_enter(struct setup_ctx *c);
/* Parent side: writes uid_map/gid_map (and setgroups) of `pid`. */
int ns_write_id_maps(pid_t pid, const struct spec *s, bool rootless);
/* hostname, domainname */
int ns_set_uts(const struct spec *s);

/* linux-mount.c: stage 2, in the new mount namespace. */
int mount_rootfs(struct setup_ctx *c); /* propagation, rootfs bind, spec mounts */
int mount_masked_readonly(struct setup_ctx *c);
int mount_pivot(struct setup_ctx *c); /* pivot_root (or MS_MOVE + chroot), readonly root */

/* linux-dev.c */
int dev_setup(struct setup_ctx *c); /* default device nodes and symlinks when /dev is mounted */

/* terminal.c, container side */
int terminal_setup(struct setup_ctx *c);  /* pty from the container's devpts, /dev/console */
int terminal_attach(struct setup_ctx *c); /* after pivot: setsid, controlling tty, stdio */

/* linux-process.c */
int process_prepare(struct setup_ctx *c, char **ret_path); /* before READY: cwd, rlimits, … */
_noreturn_ void process_exec(struct setup_ctx *c, const char *path); /* after `start` */

/* linux-fields.c */
int fields_apply_process(struct setup_ctx *c); /* personality, scheduler, ioPriority, affinity */
int sysctl_apply(struct setup_ctx *c); /* before the readonly paths, via the container's /proc */
int ns_set_time_offsets(const struct spec *s); /* stage 1, right after unshare(CLONE_NEWTIME) */
