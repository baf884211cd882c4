/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.devices (runtime-spec config-linux.md#devices): each node is made inside the rootfs,
 * relative to an O_PATH fd of its directory opened with RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS
 * (missing directories are created first, safely), so no symlink is ever followed. Outside a
 * user namespace with mknodat(); inside one (where the kernel refuses mknod of devices) the
 * host's node of the same path is bind-mounted on an empty file, as runc does: its mode and
 * owner are then the host's. FIFOs are always made with mknodat(). A file already at the path
 * must be that very node, or it is an error. */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"

static const char *type_char(const struct spec_device *d)
{
        return d->type == S_IFBLK ? "b" : d->type == S_IFIFO ? "p" : "c";
}

static bool stat_is_device(const struct stat *st, const struct spec_device *d)
{
        if ((st->st_mode & S_IFMT) != d->type)
                return false;
        return d->type == S_IFIFO ||
               (major(st->st_rdev) == d->major && minor(st->st_rdev) == d->minor);
}

static int describe_mismatch(size_t i, const struct spec_device *d, const struct stat *st)
{
        if (d->type == S_IFIFO)
                return log_error("linux.devices[%zu]: %s already exists in the container and is "
                                 "not a FIFO",
                                 i, d->path);
        return log_error("linux.devices[%zu]: %s already exists in the container and is %s, not "
                         "the device %s %u:%u",
                         i, d->path,
                         S_ISLNK(st->st_mode)   ? "a symlink"
                         : S_ISCHR(st->st_mode) ? "another character device"
                         : S_ISBLK(st->st_mode) ? "another block device"
                                                : "not a device",
                         type_char(d), d->major, d->minor);
}

/* The node made (or found) at dirfd/name: checked, then given the mode and owner asked for. */
static int finish_node(size_t i, const struct spec_device *d, int dirfd, const char *name)
{
        char p[FD_PATH_MAX];
        struct stat st;
        _cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return log_error_errno(errno, "linux.devices[%zu]: cannot open %s", i, d->path);
        if (!stat_is_device(&st, d))
                return describe_mismatch(i, d, &st);
        /* chmod through the fd (fchmod refuses O_PATH fds): the node itself, never a path */
        if (chmod(fd_path(fd, p), d->file_mode) < 0)
                return log_error_errno(errno, "linux.devices[%zu]: cannot chmod %s", i, d->path);
        if ((d->has_uid || d->has_gid) &&
            fchownat(fd, "", d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
                     AT_EMPTY_PATH) < 0)
                return log_error_errno(errno, "linux.devices[%zu]: cannot chown %s", i, d->path);
        return 0;
}

/* In a user namespace: the host's node at the same path, bind-mounted on an empty file. */
static int bind_host_node(size_t i, const struct spec_device *d, int dirfd, const char *name)
{
        char hp[FD_PATH_MAX], tp[FD_PATH_MAX];
        struct stat st;

        _cleanup_close_ int host = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (host < 0)
                return log_error_errno(errno,
                                       "linux.devices[%zu]: in a user namespace the host's %s is "
                                       "bind-mounted, but it cannot be opened",
                                       i, d->path);
        if (fstat(host, &st) < 0 || !stat_is_device(&st, d))
                return log_error("linux.devices[%zu]: in a user namespace the host's %s is "
                                 "bind-mounted, but it is not the device %s %u:%u",
                                 i, d->path, type_char(d), d->major, d->minor);

        int f = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (f < 0 && errno == EEXIST) {
                /* already there: fine if it is that node (a mount of the bundle, a default) */
                if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return log_error_errno(errno, "linux.devices[%zu]: cannot stat %s", i,
                                               d->path);
                if (stat_is_device(&st, d))
                        return 0;
                if (!S_ISREG(st.st_mode))
                        return describe_mismatch(i, d, &st);
        } else if (f < 0)
                return log_error_errno(errno, "linux.devices[%zu]: cannot create %s", i, d->path);
        safe_close(f);
        _cleanup_close_ int target = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (target < 0 || fstat(target, &st) < 0 || !S_ISREG(st.st_mode))
                return log_error("linux.devices[%zu]: cannot create %s: not a regular file", i,
                                 d->path);
        if (mount(fd_path(host, hp), fd_path(target, tp), NULL, MS_BIND, NULL) < 0)
                return log_error_errno(errno, "linux.devices[%zu]: cannot bind-mount %s", i,
                                       d->path);
        return 0;
}

static int create_one(struct setup_ctx *c, size_t i, const struct spec_device *d)
{
        _cleanup_free_ char *dir_buf = strdup(d->path), *name_buf = strdup(d->path);
        if (!dir_buf || !name_buf)
                return log_error_errno(ENOMEM, "linux.devices");
        const char *dir = dirname(dir_buf), *name = basename(name_buf);

        /* missing directories made safely; then the directory reopened refusing symlinks */
        int r = mkdir_open_in_root(c->rootfd, dir, 0755, false);
        if (r < 0)
                return log_error_errno(r, "linux.devices[%zu]: cannot create the directory %s", i,
                                       dir);
        safe_close(r);
        _cleanup_close_ int dirfd = open_in_root_nofollow(c->rootfd, dir, O_PATH | O_DIRECTORY, 0);
        if (dirfd == -ELOOP)
                return log_error("linux.devices[%zu]: %s goes through a symlink in the container: "
                                 "refusing to create %s",
                                 i, dir, d->path);
        if (dirfd < 0)
                return log_error_errno(dirfd, "linux.devices[%zu]: cannot open %s", i, dir);

        if (c->in_userns && d->type != S_IFIFO)
                return bind_host_node(i, d, dirfd, name);

        if (mknodat(dirfd, name, d->type | (d->file_mode & 07777),
                    d->type == S_IFIFO ? 0 : makedev(d->major, d->minor)) < 0 &&
            errno != EEXIST) {
                if (errno == EPERM && d->type != S_IFIFO)
                        /* the init is in its cgroup already: mknod is "m" access */
                        return log_error("linux.devices[%zu]: cannot create %s: %s (is %s %u:%u "
                                         "allowed with \"m\" by linux.resources.devices?)",
                                         i, d->path, strerror(errno), type_char(d), d->major,
                                         d->minor),
                               -EPERM;
                return log_error_errno(errno, "linux.devices[%zu]: cannot create %s", i, d->path);
        }
        return finish_node(i, d, dirfd, name);
}

int devices_create(struct setup_ctx *c)
{
        const struct spec *s = c->spec;
        if (s->n_devices == 0)
                return 0;
        mode_t old = umask(0);
        int r = 0;
        for (size_t i = 0; i < s->n_devices && r >= 0; i++)
                r = create_one(c, i, &s->devices[i]);
        umask(old);
        return r;
}
