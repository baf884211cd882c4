/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The conversation between crunit (the parent) and the container's setup processes, over a
 * SOCK_SEQPACKET socketpair (one message per datagram; fds ride along as SCM_RIGHTS).
 *
 *   parent                              stage 1 (joins/creates namespaces)
 *     put stage 1 in the scope
 *     GO ------------------------------>
 *                                        USERNS  (new user namespace made: map me)
 *     write uid_map/gid_map
 *     USERNS_MAPPED ------------------->
 *                                        PID n   (stage 2 forked: the container's init)
 *                                       stage 2 (rootfs, mounts, process preparation)
 *                                        READY [pty master]
 *     write state.json, pid file
 *     ACK ----------------------------->   (init then waits on exec.fifo for `start`)
 *
 * With prestart/createRuntime/createContainer hooks, stage 2 stops after its mounts, before
 * pivot_root, and sends HOOKS; the parent runs prestart and createRuntime hooks (once it also
 * has the PID) and answers HOOKS_DONE [state memfd]; stage 2 then runs the createContainer
 * hooks. With startContainer hooks, ACK carries a state memfd too (hooks.h).
 *
 * Either setup stage may send ERROR "<message>" instead (and exit); the parent prints it. */

#include <stdint.h>

enum sync_type {
        SYNC_GO = 1,
        SYNC_USERNS,
        SYNC_USERNS_MAPPED,
        SYNC_PID,
        SYNC_READY,
        SYNC_ACK,
        SYNC_ERROR,
        SYNC_LOG,
        SYNC_HOOKS,      /* stage 2: mounts done, before pivot_root: run prestart/createRuntime */
        SYNC_HOOKS_DONE, /* parent: done; carries the state JSON (memfd) for createContainer */
        SYNC_IDMAP_FD,   /* parent, before USERNS_MAPPED: the idmapped clone of mounts[value] */
        SYNC_SECCOMP_LISTENER, /* parent, before ACK with SCMP_ACT_NOTIFY: the socket connected
                                  to linux.seccomp.listenerPath; value: the init's PID */
};

struct sync_msg {
        uint32_t type;
        int32_t value; /* pid for SYNC_PID, log level for SYNC_LOG */
        char text[2048];
};

/* Sends a message; `fd` >= 0 is passed along. */
int sync_send(int sock, enum sync_type type, int value, const char *text, int fd);
/* Receives one message. Returns -EPIPE on EOF. An attached fd is returned in *ret_fd (or
 * closed if ret_fd is NULL). */
int sync_recv(int sock, struct sync_msg *m, int *ret_fd);
/* Receives and checks the type; anything else (ERROR included: it is printed) fails. */
int sync_expect(int sock, enum sync_type type, struct sync_msg *m, int *ret_fd);

/* Sends fd over a unix socket with SCM_RIGHTS (console socket protocol too). */
int send_fd(int sock, int fd, const char *data);
