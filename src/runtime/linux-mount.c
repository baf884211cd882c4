/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "linux.h"
#include "mount-attr.h"
#include "shared/fs-util.h"
#include "shared/log.h"

#define PROPAGATION_FLAGS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

struct mount_opts {
        unsigned long flags;       /* MS_RDONLY, MS_NOSUID, … */
        unsigned long propagation; /* MS_PRIVATE|MS_REC, … or 0 */
        bool bind;
        bool recursive;           /* rbind */
        bool tmpcopyup;           /* tmpfs starting with a copy of the directory it covers */
        char *data;               /* filesystem options, "mode=755,size=65536k" */
        struct mount_rattr rattr; /* recursive attributes, idmap (mount-attr.h) */
};

static int parse_mount_options(const struct spec_mount *m, struct mount_opts *o)
{
        const struct libmnt_optmap *map = mnt_get_builtin_optmap(MNT_LINUX_MAP);
        *o = (struct mount_opts){};
        STRV_FOREACH(opt, m->options)
        {
                _cleanup_free_ char *vfs = NULL, *fs = NULL;
                if (mount_attr_parse_option(*opt, &o->rattr) > 0)
                        continue; /* "rro" …, "idmap": mount-attr.c */
                if (streq(*opt, "tmpcopyup") || streq(*opt, "notmpcopyup")) {
                        o->tmpcopyup = streq(*opt, "tmpcopyup");
                        continue;
                }
                if (mnt_split_optstr(*opt, NULL, &vfs, &fs, 1, 0) < 0)
                        return log_error("mount %s: cannot parse option \"%s\"", m->destination,
                                         *opt);
                if (fs) {
                        size_t l = o->data ? strlen(o->data) : 0;
                        char *d = realloc(o->data, l + strlen(fs) + 2);
                        if (!d)
                                return -ENOMEM;
                        sprintf(d + l, "%s%s", l ? "," : "", fs);
                        o->data = d;
                        continue;
                }
                if (!vfs)
                        continue; /* "defaults" */
                unsigned long f = 0;
                mnt_optstr_get_flags(vfs, &f, map);
                if (f & PROPAGATION_FLAGS)
                        o->propagation = f;
                else if (f & MS_BIND) {
                        o->bind = true;
                        o->recursive = o->recursive || (f & MS_REC);
                } else
                        mnt_optstr_get_flags(vfs, &o->flags, map); /* applies "rw", "suid" … */
        }
        return 0;
}

/* For `crunit features`: whether parse_mount_options() takes `opt` as an OCI mount option (a
 * mount flag of libmount's Linux table, a propagation, bind/rbind, "defaults" or crunit's own)
 * rather than passing it on as file system data. "remount" is no option for a new mount. */
bool mount_option_supported(const char *opt)
{
        struct mount_rattr a = {};
        if (mount_attr_parse_option(opt, &a) > 0)
                return true;
        if (streq(opt, "tmpcopyup") || streq(opt, "notmpcopyup") || streq(opt, "defaults"))
                return true;
        for (const struct libmnt_optmap *e = mnt_get_builtin_optmap(MNT_LINUX_MAP); e->name; e++)
                if (streq(e->name, opt))
                        return e->id != MS_REMOUNT;
        return false;
}

/* For MS_REMOUNT|MS_BIND in a user namespace the kernel insists that the flags it locked
 * (nosuid, nodev, noexec, atime) stay; carry over what the mount already has. */
static unsigned long current_mount_flags(const char *path)
{
        struct statvfs sv;
        if (statvfs(path, &sv) < 0)
                return 0;
        unsigned long f = 0;
        if (sv.f_flag & ST_NOSUID)
                f |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV)
                f |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC)
                f |= MS_NOEXEC;
        if (sv.f_flag & ST_NOATIME)
                f |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME)
                f |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME)
                f |= MS_RELATIME;
        if (sv.f_flag & ST_RDONLY)
                f |= MS_RDONLY;
        return f;
}

static int remount_bind(int rootfd, const char *dest, unsigned long flags)
{
        char p[FD_PATH_MAX];
        /* Re-resolve: the fd we mounted on is the covered directory, not the new mount. */
        _cleanup_close_ int fd = open_in_root(rootfd, dest, O_PATH, 0);
        if (fd < 0)
                return log_error_errno(fd, "cannot open mount %s", dest);
        fd_path(fd, p);
        flags |= current_mount_flags(p);
        if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
                return log_error_errno(errno, "cannot remount %s with its options", dest);
        return 0;
}

static int set_propagation(int rootfd, const char *dest, unsigned long propagation)
{
        char p[FD_PATH_MAX];
        _cleanup_close_ int fd = open_in_root(rootfd, dest, O_PATH, 0);
        if (fd < 0)
                return log_error_errno(fd, "cannot open mount %s", dest);
        if (mount(NULL, fd_path(fd, p), NULL, propagation, NULL) < 0)
                return log_error_errno(errno, "cannot set the propagation of %s", dest);
        return 0;
}

static int do_mount_at(int fd, const char *source, const char *type, unsigned long flags,
                       const char *data, const char *dest)
{
        char p[FD_PATH_MAX];
        if (mount(source, fd_path(fd, p), type, flags, data) < 0)
                return log_error_errno(errno, "cannot mount %s (%s) on %s",
                                       source ? source : "none", type ? type : "bind", dest);
        return 0;
}

/* One hierarchy of a hybrid/legacy host's "cgroup" mount at `sub` (…/`name`). A user namespace
 * may not mount a hierarchy of a cgroup namespace it does not own (podman --uidmap on a v1
 * host: no cgroup namespace); then, as runc does, bind the container's own cgroup `cg` (from
 * /proc/self/cgroup) of the host's hierarchy. */
static int mount_cgroup_hierarchy(struct setup_ctx *c, int sub, const char *type,
                                  unsigned long flags, const char *data, const char *name,
                                  const char *cg, const char *dest)
{
        char p[FD_PATH_MAX];
        if (mount("cgroup", fd_path(sub, p), type, flags, data) == 0)
                return 0;
        if (errno != EPERM || !c->in_userns)
                return log_error_errno(errno, "cannot mount cgroup (%s) on %s/%s", type, dest,
                                       name);
        _cleanup_free_ char *src = NULL, *target = NULL;
        if (asprintf(&src, "/sys/fs/cgroup/%s%.*s", name, (int)strcspn(cg, "\n"), cg) < 0 ||
            asprintf(&target, "%s/%s", dest, name) < 0)
                return -ENOMEM;
        if (mount(src, p, NULL, MS_BIND | MS_REC, NULL) < 0)
                return log_error_errno(errno, "cannot bind %s on %s", src, target);
        return remount_bind(c->rootfd, target, flags);
}

/* The "cgroup" mount type: on a unified host a cgroup2 mount; on hybrid/legacy hosts a tmpfs
 * with one mount per hierarchy this process is in (seen through the cgroup namespace). */
static int mount_cgroup(struct setup_ctx *c, const struct spec_mount *m, const struct mount_opts *o,
                        int destfd)
{
        struct statfs sfs;
        unsigned long flags = o->flags & ~MS_RDONLY;
        if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
                char p[FD_PATH_MAX];
                if (mount("cgroup", fd_path(destfd, p), "cgroup2", o->flags, NULL) == 0)
                        return 0;
                /* The kernel refuses a cgroup2 mount on top of cgroup2 (EBUSY: e.g. below a
                 * rootless rbind of /sys), or one a user namespace may not make. Then, as
                 * runc does, bind the host's hierarchy: the cgroup namespace still confines. */
                if (errno != EBUSY && !(errno == EPERM && c->in_userns))
                        return log_error_errno(errno, "cannot mount cgroup2 on %s", m->destination);
                if (mount("/sys/fs/cgroup", p, NULL, MS_BIND | MS_REC, NULL) < 0)
                        return log_error_errno(errno, "cannot bind /sys/fs/cgroup on %s",
                                               m->destination);
                return remount_bind(c->rootfd, m->destination, o->flags);
        }

        int r = do_mount_at(destfd, "tmpfs", "tmpfs", flags, "mode=755", m->destination);
        if (r < 0)
                return r;
        _cleanup_close_ int top = open_in_root(c->rootfd, m->destination, O_PATH | O_DIRECTORY, 0);
        if (top < 0)
                return log_error_errno(top, "cannot open %s", m->destination);
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        if (!f)
                return log_error_errno(errno, "cannot read /proc/self/cgroup");
        char line[1024];
        while (fgets(line, sizeof line, f)) {
                char *ctrl = strchr(line, ':'), *end;
                if (!ctrl || !(end = strchr(ctrl + 1, ':')))
                        continue;
                *end = 0;
                ctrl++;
                const char *name = *ctrl ? ctrl : "unified", *type = *ctrl ? "cgroup" : "cgroup2";
                _cleanup_free_ char *data = NULL;
                if (startswith(ctrl, "name=")) {
                        name = ctrl + 5;
                        if (asprintf(&data, "none,%s", ctrl) < 0)
                                return -ENOMEM;
                } else if (*ctrl && !(data = strdup(ctrl)))
                        return -ENOMEM;
                if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(errno, "cannot create %s/%s", m->destination, name);
                _cleanup_close_ int sub =
                    openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        return log_error_errno(errno, "cannot open %s/%s", m->destination, name);
                r = mount_cgroup_hierarchy(c, sub, type, o->flags, data, name, end + 1,
                                           m->destination);
                if (r < 0)
                        return r;
                /* co-mounted controllers ("cpu,cpuacct") are also reachable by each name */
                if (*ctrl && !startswith(ctrl, "name=") && strchr(ctrl, ',')) {
                        char *save, *tok;
                        for (tok = strtok_r(ctrl, ",", &save); tok;
                             tok = strtok_r(NULL, ",", &save))
                                (void)symlinkat(name, top, tok);
                }
        }
        if (o->flags & MS_RDONLY)
                return remount_bind(c->rootfd, m->destination, MS_RDONLY);
        return 0;
}

static int mount_one(struct setup_ctx *c, const struct spec_mount *m)
{
        struct mount_opts o;
        int r = parse_mount_options(m, &o);
        _cleanup_free_ char *data = o.data;
        if (r < 0)
                return r;
        bool bind = o.bind || streq_ptr(m->type, "bind");
        if (o.tmpcopyup && (bind || !streq_ptr(m->type, "tmpfs"))) {
                const char *what = bind ? "bind" : m->type ? m->type : "none";
                return log_error("mount %s: tmpcopyup needs a tmpfs mount, not %s", m->destination,
                                 what);
        }
        bool leaf_is_file = false;

        if (o.rattr.idmap && !bind)
                return log_error("mount %s: idmap and ridmap are supported on bind mounts only",
                                 m->destination);
        if ((r = mount_check_destination(c->rootfd, m->destination)) < 0)
                return r;
        if (bind) {
                struct stat st;
                if (!m->source)
                        return log_error("mount %s: bind mount without a source", m->destination);
                if (stat(m->source, &st) < 0)
                        return log_error_errno(errno, "mount %s: source %s", m->destination,
                                               m->source);
                leaf_is_file = !S_ISDIR(st.st_mode);
        }
        _cleanup_close_ int destfd =
            mkdir_open_in_root(c->rootfd, m->destination, 0755, leaf_is_file);
        if (destfd < 0)
                return log_error_errno(destfd, "cannot create mount point %s", m->destination);

        if (bind) {
                r = o.rattr.idmap
                        ? idmap_mount_attach(c, (size_t)(m - c->spec->mounts), destfd)
                        : do_mount_at(destfd, m->source, NULL, MS_BIND | (o.recursive ? MS_REC : 0),
                                      NULL, m->destination);
                if (r >= 0 && (o.flags & ~MS_REC))
                        r = remount_bind(c->rootfd, m->destination, o.flags);
        } else if (streq_ptr(m->type, "cgroup"))
                r = mount_cgroup(c, m, &o, destfd);
        else {
                if (!m->type)
                        return log_error("mount %s: no type given", m->destination);
                /* tmpcopyup: this fd keeps reaching the directory the tmpfs covers */
                _cleanup_close_ int covered =
                    o.tmpcopyup ? openat(destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
                if (o.tmpcopyup && covered < 0)
                        return log_error_errno(errno, "mount %s: tmpcopyup", m->destination);
                char p[FD_PATH_MAX];
                /* a read-only tmpcopyup tmpfs is made read-only after the copy */
                unsigned long flags = o.tmpcopyup ? o.flags & ~MS_RDONLY : o.flags;
                _cleanup_free_ char *labelled = NULL;
                if ((r = lsm_mount_data(c->spec, m->type, data, &labelled)) < 0)
                        return r;
                if (mount(m->source ? m->source : m->type, fd_path(destfd, p), m->type, flags,
                          labelled ? labelled : data) < 0) {
                        if (errno == EPERM && c->in_userns &&
                            (streq(m->type, "proc") || streq(m->type, "sysfs")))
                                return log_error("cannot mount %s on %s in a user namespace: the "
                                                 "kernel allows it only where the host's /%s is "
                                                 "fully visible (nothing mounted over parts of "
                                                 "it)%s",
                                                 m->type, m->destination,
                                                 streq(m->type, "proc") ? "proc" : "sys",
                                                 streq(m->type, "sysfs")
                                                     ? " and with a network namespace of "
                                                       "the container's own"
                                                     : "");
                        return log_error_errno(errno, "cannot mount %s (%s) on %s",
                                               m->source ? m->source : "none", m->type,
                                               m->destination);
                }
                if (o.tmpcopyup) {
                        r = mount_copyup(c, covered, m->destination);
                        if (r >= 0 && (o.flags & MS_RDONLY))
                                r = remount_bind(c->rootfd, m->destination, MS_RDONLY);
                }
        }
        if (r >= 0)
                r = mount_attr_apply(c->rootfd, m->destination, &o.rattr);
        if (r >= 0 && o.propagation)
                r = set_propagation(c->rootfd, m->destination, o.propagation);
        if (r >= 0 && streq(m->destination, "/dev"))
                c->dev_mounted = true;
        return r;
}

int mount_rootfs(struct setup_ctx *c)
{
        const struct spec *s = c->spec;
        unsigned long prop = s->rootfs_propagation ? s->rootfs_propagation : MS_SLAVE | MS_REC;

        /* Nothing we mount may propagate back to the host. A shared rootfs is made shared only
         * after pivot_root, which refuses shared mounts: it then receives the host's mounts
         * (slave) and shares the container's own with its peers, not with the host. */
        if (mount(NULL, "/", NULL, (prop & MS_SHARED) ? MS_SLAVE | MS_REC : prop, NULL) < 0)
                return log_error_errno(errno, "cannot set the propagation of /");
        if (mount(s->root_path, s->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
                return log_error_errno(errno, "cannot bind-mount the rootfs %s", s->root_path);
        c->rootfd = open(s->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (c->rootfd < 0)
                return log_error_errno(errno, "cannot open the rootfs %s", s->root_path);
        for (size_t i = 0; i < s->n_mounts; i++) {
                int r = mount_one(c, &s->mounts[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int mount_masked_readonly(struct setup_ctx *c)
{
        char p[FD_PATH_MAX], np[FD_PATH_MAX];
        /* What is mounted over masked files: the host's /dev/null, checked to be it (never the
         * container's, CVE-2025-31133). The paths masked or made read-only are resolved in the
         * rootfs without following any symlink: a mask must cover the path itself. */
        _cleanup_close_ int null_fd = -1;
        if (c->spec->masked_paths) {
                null_fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (null_fd < 0 || !fd_is_char_device(null_fd, 1, 3))
                        return log_error("maskedPaths: the host's /dev/null is not the null "
                                         "device 1:3");
                fd_path(null_fd, np);
        }
        STRV_FOREACH(path, c->spec->masked_paths)
        {
                _cleanup_close_ int fd = open_in_root_nofollow(c->rootfd, *path, O_PATH, 0);
                struct stat st;
                if (fd == -ENOENT)
                        continue;
                if (fd == -ELOOP)
                        return log_error("maskedPaths: %s is a symlink or goes through one in "
                                         "the rootfs: refusing to mask it",
                                         *path);
                if (fd < 0 || fstat(fd, &st) < 0)
                        return log_error_errno(fd < 0 ? fd : -errno, "maskedPaths: %s", *path);
                int r = S_ISDIR(st.st_mode) ? mount("tmpfs", fd_path(fd, p), "tmpfs",
                                                    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                                    "size=0,mode=0555")
                                            : mount(np, fd_path(fd, p), NULL, MS_BIND, NULL);
                if (r < 0)
                        return log_error_errno(errno, "maskedPaths: cannot mask %s", *path);
        }
        STRV_FOREACH(path, c->spec->readonly_paths)
        {
                _cleanup_close_ int fd = open_in_root_nofollow(c->rootfd, *path, O_PATH, 0);
                if (fd == -ENOENT)
                        continue;
                if (fd == -ELOOP)
                        return log_error("readonlyPaths: %s is a symlink or goes through one "
                                         "in the rootfs: refusing to make it read-only",
                                         *path);
                if (fd < 0)
                        return log_error_errno(fd, "readonlyPaths: %s", *path);
                if (mount(fd_path(fd, p), p, NULL, MS_BIND | MS_REC, NULL) < 0)
                        return log_error_errno(errno, "readonlyPaths: cannot bind %s", *path);
                int r = remount_bind(c->rootfd, *path, MS_RDONLY);
                if (r < 0)
                        return r;
        }
        return 0;
}

int mount_pivot(struct setup_ctx *c)
{
        const char *root = c->spec->root_path;
        if (fchdir(c->rootfd) < 0)
                return log_error_errno(errno, "cannot enter the rootfs");
        if (c->no_pivot) {
                if (mount(root, "/", NULL, MS_MOVE, NULL) < 0)
                        return log_error_errno(errno, "--no-pivot: cannot move the rootfs to /");
                if (chroot(".") < 0)
                        return log_error_errno(errno, "--no-pivot: chroot");
        } else {
                _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (oldroot < 0)
                        return log_error_errno(errno, "cannot open /");
                if (syscall(SYS_pivot_root, ".", ".") < 0)
                        return log_error_errno(errno, "pivot_root into %s", root);
                /* The old root is now stacked below "."; detach it without letting the
                 * unmount propagate anywhere. */
                if (fchdir(oldroot) < 0)
                        return log_error_errno(errno, "cannot enter the old root");
                if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return log_error_errno(errno, "cannot make the old root a slave");
                if (umount2(".", MNT_DETACH) < 0)
                        return log_error_errno(errno, "cannot detach the old root");
        }
        if (chdir("/") < 0)
                return log_error_errno(errno, "chdir /");
        if (c->spec->root_readonly) {
                unsigned long f = current_mount_flags("/") | MS_RDONLY;
                if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | f, NULL) < 0)
                        return log_error_errno(errno, "cannot make the rootfs read-only");
        }
        if (c->spec->rootfs_propagation &&
            mount(NULL, "/", NULL, c->spec->rootfs_propagation, NULL) < 0)
                return log_error_errno(errno, "cannot apply rootfsPropagation");
        return 0;
}
