/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* linux.seccomp with SCMP_ACT_NOTIFY (runtime-spec config-linux.md#seccomp): the listener fd of
 * the loaded filter goes to the unix socket linux.seccomp.listenerPath with SCM_RIGHTS, the
 * payload being the ContainerProcessState JSON (runtime.md): {ociVersion, fds: ["seccompFd"],
 * pid, metadata: listenerMetadata, state: {ociVersion, id, status, pid, bundle, annotations}}.
 *
 * crunit (create, in the host's namespaces and with its own credentials) connects to the socket
 * once the init is READY, so that a missing or refusing agent fails `create`, and hands the
 * connected socket and the init's PID to the init (sync.h SYNC_SECCOMP_LISTENER). The init
 * loads the filter right before exec (process_exec) and sends the listener fd over it. `exec`
 * does the same for its process; its state has the container's status (running) and the
 * init's PID, as runc's. */

#include <sys/types.h>

#include "linux.h"

/* Parent side: connects a SOCK_STREAM socket to `path` (O_CLOEXEC). Logs the error. */
int seccomp_listener_connect(const char *path, int *ret_fd);
/* Parent side, before ACK: connects and sends the socket and `pid` to the init
 * (SYNC_SECCOMP_LISTENER over `sync_sock`). */
int seccomp_listener_handover(int sync_sock, const char *path, pid_t pid);
/* Container side, right after the filter is loaded: sends `notify_fd` with the payload over
 * c->seccomp_listener, then closes both. */
int seccomp_listener_send(struct setup_ctx *c, int notify_fd);
