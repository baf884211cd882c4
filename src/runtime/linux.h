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
        int sync_fd;      /* to the parent crunit */
        int fifo_fd;      /* exec.fifo, read end held open until `start` */
        int preserve_fds; /* fds 3.. kept across exec: listen_fds, then --preserve-fds */
        int listen_fds;   /* socket activation: LISTEN_FDS=N, LISTEN_PID set in the env */
        bool no_pivot;
        bool in_userns; /* a user namespace was created or joined */
        int rootfd;     /* O_PATH fd of the rootfs (after it has been bind-mounted) */
        bool dev_mounted;
        int pty_master, pty_slave; /* terminal: true */
        void *seccomp_filter;      /* linux.seccomp, prepared (runtime/seccomp.h), or NULL */
        bool journal_stdio;        /* stdout/stderr to the journal (journal-stdio.h) */
        int seccomp_listener;      /* SCMP_ACT_NOTIFY: connected to listenerPath, or -1 */
        pid_t host_pid;            /* SCMP_ACT_NOTIFY: the process's PID in crunit's namespace */
        /* SCMP_ACT_NOTIFY, exec: the container's status and init PID for the agent's state
         * (NULL/0 for the init itself: "created", host_pid) */
        const char *notify_status;
        pid_t notify_init_pid;
        int *idmap_fds; /* idmap mounts: per mount, its idmapped clone or -1 (mount-attr.h) */
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
/* linux-copyup.c: "tmpcopyup": copies the directory `covered_fd` (opened before the tmpfs was
 * mounted over it) into the new mount at `dest` (owners, modes, times, symlinks, nodes). */
int mount_copyup(struct setup_ctx *c, int covered_fd, const char *dest);
/* linux-mount.c: whether `opt` is a mount option crunit implements (for `crunit features`). */
bool mount_option_supported(const char *opt);

/* linux-dev.c */
int dev_setup(struct setup_ctx *c); /* default device nodes and symlinks when /dev is mounted */
/* linux-devices.c: linux.devices, after dev_setup() */
int devices_create(struct setup_ctx *c);

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

/* linux-safe-path.c: after pivot_root, inside the container's root. */
int chdir_in_root(const char *cwd);                       /* process.cwd, no magic links */
int proc_self_write(const char *file, const char *value); /* verified procfs file */
/* linux-lsm.c: labels. lsm_check() refuses (naming the field, prefixed by `what`) a label for
 * an LSM the host does not run; lsm_apply_exec_label() writes the process label for the next
 * execve; lsm_mount_data() gives the data of a new mount with linux.mountLabel's context=
 * (*ret NULL: use the data as it is). */
int lsm_check(const struct spec *s, const char *what);
bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
int lsm_apply_exec_label(const struct spec_process *p);
int lsm_mount_data(const struct spec *s, const char *type, const char *data, char **ret);
/* Stage 1, first thing: closes the fds >= keep_below inherited from crunit's caller. */
int close_inherited_fds(int keep_below);
