/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Running containers from unit files.
 *
 * sd_notify passthrough (notify.c), as runc does it: when crunit create/run finds
 * $NOTIFY_SOCKET in its environment, the container gets a socket of its own,
 * <state dir>/notify/notify.sock, whose directory is bind-mounted at /run/notify, and
 * NOTIFY_SOCKET=/run/notify/notify.sock in its environment. `start` (and `run`) bind that
 * socket before the user process runs and forward what the container sends to the real
 * $NOTIFY_SOCKET: READY=1 goes out with MAINPID=<the container's init>, followed by
 * sd_notify_barrier() so that systemd has processed it before crunit exits. crunit never sends
 * READY=1 on the container's behalf.
 *
 * keep-unit mode (keep-unit.c), nspawn's --keep-unit: no scope; the container stays in the
 * cgroup of the service crunit runs in. */

#include <stdbool.h>

#include "container.h"

struct spec;

/* The in-container path of the socket. */
#define NOTIFY_SOCKET_DIR_IN_CONTAINER "/run/notify"
#define NOTIFY_SOCKET_IN_CONTAINER NOTIFY_SOCKET_DIR_IN_CONTAINER "/notify.sock"
#define NOTIFY_DIR "notify"

/* create: when $NOTIFY_SOCKET is set, creates <state dir>/notify, adds its bind mount and
 * NOTIFY_SOCKET to `s`, and records the host's socket in `st`. Nothing when it is not set. */
int notify_setup_spec(struct spec *s, int dirfd, struct container_state *st);

/* start/run, before the user process runs: binds the container's socket when the container was
 * created with passthrough (the host socket: $NOTIFY_SOCKET, else the one recorded at create).
 * A no-op otherwise. */
int notify_bind(struct container *c);
/* start and run -d: waits for the container's READY=1 and forwards it (and what came before it)
 * with MAINPID; fails, naming the cause, when the container exits first. No-op without
 * passthrough. */
int notify_wait_ready(struct container *c);
/* Foreground run: forwards in a thread as messages arrive; stop drains what is left and tells
 * whether READY=1 was seen (logs an error when the container exited without it). */
int notify_forward_start(struct container *c);
/* Returns -EPROTO (logged) when passthrough was active and the container never sent READY=1. */
int notify_forward_stop(struct container *c);
void notify_free(struct notify *n);
static inline void notify_freep(struct notify **n)
{
        notify_free(*n);
}

/* keep-unit.c */
/* --keep-unit, or the annotation org.crunit.keep-unit=true. */
bool keep_unit_wanted(const struct spec *s, bool option);
/* The service unit crunit runs in (the user manager's when `user`); a clear error when crunit
 * does not run inside a .service. */
int keep_unit_own_service(bool user, char **ret);
