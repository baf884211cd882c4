/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux.h"
#include "mount-attr.h"
#include "userns-map.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *ns_name(int type)
{
        switch (type) {
        case CLONE_NEWPID:
                return "pid";
        case CLONE_NEWNET:
                return "network";
        case CLONE_NEWNS:
                return "mount";
        case CLONE_NEWIPC:
                return "ipc";
        case CLONE_NEWUTS:
                return "uts";
        case CLONE_NEWUSER:
                return "user";
        case CLONE_NEWCGROUP:
                return "cgroup";
        case CLONE_NEWTIME:
                return "time";
        default:
                return "?";
        }
}

static int join_ns(const struct spec_namespace *ns)
{
        _cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "cannot open %s namespace %s", ns_name(ns->type),
                                       ns->path);
        if (setns(fd, ns->type) < 0)
                return log_error_errno(errno, "cannot join %s namespace %s", ns_name(ns->type),
                                       ns->path);
        return 0;
}

static void read_sysctl(const char *path, char *buf, size_t size)
{
        _cleanup_free_ char *v = NULL;
        if (read_full_file(path, &v, NULL) < 0) {
                buf[0] = 0;
                return;
        }
        v[strcspn(v, "\n")] = 0;
        snprintf(buf, size, "%s", v);
}

/* The kernel refused CLONE_NEWUSER: say why in terms an admin can act on. */
static int userns_refused(int err)
{
        char clone[32], max[32], apparmor[32], hint[256] = "";
        read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", clone, sizeof clone);
        read_sysctl("/proc/sys/user/max_user_namespaces", max, sizeof max);
        read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", apparmor,
                    sizeof apparmor);
        if (err == ENOSPC)
                snprintf(hint, sizeof hint,
                         "the limit sysctl user.max_user_namespaces of this or a parent user "
                         "namespace is reached (here: %s)",
                         *max ? max : "?");
        else if (streq(max, "0"))
                snprintf(hint, sizeof hint, "sysctl user.max_user_namespaces is 0");
        else if (streq(clone, "0"))
                snprintf(hint, sizeof hint, "sysctl kernel.unprivileged_userns_clone is 0");
        else if (streq(apparmor, "1"))
                snprintf(hint, sizeof hint,
                         "sysctl kernel.apparmor_restrict_unprivileged_userns is 1");
        else
                snprintf(hint, sizeof hint,
                         "check sysctls user.max_user_namespaces (=%s)%s%s%s and the number of "
                         "user namespaces in use",
                         *max ? max : "?", *clone ? ", kernel.unprivileged_userns_clone (=" : "",
                         clone, *clone ? ")" : "");
        return log_error("the kernel refused to create a user namespace (%s): %s", strerror(err),
                         hint);
}

int ns_enter(struct setup_ctx *c)
{
        const struct spec *s = c->spec;
        int unshare_flags = 0;
        int r;

        /* 1. Join the user namespace first: the others may belong to it. */
        const struct spec_namespace *user = spec_find_namespace(s, CLONE_NEWUSER);
        if (user && user->path) {
                r = join_ns(user);
                if (r < 0)
                        return r;
                c->in_userns = true;
        }
        /* 2. Join the rest that are given by path, while we still have our privileges. */
        for (size_t i = 0; i < s->n_namespaces; i++) {
                const struct spec_namespace *ns = &s->namespaces[i];
                if (ns->type == CLONE_NEWUSER)
                        continue;
                if (ns->path) {
                        r = join_ns(ns);
                        if (r < 0)
                                return r;
                } else
                        unshare_flags |= ns->type;
        }
        /* 3. A new user namespace: created alone, mapped by the parent, then we become its
         * root, so that the namespaces created next are owned by it. */
        if (user && !user->path) {
                if (unshare(CLONE_NEWUSER) < 0)
                        return userns_refused(errno);
                c->in_userns = true;
                r = sync_send(c->sync_fd, SYNC_USERNS, 0, NULL, -1);
                if (r < 0)
                        return log_error_errno(r, "lost the parent crunit");
                r = idmap_mounts_receive(c); /* the idmap mounts' fds, then USERNS_MAPPED */
                if (r < 0)
                        return r;
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return log_error_errno(errno, "cannot become root in the user namespace "
                                                      "(is container uid/gid 0 mapped?)");
        }
        /* 4. The rest. The new pid (and time) namespace applies to the next child: stage 2. */
        if (unshare_flags && unshare(unshare_flags) < 0) {
                int e = errno;
                for (size_t i = 0; i < s->n_namespaces; i++)
                        if (!s->namespaces[i].path && s->namespaces[i].type != CLONE_NEWUSER &&
                            unshare(s->namespaces[i].type) < 0)
                                return log_error_errno(errno, "cannot create %s namespace",
                                                       ns_name(s->namespaces[i].type));
                return log_error_errno(e, "cannot create namespaces");
        }
        if ((r = ns_set_time_offsets(s)) < 0)
                return r;
        return 0;
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n)
{
        char path[64], buf[4096];
        size_t len = 0;
        for (size_t i = 0; i < n; i++) {
                int k = snprintf(buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id,
                                 m[i].host_id, m[i].size);
                if (k < 0 || (size_t)k >= sizeof buf - len)
                        return log_error("%s: too many id mappings", file);
                len += (size_t)k;
        }
        snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
        int r = write_string_file(path, buf);
        if (r < 0)
                return log_error_errno(r, "cannot write %s", file);
        return 0;
}

int ns_write_id_maps(pid_t pid, const struct spec *s, bool rootless)
{
        /* Without privileges the kernel lets us map exactly our own ids; several ranges go
         * through newuidmap/newgidmap (userns-map.c). */
        if (rootless)
                return userns_write_maps_rootless(pid, s);
        int r = write_map(pid, "uid_map", s->uid_mappings, s->n_uid_mappings);
        if (r < 0)
                return r;
        return write_map(pid, "gid_map", s->gid_mappings, s->n_gid_mappings);
}

int ns_set_uts(const struct spec *s)
{
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return log_error_errno(errno, "cannot set hostname \"%s\"", s->hostname);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return log_error_errno(errno, "cannot set domainname \"%s\"", s->domainname);
        return 0;
}
