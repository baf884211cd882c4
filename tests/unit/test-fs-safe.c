/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the path-safety helpers of src/shared/fs-util.c: open_in_root() stays inside
 * the root, open_in_root_nofollow() refuses every symlink, and the fd checks. */
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../src/shared/fs-util.h"
#include "tests.h"

int main(void)
{
        char tmpl[] = "/tmp/crunit-test-fs-safe.XXXXXX";
        const char *top = mkdtemp(tmpl);
        CHECK(top);
        if (!top)
                return TEST_RESULT();
        int topfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(topfd >= 0);
        /* top/root is the "rootfs"; top/outside is the host */
        CHECK(mkdirat(topfd, "root", 0755) == 0 && mkdirat(topfd, "outside", 0755) == 0);
        CHECK(mkdirat(topfd, "root/dir", 0755) == 0);
        safe_close(openat(topfd, "root/dir/file", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
        safe_close(openat(topfd, "outside/secret", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
        CHECK(symlinkat("dir", topfd, "root/rel") == 0);
        CHECK(symlinkat("/dir/file", topfd, "root/abs") == 0);
        CHECK(symlinkat("../../outside/secret", topfd, "root/up") == 0);
        int root = openat(topfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(root >= 0);

        int fd = open_in_root_nofollow(root, "/dir/file", O_RDONLY, 0);
        CHECK(fd >= 0);
        safe_close(fd);
        CHECK(open_in_root_nofollow(root, "/rel/file", O_RDONLY, 0) == -ELOOP);
        CHECK(open_in_root_nofollow(root, "/abs", O_PATH, 0) == -ELOOP);
        CHECK(open_in_root_nofollow(root, "/up", O_PATH, 0) == -ELOOP);
        CHECK(open_in_root_nofollow(root, "/abs", O_CREAT | O_WRONLY, 0644) == -ELOOP);
        CHECK(open_in_root_nofollow(root, "/proc/self/fd/0", O_PATH, 0) == -ENOENT);
        CHECK(open_in_root_nofollow(root, "/new", O_CREAT | O_WRONLY | O_EXCL, 0644) >= 0);
        /* following, but never out of the root: "../../outside/secret" stays inside */
        fd = open_in_root(root, "/rel/file", O_RDONLY, 0);
        CHECK(fd >= 0);
        safe_close(fd);
        CHECK(open_in_root(root, "/up", O_RDONLY, 0) == -ENOENT);

        fd = open("/dev/null", O_PATH | O_CLOEXEC);
        CHECK(fd_is_char_device(fd, 1, 3));
        CHECK(!fd_is_char_device(fd, 1, 5));
        safe_close(fd);
        fd = openat(root, "dir/file", O_PATH | O_CLOEXEC);
        CHECK(!fd_is_char_device(fd, 1, 3));
        CHECK(!fd_is_fs_type(fd, PROC_SUPER_MAGIC));
        safe_close(fd);
        fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        CHECK(fd_is_fs_type(fd, PROC_SUPER_MAGIC));
        safe_close(fd);

        safe_close(root);
        safe_close(topfd);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
        CHECK(system(cmd) == 0);
        return TEST_RESULT();
}
