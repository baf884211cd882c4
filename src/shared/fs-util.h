/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Reads a whole (small) file. *ret is NUL-terminated. */
int read_full_file_at(int dirfd, const char *path, char **ret, size_t *ret_size);
static inline int read_full_file(const char *path, char **ret, size_t *ret_size)
{
        return read_full_file_at(-100 /* AT_FDCWD */, path, ret, ret_size);
}
/* Writes a string to an existing file (procfs/sysfs/cgroupfs style: one write). */
int write_string_file(const char *path, const char *s);
/* Writes a file atomically: a temporary file in the same directory, fsync-free, then
 * renamed over `name`. */
int write_file_atomic_at(int dirfd, const char *name, const char *content, mode_t mode);
int write_all(int fd, const void *buf, size_t len);
/* mkdir -p (host paths, not inside a container root). */
int mkdir_p(const char *path, mode_t mode);
/* Removes a directory tree below dirfd/name (does not cross mount points). */
int rm_rf_at(int dirfd, const char *name);

/* Paths inside a container's root filesystem. `rootfd` is an O_PATH directory fd of the
 * rootfs; `path` is interpreted as if rootfd were "/" (openat2 RESOLVE_IN_ROOT), so a symlink
 * inside the rootfs can never lead out of it. */
int open_in_root(int rootfd, const char *path, int flags, mode_t mode);
/* Like open_in_root(…, O_PATH), but creates missing components first: directories for all of
 * them, or for all but the last when `leaf_is_file` (which is then created as an empty regular
 * file, for file bind-mount targets). Returns an O_PATH fd of the result. */
int mkdir_open_in_root(int rootfd, const char *path, mode_t mode, bool leaf_is_file);
/* "/proc/self/fd/N" for mount(2) calls on an O_PATH fd. */
#define FD_PATH_MAX 32
const char *fd_path(int fd, char buf[static FD_PATH_MAX]);

/* Like open_in_root(), but refuses any symlink on the way (ELOOP), the last component included:
 * for paths crunit itself writes to or mounts over before pivot_root (devices, /dev/console,
 * maskedPaths, readonlyPaths). */
int open_in_root_nofollow(int rootfd, const char *path, int flags, mode_t mode);
/* Whether fd is the character device major:minor (e.g. 1:3, /dev/null). */
bool fd_is_char_device(int fd, unsigned major, unsigned minor);
/* Whether fd is on a file system of type `magic` (statfs f_type, e.g. PROC_SUPER_MAGIC). */
bool fd_is_fs_type(int fd, long magic);
