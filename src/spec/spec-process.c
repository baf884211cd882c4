/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json "process" object. */
#include <assert.h>
#include <ctype.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "spec-internal.h"

static const struct {
        const char *name;
        int resource;
} rlimit_table[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static int parse_console_size(json_object *cs, struct spec_process *p)
{
        static const char *const known[] = {"height", "width", NULL};
        uint64_t u;
        json_object *v;
        int r;

        r = spec_json_known_object(cs, "process.consoleSize", known);
        if (r < 0)
                return r;

        /* struct winsize holds unsigned shorts. */
        v = spec_json_get(cs, "height");
        if (!v)
                return spec_error("process.consoleSize.height is required");
        r = spec_json_uint64(v, "process.consoleSize.height", UINT16_MAX, &u);
        if (r < 0)
                return r;
        p->console_height = (unsigned)u;

        v = spec_json_get(cs, "width");
        if (!v)
                return spec_error("process.consoleSize.width is required");
        r = spec_json_uint64(v, "process.consoleSize.width", UINT16_MAX, &u);
        if (r < 0)
                return r;
        p->console_width = (unsigned)u;
        return 0;
}

/* A uid or gid: 0..4294967294. (uid_t)-1 tells setresuid() and friends "leave unchanged", so
 * the process would silently stay root. */
static int spec_json_id(json_object *v, const char *path, uint32_t *ret)
{
        uint64_t u;
        int r = spec_json_uint64(v, path, UINT32_MAX - 1, &u);
        if (r < 0)
                return r;
        *ret = (uint32_t)u;
        return 0;
}

static int parse_user(json_object *user, struct spec_process *p)
{
        static const char *const known[] = {"uid",      "gid", "umask", "additionalGids",
                                            "username", NULL};
        uint32_t u;
        json_object *v;
        int r;

        r = spec_json_known_object(user, "process.user", known);
        if (r < 0)
                return r;

        v = spec_json_get(user, "uid");
        if (v) {
                r = spec_json_id(v, "process.user.uid", &u);
                if (r < 0)
                        return r;
                p->uid = (uid_t)u;
        }

        v = spec_json_get(user, "gid");
        if (v) {
                r = spec_json_id(v, "process.user.gid", &u);
                if (r < 0)
                        return r;
                p->gid = (gid_t)u;
        }

        v = spec_json_get(user, "umask");
        if (v) {
                uint64_t m;
                r = spec_json_uint64(v, "process.user.umask", 0777, &m);
                if (r < 0)
                        return r;
                p->has_umask = true;
                p->umask = (mode_t)m;
        }

        v = spec_json_get(user, "additionalGids");
        if (v) {
                r = spec_json_array(v, "process.user.additionalGids");
                if (r < 0)
                        return r;
                size_t n = json_object_array_length(v);
                if (n > 0) {
                        p->additional_gids = calloc(n, sizeof(gid_t));
                        if (!p->additional_gids)
                                return log_error_errno(ENOMEM, "config.json");
                }
                for (size_t i = 0; i < n; i++) {
                        char path[SPEC_PATH_MAX];
                        spec_field(path, "process.user.additionalGids[%zu]", i);
                        r = spec_json_id(json_object_array_get_idx(v, i), path, &u);
                        if (r < 0)
                                return r;
                        p->additional_gids[i] = (gid_t)u;
                }
                p->n_additional_gids = n;
        }
        return 0;
}

static int parse_cap_set(json_object *set, const char *path, uint64_t *ret)
{
        uint64_t mask = 0;
        int r;

        r = spec_json_array(set, path);
        if (r < 0)
                return r;

        size_t n = json_object_array_length(set);
        for (size_t i = 0; i < n; i++) {
                char p[SPEC_PATH_MAX];
                const char *name;
                cap_value_t cap;

                spec_field(p, "%s[%zu]", path, i);
                r = spec_json_string(json_object_array_get_idx(set, i), p, &name);
                if (r < 0)
                        return r;
                /* cap_from_name() also takes numbers, "all" and lists; insist on CAP_NAME. */
                bool ok = startswith(name, "CAP_") && name[4] != '\0';
                for (const char *c = name; ok && *c; c++)
                        ok = (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
                if (!ok || cap_from_name(name, &cap) < 0 || cap < 0 || cap >= 64)
                        return spec_error("%s: unknown capability \"%s\"", p, name);
                /* libcap knows it, the running kernel does not (CAP_LAST_CAP): as runc, skip */
                if (cap >= (cap_value_t)cap_max_bits()) {
                        log_warning("%s: capability %s is not supported by the running kernel, "
                                    "ignored",
                                    p, name);
                        continue;
                }
                mask |= UINT64_C(1) << cap;
        }
        *ret = mask;
        return 0;
}

static int parse_capabilities(json_object *caps, struct spec_process *p)
{
        static const char *const known[] = {"bounding",  "effective", "inheritable",
                                            "permitted", "ambient",   NULL};
        uint64_t *fields[] = {&p->caps.bounding, &p->caps.effective, &p->caps.inheritable,
                              &p->caps.permitted, &p->caps.ambient};
        int r;

        r = spec_json_known_object(caps, "process.capabilities", known);
        if (r < 0)
                return r;

        for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
                json_object *v = spec_json_get(caps, known[i]);
                if (!v)
                        continue;
                char path[SPEC_PATH_MAX];
                spec_field(path, "process.capabilities.%s", known[i]);
                r = parse_cap_set(v, path, fields[i]);
                if (r < 0)
                        return r;
        }
        /* The kernel raises an ambient capability only if it is permitted and inheritable
         * (PR_CAP_AMBIENT_RAISE: EPERM); say which one at create, not at start. */
        uint64_t bad = p->caps.ambient & ~(p->caps.permitted & p->caps.inheritable);
        if (bad) {
                cap_value_t cap = (cap_value_t)__builtin_ctzll(bad);
                char *name = cap_to_name(cap); /* "cap_chown" */
                for (char *c = name; c && *c; c++)
                        *c = (char)toupper((unsigned char)*c);
                r = spec_error("process.capabilities.ambient: %s is not also in "
                               "process.capabilities.permitted and .inheritable, so it "
                               "cannot be ambient",
                               name ? name : "?");
                cap_free(name);
                return r;
        }
        p->has_caps = true;
        return 0;
}

static int parse_rlimit(json_object *o, const char *path, struct spec_rlimit *ret)
{
        static const char *const known[] = {"type", "soft", "hard", NULL};
        char p[SPEC_PATH_MAX];
        const char *type;
        json_object *v;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;

        r = spec_json_required_string(o, path, "type", p, &type);
        if (r < 0)
                return r;
        ret->resource = -1;
        for (size_t i = 0; i < ARRAY_SIZE(rlimit_table); i++)
                if (streq(rlimit_table[i].name, type)) {
                        ret->resource = rlimit_table[i].resource;
                        break;
                }
        if (ret->resource < 0)
                return spec_error("%s: unknown rlimit \"%s\"", p, type);

        v = spec_json_required(o, path, "soft", p);
        if (!v)
                return -EINVAL;
        r = spec_json_uint64(v, p, UINT64_MAX, &ret->soft);
        if (r < 0)
                return r;

        v = spec_json_required(o, path, "hard", p);
        if (!v)
                return -EINVAL;
        r = spec_json_uint64(v, p, UINT64_MAX, &ret->hard);
        if (r < 0)
                return r;

        if (ret->soft > ret->hard)
                return spec_error("%s: soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
                                  path, ret->soft, ret->hard);
        return 0;
}

static int parse_rlimit_item(json_object *e, const char *path, void *item, void *userdata)
{
        const struct spec_process *p = userdata;
        struct spec_rlimit *rl = item;
        int r = parse_rlimit(e, path, rl);
        if (r < 0)
                return r;
        for (const struct spec_rlimit *o = p->rlimits; o < rl; o++)
                if (o->resource == rl->resource)
                        return spec_error("%s: duplicate rlimit type (also in "
                                          "process.rlimits[%zu])",
                                          path, (size_t)(o - p->rlimits));
        return 0;
}

static int parse_rlimits(json_object *rlimits, struct spec_process *p)
{
        return spec_json_array_items(rlimits, "process.rlimits", sizeof(struct spec_rlimit),
                                     (void **)&p->rlimits, &p->n_rlimits, parse_rlimit_item, p);
}

/* An LSM label: kept if not empty; whether the host has that LSM is checked at create
 * (linux-lsm.c), where it is applied. */
static int parse_label(json_object *process, const char *key, char **ret)
{
        const char *label;
        json_object *v;
        int r;

        v = spec_json_get(process, key);
        if (!v)
                return 0;
        char path[SPEC_PATH_MAX];
        spec_field(path, "process.%s", key);
        r = spec_json_string(v, path, &label);
        if (r < 0)
                return r;
        if (label[0] != '\0' && !(*ret = strdup(label)))
                return log_error_errno(ENOMEM, "config.json");
        return 0;
}

int spec_parse_process(json_object *process, struct spec_process *p)
{
        static const char *const known[] = {
            "terminal",
            "consoleSize",
            "user",
            "args",
            "env",
            "cwd",
            "capabilities",
            "rlimits",
            "noNewPrivileges",
            "oomScoreAdj",
            "apparmorProfile",
            "selinuxLabel",
            "scheduler",
            "ioPriority",
            "execCPUAffinity",
            "commandLine",
            NULL,
        };
        json_object *v;
        int r;

        assert(p);

        r = spec_json_known_object(process, "process", known);
        if (r < 0)
                return r;

        v = spec_json_get(process, "terminal");
        if (v) {
                r = spec_json_bool(v, "process.terminal", &p->terminal);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(process, "consoleSize");
        if (v) {
                r = parse_console_size(v, p);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(process, "user");
        if (v) {
                r = parse_user(v, p);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(process, "args");
        if (!v || !json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
                return spec_error("process.args must be a non-empty array of strings");
        r = spec_json_strv(v, "process.args", &p->args);
        if (r < 0)
                return r;

        v = spec_json_get(process, "env");
        if (v) {
                r = spec_json_strv(v, "process.env", &p->env);
                if (r < 0)
                        return r;
                for (size_t i = 0; p->env[i]; i++)
                        if (!strchr(p->env[i], '=') || p->env[i][0] == '=')
                                return spec_error("process.env[%zu]: \"%s\" is not of the form "
                                                  "NAME=VALUE",
                                                  i, p->env[i]);
        }

        v = spec_json_get(process, "cwd");
        if (!v)
                return spec_error("process.cwd is required");
        r = spec_json_strdup(v, "process.cwd", &p->cwd);
        if (r < 0)
                return r;
        if (p->cwd[0] != '/')
                return spec_error("process.cwd must be an absolute path, not \"%s\"", p->cwd);

        v = spec_json_get(process, "capabilities");
        if (v) {
                r = parse_capabilities(v, p);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(process, "rlimits");
        if (v) {
                r = parse_rlimits(v, p);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(process, "noNewPrivileges");
        if (v) {
                r = spec_json_bool(v, "process.noNewPrivileges", &p->no_new_privileges);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(process, "oomScoreAdj");
        if (v) {
                int64_t i;
                r = spec_json_int64(v, "process.oomScoreAdj", -1000, 1000, &i);
                if (r < 0)
                        return r;
                p->has_oom_score_adj = true;
                p->oom_score_adj = (int)i;
        }

        r = parse_label(process, "apparmorProfile", &p->apparmor_profile);
        if (r < 0)
                return r;
        r = parse_label(process, "selinuxLabel", &p->selinux_label);
        if (r < 0)
                return r;

        r = spec_parse_process_fields(process, p);
        if (r < 0)
                return r;

        return 0;
}

void spec_process_done(struct spec_process *p)
{
        assert(p);

        free(p->additional_gids);
        strv_free(p->args);
        strv_free(p->env);
        free(p->cwd);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        memset(p, 0, sizeof *p);
}
