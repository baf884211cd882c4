/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's setup processes. Stage 1 is forked by crunit, is moved into the scope by
 * the parent, then joins/creates the namespaces and forks stage 2 — the container's init, PID 1
 * of a new pid namespace — which builds the root filesystem and prepares the process, reports
 * READY and waits on exec.fifo for `start`. See sync.h for the conversation with the parent. */
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "container.h"
#include "hooks.h"
#include "journal-stdio.h"
#include "linux.h"
#include "seccomp.h"
#include "shared/log.h"
#include "sync.h"

static void sink_to_parent(enum log_level level, const char *msg, void *userdata)
{
        struct setup_ctx *c = userdata;
        (void)sync_send(c->sync_fd, level <= LOG_LEVEL_ERROR ? SYNC_ERROR : SYNC_LOG, (int)level,
                        msg, -1);
}

static void on_termination_signal(int sig)
{
        /* Only while waiting for `start`: the init of a pid namespace ignores signals it
         * has no handler for, and `kill` of a created container must work. */
        _exit(128 + sig);
}

/* After the mounts, before pivot_root: the parent runs prestart/createRuntime hooks, then we
 * run the createContainer hooks here, in the container's namespaces (paths still resolve in
 * the runtime's mount tree). */
static int create_hooks(struct setup_ctx *c)
{
        const struct spec_hooks *h = &c->spec->hooks;
        _cleanup_close_ int fd = -1;
        struct sync_msg m;
        int r;
        if (!hooks_have(h, SPEC_HOOK_PRESTART) && !hooks_have(h, SPEC_HOOK_CREATE_RUNTIME) &&
            !hooks_have(h, SPEC_HOOK_CREATE_CONTAINER))
                return 0;
        if ((r = sync_send(c->sync_fd, SYNC_HOOKS, 0, NULL, -1)) < 0)
                return r; /* the parent is gone: nobody to tell */
        if ((r = sync_expect(c->sync_fd, SYNC_HOOKS_DONE, &m, &fd)) < 0)
                return r;
        if (!hooks_have(h, SPEC_HOOK_CREATE_CONTAINER))
                return 0;
        if (fd < 0)
                return log_error("createContainer hooks: no state from crunit");
        return hooks_run(h, SPEC_HOOK_CREATE_CONTAINER, fd, c->spec->bundle, false);
}

/* While the startContainer hooks run, an error goes into exec.fifo, where `start` reads it. */
static void sink_to_fifo(enum log_level level, const char *msg, void *userdata)
{
        struct setup_ctx *c = userdata;
        if (level <= LOG_LEVEL_ERROR) {
                (void)write(c->fifo_fd, msg, strlen(msg));
                return;
        }
        log_set_sink(NULL, NULL); /* anything else: the container's stderr, as before */
        log_emit(level, msg);
        log_set_sink(sink_to_fifo, c);
}

static int setup_container(struct setup_ctx *c, char **ret_path)
{
        int r;
        if ((r = mount_rootfs(c)) < 0)
                return r;
        if ((r = dev_setup(c)) < 0)
                return r;
        if ((r = devices_create(c)) < 0)
                return r;
        if (c->spec->process.terminal && (r = terminal_setup(c)) < 0)
                return r;
        if ((r = sysctl_apply(c)) < 0) /* /proc/sys is still writable */
                return r;
        if ((r = mount_masked_readonly(c)) < 0)
                return r;
        if ((r = ns_set_uts(c->spec)) < 0)
                return r;
        if ((r = create_hooks(c)) < 0)
                return r;
        if ((r = mount_pivot(c)) < 0)
                return r;
        if ((r = terminal_attach(c)) < 0)
                return r;
        if ((r = syscall_filter_prepare(c)) < 0) /* compiled now, loaded by process_exec() */
                return r;
        return process_prepare(c, ret_path);
}

static _noreturn_ void stage2(struct setup_ctx *c)
{
        _cleanup_free_ char *path = NULL;
        struct sync_msg m;
        _cleanup_close_ int hook_state_fd = -1; /* startContainer hooks' stdin, with ACK */

        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* A session of its own, as runc's init: the caller's session ending (its terminal
         * hanging up) must not send the container SIGHUP. */
        if (setsid() < 0)
                log_debug_errno(errno, "setsid");
        if (setup_container(c, &path) < 0)
                _exit(1);

        /* From READY on, the init must outlive the parent crunit (create returns). Should the
         * parent die before it acknowledges, the closed socket tells us to give up. */
        (void)prctl(PR_SET_PDEATHSIG, 0);
        if (sync_send(c->sync_fd, SYNC_READY, 0, NULL, c->pty_master) < 0)
                _exit(1);
        c->pty_master = safe_close(c->pty_master);
        if (c->spec->seccomp && c->spec->seccomp->uses_notify) {
                if (sync_expect(c->sync_fd, SYNC_SECCOMP_LISTENER, &m, &c->seccomp_listener) < 0)
                        _exit(1);
                c->host_pid = m.value;
        }
        if (sync_expect(c->sync_fd, SYNC_ACK, &m, &hook_state_fd) < 0)
                _exit(1);
        log_set_sink(NULL, NULL); /* from here on, errors go to the container's stderr */
        c->sync_fd = safe_close(c->sync_fd);

        struct sigaction sa = {.sa_handler = on_termination_signal};
        const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
        for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
                sigaction(sigs[i], &sa, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);

        char b;
        ssize_t n;
        do
                n = read(c->fifo_fd, &b, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1)
                _exit(1);
        if (hooks_have(&c->spec->hooks, SPEC_HOOK_START_CONTAINER)) {
                log_set_sink(sink_to_fifo, c);
                if (hook_state_fd < 0) {
                        log_error("startContainer hooks: no state from crunit");
                        _exit(1);
                }
                if (hooks_run(&c->spec->hooks, SPEC_HOOK_START_CONTAINER, hook_state_fd, NULL,
                              false) < 0)
                        _exit(1);
                log_set_sink(NULL, NULL);
        }
        hook_state_fd = safe_close(hook_state_fd);
        c->fifo_fd = safe_close(c->fifo_fd);

        sa.sa_handler = SIG_DFL;
        for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
                sigaction(sigs[i], &sa, NULL);
        process_exec(c, path);
}

void stage1_begin(struct setup_ctx *c)
{
        struct sync_msg m;

        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        log_set_sink(sink_to_parent, c);
        if (sync_expect(c->sync_fd, SYNC_GO, &m, NULL) < 0)
                _exit(1);
        if (close_inherited_fds(3 + c->preserve_fds) < 0)
                _exit(1);
}

_noreturn_ void container_init_main(struct setup_ctx *c)
{
        stage1_begin(c);
        /* in the scope now: so is the journal forwarder */
        if (c->journal_stdio && journal_stdio_start(c) < 0)
                _exit(1);
        if (ns_enter(c) < 0)
                _exit(1);
        /* CLONE_PARENT: the init is crunit's child, not ours, so a foreground `run` can wait
         * for it and we can simply exit. */
        pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0);
        if (pid < 0) {
                log_error_errno(errno, "cannot fork the container's init");
                _exit(1);
        }
        if (pid == 0)
                stage2(c);
        (void)sync_send(c->sync_fd, SYNC_PID, pid, NULL, -1);
        _exit(0);
}
