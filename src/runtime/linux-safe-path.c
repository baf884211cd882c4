/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths the container's setup uses after pivot_root, when "/" is the container's (untrusted)
 * root file system: process.cwd and the procfs files crunit writes for the process. */
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"

int chdir_in_root(const char *cwd)
{
        /* Resolved as if "/" were the root even under --no-pivot (chroot), and never through
         * a magic link: process.cwd "/proc/self/fd/N" cannot name a directory of the host
         * that some fd still refers to (CVE-2024-21626). */
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return log_error_errno(errno, "cannot open /");
        _cleanup_close_ int fd = open_in_root(root, cwd, O_PATH | O_DIRECTORY, 0);
        if (fd == -ELOOP)
                return log_error("process.cwd %s: goes through a magic link (/proc/…/fd, "
                                 "/proc/…/cwd): refused",
                                 cwd);
        if (fd < 0)
                return log_error_errno(fd, "process.cwd %s", cwd);
        if (fchdir(fd) < 0)
                return log_error_errno(errno, "process.cwd %s", cwd);
        return 0;
}

int proc_self_write(const char *file, const char *value)
{
        /* The container's /proc, checked: a procfs, with nothing mounted over the file, and
         * "self" resolved by that procfs itself (it always names the caller, or fails). */
        _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (proc < 0)
                return log_error_errno(errno, "cannot open /proc to write %s", file);
        if (!fd_is_fs_type(proc, PROC_SUPER_MAGIC))
                return log_error("cannot write /proc/self/%s: /proc in the container is not a "
                                 "procfs",
                                 file);
        char path[256];
        snprintf(path, sizeof path, "self/%s", file);
        struct open_how how = {
            .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd;
        do
                fd = (int)syscall(SYS_openat2, proc, path, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN);
        if (fd < 0)
                return log_error_errno(errno, "cannot open /proc/self/%s", file);
        _cleanup_close_ int wfd = fd;
        if (!fd_is_fs_type(wfd, PROC_SUPER_MAGIC))
                return log_error("/proc/self/%s is not on procfs", file);
        int r = write_all(wfd, value, strlen(value));
        if (r < 0)
                return log_error_errno(r, "cannot write \"%s\" to /proc/self/%s", value, file);
        return 0;
}

int close_inherited_fds(int keep_below)
{
        /* crunit's own fds are all O_CLOEXEC, and the sealed re-execution (cloned-binary.c)
         * dropped any O_CLOEXEC ones it inherited: an fd >= keep_below without FD_CLOEXEC is the
         * caller's (`exec 7</some/dir; crunit create`). Closed now, not only at the final exec,
         * so the container's init never holds one while processes of the container can reach
         * it through /proc/1/fd (CVE-2024-21626). */
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return log_error_errno(errno, "cannot list /proc/self/fd");
        struct dirent *de;
        while ((de = readdir(d))) {
                char *end;
                long fd = strtol(de->d_name, &end, 10);
                if (*end || end == de->d_name || fd < keep_below || fd == dirfd(d))
                        continue;
                int flags = fcntl((int)fd, F_GETFD);
                if (flags >= 0 && !(flags & FD_CLOEXEC))
                        (void)close((int)fd);
        }
        closedir(d);
        return 0;
}
