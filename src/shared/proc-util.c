/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "proc-util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "fs-util.h"
#include "macro.h"

int proc_stat(pid_t pid, uint64_t *ret_start_time, bool *ret_zombie)
{
        char path[64];
        _cleanup_free_ char *buf = NULL;
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        int r = read_full_file(path, &buf, NULL);
        if (r < 0)
                return r == -ENOENT ? -ESRCH : r;
        /* comm may contain spaces and parentheses: parse after the last ')' */
        char *p = strrchr(buf, ')');
        if (!p || p[1] != ' ')
                return -EIO;
        p += 2;
        char state = *p;
        /* p now at field 3 (state); start time is field 22 */
        for (int field = 3; field < 22; field++) {
                p = strchr(p, ' ');
                if (!p)
                        return -EIO;
                p++;
        }
        if (ret_start_time)
                *ret_start_time = strtoull(p, NULL, 10);
        if (ret_zombie)
                *ret_zombie = state == 'Z' || state == 'X';
        return 0;
}

int pidfd_open_pid(pid_t pid)
{
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? -errno : fd;
}

int pidfd_open_checked(pid_t pid, uint64_t start_time)
{
        uint64_t t;
        bool zombie;
        if (pid <= 0)
                return -ESRCH;
        int fd = pidfd_open_pid(pid);
        if (fd < 0)
                return -ESRCH;
        if (proc_stat(pid, &t, &zombie) < 0 || zombie || t != start_time) {
                safe_close(fd);
                return -ESRCH;
        }
        return fd;
}

int pidfd_signal(int pidfd, int sig)
{
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                return -errno;
        return 0;
}

int exit_status_to_code(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

int wait_for_child(pid_t pid)
{
        int status;
        for (;;) {
                if (waitpid(pid, &status, 0) >= 0)
                        return exit_status_to_code(status);
                if (errno != EINTR)
                        return -errno;
        }
}

int signal_from_string(const char *s)
{
        if (!s || !*s)
                return -EINVAL;
        char *end;
        long n = strtol(s, &end, 10);
        if (*end == 0)
                return n > 0 && n < NSIG ? (int)n : -EINVAL;
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
                bool min = strncasecmp(s, "RTMIN", 5) == 0;
                long off = 0;
                if (s[5]) {
                        off = strtol(s + 5, &end, 10);
                        if (*end || (min && off < 0) || (!min && off > 0))
                                return -EINVAL;
                }
                int sig = (int)((min ? SIGRTMIN : SIGRTMAX) + off);
                return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -EINVAL;
        }
        for (int i = 1; i < SIGRTMIN; i++) {
                const char *abbrev = sigabbrev_np(i);
                if (abbrev && strcasecmp(abbrev, s) == 0)
                        return i;
        }
        return -EINVAL;
}

uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}
