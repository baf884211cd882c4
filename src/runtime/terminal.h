/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <poll.h>

/* Parent side of process.terminal. The container side is in linux.h. */

/* Hands the pty master to an engine's --console-socket, as runc does (SCM_RIGHTS). */
int terminal_send_to_socket(const char *socket_path, int master);

/* Foreground `run`: the caller's terminal in raw mode, bytes copied both ways, window size
 * followed. */
struct terminal_proxy;
int terminal_proxy_start(int master, struct terminal_proxy **ret);
/* Handles readable fds; returns 0, or -EPIPE when the container side has hung up. */
int terminal_proxy_fill_pollfds(struct terminal_proxy *p, struct pollfd *fds, int *n);
int terminal_proxy_handle(struct terminal_proxy *p, struct pollfd *fds, int n);
void terminal_proxy_resize(struct terminal_proxy *p);
/* Copies what the container still wrote, restores the terminal. */
void terminal_proxy_stop(struct terminal_proxy *p);
