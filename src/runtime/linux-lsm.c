/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.apparmorProfile, process.selinuxLabel and linux.mountLabel, as runc applies them:
 * the process label is written to the container's procfs (attr/apparmor/exec, else attr/exec)
 * right before the capabilities are dropped, and takes effect at execve; the mount label is
 * SELinux's context= option of the new (non-bind, non-proc/sysfs) mounts. A label for an LSM
 * the host does not run is refused at create, naming the field: never silently unconfined. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/macro.h"

#define SELINUX_MAGIC 0xf97cff8c

bool lsm_apparmor_enabled(void)
{
        _cleanup_free_ char *v = NULL;
        return read_full_file("/sys/module/apparmor/parameters/enabled", &v, NULL) >= 0 &&
               v[0] == 'Y';
}

bool lsm_selinux_enabled(void)
{
        struct statfs sf;
        return statfs("/sys/fs/selinux", &sf) == 0 && (unsigned long)sf.f_type == SELINUX_MAGIC;
}

int lsm_check(const struct spec *s, const char *what)
{
        assert(s);
        if (s->process.apparmor_profile && !lsm_apparmor_enabled())
                return log_error("%s: process.apparmorProfile \"%s\" is set but AppArmor is not "
                                 "enabled on this host",
                                 what, s->process.apparmor_profile);
        if (s->process.selinux_label && !lsm_selinux_enabled())
                return log_error("%s: process.selinuxLabel \"%s\" is set but SELinux is not "
                                 "enabled on this host",
                                 what, s->process.selinux_label);
        if (s->mount_label && !lsm_selinux_enabled())
                return log_error("%s: linux.mountLabel \"%s\" is set but SELinux is not enabled "
                                 "on this host",
                                 what, s->mount_label);
        return 0;
}

int lsm_apply_exec_label(const struct spec_process *p)
{
        int r;
        assert(p);
        if (p->apparmor_profile) {
                _cleanup_free_ char *v = NULL;
                if (asprintf(&v, "exec %s", p->apparmor_profile) < 0)
                        return log_error_errno(ENOMEM, "process.apparmorProfile");
                /* the stacking-aware file where there is one (Linux >= 5.8), the shared one else;
                 * proc_self_write() names the file when it fails */
                bool own = access("/proc/self/attr/apparmor/exec", F_OK) == 0;
                if ((r = proc_self_write(own ? "attr/apparmor/exec" : "attr/exec", v)) < 0)
                        return r;
        }
        if (p->selinux_label && (r = proc_self_write("attr/exec", p->selinux_label)) < 0)
                return r;
        return 0;
}

int lsm_mount_data(const struct spec *s, const char *type, const char *data, char **ret)
{
        assert(s && ret);
        *ret = NULL;
        if (!s->mount_label || !type || streq(type, "proc") || streq(type, "sysfs") ||
            streq(type, "mqueue") || streq(type, "cgroup") || streq(type, "cgroup2"))
                return 0;
        if (asprintf(ret, "%s%scontext=\"%s\"", data ? data : "", data && *data ? "," : "",
                     s->mount_label) < 0)
                return log_error_errno(ENOMEM, "linux.mountLabel");
        return 0;
}
