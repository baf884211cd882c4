/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CVE-2019-5736: a process in the container can reach the crunit binary that set it up through
 * /proc/<pid>/exe (of the container's init before it executes the user's process, of a process
 * that `exec` put into the container, or of a `#!/proc/self/exe` script run by one of them) and,
 * once that process is gone, open it for writing and replace the host's crunit. So the verbs
 * that enter or create a container first re-execute crunit from a copy nobody can write, as
 * runc and crun do: as root, the binary seen through a private read-only overlayfs mount that
 * is attached nowhere (no copy at all); otherwise (rootless, no overlayfs) a sealed memfd copy
 * (F_SEAL_WRITE, SHRINK, GROW, and SEAL so the seals stay). Either way the host's binary is
 * never the executable of anything a container can see. */
#include "cloned-binary.h"

#include <fcntl.h>
#include <libgen.h>
#include <linux/memfd.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "config.h"
#include "shared/log.h"
#include "shared/macro.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define CLONED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* Only a loop guard: it never skips the re-execution (the seals on /proc/self/exe decide). */
#define CLONED_MARKER "_CRUNIT_CLONED_BINARY"

extern char **environ;

static bool self_is_sealed(void)
{
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        int seals = fcntl(fd, F_GET_SEALS);
        if (seals >= 0 && (seals & CLONED_SEALS) == CLONED_SEALS)
                return true;
        /* On a read-only mount (our private overlay below, or a read-only /usr) the kernel
         * refuses any open for writing (EROFS), and nothing in a container can remount it. */
        struct statvfs sv;
        return fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

/* The cheap way (runc does the same): the binary seen through a read-only overlayfs that is
 * never attached anywhere (fsmount), so nothing but this fd reaches it and no write can. An
 * overlay without an upper layer needs two lower ones: the binary's directory on top, and an
 * empty directory of crunit's. Needs CAP_SYS_ADMIN; any failure falls back to the memfd. */
static int open_ro_overlay(int *ret)
{
        char exe[PATH_MAX], lower[PATH_MAX + 64];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0 || geteuid() != 0)
                return -EOPNOTSUPP;
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (exe[0] != '/' || !slash || slash == exe || strpbrk(exe, ":,\\") ||
            strstr(exe, " (deleted)"))
                return -EOPNOTSUPP;
        *slash = 0;
        const char *name = slash + 1;
        if (mkdir(CRUNIT_STATE_ROOT, 0700) < 0 && errno != EEXIST)
                return -errno;
        if (mkdir(CRUNIT_STATE_ROOT "/.exe-lower", 0700) < 0 && errno != EEXIST)
                return -errno;
        snprintf(lower, sizeof lower, "%s:%s", exe, CRUNIT_STATE_ROOT "/.exe-lower");

        _cleanup_close_ int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return -errno;
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
            fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
            fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        _cleanup_close_ int mnt = fsmount(fsfd, FSMOUNT_CLOEXEC,
                                          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
        if (mnt < 0)
                return -errno;
        int fd = openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret = fd;
        return 0;
}

static int copy_self(int *ret)
{
        _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return log_error_errno(errno, "cannot open /proc/self/exe");
        struct stat st;
        if (fstat(self, &st) < 0)
                return log_error_errno(errno, "cannot stat /proc/self/exe");

        /* MFD_EXEC: kernels with vm.memfd_noexec=1 make memfds non-executable by default. */
        _cleanup_close_ int mfd =
            memfd_create("crunit", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (mfd < 0 && errno == EINVAL)
                mfd = memfd_create("crunit", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return log_error_errno(errno, "cannot create a memfd for crunit's own binary");

        off_t left = st.st_size;
        while (left > 0) {
                ssize_t n = sendfile(mfd, self, NULL, (size_t)left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return log_error_errno(errno, "cannot copy crunit's own binary");
                if (n == 0)
                        return log_error("cannot copy crunit's own binary: it shrank while "
                                         "being copied");
                left -= n;
        }
        if (fcntl(mfd, F_ADD_SEALS, CLONED_SEALS) < 0)
                return log_error_errno(errno, "cannot seal the copy of crunit's binary");
        *ret = mfd;
        mfd = -1;
        return 0;
}

bool cloned_binary_wanted(const char *verb)
{
        return streq(verb, "create") || streq(verb, "run") || streq(verb, "exec");
}

int cloned_binary_ensure(char **argv)
{
        if (self_is_sealed()) {
                /* execveat(AT_EMPTY_PATH) named us after the fd number; be "crunit" in ps. */
                _cleanup_free_ char *a0 = strdup(argv[0]);
                if (a0)
                        (void)prctl(PR_SET_NAME, basename(a0), 0, 0, 0);
                (void)unsetenv(CLONED_MARKER);
                return 0;
        }
        if (getenv(CLONED_MARKER))
                return log_error("re-executed from a sealed copy of crunit, but /proc/self/exe "
                                 "is not sealed (refusing to run from a writable binary)");

        _cleanup_close_ int mfd = -1;
        int r = open_ro_overlay(&mfd);
        if (r < 0) {
                log_debug_errno(r, "no read-only overlay for crunit's binary, copying it to a "
                                   "sealed memfd");
                r = copy_self(&mfd);
        }
        if (r < 0)
                return r;
        if (setenv(CLONED_MARKER, "1", 1) < 0)
                return log_error_errno(errno, "setenv");
        fexecve(mfd, argv, environ);
        r = log_error_errno(errno, "cannot re-execute crunit from a sealed copy of itself");
        (void)unsetenv(CLONED_MARKER);
        return r;
}
