/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container, from the parent crunit's side: create (fork the init into its scope and let it
 * set itself up), start, kill, delete. The verbs in verb-*.c are thin wrappers around this. */

#include <stdbool.h>
#include <sys/types.h>

#include "state.h"

struct create_opts {
        const char *id;
        const char *bundle;
        const char *pid_file;
        const char *console_socket;
        bool no_pivot;
        int preserve_fds;
        bool foreground; /* `run` attached to this terminal: keep the pty master for a proxy */
        int stdio;       /* --stdio: enum stdio_mode (journal-stdio.h), STDIO_AUTO if not given */
        bool stdio_given;
        bool keep_unit; /* --keep-unit: stay in the service crunit runs in (notify.h) */
};

struct container {
        char *id;
        int rootfd; /* the state root */
        int dirfd;  /* this container's state directory (locked while we mutate it) */
        struct container_state *state;
        pid_t pid;      /* the init, when this crunit created it (our child) */
        int pidfd;      /* of the init, or -1 */
        int pty_master; /* terminal for a foreground run, or -1 */
        /* container_start(): a startContainer hook failed, the init is gone */
        bool start_failed;
        struct notify *notify; /* NOTIFY_SOCKET passthrough (notify.h), or NULL */
};

void container_free(struct container *c);
static inline void container_freep(struct container **c)
{
        if (*c)
                container_free(*c);
}
#define _cleanup_container_ _cleanup_(container_freep)

int container_create(const struct create_opts *o, struct container **ret);
/* Opens an existing container (state loaded); locked when `lock`. With `force` (delete
 * --force) a corrupt state is a warning, and what it held is guessed: the default scope. */
int container_open(const char *id, bool lock, bool force, struct container **ret);
enum container_status container_status(struct container *c);
int container_start(struct container *c);
int container_kill(struct container *c, int sig, bool all);
/* Kills what is left (a running container only with `force`), stops the scope, removes the
 * state. */
int container_delete(struct container *c, bool force);
/* The state root in effect (--root or the default for this user). */
const char *state_root(void);

/* container-init.c: the child side, entered right after fork(); never returns. */
struct setup_ctx;
_noreturn_ void container_init_main(struct setup_ctx *c);
/* Stage 1's first steps, for the init and for exec: dies with crunit, logs through the sync
 * socket, waits for GO, closes every fd but 3 + preserve_fds (the caller's extra fds must not
 * enter the container's namespaces, CVE-2024-21626). _exit(1) on failure. */
void stage1_begin(struct setup_ctx *c);

/* container-freeze.c: pause/resume (systemd's FreezeUnit/ThawUnit on cgroup v2, the v1
 * freezer on hybrid), the container's cgroup (for ps). */
int container_pause(struct container *c);
int container_resume(struct container *c);
/* Thaws a paused container without checks (kill, delete --force); errors are logged only. */
void container_thaw_quiet(struct container *c);
/* The scope's ControlGroup (the init's cgroup if systemd does not know it). */
int container_cgroup(struct container *c, char **ret);
