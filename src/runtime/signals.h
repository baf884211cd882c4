/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>
#include <sys/types.h>

/* Foreground `run`: all signals are blocked before the container is created (so none is lost
 * or kills crunit mid-way) and then read from a signalfd and forwarded to the container's init,
 * until it exits. Returns its exit code (128+N when killed by signal N). */
int signals_block_all(sigset_t *old);
int forward_signals_and_wait(pid_t pid, int pidfd, int pty_master);
