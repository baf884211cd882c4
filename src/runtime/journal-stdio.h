/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A detached container's stdout/stderr in the journal.
 *
 * Policy (create, run -d; --stdio or the annotation org.crunit.stdio, the flag winning):
 *   inherit   the container gets crunit's own stdout/stderr, as runc does (engines such as
 *             conmon pass pipes and read them)
 *   journald  its stdout/stderr go to the journal
 *   auto      (default) journald when crunit's stdout is a terminal, /dev/null, closed or a
 *             journal stream (a service's StandardOutput=journal); inherit otherwise (a pipe,
 *             a fifo, a regular file, another socket). A foreground `run` always inherits, and
 *             so does a container with process.terminal (its console is the pty).
 *
 * How: stage 1, once it is in the scope, makes two pipes for the container's fds 1 and 2 and
 * forks a forwarder ("crunit-journal") that stays in the scope, reads them and sends every
 * line with sd_journal_sendv(): MESSAGE, PRIORITY (6 stdout, 3 stderr), SYSLOG_IDENTIFIER,
 * CONTAINER_ID and CONTAINER_NAME (the container id). journald derives _SYSTEMD_UNIT (the
 * scope) from the forwarder's cgroup; the forwarder exits only once journald has taken in its
 * last message (see journal-stdio.c), so even the last line of a container that exits at once
 * is attributed to the scope. The journald stream protocol (sd_journal_stream_fd, zero copy)
 * cannot carry CONTAINER_ID=, and a scope has no LogExtraFields=. */

#include <stdbool.h>
#include <sys/types.h>

struct spec;
struct setup_ctx;

enum stdio_mode {
        STDIO_AUTO,
        STDIO_INHERIT,
        STDIO_JOURNALD,
};

#define STDIO_ANNOTATION "org.crunit.stdio"
/* The forwarder's comm (_COMM= of its entries; `crunit logs` matches it). */
#define JOURNAL_FORWARDER_COMM "crunit-journal"

/* "auto", "inherit", "journald" → enum stdio_mode, or -EINVAL. */
int stdio_mode_from_string(const char *s);

/* Decides whether the container's stdout/stderr go to the journal. `flag` is --stdio
 * (STDIO_AUTO when not given or given as auto). Logs and fails on contradictions (--stdio
 * journald with a foreground run or process.terminal, a bad annotation value, no journal). */
int stdio_resolve(enum stdio_mode flag, bool flag_given, const struct spec *s, bool foreground,
                  bool *ret_journald);

/* Stage 1, in the scope: pipes on fds 1 and 2, and the forwarder. */
int journal_stdio_start(struct setup_ctx *c);

/* Whether `pid` (a process of the scope) is the forwarder, which `ps` does not list. */
bool journal_forwarder_pid(pid_t pid);
