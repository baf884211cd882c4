/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `crunit exec`: a new process in an existing container, as runc's. It joins every namespace
 * of the container's init (one setns() on a pidfd of the init), is moved into the init's
 * cgroups (the scope: systemd's AttachProcessesToUnit, then cgroup.procs for any hierarchy
 * still different from the init's), enters its root, and gets the process settings of the
 * container's config.json (kept in the state directory at create) with the overrides below,
 * seccomp included. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "container.h"
#include "spec/spec.h"

/* The copy of config.json in a container's state directory (written at create). */
#define STATE_CONFIG_FILE "config.json"

struct exec_opts {
        const char *id;
        const char *process_path; /* -p: an OCI process object; the flags below are then unused */
        char **args;              /* COMMAND [ARGS...] (borrowed from argv) */
        bool tty;
        bool detach;
        bool ignore_paused;
        bool no_new_privs;
        const char *console_socket;
        const char *pid_file;
        const char *cwd;
        char **env; /* -e K=V, in order (owned) */
        bool has_uid, has_gid;
        uid_t uid;
        gid_t gid;
        gid_t *gids; /* -g, appended to additionalGids (owned) */
        size_t n_gids;
        uint64_t caps;             /* --cap, added to bounding/effective/permitted (and ambient) */
        const char *apparmor;      /* --apparmor, NULL if not given or empty */
        const char *process_label; /* --process-label, NULL if not given or empty */
        int preserve_fds;
};

/* exec-process.c: replaces s->process (the container's) by the process to exec: from -p, or
 * the container's with the flags applied, as runc does. oomScoreAdj is not reapplied. */
int exec_build_process(struct spec *s, const struct exec_opts *o);

/* container-exec.c: runs the process. Returns its exit code (128+N when killed by signal N)
 * in the foreground, 0 once it has started with `detach`, or a negative errno (logged). */
int container_exec(struct container *c, const struct exec_opts *o);

/* Socket activation: the number of fds passed to crunit ($LISTEN_FDS for our PID, from fd 3,
 * sd_listen_fds()); they go to the container's process before the --preserve-fds ones, which
 * gets LISTEN_FDS=N and LISTEN_PID=<its own PID> (runc and crun do the same). */
int listen_fds_count(void);
/* Writes the init's config.json into the state directory `dirfd` (atomically), for exec. */
int state_save_config(int dirfd, const struct spec *s);
