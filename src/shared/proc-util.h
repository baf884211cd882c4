/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Start time of a process (field 22 of /proc/PID/stat, clock ticks since boot) and whether it
 * is a zombie. Together with the PID this identifies a process across PID reuse. */
int proc_stat(pid_t pid, uint64_t *ret_start_time, bool *ret_zombie);
int pidfd_open_pid(pid_t pid);
/* A pidfd of `pid`, checked against its recorded start time (proc_stat()), so that a reused PID
 * is never taken for the process: -ESRCH when pid is not positive, gone, a zombie or another
 * process now. */
int pidfd_open_checked(pid_t pid, uint64_t start_time);
int pidfd_signal(int pidfd, int sig);
/* Waits for a child and returns its exit status the shell way: code, or 128+signal. */
int wait_for_child(pid_t pid);
int exit_status_to_code(int status);

/* "TERM", "SIGTERM", "15", "RTMIN+2" → signal number, or -EINVAL. */
int signal_from_string(const char *s);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t now_usec(void);
