/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "linux.h"
#include "seccomp.h"
#include "shared/fs-util.h"
#include "shared/log.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_path(char **env)
{
        STRV_FOREACH(e, env)
        if (startswith(*e, "PATH="))
                return *e + 5;
        return DEFAULT_PATH;
}

static bool is_executable(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* args[0] resolved against the container's PATH (from process.env), after pivot_root. */
static int find_executable(const struct spec_process *p, char **ret)
{
        const char *name = p->args[0];
        if (strchr(name, '/')) {
                if (!is_executable(name))
                        return log_error_errno(errno ? errno : EACCES, "exec: \"%s\"", name);
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        _cleanup_free_ char *path = strdup(env_path(p->env));
        if (!path)
                return -ENOMEM;
        char *save, *dir;
        for (dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                char *candidate;
                if (asprintf(&candidate, "%s/%s", *dir ? dir : ".", name) < 0)
                        return -ENOMEM;
                if (is_executable(candidate)) {
                        *ret = candidate;
                        return 0;
                }
                free(candidate);
        }
        return log_error("exec: \"%s\": executable file not found in $PATH", name), -ENOENT;
}

int process_prepare(struct setup_ctx *c, char **ret_path)
{
        const struct spec_process *p = &c->spec->process;
        char buf[32];

        int r = chdir_in_root(p->cwd);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_rlimits; i++) {
                struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
                if (setrlimit(p->rlimits[i].resource, &rl) < 0)
                        return log_error_errno(errno, "cannot set rlimit %d to %llu/%llu",
                                               p->rlimits[i].resource,
                                               (unsigned long long)p->rlimits[i].soft,
                                               (unsigned long long)p->rlimits[i].hard);
        }
        if (p->has_oom_score_adj) {
                snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
                r = proc_self_write("oom_score_adj", buf);
                if (r < 0)
                        return r;
        }
        int k = fields_apply_process(c);
        if (k < 0)
                return k;
        if (p->has_umask)
                umask(p->umask);
        else
                umask(0022);
        return find_executable(p, ret_path);
}

static int apply_caps(const struct spec_caps *caps)
{
        int last = (int)cap_max_bits() - 1;
        for (int cap = 0; cap <= last; cap++)
                if (!(caps->bounding & (1ULL << cap)) && CAP_IS_SUPPORTED(cap) &&
                    cap_drop_bound((cap_value_t)cap) < 0)
                        return log_error_errno(errno, "cannot drop %s from the bounding set",
                                               cap_to_name((cap_value_t)cap));
        return 0;
}

static int set_caps(const struct spec_caps *caps)
{
        cap_t c = cap_init();
        if (!c)
                return log_error_errno(errno, "cap_init");
        int last = (int)cap_max_bits() - 1;
        for (int cap = 0; cap <= last; cap++) {
                cap_value_t v = (cap_value_t)cap;
                if (caps->effective & (1ULL << cap))
                        cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET);
                if (caps->permitted & (1ULL << cap))
                        cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET);
                if (caps->inheritable & (1ULL << cap))
                        cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET);
        }
        int r = cap_set_proc(c);
        cap_free(c);
        if (r < 0)
                return log_error_errno(errno, "cannot set the process capabilities");
        if (cap_reset_ambient() < 0 && errno != EINVAL)
                return log_error_errno(errno, "cannot reset ambient capabilities");
        for (int cap = 0; cap <= last; cap++)
                if ((caps->ambient & (1ULL << cap)) &&
                    cap_set_ambient((cap_value_t)cap, CAP_SET) < 0)
                        return log_error_errno(errno, "cannot raise ambient capability %s",
                                               cap_to_name((cap_value_t)cap));
        return 0;
}

static int set_user(struct setup_ctx *c)
{
        const struct spec_process *p = &c->spec->process;
        if (p->n_additional_gids > 0 || !c->in_userns) {
                if (setgroups(p->n_additional_gids, p->additional_gids) < 0 &&
                    (p->n_additional_gids > 0 || errno != EPERM))
                        return log_error_errno(errno, "cannot set additionalGids");
        }
        if (setresgid(p->gid, p->gid, p->gid) < 0)
                return log_error_errno(errno, "cannot set gid %u", (unsigned)p->gid);
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return log_error_errno(errno, "PR_SET_KEEPCAPS");
        if (setresuid(p->uid, p->uid, p->uid) < 0)
                return log_error_errno(errno, "cannot set uid %u", (unsigned)p->uid);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return log_error_errno(errno, "PR_SET_KEEPCAPS");
        return 0;
}

/* Socket activation: fds 3..3+N-1 (sd_listen_fds() made them O_CLOEXEC) stay open, and the
 * environment says so: LISTEN_FDS=N, LISTEN_PID=our PID (1 for the init of a pid namespace). */
static int listen_fds_pass(struct setup_ctx *c, char ***env)
{
        char **l = NULL;
        char buf[64];
        for (int fd = 3; fd < 3 + c->listen_fds; fd++)
                if (fcntl(fd, F_SETFD, 0) < 0)
                        return log_error_errno(errno, "LISTEN_FDS: fd %d", fd);
        STRV_FOREACH(e, *env)
        if (!startswith(*e, "LISTEN_FDS=") && !startswith(*e, "LISTEN_PID=") &&
            !startswith(*e, "LISTEN_FDNAMES=") && strv_extend(&l, *e) < 0)
                goto oom;
        snprintf(buf, sizeof buf, "LISTEN_FDS=%d", c->listen_fds);
        if (strv_extend(&l, buf) < 0)
                goto oom;
        snprintf(buf, sizeof buf, "LISTEN_PID=%d", (int)getpid());
        if (strv_extend(&l, buf) < 0)
                goto oom;
        *env = l; /* the process execs or exits: never freed */
        return 0;
oom:
        strv_free(l);
        return log_error_errno(ENOMEM, "LISTEN_FDS");
}

_noreturn_ void process_exec(struct setup_ctx *c, const char *path)
{
        const struct spec_process *p = &c->spec->process;
        char **env = p->env;
        int r;

        /* Nothing but stdio and the --preserve-fds survive exec. Ours are all O_CLOEXEC
         * already; this covers anything inherited from whoever started crunit. */
        if (syscall(SYS_close_range, 3 + c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
                r = log_error_errno(errno, "close_range");
                goto fail;
        }
        if (c->listen_fds > 0 && (r = listen_fds_pass(c, &env)) < 0)
                goto fail;
        /* AppArmor/SELinux: takes effect at execve; written while we are still root */
        if ((r = lsm_apply_exec_label(p)) < 0)
                goto fail;
        /* linux.seccomp: loading a filter needs no_new_privs or CAP_SYS_ADMIN. As runc does:
         * with noNewPrivileges, load it last, right before execve, so that the filter sees as
         * few of our own syscalls as possible; without it, load it now, while we still have
         * CAP_SYS_ADMIN (the capability and user steps below may drop it), so the profile
         * must then allow what they use (capset, prctl, setresuid/gid, setgroups). */
        if (!p->no_new_privileges && (r = syscall_filter_load(c)) < 0)
                goto fail;
        if (p->has_caps && (r = apply_caps(&p->caps)) < 0)
                goto fail;
        if ((r = set_user(c)) < 0)
                goto fail;
        if (p->has_caps && (r = set_caps(&p->caps)) < 0)
                goto fail;
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                r = log_error_errno(errno, "cannot set noNewPrivileges");
                goto fail;
        }
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        if (p->no_new_privileges && (r = syscall_filter_load(c)) < 0)
                goto fail;
        execve(path, p->args, env ? env : (char *[]){NULL});
        r = log_error_errno(errno, "exec %s", path);
fail:
        _exit(r == -ENOENT ? 127 : 126);
}
