/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The process `crunit exec` runs, built as runc's exec builds it (utils_linux.go getProcess):
 * with -p, the given process object (capabilities and rlimits default to the container's);
 * otherwise the container's process with the command line and the flags applied. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "shared/log.h"

static size_t env_name_len(const char *e)
{
        const char *eq = strchr(e, '=');
        return eq ? (size_t)(eq - e) : strlen(e);
}

/* `a` followed by `b`, each name once: the last value wins, in the position of the first (as
 * runc's prepareEnv). */
static int env_merge(char **a, char **b, char ***ret)
{
        _cleanup_strv_free_ char **all = NULL, **out = NULL;
        STRV_FOREACH(e, a)
        if (strv_extend(&all, *e) < 0)
                return -ENOMEM;
        STRV_FOREACH(e, b)
        if (strv_extend(&all, *e) < 0)
                return -ENOMEM;
        size_t n = strv_length(all);
        for (size_t i = 0; i < n; i++) {
                size_t len = env_name_len(all[i]);
                bool seen = false;
                for (size_t j = 0; j < i && !seen; j++)
                        seen = env_name_len(all[j]) == len && strncmp(all[j], all[i], len) == 0;
                if (seen)
                        continue;
                const char *last = all[i];
                for (size_t j = i + 1; j < n; j++)
                        if (env_name_len(all[j]) == len && strncmp(all[j], all[i], len) == 0)
                                last = all[j];
                if (strv_extend(&out, last) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static int from_process_file(struct spec_process *p, const char *path)
{
        struct spec_process np;
        int r = spec_load_process(path, &np);
        if (r < 0)
                return r;
        /* runc: a process without capabilities or rlimits gets the container's */
        if (!np.has_caps && p->has_caps) {
                np.has_caps = true;
                np.caps = p->caps;
        }
        if (np.n_rlimits == 0 && p->n_rlimits > 0) {
                np.rlimits = TAKE_PTR(p->rlimits);
                np.n_rlimits = p->n_rlimits;
                p->n_rlimits = 0;
        }
        spec_process_done(p);
        *p = np;
        return 0;
}

static int from_flags(struct spec_process *p, const struct exec_opts *o)
{
        _cleanup_strv_free_ char **args = NULL, **env = NULL;
        int r;

        STRV_FOREACH(a, o->args)
        if (strv_extend(&args, *a) < 0)
                return log_error_errno(ENOMEM, "exec");
        strv_free(p->args);
        p->args = TAKE_PTR(args);

        if (o->cwd) {
                char *cwd = strdup(o->cwd);
                if (!cwd)
                        return log_error_errno(ENOMEM, "exec");
                free(p->cwd);
                p->cwd = cwd;
        }
        if (o->env) {
                if ((r = env_merge(p->env, o->env, &env)) < 0)
                        return log_error_errno(r, "exec");
                strv_free(p->env);
                p->env = TAKE_PTR(env);
        }
        if (o->caps && p->has_caps) {
                p->caps.bounding |= o->caps;
                p->caps.effective |= o->caps;
                p->caps.permitted |= o->caps;
                /* runc adds them to the ambient set only when there are inheritable ones; an
                 * ambient capability must also be inheritable to be raised. */
                if (p->caps.inheritable)
                        p->caps.ambient |= o->caps & p->caps.inheritable;
        }
        if (o->no_new_privs)
                p->no_new_privileges = true;
        if (o->has_uid)
                p->uid = o->uid;
        if (o->has_gid)
                p->gid = o->gid;
        if (o->n_gids > 0) {
                gid_t *g = reallocarray(p->additional_gids, p->n_additional_gids + o->n_gids,
                                        sizeof(gid_t));
                if (!g)
                        return log_error_errno(ENOMEM, "exec");
                memcpy(g + p->n_additional_gids, o->gids, o->n_gids * sizeof(gid_t));
                p->additional_gids = g;
                p->n_additional_gids += o->n_gids;
        }
        if (o->apparmor) {
                char *v = strdup(o->apparmor);
                if (!v)
                        return log_error_errno(ENOMEM, "exec");
                free(p->apparmor_profile);
                p->apparmor_profile = v;
        }
        if (o->process_label) {
                char *v = strdup(o->process_label);
                if (!v)
                        return log_error_errno(ENOMEM, "exec");
                free(p->selinux_label);
                p->selinux_label = v;
        }
        p->terminal = o->tty; /* runc: false unless -t */
        return 0;
}

int exec_build_process(struct spec *s, const struct exec_opts *o)
{
        struct spec_process *p = &s->process;
        int r;

        assert(s && o);
        if (!s->has_process)
                return log_error("container \"%s\": its config.json has no process", o->id),
                       -EINVAL;
        if (o->process_path) {
                if ((r = from_process_file(p, o->process_path)) < 0)
                        return r;
                p->terminal = p->terminal || o->tty;
        } else if ((r = from_flags(p, o)) < 0)
                return r;
        /* what belongs to the container's init only */
        p->has_oom_score_adj = false;
        return 0;
}
