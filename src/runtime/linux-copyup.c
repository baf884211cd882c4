/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "tmpcopyup" mount option (runc's extension, used by podman for --tmpfs and --read-only):
 * a tmpfs mounted over a directory of the image starts with a copy of what that directory
 * held. The caller opens the directory before mounting over it; the fd keeps reaching the
 * covered directory, so the copy needs no temporary mount point. Everything is done relative to
 * directory fds, no path is ever resolved again, and symlinks are copied as symlinks. */
#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"

#define COPYUP_MAX_DEPTH 256

static int copy_data(int in, int out)
{
        for (;;) {
                ssize_t n = copy_file_range(in, NULL, out, NULL, SSIZE_MAX, 0);
                if (n == 0)
                        return 0;
                if (n > 0)
                        continue;
                if (errno == EINTR)
                        continue;
                if (errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS)
                        return -errno;
                break; /* not possible between these file systems: copy by hand */
        }
        char buf[65536];
        for (;;) {
                ssize_t n = read(in, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                int r = write_all(out, buf, (size_t)n);
                if (r < 0)
                        return r;
        }
}

/* Owner, mode and times of `name` (in dirfd) as in `st`. An owner the user namespace does not
 * map cannot be given: the copy then keeps ours. */
static int copy_attrs(int dirfd, const char *name, const struct stat *st, bool in_userns)
{
        if (fchownat(dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
            !(in_userns && (errno == EINVAL || errno == EPERM)))
                return -errno;
        if (!S_ISLNK(st->st_mode) && fchmodat(dirfd, name, st->st_mode & 07777, 0) < 0)
                return -errno;
        struct timespec ts[2] = {st->st_atim, st->st_mtim};
        if (utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

static int copy_tree(int src, int dst, bool in_userns, unsigned depth);

static int copy_entry(int src, int dst, const char *name, bool in_userns, unsigned depth)
{
        struct stat st;
        int r;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        switch (st.st_mode & S_IFMT) {
        case S_IFDIR: {
                if (mkdirat(dst, name, 0700) < 0)
                        return -errno;
                _cleanup_close_ int s =
                    openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int d =
                    openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0)
                        return -errno;
                if ((r = copy_tree(s, d, in_userns, depth + 1)) < 0)
                        return r;
                break;
        }
        case S_IFREG: {
                _cleanup_close_ int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0)
                        return -errno;
                _cleanup_close_ int d =
                    openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (d < 0)
                        return -errno;
                if ((r = copy_data(s, d)) < 0)
                        return r;
                break;
        }
        case S_IFLNK: {
                char target[4096];
                ssize_t n = readlinkat(src, name, target, sizeof target - 1);
                if (n < 0)
                        return -errno;
                target[n] = '\0';
                if (symlinkat(target, dst, name) < 0)
                        return -errno;
                break;
        }
        case S_IFCHR:
        case S_IFBLK:
        case S_IFIFO:
                if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
                        return -errno;
                break;
        default:
                return 0; /* sockets: nothing to copy */
        }
        return copy_attrs(dst, name, &st, in_userns);
}

static int copy_tree(int src, int dst, bool in_userns, unsigned depth)
{
        if (depth > COPYUP_MAX_DEPTH)
                return -ELOOP;
        int fd = dup(src);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
        int r = 0;
        struct dirent *de;
        while ((errno = 0, de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if ((r = copy_entry(src, dst, de->d_name, in_userns, depth)) < 0)
                        break;
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        return r;
}

int mount_copyup(struct setup_ctx *c, int covered_fd, const char *dest)
{
        assert(c && covered_fd >= 0 && dest);
        _cleanup_close_ int dst = open_in_root(c->rootfd, dest, O_RDONLY | O_DIRECTORY, 0);
        if (dst < 0)
                return log_error_errno(dst, "mount %s: tmpcopyup: cannot open the new mount", dest);
        int r = copy_tree(covered_fd, dst, c->in_userns, 0);
        if (r < 0)
                return log_error_errno(r,
                                       "mount %s: tmpcopyup: cannot copy the directory's "
                                       "contents",
                                       dest);
        /* The top directory takes the covered one's mode, as in runc. */
        struct stat st;
        if (fstat(covered_fd, &st) < 0 || fchmod(dst, st.st_mode & 07777) < 0)
                return log_error_errno(errno, "mount %s: tmpcopyup: cannot set its mode", dest);
        return 0;
}
