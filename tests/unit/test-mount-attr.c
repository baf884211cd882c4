/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount_attr_parse_option(): which options are the recursive attributes / idmap, and the
 * mount_setattr() set/clear masks they make. */
#include <sys/mount.h>

#include "runtime/mount-attr.h"
#include "tests.h"

static struct mount_rattr parse(const char *const *opts, int *handled)
{
        struct mount_rattr a = {};
        *handled = 0;
        for (; *opts; opts++)
                *handled += mount_attr_parse_option(*opts, &a);
        return a;
}

#define OPTS(...) ((const char *const[]){__VA_ARGS__, NULL})

int main(void)
{
        int n;
        struct mount_rattr a;

        /* not ours: plain flags, propagation, binds */
        const char *const others[] = {"ro",      "rw",      "rbind",       "rprivate",
                                      "rslave",  "rshared", "runbindable", "relatime",
                                      "remount", "nosuid",  NULL};
        a = parse(others, &n);
        CHECK(n == 0 && a.set == 0 && a.clr == 0 && !a.idmap);

        a = parse(OPTS("rro"), &n);
        CHECK(n == 1 && a.set == MOUNT_ATTR_RDONLY && a.clr == 0);
        a = parse(OPTS("rro", "rrw"), &n);
        CHECK(n == 2 && a.set == 0 && a.clr == MOUNT_ATTR_RDONLY);
        a = parse(OPTS("rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rnodiratime"), &n);
        CHECK(n == 5 && a.set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                  MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME));
        a = parse(OPTS("rsuid", "rdev", "rexec", "rsymfollow", "rdiratime"), &n);
        CHECK(n == 5 && a.set == 0 &&
              a.clr == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                        MOUNT_ATTR_NOSYMFOLLOW | MOUNT_ATTR_NODIRATIME));
        /* atime: one mode, all of __ATIME cleared with it */
        a = parse(OPTS("rnoatime"), &n);
        CHECK(n == 1 && a.set == MOUNT_ATTR_NOATIME && a.clr == MOUNT_ATTR__ATIME);
        a = parse(OPTS("rnoatime", "rstrictatime"), &n);
        CHECK(a.set == MOUNT_ATTR_STRICTATIME && a.clr == MOUNT_ATTR__ATIME);
        a = parse(OPTS("rnoatime", "rrelatime"), &n);
        CHECK(a.set == MOUNT_ATTR_RELATIME && a.clr == MOUNT_ATTR__ATIME);
        a = parse(OPTS("rnorelatime"), &n);
        CHECK(a.set == MOUNT_ATTR_STRICTATIME && a.clr == MOUNT_ATTR__ATIME);
        a = parse(OPTS("ratime"), &n);
        CHECK(a.set == MOUNT_ATTR_RELATIME && a.clr == MOUNT_ATTR__ATIME);

        a = parse(OPTS("idmap"), &n);
        CHECK(n == 1 && a.idmap && !a.ridmap && a.set == 0);
        a = parse(OPTS("ridmap"), &n);
        CHECK(n == 1 && a.idmap && a.ridmap);
        return TEST_RESULT();
}
