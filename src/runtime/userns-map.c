/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "userns-map.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/proc-util.h"

static bool only_own_id(const struct spec_id_mapping *m, size_t n, unsigned own)
{
        return n == 1 && m[0].size == 1 && m[0].host_id == own;
}

static int write_own(pid_t pid, const char *file, const struct spec_id_mapping *m)
{
        char path[64], buf[64];
        snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
        snprintf(buf, sizeof buf, "%u %u 1\n", m->container_id, m->host_id);
        int r = write_string_file(path, buf);
        if (r < 0)
                return log_error_errno(r, "rootless: cannot write %s", file);
        return 0;
}

/* newuidmap/newgidmap PID ID LOWERID COUNT …, its error output (one line) in our error. */
static int run_helper(const char *helper, const char *what, pid_t pid,
                      const struct spec_id_mapping *m, size_t n)
{
        char path[64];
        snprintf(path, sizeof path, "/usr/bin/%s", helper);
        if (access(path, X_OK) < 0) {
                snprintf(path, sizeof path, "/bin/%s", helper);
                if (access(path, X_OK) < 0)
                        return log_error("rootless: mapping more than your own %s needs %s "
                                         "(Debian package uidmap), which is not installed",
                                         what, helper),
                               -ENOENT;
        }

        size_t argc = 2 + 3 * n + 1;
        _cleanup_free_ char **argv = calloc(argc, sizeof(char *));
        _cleanup_free_ char *numbers = malloc((1 + 3 * n) * 16);
        if (!argv || !numbers)
                return log_error_errno(ENOMEM, "rootless");
        char *p = numbers;
        argv[0] = (char *)helper;
        argv[1] = p;
        p += sprintf(p, "%d", (int)pid) + 1;
        for (size_t i = 0; i < n; i++) {
                unsigned v[3] = {m[i].container_id, m[i].host_id, m[i].size};
                for (size_t k = 0; k < 3; k++) {
                        argv[2 + 3 * i + k] = p;
                        p += sprintf(p, "%u", v[k]) + 1;
                }
        }

        int pfd[2];
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return log_error_errno(errno, "rootless: pipe");
        pid_t child = fork();
        if (child < 0) {
                int e = errno;
                safe_close(pfd[0]);
                safe_close(pfd[1]);
                return log_error_errno(e, "rootless: fork");
        }
        if (child == 0) {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (null >= 0) {
                        dup2(null, STDIN_FILENO);
                        dup2(null, STDOUT_FILENO);
                }
                dup2(pfd[1], STDERR_FILENO);
                execv(path, argv);
                dprintf(STDERR_FILENO, "cannot execute %s: %s", path, strerror(errno));
                _exit(127);
        }
        safe_close(pfd[1]);
        char msg[1024];
        size_t len = 0;
        ssize_t k;
        while (len < sizeof msg - 1 && ((k = read(pfd[0], msg + len, sizeof msg - 1 - len)) > 0 ||
                                        (k < 0 && errno == EINTR)))
                if (k > 0)
                        len += (size_t)k;
        safe_close(pfd[0]);
        msg[len] = '\0';
        /* one line: the helper's first line, without a trailing newline */
        msg[strcspn(msg, "\n")] = '\0';
        int status = wait_for_child(child);
        if (status != 0)
                return log_error("rootless: %s failed for the %s mappings in config.json%s%s "
                                 "(are they within your ranges in /etc/sub%cid?)",
                                 helper, what, *msg ? ": " : "", msg, what[0]),
                       -EPERM;
        return 0;
}

int userns_write_maps_rootless(pid_t pid, const struct spec *s)
{
        bool uid_own = only_own_id(s->uid_mappings, s->n_uid_mappings, geteuid());
        bool gid_own = only_own_id(s->gid_mappings, s->n_gid_mappings, getegid());
        int r;

        if (uid_own)
                r = write_own(pid, "uid_map", s->uid_mappings);
        else
                r = run_helper("newuidmap", "uid", pid, s->uid_mappings, s->n_uid_mappings);
        if (r < 0)
                return r;
        if (!gid_own)
                return run_helper("newgidmap", "gid", pid, s->gid_mappings, s->n_gid_mappings);
        /* an unprivileged gid_map needs setgroups denied first */
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
        r = write_string_file(path, "deny");
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "rootless: cannot write setgroups");
        return write_own(pid, "gid_map", s->gid_mappings);
}
