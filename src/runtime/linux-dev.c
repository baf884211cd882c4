/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"

/* The devices every container gets (runtime-spec "Default Devices"). */
static const struct {
        const char *name;
        unsigned major, minor;
} default_devices[] = {
    {"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static const struct {
        const char *name, *target;
} default_links[] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

static int create_device(struct setup_ctx *c, int devfd, const char *name, unsigned major,
                         unsigned minor)
{
        /* Outside a user namespace: mknod. Inside one (mknod is refused there): an empty file
         * with the host's node bind-mounted on it. */
        if (!c->in_userns) {
                if (mknodat(devfd, name, S_IFCHR | 0666, makedev(major, minor)) < 0 &&
                    errno != EEXIST)
                        return log_error_errno(errno, "cannot create /dev/%s", name);
                return 0;
        }
        char host[64], p[FD_PATH_MAX];
        snprintf(host, sizeof host, "/dev/%s", name);
        int f = openat(devfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (f < 0 && errno != EEXIST)
                return log_error_errno(errno, "cannot create /dev/%s", name);
        safe_close(f);
        _cleanup_close_ int target = openat(devfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (target < 0 || fstat(target, &st) < 0 || !S_ISREG(st.st_mode))
                return log_error("cannot create /dev/%s: not a regular file", name);
        if (mount(host, fd_path(target, p), NULL, MS_BIND, NULL) < 0)
                return log_error_errno(errno, "cannot bind-mount %s", host);
        return 0;
}

int dev_setup(struct setup_ctx *c)
{
        if (!c->dev_mounted)
                return 0; /* the rootfs's own /dev is left as the image has it */
        _cleanup_close_ int devfd = open_in_root(c->rootfd, "/dev", O_PATH | O_DIRECTORY, 0);
        if (devfd < 0)
                return log_error_errno(devfd, "cannot open /dev in the rootfs");
        mode_t old = umask(0);
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
                int r = create_device(c, devfd, default_devices[i].name, default_devices[i].major,
                                      default_devices[i].minor);
                if (r < 0) {
                        umask(old);
                        return r;
                }
        }
        umask(old);
        for (size_t i = 0; i < ARRAY_SIZE(default_links); i++)
                if (symlinkat(default_links[i].target, devfd, default_links[i].name) < 0 &&
                    errno != EEXIST)
                        return log_error_errno(errno, "cannot create /dev/%s",
                                               default_links[i].name);
        return 0;
}
