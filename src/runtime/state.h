/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Container state on disk: one directory per container below --root:
 *
 *   <root>/<id>/state.json   written atomically (tmp + rename) on every change
 *   <root>/<id>/exec.fifo    exists from create until start: the container's init blocks on it
 *
 * The directory itself is the lock: mutating verbs hold flock(LOCK_EX) on it, so two verbs on
 * one id never race. `create` claims an id with mkdir(), which is atomic.
 *
 * The status is never stored, always derived: the recorded init PID must exist, not be a
 * zombie, and have the recorded start time (so a reused PID is not mistaken for the
 * container); then "created" while exec.fifo exists, else "running". A directory whose
 * state.json is missing or has no PID yet (crunit died during create) reads as "stopped"
 * and `delete` removes it. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "shared/macro.h"

#define STATE_FILE "state.json"
#define EXEC_FIFO "exec.fifo"

enum container_status {
        STATUS_CREATED,
        STATUS_RUNNING,
        STATUS_STOPPED,
        STATUS_PAUSED, /* running, its cgroup frozen (pause) */
};

struct container_state {
        char *id;
        pid_t pid; /* 0 until the init is known */
        uint64_t pid_start_time;
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339, UTC, nanoseconds */
        uid_t owner;
        char *unit; /* the scope, or NULL when the container has none (rootless, no manager) */
        int bus;    /* enum bus_kind the scope lives on */
        char *oci_version;
        json_object *annotations; /* owned, may be NULL */
        json_object *hooks;       /* owned, may be NULL: config.json's "hooks", for start/delete */
        char *notify_socket;      /* the host's $NOTIFY_SOCKET at create (passthrough), or NULL */
        bool keep_unit;         /* `unit` is the service crunit ran in (--keep-unit), not a scope */
        char *rdt_group;        /* linux.intelRdt's resctrl group (exec joins it), or NULL */
        bool rdt_group_created; /* crunit created it: delete removes it */
        bool rdt_group_shared;  /* it is a closID other containers may join: removed once empty */
};

void container_state_free(struct container_state *s);
static inline void container_state_freep(struct container_state **s)
{
        if (*s)
                container_state_free(*s);
}
#define _cleanup_state_ _cleanup_(container_state_freep)

const char *status_to_string(enum container_status s);

/* Opens (creating it if `create`) the state root. */
int state_root_open(const char *root, bool create, int *ret_fd);
/* Claims a new id: mkdir + open + lock. "container X already exists" when taken. */
int state_dir_create(int rootfd, const char *id, int *ret_dirfd);
/* Opens an existing container's directory, locked if `lock`. -ENOENT is logged as
 * "container X does not exist". */
int state_dir_open(int rootfd, const char *id, bool lock, int *ret_dirfd);
int state_save(int dirfd, const struct container_state *s);
/* A missing state.json yields a state with only `id` set (pid 0: stopped). An unreadable
 * one is -EBADMSG, not logged. */
int state_load(int dirfd, const char *id, struct container_state **ret);
enum container_status state_status(int dirfd, const struct container_state *s);
/* The OCI state JSON (runc's `state` output: ociVersion, id, pid, status, bundle, rootfs,
 * created, owner, annotations). */
json_object *state_to_json(const struct container_state *s, enum container_status st);
int state_dir_remove(int rootfd, const char *id);
/* --pid-file of create/run/exec: the PID in decimal, written atomically (tmp + rename in the
 * file's directory). Logs its error. */
int write_pid_file(const char *path, pid_t pid);
/* Current time in RFC 3339 with nanoseconds, as runc writes "created". */
char *now_rfc3339(void);
