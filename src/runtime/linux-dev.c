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

/* The host's node of a default device, checked to be that device (not a symlink or a file
 * someone put there). Returns an O_PATH fd. */
static int open_host_device(const char *name, unsigned major, unsigned minor)
{
        char host[64];
        snprintf(host, sizeof host, "/dev/%s", name);
        int fd = open(host, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "cannot open the host's %s", host);
        if (!fd_is_char_device(fd, major, minor)) {
                safe_close(fd);
                return log_error("the host's %s is not the character device %u:%u", host, major,
                                 minor);
        }
        return fd;
}

/* An entry that already exists in the container's /dev (a spec mount put it there) is accepted
 * only if it already is the right device: crunit never mounts over or writes through a symlink
 * or an unexpected file there (CVE-2025-52565 and its /dev follow-ups). */
static int check_existing(int devfd, const char *name, unsigned major, unsigned minor, bool file_ok,
                          bool *ret_is_file)
{
        struct stat st;
        if (fstatat(devfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return log_error_errno(errno, "cannot stat /dev/%s in the container", name);
        *ret_is_file = false;
        if (S_ISCHR(st.st_mode) && major(st.st_rdev) == major && minor(st.st_rdev) == minor)
                return 0;
        if (file_ok && S_ISREG(st.st_mode)) {
                *ret_is_file = true;
                return 0;
        }
        return log_error("/dev/%s in the container is %s, not the device %u:%u: refusing to use it",
                         name, S_ISLNK(st.st_mode) ? "a symlink" : "something else", major, minor);
}

static int create_device(struct setup_ctx *c, int devfd, const char *name, unsigned major,
                         unsigned minor)
{
        bool is_file;
        int r;
        /* Outside a user namespace: mknod. Inside one (mknod is refused there): an empty file
         * with the host's node bind-mounted on it. */
        if (!c->in_userns) {
                if (mknodat(devfd, name, S_IFCHR | 0666, makedev(major, minor)) == 0)
                        return 0;
                if (errno != EEXIST)
                        return log_error_errno(errno, "cannot create /dev/%s", name);
                return check_existing(devfd, name, major, minor, false, &is_file);
        }
        char p[FD_PATH_MAX], hp[FD_PATH_MAX];
        int f = openat(devfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (f < 0 && errno != EEXIST)
                return log_error_errno(errno, "cannot create /dev/%s", name);
        if (f < 0) {
                r = check_existing(devfd, name, major, minor, true, &is_file);
                if (r < 0 || !is_file)
                        return r;
        }
        safe_close(f);
        _cleanup_close_ int target = openat(devfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (target < 0 || fstat(target, &st) < 0 || !S_ISREG(st.st_mode))
                return log_error("cannot create /dev/%s: not a regular file", name);
        _cleanup_close_ int host = open_host_device(name, major, minor);
        if (host < 0)
                return host;
        if (mount(fd_path(host, hp), fd_path(target, p), NULL, MS_BIND, NULL) < 0)
                return log_error_errno(errno, "cannot bind-mount /dev/%s", name);
        return 0;
}

int dev_setup(struct setup_ctx *c)
{
        if (!c->dev_mounted)
                return 0; /* the rootfs's own /dev is left as the image has it */
        _cleanup_close_ int devfd =
            open_in_root_nofollow(c->rootfd, "/dev", O_PATH | O_DIRECTORY, 0);
        if (devfd == -ELOOP)
                return log_error("/dev in the rootfs is a symlink or goes through one: refusing "
                                 "to create devices there");
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
