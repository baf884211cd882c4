/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container.h"

#include <assert.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bus/bus-annotations.h"
#include "bus/bus.h"
#include "bus/unit-name.h"
#include "cli.h"
#include "config.h"
#include "cgroup-v1-extra.h"
#include "container-machine.h"
#include "exec.h"
#include "hooks.h"
#include "intelrdt.h"
#include "journal-stdio.h"
#include "linux.h"
#include "notify.h"
#include "seccomp.h"
#include "seccomp-notify.h"
#include "mount-attr.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/proc-util.h"
#include "spec/spec.h"
#include "sync.h"
#include "terminal.h"

const char *state_root(void)
{
        static char buf[4096];
        if (arg_globals.root)
                return arg_globals.root;
        if (geteuid() == 0)
                return CRUNIT_STATE_ROOT;
        const char *rt = getenv("XDG_RUNTIME_DIR");
        if (rt && *rt)
                snprintf(buf, sizeof buf, "%s/crunit", rt);
        else
                snprintf(buf, sizeof buf, "/tmp/crunit-%u", (unsigned)geteuid());
        return buf;
}

void container_free(struct container *c)
{
        if (!c)
                return;
        free(c->id);
        safe_close(c->rootfd);
        safe_close(c->dirfd);
        safe_close(c->pidfd);
        safe_close(c->pty_master);
        notify_free(c->notify);
        container_state_free(c->state);
        free(c);
}

static struct container *container_new(const char *id)
{
        struct container *c = calloc(1, sizeof *c);
        if (!c)
                return NULL;
        c->rootfd = c->dirfd = c->pidfd = c->pty_master = -1;
        c->id = strdup(id);
        if (!c->id) {
                free(c);
                return NULL;
        }
        return c;
}

static int check_id(const char *id)
{
        if (!container_id_is_valid(id))
                return log_error("invalid container id \"%s\": it must match "
                                 "[a-zA-Z0-9_+-][a-zA-Z0-9_+.-]* and be at most 128 bytes",
                                 id);
        log_set_container_id(id); /* --log journald: CONTAINER_ID= (argv outlives us) */
        return 0;
}

/* What the kernel or the scope would only reject later, obscurely. */
static int validate_for_create(const struct spec *s, const struct create_opts *o)
{
        struct stat st;
        if (!s->has_process)
                return log_error("config.json: process is required to create a container");
        if (stat(s->root_path, &st) < 0)
                return log_error_errno(errno, "rootfs %s", s->root_path);
        if (!S_ISDIR(st.st_mode))
                return log_error("rootfs %s is not a directory", s->root_path);
        if (s->process.terminal && !o->foreground && !o->console_socket)
                return log_error("process.terminal is true but no --console-socket was given: "
                                 "a detached container cannot allocate a pseudo-TTY without one");
        if (!s->process.terminal && o->console_socket)
                return log_error("--console-socket given but process.terminal is false");
        const struct spec_namespace *mnt = spec_find_namespace(s, CLONE_NEWNS);
        if (!mnt || mnt->path)
                return log_error("linux.namespaces: a new mount namespace is required");
        const struct spec_namespace *uts = spec_find_namespace(s, CLONE_NEWUTS);
        if ((s->hostname || s->domainname) && (!uts || uts->path))
                return log_error("config.json: hostname/domainname need a new uts namespace");
        if (arg_globals.rootless && !spec_find_namespace(s, CLONE_NEWUSER))
                return log_error("running as an unprivileged user needs a user namespace in "
                                 "config.json (see: crunit spec --rootless)");
        return 0;
}

/* prestart and createRuntime hooks, in the runtime namespace, once stage 2 has sent HOOKS
 * (mounts done, before pivot_root) and the init's PID is known; HOOKS_DONE hands stage 2 the
 * state for its createContainer hooks. */
static int run_create_hooks(int sock, const struct spec *s, struct container_state *st, pid_t pid)
{
        _cleanup_close_ int fd = -1;
        st->pid = pid;
        int r = hooks_state_fd(st, "creating", &fd);
        st->pid = 0;
        if (r < 0)
                return r;
        if ((r = hooks_run(&s->hooks, SPEC_HOOK_PRESTART, fd, s->bundle, false)) < 0 ||
            (r = hooks_run(&s->hooks, SPEC_HOOK_CREATE_RUNTIME, fd, s->bundle, false)) < 0)
                return r;
        if ((r = sync_send(sock, SYNC_HOOKS_DONE, 0, NULL, fd)) < 0)
                return log_error_errno(r, "lost the container's setup process");
        return 0;
}

/* The parent's side of sync.h: drives the setup processes until the init is READY. */
static int drive_setup(int sock, pid_t stage1, const struct spec *s, pid_t *ret_pid, int *ret_pty,
                       struct container_state *st)
{
        pid_t pid = 0;
        bool ready = false;
        bool hooks_pending = false; /* HOOKS came before PID (they come from two processes) */
        while (!ready || pid == 0) {
                struct sync_msg m;
                int fd = -1;
                int r = sync_recv(sock, &m, &fd);
                if (r == -EPIPE) {
                        if (pid > 0)
                                kill(pid, SIGKILL); /* nothing to do for it any more */
                        int status = 0;
                        if (waitpid(stage1, &status, WNOHANG) > 0 && WIFSIGNALED(status))
                                return log_error("the container's setup process was killed by "
                                                 "signal %d",
                                                 WTERMSIG(status));
                        return log_error("the container's init exited during setup");
                }
                if (r < 0)
                        return log_error_errno(r, "lost the container's setup process");
                switch (m.type) {
                case SYNC_USERNS:
                        r = ns_write_id_maps(stage1, s, arg_globals.rootless);
                        if (r < 0)
                                return r;
                        r = idmap_mounts_send(sock, stage1, s);
                        if (r < 0)
                                return r;
                        r = sync_send(sock, SYNC_USERNS_MAPPED, 0, NULL, -1);
                        if (r < 0)
                                return log_error_errno(r, "lost the container's setup process");
                        break;
                case SYNC_PID:
                        pid = m.value;
                        *ret_pid = pid;
                        if (hooks_pending && (r = run_create_hooks(sock, s, st, pid)) < 0)
                                return r;
                        hooks_pending = false;
                        break;
                case SYNC_HOOKS:
                        hooks_pending = pid == 0;
                        if (pid > 0 && (r = run_create_hooks(sock, s, st, pid)) < 0)
                                return r;
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
                        log_emit(LOG_LEVEL_ERROR, m.text);
                        safe_close(fd);
                        return -ECANCELED;
                default:
                        safe_close(fd);
                        return log_error("unexpected message %u from the container's setup",
                                         m.type);
                }
                safe_close(fd);
        }
        return 0;
}

static int connect_for_scope(sd_bus **ret_bus, int *ret_kind)
{
        if (!arg_globals.rootless) {
                *ret_kind = BUS_SYSTEM;
                return bus_connect_systemd(false, true, ret_bus);
        }
        int r = bus_connect_systemd(true, false, ret_bus);
        if (r < 0) {
                log_warning("cannot reach your systemd user instance (%s): the container runs "
                            "without a scope",
                            r == -ENXIO ? "XDG_RUNTIME_DIR is not set" : strerror(-r));
                *ret_kind = BUS_NONE;
                *ret_bus = NULL;
                return 0;
        }
        *ret_kind = BUS_USER;
        return 0;
}

int container_create(const struct create_opts *o, struct container **ret)
{
        _cleanup_spec_ struct spec *s = NULL;
        _cleanup_container_ struct container *c = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *slice = NULL, *unit = NULL;
        _cleanup_close_ int fifo = -1, sock_parent = -1, sock_child = -1;
        pid_t stage1 = 0, pid = 0;
        int r, bus_kind = BUS_NONE;
        _cleanup_close_ int hook_state_fd = -1; /* for the init's startContainer hooks */
        bool scope_started = false;
        _cleanup_(syscall_filter_releasep) void *seccomp_filter = NULL; /* the init's copy */

        assert(o && o->id);
        if ((r = check_id(o->id)) < 0)
                return r;
        if ((r = spec_load(o->bundle ? o->bundle : ".", &s)) < 0)
                return r;
        if ((r = validate_for_create(s, o)) < 0 || (r = lsm_check(s, "config.json")) < 0)
                return r;
        _cleanup_close_ int rdt_fd = -1; /* linux.intelRdt: the resctrl root */
        if (s->intel_rdt && ((r = intelrdt_open_root(&rdt_fd)) < 0 ||
                             (r = intelrdt_check(rdt_fd, s->intel_rdt)) < 0))
                return r;
        /* org.systemd.property.* annotations: scope properties */
        _cleanup_(unit_properties_done) struct unit_properties unit_props = {};
        if ((r = unit_properties_from_annotations(s->annotations, &unit_props)) < 0)
                return r;
        bool journal_stdio = false;
        if ((r = stdio_resolve(o->stdio, o->stdio_given, s, o->foreground, &journal_stdio)) < 0)
                return r;
        if ((r = container_unit_names(s->cgroups_path, o->id, &slice, &unit)) < 0)
                return r;
        if (!(c = container_new(o->id)))
                return log_error_errno(ENOMEM, "create");
        if ((r = state_root_open(state_root(), true, &c->rootfd)) < 0)
                return r == -ENOMEM ? r : log_error_errno(r, "state root %s", state_root());
        if ((r = state_dir_create(c->rootfd, o->id, &c->dirfd)) < 0)
                return r;

        /* From here on, a failure must leave nothing behind. */
        if ((r = connect_for_scope(&bus, &bus_kind)) < 0)
                goto fail;
        bool keep_unit = keep_unit_wanted(s, o->keep_unit);
        if (keep_unit && !bus) {
                r = log_error("--keep-unit: no service manager to talk to");
                goto fail;
        }
        if (keep_unit) {
                free(unit);
                unit = NULL;
                if ((r = keep_unit_own_service(bus_kind == BUS_USER, &unit)) < 0)
                        goto fail;
        }
        if (!bus && s->resources)
                log_warning("linux.resources is not applied: the container has no scope");
        if (!(c->state = calloc(1, sizeof *c->state)) || !(c->state->id = strdup(o->id)) ||
            !(c->state->bundle = strdup(s->bundle)) || !(c->state->rootfs = strdup(s->root_path)) ||
            !(c->state->created = now_rfc3339()) ||
            !(c->state->oci_version = strdup(s->oci_version)) ||
            (bus && !(c->state->unit = strdup(unit)))) {
                r = log_error_errno(ENOMEM, "create");
                goto fail;
        }
        c->state->owner = geteuid();
        c->state->bus = bus_kind;
        c->state->annotations = s->annotations ? json_object_get(s->annotations) : NULL;
        c->state->hooks = s->hooks_json ? json_object_get(s->hooks_json) : NULL;
        c->state->keep_unit = keep_unit;
        if ((r = notify_setup_spec(s, c->dirfd, c->state)) < 0)
                goto fail;
        if ((r = state_save(c->dirfd, c->state)) < 0 ||
            (r = state_save_config(c->dirfd, s)) < 0) /* for exec (exec.h) */
                goto fail;

        if (mkfifoat(c->dirfd, EXEC_FIFO, 0600) < 0) {
                r = log_error_errno(errno, "cannot create %s", EXEC_FIFO);
                goto fail;
        }
        /* O_RDWR opens a fifo without waiting for a peer; the init inherits this fd. */
        fifo = openat(c->dirfd, EXEC_FIFO, O_RDWR | O_CLOEXEC);
        int sp[2];
        if (fifo < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                r = log_error_errno(errno, "cannot set up the container's init");
                goto fail;
        }
        sock_parent = sp[0];
        sock_child = sp[1];

        /* Compiled (or taken from the cache) here, inherited by the init across fork. */
        if ((r = syscall_filter_prepare_cached(s, c->rootfd, &seccomp_filter)) < 0)
                goto fail;

        int nlisten = listen_fds_count();
        stage1 = fork();
        if (stage1 < 0) {
                r = log_error_errno(errno, "fork");
                goto fail;
        }
        if (stage1 == 0) {
                struct setup_ctx ctx = {
                    .spec = s,
                    .id = o->id,
                    .sync_fd = sock_child,
                    .fifo_fd = fifo,
                    .preserve_fds = nlisten + o->preserve_fds,
                    .listen_fds = nlisten, /* socket activation (exec.h) */
                    .no_pivot = o->no_pivot,
                    .rootfd = -1,
                    .pty_master = -1,
                    .pty_slave = -1,
                    .seccomp_filter = seccomp_filter,
                    .journal_stdio = journal_stdio,
                    .seccomp_listener = -1,
                };
                /* The state directory's fd carries our flock: the init must not hold it. */
                safe_close(sock_parent);
                safe_close(c->dirfd);
                safe_close(c->rootfd);
                /* the bus connection's fd is O_CLOEXEC; sd-bus must not be used after fork */
                container_init_main(&ctx);
        }
        sock_child = safe_close(sock_child);

        /* The scope exists, holding stage 1, before any container code runs. */
        /* keep-unit: no scope; the service crunit runs in gets the resources */
        if (bus && keep_unit && s->resources &&
            (r = bus_set_unit_resources(bus, unit, s->resources)) < 0)
                goto fail;
        if (bus && !keep_unit) {
                _cleanup_free_ char *description = NULL;
                if (asprintf(&description, "crunit container %s", o->id) < 0) {
                        r = log_error_errno(ENOMEM, "create");
                        goto fail;
                }
                struct scope_params sp_ = {
                    .unit = unit, .slice = slice, .description = description, .pid = stage1};
                sp_.resources = s->resources;
                sp_.properties = &unit_props;
                uint64_t t0 = now_usec();
                r = bus_start_scope(bus, &sp_);
                if (r < 0)
                        goto fail;
                scope_started = true;
                log_debug("%s started in %.1f ms", unit, (double)(now_usec() - t0) / 1000.0);
        }
        /* cgroup v1: what systemd cannot express, into the delegated cgroups, before any
         * container code runs (stage 1 waits for SYNC_GO) */
        if (bus && (r = cgroup_v1_extra_apply(c->dirfd, stage1, s->resources,
                                              CGROUP_V1_AFTER_SYSTEMD)) < 0)
                goto fail;
        if (s->intel_rdt) { /* stage 1 joins the group first: all the container inherits it */
                const char *g = intelrdt_group_name(s->intel_rdt, o->id);
                bool created;
                if ((r = intelrdt_apply(rdt_fd, s->intel_rdt, g, stage1, &created)) < 0)
                        goto fail;
                c->state->rdt_group_shared = s->intel_rdt->clos_id != NULL;
                c->state->rdt_group_created = created;
                if (!(c->state->rdt_group = strdup(g))) {
                        if (created)
                                (void)intelrdt_remove(rdt_fd, g, c->state->rdt_group_shared);
                        r = log_error_errno(ENOMEM, "create");
                        goto fail;
                }
        }
        if ((r = sync_send(sock_parent, SYNC_GO, 0, NULL, -1)) < 0) {
                r = log_error_errno(r, "the container's setup process died");
                goto fail;
        }
        uint64_t t1 = now_usec();
        r = drive_setup(sock_parent, stage1, s, &pid, &c->pty_master, c->state);
        if (r < 0)
                goto fail;
        log_debug("container %s set up in %.1f ms", o->id, (double)(now_usec() - t1) / 1000.0);
        (void)wait_for_child(stage1);
        stage1 = 0;

        c->pid = pid;
        c->pidfd = pidfd_open_pid(pid);
        if (c->pidfd < 0 || proc_stat(pid, &c->state->pid_start_time, NULL) < 0) {
                r = log_error("the container's init (pid %d) is gone", (int)pid);
                goto fail;
        }
        c->state->pid = pid;
        if ((r = state_save(c->dirfd, c->state)) < 0)
                goto fail;
        if ((r = container_register_machine(c, scope_started)) < 0) /* machinectl list */
                goto fail;
        if (o->pid_file && (r = write_pid_file(o->pid_file, pid)) < 0)
                goto fail;
        if (c->pty_master >= 0 && o->console_socket) {
                r = terminal_send_to_socket(o->console_socket, c->pty_master);
                if (r < 0)
                        goto fail;
                c->pty_master = safe_close(c->pty_master);
        }
        if (hooks_have(&s->hooks, SPEC_HOOK_START_CONTAINER) &&
            (r = hooks_state_fd(c->state, "created", &hook_state_fd)) < 0)
                goto fail;
        if (s->seccomp && s->seccomp->uses_notify &&
            (r = seccomp_listener_handover(sock_parent, s->seccomp->listener_path, pid)) < 0)
                goto fail;
        if ((r = sync_send(sock_parent, SYNC_ACK, 0, NULL, hook_state_fd)) < 0) {
                r = log_error_errno(r, "the container's init died");
                goto fail;
        }
        *ret = TAKE_PTR(c);
        return 0;

fail:
        if (pid > 0) {
                kill(pid, SIGKILL);
                (void)wait_for_child(pid);
        }
        if (stage1 > 0) {
                kill(stage1, SIGKILL);
                (void)wait_for_child(stage1);
        }
        if (scope_started)
                (void)bus_stop_unit(bus, unit);
        if (c->state && c->state->rdt_group && c->state->rdt_group_created)
                (void)intelrdt_remove(rdt_fd, c->state->rdt_group, c->state->rdt_group_shared);
        if (o->pid_file && c->state && c->state->pid)
                (void)unlink(o->pid_file);
        cgroup_v1_extra_remove(c->dirfd); /* the cpuset cgroup crunit made on v1 */
        (void)state_dir_remove(c->rootfd, o->id);
        return r;
}

int container_open(const char *id, bool lock, bool force, struct container **ret)
{
        _cleanup_container_ struct container *c = NULL;
        int r;
        if ((r = check_id(id)) < 0)
                return r;
        if (!(c = container_new(id)))
                return log_error_errno(ENOMEM, "open");
        r = state_root_open(state_root(), false, &c->rootfd);
        if (r == -ENOENT)
                return log_error("container \"%s\" does not exist", id), -ENOENT;
        if (r < 0)
                return log_error_errno(r, "state root %s", state_root());
        if ((r = state_dir_open(c->rootfd, id, lock, &c->dirfd)) < 0)
                return r;
        r = state_load(c->dirfd, id, &c->state);
        if (r == -EBADMSG && force) {
                /* Keep what can be found without it: the scope by its default name. */
                log_warning("the state of container %s is corrupt: cleaning up what is left", id);
                _cleanup_free_ char *slice = NULL;
                if (!(c->state = calloc(1, sizeof *c->state)) || !(c->state->id = strdup(id)) ||
                    container_unit_names(NULL, id, &slice, &c->state->unit) < 0)
                        return log_error_errno(ENOMEM, "open");
                c->state->bus = arg_globals.rootless ? BUS_USER : BUS_SYSTEM;
        } else if (r == -EBADMSG)
                return log_error("the state of container %s is corrupt", id), r;
        else if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

enum container_status container_status(struct container *c)
{
        return state_status(c->dirfd, c->state);
}

/* After `start` wrote to exec.fifo (`fifo`, our write end): the init runs its startContainer
 * hooks and closes its end of the fifo when it execs the user process (or dies); then the
 * poststart hooks run here. A failed startContainer hook left its error in the fifo. */
static int start_hooks(struct container *c, const struct spec_hooks *h, int fifo)
{
        _cleanup_close_ int rfd = -1, state_fd = -1;
        char path[FD_PATH_MAX], msg[2048] = "";
        struct pollfd p = {.fd = fifo, .events = 0}; /* POLLERR: no reader left */
        int r;

        while ((r = poll(&p, 1, -1)) < 0 && errno == EINTR)
                ;
        if (r < 0)
                return log_error_errno(errno, "cannot start container \"%s\"", c->id);
        rfd = open(fd_path(fifo, path), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        ssize_t n = rfd >= 0 ? read(rfd, msg, sizeof msg - 1) : -1;
        if (n > 0 && msg[0] != '\0') {
                msg[n] = '\0';
                c->start_failed = true;
                return log_error("%s", msg);
        }
        if (hooks_have(h, SPEC_HOOK_POSTSTART) &&
            hooks_state_fd(c->state, "running", &state_fd) >= 0)
                (void)hooks_run(h, SPEC_HOOK_POSTSTART, state_fd, c->state->bundle, true);
        return 0;
}

int container_start(struct container *c)
{
        enum container_status st = container_status(c);
        if (st == STATUS_RUNNING)
                return log_error("cannot start container \"%s\": it is already running", c->id);
        if (st != STATUS_CREATED)
                return log_error("cannot start container \"%s\": it is %s", c->id,
                                 status_to_string(st));
        _cleanup_close_ int fd = openat(c->dirfd, EXEC_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno,
                                       "cannot start container \"%s\": its init is not "
                                       "waiting",
                                       c->id);
        char b = 0;
        if (write(fd, &b, 1) != 1)
                return log_error_errno(errno, "cannot start container \"%s\"", c->id);
        if (unlinkat(c->dirfd, EXEC_FIFO, 0) < 0)
                return log_error_errno(errno, "cannot start container \"%s\"", c->id);
        if (!c->state->hooks)
                return 0;
        struct spec_hooks h;
        int r = spec_parse_hooks(c->state->hooks, &h);
        if (r >= 0 &&
            (hooks_have(&h, SPEC_HOOK_START_CONTAINER) || hooks_have(&h, SPEC_HOOK_POSTSTART)))
                r = start_hooks(c, &h, fd);
        spec_hooks_done(&h);
        return r;
}

/* A pidfd for the recorded init, checked against its start time (no PID reuse). */
static int open_init(struct container *c)
{
        if (c->pidfd >= 0)
                return c->pidfd;
        int fd = pidfd_open_checked(c->state->pid, c->state->pid_start_time);
        if (fd >= 0)
                c->pidfd = fd;
        return fd;
}

static int connect_for_unit(struct container *c, sd_bus **ret)
{
        if (!c->state->unit || c->state->bus == BUS_NONE)
                return -ENOENT;
        return bus_connect_systemd(c->state->bus == BUS_USER, true, ret);
}

int container_kill(struct container *c, int sig, bool all)
{
        enum container_status st = container_status(c);
        if (st == STATUS_STOPPED)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        if (all && c->state->unit && st == STATUS_PAUSED && sig == SIGKILL) {
                /* as below, then thaw: v1 frozen tasks do not die before they are thawed */
                _cleanup_bus_ sd_bus *bus = NULL;
                int r = connect_for_unit(c, &bus);
                if (r >= 0 && (r = bus_kill_unit(bus, c->state->unit, sig)) != -ENOENT) {
                        container_thaw_quiet(c);
                        return r;
                }
        }
        if (all && c->state->unit) {
                _cleanup_bus_ sd_bus *bus = NULL;
                int r = connect_for_unit(c, &bus);
                if (r >= 0 && (r = bus_kill_unit(bus, c->state->unit, sig)) != -ENOENT)
                        return r;
        }
        int fd = open_init(c);
        if (fd < 0)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        int r = pidfd_signal(fd, sig);
        if (r < 0)
                return log_error_errno(r, "cannot signal container \"%s\"", c->id);
        if (st == STATUS_PAUSED && sig == SIGKILL) /* let the frozen processes die */
                container_thaw_quiet(c);
        return 0;
}

static int wait_gone(int pidfd, int timeout_ms)
{
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        int r;
        do
                r = poll(&p, 1, timeout_ms);
        while (r < 0 && errno == EINTR);
        return r > 0 ? 0 : -ETIMEDOUT;
}

int container_delete(struct container *c, bool force)
{
        enum container_status st = container_status(c);
        if (st == STATUS_RUNNING && !force)
                return log_error("cannot delete container \"%s\" that is not stopped: running "
                                 "(use --force)",
                                 c->id),
                       -EBUSY;
        if (st == STATUS_PAUSED && !force)
                return log_error("cannot delete container \"%s\" that is not stopped: paused "
                                 "(use --force)",
                                 c->id),
                       -EBUSY;
        if (st == STATUS_PAUSED) /* v1 frozen tasks do not die before they are thawed */
                container_thaw_quiet(c);
        if (st != STATUS_STOPPED) {
                int fd = open_init(c);
                if (fd >= 0 && pidfd_signal(fd, SIGKILL) >= 0 && wait_gone(fd, 10000) < 0)
                        return log_error("container \"%s\": its init did not die", c->id);
        }
        if (c->pid > 0) /* ours (foreground run): reap it */
                (void)waitpid(c->pid, NULL, WNOHANG);
        if (c->state->unit && !c->state->keep_unit) { /* keep-unit: the service is not ours */
                _cleanup_bus_ sd_bus *bus = NULL;
                /* machinectl list: gone now, not a moment later. Before the stop: machined,
                 * busy with the scope going away right after it, answers several ms later. */
                container_machine_forget(c);
                uint64_t t0 = now_usec();
                int r = connect_for_unit(c, &bus);
                if (r < 0)
                        log_warning("cannot reach systemd to stop %s", c->state->unit);
                else if ((r = bus_stop_unit(bus, c->state->unit)) < 0)
                        return r;
                log_debug("%s stopped in %.1f ms", c->state->unit,
                          (double)(now_usec() - t0) / 1000.0);
        }
        cgroup_v1_extra_remove(c->dirfd); /* the cpuset cgroup crunit made on v1 */
        if (c->state->rdt_group && c->state->rdt_group_created) /* linux.intelRdt */
                intelrdt_delete_group(c->state->rdt_group, c->state->rdt_group_shared);
        if (c->state->hooks) {
                struct spec_hooks h;
                _cleanup_close_ int state_fd = -1;
                if (spec_parse_hooks(c->state->hooks, &h) >= 0 &&
                    hooks_have(&h, SPEC_HOOK_POSTSTOP) &&
                    hooks_state_fd(c->state, "stopped", &state_fd) >= 0)
                        (void)hooks_run(&h, SPEC_HOOK_POSTSTOP, state_fd, c->state->bundle, true);
                spec_hooks_done(&h);
        }
        return state_dir_remove(c->rootfd, c->id);
}
