/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `crunit exec`, the mechanics (exec.h). The conversation over the sync socket (sync.h):
 *
 *   parent                               stage 1 (forked, still in crunit's namespaces)
 *     move stage 1 into the init's cgroups
 *     GO ------------------------------->
 *                                         setns(pidfd of the init, every namespace that
 *                                         differs from ours), chroot to the init's root,
 *                                         clone(CLONE_PARENT): stage 2, in the pid namespace
 *                                         PID n
 *                                        stage 2 (the process: crunit's child)
 *                                         terminal, cwd, rlimits, … (process_prepare)
 *                                         READY [pty master]
 *                                         … execve: the socket closes (O_CLOEXEC)
 *     EOF: it runs; pid file, console socket or proxy, wait
 *
 * Any stage may send ERROR instead; the parent prints it. */
#include "exec.h"

#include <fcntl.h>
#include <libmount/libmount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>

#include "bus/bus.h"
#include "cli.h"
#include "intelrdt.h"
#include "linux.h"
#include "seccomp-notify.h"
#include "seccomp.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/proc-util.h"
#include "signals.h"
#include "sync.h"
#include "terminal.h"

int listen_fds_count(void)
{
        int n = sd_listen_fds(0);
        if (n < 0) {
                log_warning("ignoring LISTEN_FDS: %s", strerror(-n));
                return 0;
        }
        if (n > 0)
                log_debug("socket activation: passing %d fd(s) from fd 3 on", n);
        return n;
}

int state_save_config(int dirfd, const struct spec *s)
{
        const char *text = json_object_to_json_string_ext(
            s->json, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!text)
                return log_error_errno(ENOMEM, "cannot save config.json in the state directory");
        int r = write_file_atomic_at(dirfd, STATE_CONFIG_FILE, text, 0600);
        if (r < 0)
                return log_error_errno(r, "cannot save config.json in the state directory");
        return 0;
}

/* The container's config.json as it was at create (a changed bundle does not matter). */
static int load_config(struct container *c, struct spec **ret)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ json_object *doc = NULL;
        enum json_tokener_error jerr = json_tokener_success;
        size_t size = 0;

        if (!c->state->bundle)
                return log_error("the state of container \"%s\" names no bundle", c->id), -EBADMSG;
        int r = read_full_file_at(c->dirfd, STATE_CONFIG_FILE, &buf, &size);
        if (r == -ENOENT) { /* created by a crunit that did not keep it */
                log_debug("container %s: no %s in its state, reading the bundle's", c->id,
                          STATE_CONFIG_FILE);
                return spec_load(c->state->bundle, ret);
        }
        if (r < 0)
                return log_error_errno(r, "cannot read the config.json of container \"%s\"", c->id);
        doc = json_tokener_parse_verbose(buf, &jerr);
        if (!doc || jerr != json_tokener_success)
                return log_error("the config.json kept for container \"%s\" is corrupt", c->id),
                       -EBADMSG;
        return spec_parse(doc, c->state->bundle, ret);
}

static const struct {
        int flag;
        const char *name;
} ns_table[] = {
    {CLONE_NEWUSER, "user"},     {CLONE_NEWNS, "mnt"},    {CLONE_NEWPID, "pid"},
    {CLONE_NEWNET, "net"},       {CLONE_NEWIPC, "ipc"},   {CLONE_NEWUTS, "uts"},
    {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"},
};

/* The namespaces of `pid` that are not ours: what setns() has to join. */
static int foreign_namespaces(pid_t pid, int *ret)
{
        int flags = 0;
        for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++) {
                char path[64];
                struct stat theirs, ours;
                snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns_table[i].name);
                if (stat(path, &theirs) < 0) {
                        if (errno == ENOENT) /* a namespace type this kernel does not have */
                                continue;
                        return log_error_errno(errno, "cannot inspect %s", path);
                }
                snprintf(path, sizeof path, "/proc/self/ns/%s", ns_table[i].name);
                if (stat(path, &ours) < 0)
                        return log_error_errno(errno, "cannot inspect %s", path);
                if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino)
                        flags |= ns_table[i].flag;
        }
        *ret = flags;
        return 0;
}

/* ---- cgroups ---------------------------------------------------------------------------- */

/* Where the hierarchy of a /proc/PID/cgroup line is mounted ("" controllers: cgroup2). */
static int cgroup_mountpoint(const char *controllers, char **ret)
{
        struct libmnt_table *t = mnt_new_table_from_file("/proc/self/mountinfo");
        struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
        struct libmnt_fs *fs;
        int r = -ENOENT;

        if (!t || !it) {
                r = -ENOMEM;
                goto out;
        }
        while (r == -ENOENT && mnt_table_next_fs(t, it, &fs) == 0) {
                const char *type = mnt_fs_get_fstype(fs), *root = mnt_fs_get_root(fs);
                const char *opts = mnt_fs_get_options(fs);
                if (!type || !root || !streq(root, "/"))
                        continue;
                if (*controllers == '\0') {
                        if (!streq(type, "cgroup2"))
                                continue;
                } else {
                        if (!streq(type, "cgroup") || !opts)
                                continue;
                        _cleanup_free_ char *list = strdup(controllers);
                        if (!list) {
                                r = -ENOMEM;
                                break;
                        }
                        bool all = true;
                        char *save, *ctl;
                        for (ctl = strtok_r(list, ",", &save); ctl && all;
                             ctl = strtok_r(NULL, ",", &save)) {
                                char *val = NULL;
                                size_t sz = 0;
                                if (startswith(ctl, "name="))
                                        all = mnt_optstr_get_option(opts, "name", &val, &sz) == 0 &&
                                              sz == strlen(ctl + 5) &&
                                              strncmp(val, ctl + 5, sz) == 0;
                                else
                                        all = mnt_optstr_get_option(opts, ctl, &val, &sz) == 0;
                        }
                        if (!all)
                                continue;
                }
                *ret = strdup(mnt_fs_get_target(fs));
                r = *ret ? 0 : -ENOMEM;
        }
out:
        mnt_free_iter(it);
        mnt_unref_table(t);
        return r;
}

/* The "H:CONTROLLERS:" of a /proc/PID/cgroup line in `text`, or NULL. */
static const char *cgroup_line_path(const char *text, const char *prefix, size_t len)
{
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, prefix, len) == 0)
                        return l + len;
        return NULL;
}

/* Moves `pid` into every cgroup `init` is in, in each hierarchy where it is elsewhere. */
static int cgroup_follow(pid_t init, pid_t pid, bool must)
{
        _cleanup_free_ char *theirs = NULL, *ours = NULL;
        char path[64], pidbuf[32];
        int r;

        snprintf(path, sizeof path, "/proc/%d/cgroup", (int)init);
        if ((r = read_full_file(path, &theirs, NULL)) < 0)
                return log_error_errno(r, "cannot read %s", path);
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
        if ((r = read_full_file(path, &ours, NULL)) < 0)
                return log_error_errno(r, "cannot read %s", path);
        snprintf(pidbuf, sizeof pidbuf, "%d", (int)pid);

        for (char *l = theirs, *next; l && *l; l = next) {
                next = strchr(l, '\n');
                if (next)
                        *next++ = '\0';
                char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2)
                        continue;
                size_t plen = (size_t)(c2 - l) + 1; /* "H:CONTROLLERS:" */
                const char *cg = c2 + 1, *now = cgroup_line_path(ours, l, plen);
                size_t cglen = strlen(cg);
                if (now && strncmp(now, cg, cglen) == 0 && (now[cglen] == '\n' || !now[cglen]))
                        continue; /* there already */
                *c2 = '\0';
                _cleanup_free_ char *mnt = NULL, *procs = NULL;
                if ((r = cgroup_mountpoint(c1 + 1, &mnt)) < 0) {
                        if (!must)
                                continue;
                        return log_error_errno(r, "cannot find the cgroup hierarchy \"%s\"",
                                               *(c1 + 1) ? c1 + 1 : "cgroup2");
                }
                if (asprintf(&procs, "%s%s/cgroup.procs", mnt, streq(cg, "/") ? "" : cg) < 0)
                        return log_error_errno(ENOMEM, "exec");
                r = write_string_file(procs, pidbuf);
                if (r < 0 && must)
                        return log_error_errno(r, "cannot move the process into %s", procs);
                if (r < 0)
                        log_warning("cannot move the process into %s: %s", procs, strerror(-r));
                else
                        log_debug("exec: moved %d into %s", (int)pid, procs);
        }
        return 0;
}

/* The scope first (systemd's AttachProcessesToUnit, so that it knows), then whatever
 * hierarchy still differs from the init's (v1 ones systemd does not manage, sub-cgroups). */
static int attach_cgroups(struct container *c, pid_t init, pid_t pid)
{
        if (c->state->unit && c->state->bus != BUS_NONE) {
                _cleanup_bus_ sd_bus *bus = NULL;
                sd_bus_error error = SD_BUS_ERROR_NULL;
                int r = bus_connect_systemd(c->state->bus == BUS_USER, false, &bus);
                if (r >= 0)
                        r = sd_bus_call_method(
                            bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                            "org.freedesktop.systemd1.Manager", "AttachProcessesToUnit", &error,
                            NULL, "ssau", c->state->unit, "", 1, (uint32_t)pid);
                if (r < 0)
                        log_debug("AttachProcessesToUnit(%s): %s; writing cgroup.procs instead",
                                  c->state->unit, error.message ? error.message : strerror(-r));
                sd_bus_error_free(&error);
        }
        return cgroup_follow(init, pid, !arg_globals.rootless);
}

/* ---- child side --------------------------------------------------------------------------- */

struct exec_ctx {
        struct setup_ctx setup;
        int init_pidfd;
        int ns_flags;
        int init_root; /* O_PATH of /proc/<init>/root */
};

static _noreturn_ void exec_stage2(struct exec_ctx *x)
{
        struct setup_ctx *c = &x->setup;
        const struct spec_process *p = &c->spec->process;
        _cleanup_free_ char *path = NULL;
        int r;

        if (c->spec->seccomp && c->spec->seccomp->uses_notify) {
                /* the socket to listenerPath, connected by crunit, and our PID there */
                struct sync_msg m;
                if (sync_expect(c->sync_fd, SYNC_SECCOMP_LISTENER, &m, &c->seccomp_listener) < 0)
                        _exit(1);
                c->host_pid = m.value;
        }
        c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (c->rootfd < 0) {
                log_error_errno(errno, "cannot open the container's root");
                _exit(1);
        }
        if (p->terminal && ((r = terminal_setup(c)) < 0 || (r = terminal_attach(c)) < 0))
                _exit(1);
        if (chdir_in_root(p->cwd) < 0) /* here: a missing cwd is not a missing command */
                _exit(1);
        if ((r = process_prepare(c, &path)) < 0)
                _exit(r == -ENOENT ? 127 : 126);
        if (sync_send(c->sync_fd, SYNC_READY, 0, NULL, c->pty_master) < 0)
                _exit(1);
        c->pty_master = safe_close(c->pty_master);
        c->rootfd = safe_close(c->rootfd);
        process_exec(c, path); /* errors still go to the parent until execve closes sync_fd */
}

static _noreturn_ void exec_stage1(struct exec_ctx *x)
{
        struct setup_ctx *c = &x->setup;

        stage1_begin(c);
        if (x->ns_flags && setns(x->init_pidfd, x->ns_flags) < 0) {
                log_error_errno(errno, "cannot join the namespaces of the container's init");
                _exit(1);
        }
        if (fchdir(x->init_root) < 0 || chroot(".") < 0 || chdir("/") < 0) {
                log_error_errno(errno, "cannot enter the root of the container");
                _exit(1);
        }
        x->init_root = safe_close(x->init_root);
        x->init_pidfd = safe_close(x->init_pidfd);
        /* setns(CLONE_NEWPID) only puts our children there. CLONE_PARENT: the process is
         * crunit's child, so a foreground exec waits for it. */
        pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
        if (pid < 0) {
                log_error_errno(errno, "cannot fork the process");
                _exit(1);
        }
        if (pid == 0) {
                (void)prctl(PR_SET_PDEATHSIG, 0);
                exec_stage2(x);
        }
        (void)sync_send(c->sync_fd, SYNC_PID, pid, NULL, -1);
        _exit(0);
}

/* ---- parent side -------------------------------------------------------------------------- */

/* Until the process has exec'd or failed: EOF, when both stages have closed their end (stage 1
 * exits, stage 2 execs or exits). *ret_pid: the process, once known (it may report an error
 * before stage 1 reports its PID). */
static int drive_exec(int sock, const struct spec *s, pid_t *ret_pid, int *ret_pty)
{
        bool ready = false;
        int failed = 0;
        for (;;) {
                struct sync_msg m;
                int fd = -1;
                int r = sync_recv(sock, &m, &fd);
                if (r == -EPIPE) {
                        if (failed < 0)
                                return failed;
                        if (!ready)
                                return log_error("the exec'd process died during its setup"),
                                       -ECANCELED;
                        return 0;
                }
                if (r < 0)
                        return log_error_errno(r, "lost the exec'd process");
                switch (m.type) {
                case SYNC_PID:
                        *ret_pid = m.value;
                        /* SCMP_ACT_NOTIFY: the process sends its listener fd to the agent */
                        if (s->seccomp && s->seccomp->uses_notify &&
                            (r = seccomp_listener_handover(sock, s->seccomp->listener_path,
                                                           m.value)) < 0) {
                                kill(m.value, SIGKILL); /* it waits for the socket */
                                failed = r;
                        }
                        break;
                case SYNC_READY:
                        ready = true;
                        *ret_pty = fd;
                        fd = -1;
                        break;
                case SYNC_LOG:
                        log_emit((enum log_level)m.value, m.text);
                        break;
                case SYNC_ERROR:
                        if (failed == 0) /* the first error is the cause */
                                log_emit(LOG_LEVEL_ERROR, m.text);
                        failed = -ECANCELED;
                        break;
                default:
                        safe_close(fd);
                        return log_error("unexpected message %u from the exec'd process", m.type);
                }
                safe_close(fd);
        }
}

static int check_options(const struct spec *s, const struct exec_opts *o)
{
        const struct spec_process *p = &s->process;
        if (!p->args || !p->args[0])
                return log_error("exec: no command given"), -EINVAL;
        if (p->terminal && o->detach && !o->console_socket)
                return log_error("exec: cannot allocate a pseudo-TTY for a detached process "
                                 "without --console-socket"),
                       -EINVAL;
        if (!p->terminal && o->console_socket)
                return log_error("exec: --console-socket given but no terminal was asked for "
                                 "(-t)"),
                       -EINVAL;
        return lsm_check(s, "exec");
}

int container_exec(struct container *c, const struct exec_opts *o)
{
        _cleanup_spec_ struct spec *s = NULL;
        _cleanup_close_ int pidfd = -1, init_root = -1, sock_parent = -1, sock_child = -1;
        _cleanup_close_ int pty = -1;
        _cleanup_(syscall_filter_releasep) void *filter = NULL;
        pid_t stage1 = 0, pid = 0;
        sigset_t old;
        bool blocked = false;
        int r, ns_flags = 0;

        enum container_status st = container_status(c);
        if (st == STATUS_STOPPED)
                return log_error("cannot exec in a stopped container \"%s\"", c->id), -ESRCH;
        if (st == STATUS_PAUSED && !o->ignore_paused)
                return log_error("cannot exec in a paused container \"%s\" (use --ignore-paused "
                                 "to override)",
                                 c->id),
                       -EBUSY;
        if ((r = load_config(c, &s)) < 0 || (r = exec_build_process(s, o)) < 0 ||
            (r = check_options(s, o)) < 0)
                return r;
        if ((pidfd = pidfd_open_checked(c->state->pid, c->state->pid_start_time)) < 0)
                return log_error("cannot exec in a stopped container \"%s\"", c->id), -ESRCH;
        if ((r = foreign_namespaces(c->state->pid, &ns_flags)) < 0)
                return r;
        char root_path[64];
        snprintf(root_path, sizeof root_path, "/proc/%d/root", (int)c->state->pid);
        if ((init_root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return log_error_errno(errno, "cannot open the root of container \"%s\"", c->id);
        if ((r = syscall_filter_prepare_cached(s, c->rootfd, &filter)) < 0)
                return r;
        int nlisten = listen_fds_count();

        if (!o->detach) {
                if ((r = signals_block_all(&old)) < 0)
                        return r;
                blocked = true;
        }
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                r = log_error_errno(errno, "exec: socketpair");
                goto out;
        }
        sock_parent = sp[0];
        sock_child = sp[1];
        stage1 = fork();
        if (stage1 < 0) {
                r = log_error_errno(errno, "fork");
                goto out;
        }
        if (stage1 == 0) {
                struct exec_ctx x = {
                    .setup =
                        {
                            .spec = s,
                            .id = c->id,
                            .sync_fd = sock_child,
                            .fifo_fd = -1,
                            .preserve_fds = nlisten + o->preserve_fds,
                            .listen_fds = nlisten,
                            .in_userns = ns_flags & CLONE_NEWUSER,
                            .rootfd = -1,
                            .pty_master = -1,
                            .pty_slave = -1,
                            .seccomp_filter = filter,
                            .seccomp_listener = -1,
                            .notify_status = status_to_string(st),
                            .notify_init_pid = c->state->pid,
                        },
                    .init_pidfd = pidfd,
                    .ns_flags = ns_flags,
                    .init_root = init_root,
                };
                safe_close(sock_parent);
                safe_close(c->dirfd);
                safe_close(c->rootfd);
                exec_stage1(&x);
        }
        sock_child = safe_close(sock_child);

        if ((r = attach_cgroups(c, c->state->pid, stage1)) < 0 ||
            (c->state->rdt_group && (r = intelrdt_join(c->state->rdt_group, stage1)) < 0))
                goto fail;
        if ((r = sync_send(sock_parent, SYNC_GO, 0, NULL, -1)) < 0) {
                r = log_error_errno(r, "the exec'd process died");
                goto fail;
        }
        r = drive_exec(sock_parent, s, &pid, &pty);
        (void)wait_for_child(stage1);
        stage1 = 0;
        if (r < 0) {
                if (pid > 0) {
                        int code = wait_for_child(pid);
                        pid = 0;
                        /* the command was not found (127) or could not be run (126) */
                        if (!o->detach && (code == 126 || code == 127))
                                r = code;
                }
                goto out;
        }
        if (pid <= 0) {
                r = log_error("the exec'd process is gone");
                goto fail;
        }
        if (o->pid_file && (r = write_pid_file(o->pid_file, pid)) < 0)
                goto fail;
        if (pty >= 0 && o->console_socket) {
                if ((r = terminal_send_to_socket(o->console_socket, pty)) < 0)
                        goto fail;
                pty = safe_close(pty);
        }
        if (o->detach) {
                r = 0;
                goto out;
        }
        int child_fd = pidfd_open_pid(pid);
        if (child_fd < 0) {
                r = log_error_errno(child_fd, "exec: pidfd");
                goto fail;
        }
        r = forward_signals_and_wait(pid, child_fd, pty);
        safe_close(child_fd);
        if (r < 0)
                r = 1;
        goto out;

fail:
        if (pid > 0) {
                kill(pid, SIGKILL);
                (void)wait_for_child(pid);
                if (o->pid_file)
                        (void)unlink(o->pid_file);
        }
        if (stage1 > 0) {
                kill(stage1, SIGKILL);
                (void)wait_for_child(stage1);
        }
out:
        if (blocked)
                sigprocmask(SIG_SETMASK, &old, NULL);
        return r;
}
