/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hooks.h"

#include <assert.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/proc-util.h"

int hooks_state_fd(const struct container_state *st, const char *status, int *ret_fd)
{
        _cleanup_close_ int fd = -1;
        char path[FD_PATH_MAX];
        json_object *o;
        int r;

        assert(st);
        assert(status);
        assert(ret_fd);

        o = state_to_json(st, STATUS_CREATED);
        if (!o)
                return log_error_errno(ENOMEM, "cannot build the state for the hooks");
        json_object_object_add(o, "status", json_object_new_string(status));
        json_object_object_add(o, "pid", json_object_new_int64(st->pid));
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

        fd = memfd_create("crunit-hook-state", MFD_CLOEXEC);
        if (fd < 0)
                r = log_error_errno(errno, "cannot create the state for the hooks");
        else if ((r = write_all(fd, text, strlen(text))) < 0)
                r = log_error_errno(r, "cannot write the state for the hooks");
        json_object_put(o);
        if (r < 0)
                return r;

        /* Hooks get a read-only description of their own, so they cannot change it for the
         * next one. */
        int ro = open(fd_path(fd, path), O_RDONLY | O_CLOEXEC);
        if (ro < 0)
                return log_error_errno(errno, "cannot reopen the state for the hooks");
        *ret_fd = ro;
        return 0;
}

static _noreturn_ void hook_child(const struct spec_hook *hook, int state_fd, const char *cwd,
                                  int errfd)
{
        sigset_t none;
        int e;

        (void)setpgid(0, 0);
        for (int sig = 1; sig < _NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void)signal(sig, SIG_DFL);
        sigemptyset(&none);
        (void)sigprocmask(SIG_SETMASK, &none, NULL);

        /* stdin: the state; stdout and stderr: crunit's stderr; nothing else survives exec. */
        if (lseek(state_fd, 0, SEEK_SET) < 0 || dup2(state_fd, STDIN_FILENO) < 0 ||
            dup2(STDERR_FILENO, STDOUT_FILENO) < 0 ||
            syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                goto fail;
        if (cwd && chdir(cwd) < 0)
                goto fail;
        char *argv_default[] = {hook->path, NULL};
        execve(hook->path, hook->args && hook->args[0] ? hook->args : argv_default,
               hook->env ? hook->env : (char *[]){NULL});
fail:
        e = errno;
        (void)write(errfd, &e, sizeof e);
        _exit(127);
}

static int wait_hook(pid_t pid, int timeout_s, bool *ret_timed_out, int *ret_status)
{
        *ret_timed_out = false;
        if (timeout_s > 0) {
                _cleanup_close_ int pidfd = pidfd_open_pid(pid);
                if (pidfd < 0)
                        return pidfd;
                uint64_t deadline = now_usec() + (uint64_t)timeout_s * 1000000ULL;
                for (;;) {
                        uint64_t now = now_usec();
                        if (now >= deadline) {
                                *ret_timed_out = true;
                                (void)kill(-pid, SIGKILL);
                                (void)kill(pid, SIGKILL);
                                break;
                        }
                        struct pollfd p = {.fd = pidfd, .events = POLLIN};
                        int n = poll(&p, 1, (int)((deadline - now + 999) / 1000));
                        if (n > 0)
                                break;
                        if (n < 0 && errno != EINTR)
                                return -errno;
                }
        }
        while (waitpid(pid, ret_status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return 0;
}

static int run_one(const struct spec_hook *hook, const char *kind, int state_fd, const char *cwd,
                   enum log_level level)
{
        _cleanup_close_ int err_read = -1, err_write = -1;
        int p[2], status = 0, e = 0, r;
        bool timed_out;

        if (pipe2(p, O_CLOEXEC) < 0)
                return log_internal(level, errno, "%s hook %s: pipe", kind, hook->path);
        err_read = p[0];
        err_write = p[1];

        pid_t pid = fork();
        if (pid < 0)
                return log_internal(level, errno, "%s hook %s: fork", kind, hook->path);
        if (pid == 0)
                hook_child(hook, state_fd, cwd, err_write);
        err_write = safe_close(err_write);
        (void)setpgid(pid, pid); /* also here: no window in which a timeout misses it */

        r = wait_hook(pid, hook->timeout, &timed_out, &status);
        if (r < 0) {
                (void)kill(-pid, SIGKILL);
                (void)kill(pid, SIGKILL);
                (void)waitpid(pid, NULL, 0);
                return log_internal(level, r, "%s hook %s: cannot wait for it", kind, hook->path);
        }
        if (timed_out)
                return log_internal(level, 0, "%s hook %s timed out after %ds", kind, hook->path,
                                    hook->timeout),
                       -ETIMEDOUT;
        if (read(err_read, &e, sizeof e) == (ssize_t)sizeof e && e > 0)
                return log_internal(level, e, "%s hook %s: cannot execute it", kind, hook->path);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFSIGNALED(status))
                return log_internal(level, 0, "%s hook %s failed: killed by signal %d", kind,
                                    hook->path, WTERMSIG(status)),
                       -ECANCELED;
        return log_internal(level, 0, "%s hook %s failed: exit status %d", kind, hook->path,
                            exit_status_to_code(status)),
               -ECANCELED;
}

int hooks_run(const struct spec_hooks *h, enum spec_hook_kind kind, int state_fd, const char *cwd,
              bool warn_only)
{
        const char *name = spec_hook_kind_to_string(kind);

        assert(state_fd >= 0);
        for (size_t i = 0; h && i < h->n[kind]; i++) {
                uint64_t t0 = now_usec();
                int r = run_one(&h->list[kind][i], name, state_fd, cwd,
                                warn_only ? LOG_LEVEL_WARNING : LOG_LEVEL_ERROR);
                if (r < 0 && !warn_only)
                        return r;
                log_debug("%s hook %s done in %.1f ms", name, h->list[kind][i].path,
                          (double)(now_usec() - t0) / 1000.0);
        }
        return 0;
}
