/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mount-attr.h"

#include <fcntl.h>
#include <libmount/libmount.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "shared/fs-util.h"
#include "shared/log.h"
#include "sync.h"

/* The MS_* flags of libmount's table that have a MOUNT_ATTR_* counterpart. */
static uint64_t attr_of_flag(unsigned long ms)
{
        switch (ms) {
        case MS_RDONLY:
                return MOUNT_ATTR_RDONLY;
        case MS_NOSUID:
                return MOUNT_ATTR_NOSUID;
        case MS_NODEV:
                return MOUNT_ATTR_NODEV;
        case MS_NOEXEC:
                return MOUNT_ATTR_NOEXEC;
        case MS_NODIRATIME:
                return MOUNT_ATTR_NODIRATIME;
        case MS_NOSYMFOLLOW:
                return MOUNT_ATTR_NOSYMFOLLOW;
        case MS_NOATIME:
                return MOUNT_ATTR_NOATIME;
        case MS_RELATIME:
                return MOUNT_ATTR_RELATIME; /* 0: the atime mode bits cleared */
        case MS_STRICTATIME:
                return MOUNT_ATTR_STRICTATIME;
        default:
                return UINT64_MAX;
        }
}

int mount_attr_parse_option(const char *opt, struct mount_rattr *a)
{
        if (streq(opt, "idmap") || streq(opt, "ridmap")) {
                a->idmap = true;
                a->ridmap = a->ridmap || streq(opt, "ridmap");
                return 1;
        }
        if (opt[0] != 'r')
                return 0;
        /* "r" + an entry of libmount's table: the entry's flag, set or (MNT_INVERT: "rw",
         * "suid", "atime" …) cleared */
        const struct libmnt_optmap *e = NULL;
        for (const struct libmnt_optmap *m = mnt_get_builtin_optmap(MNT_LINUX_MAP); m->name; m++)
                if (streq(m->name, opt + 1)) {
                        e = m;
                        break;
                }
        if (!e || (e->mask & MNT_NOMTAB) || (e->mask & MNT_NOHLPS))
                return 0;
        uint64_t attr = attr_of_flag((unsigned long)e->id);
        if (attr == UINT64_MAX)
                return 0;
        bool clear = e->mask & MNT_INVERT;
        if ((unsigned long)e->id & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)) {
                /* one atime mode: the kernel wants all of MOUNT_ATTR__ATIME cleared with it;
                 * "ratime"/"rnostrictatime" go back to the default, "rnorelatime" is strict */
                a->clr |= MOUNT_ATTR__ATIME;
                a->set &= ~(uint64_t)MOUNT_ATTR__ATIME;
                if (clear)
                        attr = (unsigned long)e->id == MS_RELATIME ? MOUNT_ATTR_STRICTATIME
                                                                   : MOUNT_ATTR_RELATIME;
                a->set |= attr;
                return 1;
        }
        if (clear) {
                a->clr |= attr;
                a->set &= ~attr;
        } else {
                a->set |= attr;
                a->clr &= ~attr;
        }
        return 1;
}

int mount_attr_apply(int rootfd, const char *dest, const struct mount_rattr *a)
{
        if (a->set == 0 && a->clr == 0)
                return 0;
        /* re-resolved: the fd the mount was made on is the covered directory */
        _cleanup_close_ int fd = open_in_root(rootfd, dest, O_PATH, 0);
        if (fd < 0)
                return log_error_errno(fd, "cannot open mount %s", dest);
        struct mount_attr attr = {.attr_set = a->set, .attr_clr = a->clr};
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
                return log_error_errno(errno, "mount %s: cannot apply the recursive options", dest);
        return 0;
}

int mount_check_destination(int rootfd, const char *dest)
{
        _cleanup_free_ char *dir = strdup(dest);
        if (!dir)
                return log_error_errno(ENOMEM, "mount %s", dest);
        char *slash = strrchr(dir, '/');
        const char *leaf = slash ? slash + 1 : dir;
        if (!slash || !*leaf)
                return 0; /* "/" */
        *slash = '\0';
        _cleanup_close_ int parent =
            open_in_root(rootfd, *dir ? dir : "/", O_PATH | O_DIRECTORY, 0);
        if (parent < 0)
                return 0; /* missing (created later) or not a directory: reported there */
        struct stat st;
        if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
                return 0;
        char target[4096];
        ssize_t n = readlinkat(parent, leaf, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        return log_error("mount %s: the destination is a symlink in the rootfs (to %s): refusing "
                         "to mount over it",
                         dest, target),
               -ELOOP;
}

static bool is_bind(const struct spec_mount *m)
{
        return streq_ptr(m->type, "bind") || strv_contains(m->options, "bind") ||
               strv_contains(m->options, "rbind");
}

static bool mount_is_idmap(const struct spec_mount *m)
{
        return strv_contains(m->options, "idmap") || strv_contains(m->options, "ridmap");
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n)
{
        char path[64];
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
        if (fclose(f) != 0)
                return -ENOMEM;
        snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
        return write_string_file(path, buf);
}

/* A user namespace with the mount's own mappings: a child made in one, mapped, its namespace
 * opened, then let go. */
static int userns_of_mappings(size_t i, const struct spec_mount *m, int *ret_fd)
{
        int pfd[2];
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return log_error_errno(errno, "mounts[%zu]: pipe", i);
        pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
        if (pid < 0) {
                int e = errno;
                safe_close(pfd[0]);
                safe_close(pfd[1]);
                return log_error_errno(e, "mounts[%zu]: cannot create a user namespace", i);
        }
        if (pid == 0) {
                char b;
                safe_close(pfd[1]);
                (void)!read(pfd[0], &b, 1); /* until the parent is done */
                _exit(0);
        }
        safe_close(pfd[0]);
        char p[64];
        int r = write_map(pid, "uid_map", m->uid_mappings, m->n_uid_mappings);
        if (r >= 0)
                r = write_map(pid, "gid_map", m->gid_mappings, m->n_gid_mappings);
        int fd = -1;
        if (r >= 0) {
                snprintf(p, sizeof p, "/proc/%d/ns/user", (int)pid);
                fd = open(p, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        r = -errno;
        }
        safe_close(pfd[1]);
        (void)waitpid(pid, NULL, 0);
        if (r < 0)
                return log_error_errno(r,
                                       "mounts[%zu]: cannot map a user namespace to its "
                                       "uidMappings/gidMappings",
                                       i);
        *ret_fd = fd;
        return 0;
}

static int idmap_clone(size_t i, const struct spec_mount *m, pid_t stage1, int *ret_fd)
{
        bool rec = strv_contains(m->options, "rbind") || strv_contains(m->options, "ridmap");
        _cleanup_close_ int userns = -1, tree = -1;
        int r;

        if (m->n_uid_mappings > 0) {
                if ((r = userns_of_mappings(i, m, &userns)) < 0)
                        return r;
        } else {
                char p[64];
                snprintf(p, sizeof p, "/proc/%d/ns/user", (int)stage1);
                userns = open(p, O_RDONLY | O_CLOEXEC);
                if (userns < 0)
                        return log_error_errno(errno,
                                               "mounts[%zu]: cannot open the container's "
                                               "user namespace",
                                               i);
        }
        tree = open_tree(AT_FDCWD, m->source,
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
        if (tree < 0 && errno == EPERM && geteuid() != 0)
                return log_error("mount %s: idmapped mounts need crunit to run as root",
                                 m->destination),
                       -EPERM;
        if (tree < 0)
                return log_error_errno(errno, "mount %s: cannot clone the source %s",
                                       m->destination, m->source);
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
        bool ridmap = strv_contains(m->options, "ridmap");
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr,
                          sizeof attr) < 0) {
                int e = errno;
                if (e == EPERM && geteuid() != 0)
                        return log_error("mount %s: idmapped mounts need crunit to run as root",
                                         m->destination),
                               -EPERM;
                if (e == EINVAL)
                        return log_error("mount %s: cannot idmap %s: the file system does not "
                                         "support idmapped mounts%s",
                                         m->destination, m->source,
                                         ridmap ? " (or a mount below it)" : ""),
                               -EINVAL;
                return log_error_errno(e, "mount %s: cannot idmap %s", m->destination, m->source);
        }
        *ret_fd = TAKE_FD(tree);
        return 0;
}

int idmap_mounts_send(int sync_sock, pid_t stage1, const struct spec *s)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                _cleanup_close_ int fd = -1;
                if (!mount_is_idmap(m))
                        continue;
                if (!is_bind(m) || !m->source)
                        return log_error("mount %s: idmap and ridmap are supported on bind "
                                         "mounts only",
                                         m->destination);
                int r = idmap_clone(i, m, stage1, &fd);
                if (r < 0)
                        return r;
                r = sync_send(sync_sock, SYNC_IDMAP_FD, (int)i, NULL, fd);
                if (r < 0)
                        return log_error_errno(r, "lost the container's setup process");
        }
        return 0;
}

int idmap_mounts_receive(struct setup_ctx *c)
{
        for (;;) {
                struct sync_msg m;
                int fd = -1;
                int r = sync_recv(c->sync_fd, &m, &fd);
                if (r < 0)
                        return log_error_errno(r, "lost the parent crunit");
                if (m.type == SYNC_USERNS_MAPPED) {
                        safe_close(fd);
                        return 0;
                }
                if (m.type != SYNC_IDMAP_FD || fd < 0 || m.value < 0 ||
                    (size_t)m.value >= c->spec->n_mounts) {
                        safe_close(fd);
                        return log_error("unexpected message %u from crunit", m.type), -EBADMSG;
                }
                if (!c->idmap_fds) {
                        c->idmap_fds = malloc(c->spec->n_mounts * sizeof(int));
                        if (!c->idmap_fds) {
                                safe_close(fd);
                                return log_error_errno(ENOMEM, "idmap mounts");
                        }
                        for (size_t i = 0; i < c->spec->n_mounts; i++)
                                c->idmap_fds[i] = -1;
                }
                safe_close(c->idmap_fds[m.value]);
                c->idmap_fds[m.value] = fd;
        }
}

int idmap_mount_attach(struct setup_ctx *c, size_t i, int destfd)
{
        const struct spec_mount *m = &c->spec->mounts[i];
        int fd = c->idmap_fds ? c->idmap_fds[i] : -1;
        if (fd < 0)
                return log_error("mount %s: idmap and ridmap need a new user namespace (a user "
                                 "entry without path in linux.namespaces)",
                                 m->destination),
                       -EINVAL;
        c->idmap_fds[i] = -1;
        int r = move_mount(fd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
        int e = errno;
        safe_close(fd);
        if (r < 0)
                return log_error_errno(e, "mount %s: cannot attach the idmapped mount",
                                       m->destination);
        return 0;
}
