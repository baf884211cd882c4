/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs-util.h"

#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include "macro.h"

int write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int read_full_file_at(int dirfd, const char *path, char **ret, size_t *ret_size)
{
        assert(path);
        assert(ret);
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t cap = 4096, len = 0;
        _cleanup_free_ char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len + 1 >= cap) {
                        if (cap > 64 * 1024 * 1024)
                                return -EFBIG;
                        char *n = realloc(buf, cap * 2);
                        if (!n)
                                return -ENOMEM;
                        buf = n;
                        cap *= 2;
                }
                ssize_t k = read(fd, buf + len, cap - len - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                len += (size_t)k;
        }
        buf[len] = 0;
        if (ret_size)
                *ret_size = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int write_string_file(const char *path, const char *s)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, s, strlen(s));
        if (n < 0)
                return -errno;
        if ((size_t)n != strlen(s))
                return -EIO;
        return 0;
}

int write_file_atomic_at(int dirfd, const char *name, const char *content, mode_t mode)
{
        char tmp[256];
        int n = snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, (int)getpid());
        if (n < 0 || (size_t)n >= sizeof tmp)
                return -ENAMETOOLONG;
        _cleanup_close_ int fd =
            openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        int r = write_all(fd, content, strlen(content));
        if (r >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0)
                (void)unlinkat(dirfd, tmp, 0);
        return r;
}

int mkdir_p(const char *path, mode_t mode)
{
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int rm_rf_at(int parentfd, const char *name)
{
        if (unlinkat(parentfd, name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return -errno;
        int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        int r = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                int k = rm_rf_at(dirfd(d), de->d_name);
                if (k < 0 && r == 0)
                        r = k;
        }
        closedir(d);
        if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
                r = -errno;
        return r;
}

/* openat2(rootfd, path) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | `resolve`. Not
 * O_NOFOLLOW for RESOLVE_NO_SYMLINKS: O_PATH would return the symlink itself. */
static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .mode = (flags & O_CREAT) ? mode : 0,
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
        };
        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        int fd;
        do
                fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN);
        return fd < 0 ? -errno : fd;
}

int open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
        return openat2_in_root(rootfd, path, flags, mode, 0);
}

int mkdir_open_in_root(int rootfd, const char *path, mode_t mode, bool leaf_is_file)
{
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        int fd = open_in_root(rootfd, p, O_PATH, 0);
        if (fd >= 0 || fd != -ENOENT)
                return fd;

        /* Walk the components; create each missing one inside its (safely resolved) parent. */
        char *s = p;
        while (*s == '/')
                s++;
        for (;;) {
                char *slash = strchr(s, '/');
                bool last = !slash || !slash[strspn(slash, "/")];
                if (slash)
                        *slash = 0;
                fd = open_in_root(rootfd, p, O_PATH, 0);
                if (fd == -ENOENT) {
                        char *base = strrchr(p, '/');
                        _cleanup_close_ int parent = -1;
                        const char *leaf;
                        if (base && base != p) {
                                *base = 0;
                                parent = open_in_root(rootfd, p, O_PATH | O_DIRECTORY, 0);
                                *base = '/';
                                leaf = base + 1;
                        } else {
                                parent = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
                                leaf = base ? base + 1 : p;
                        }
                        if (parent < 0)
                                return parent;
                        if (last && leaf_is_file) {
                                int f = openat(parent, leaf,
                                               O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                                               0644);
                                if (f < 0 && errno != EEXIST)
                                        return -errno;
                                safe_close(f);
                        } else if (mkdirat(parent, leaf, mode) < 0 && errno != EEXIST)
                                return -errno;
                        fd = open_in_root(rootfd, p, O_PATH, 0);
                }
                if (fd < 0)
                        return fd;
                if (last)
                        return fd;
                safe_close(fd);
                *slash = '/';
                s = slash + 1;
                while (*s == '/')
                        s++;
        }
}

const char *fd_path(int fd, char buf[static FD_PATH_MAX])
{
        snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
        return buf;
}

int open_in_root_nofollow(int rootfd, const char *path, int flags, mode_t mode)
{
        return openat2_in_root(rootfd, path, flags, mode, RESOLVE_NO_SYMLINKS);
}

bool fd_is_char_device(int fd, unsigned maj, unsigned min)
{
        struct stat st;
        return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
               minor(st.st_rdev) == min;
}

bool fd_is_fs_type(int fd, long magic)
{
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && (long)sfs.f_type == magic;
}
