/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json "linux.seccomp" (runtime-spec 1.2 config-linux.md#seccomp). Names are turned into
 * libseccomp's values here, so that every mistake is reported by the parser with the field it
 * is in; src/runtime/seccomp.c only compiles the result. */
#include <assert.h>
#include <ctype.h>
#include <seccomp.h>

#include "spec-features.h"
#include "spec-internal.h"

#define SECCOMP_MAX_ARGS 6

static const struct {
        const char *name;
        uint32_t action;  /* without the errno/trace value */
        bool takes_errno; /* errnoRet applies (default EPERM) */
} action_table[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

static const struct {
        const char *name;
        int op;
} op_table[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* `name` at field path `path` (an action), with the errno value `errno_ret` (has_errno: it was
 * given, at field path `errno_path`) → the libseccomp action. */
static int parse_action(const char *name, const char *path, bool has_errno, uint32_t errno_ret,
                        const char *errno_path, uint32_t *ret)
{
        for (size_t i = 0; i < ARRAY_SIZE(action_table); i++) {
                if (!streq(action_table[i].name, name))
                        continue;
                if (!action_table[i].takes_errno) {
                        /* The runtime-spec: "When the action doesn't support an errno, the
                         * runtime MUST print an error and fail." */
                        if (has_errno)
                                return spec_error("%s: %s does not take an errno value, but %s "
                                                  "is set",
                                                  path, name, errno_path);
                        *ret = action_table[i].action;
                        return 0;
                }
                if (!has_errno)
                        errno_ret = EPERM;
                /* The filter's return value has 16 bits for it. */
                if (errno_ret > 0xffff)
                        return spec_error("%s must be at most 65535, not %" PRIu32, errno_path,
                                          errno_ret);
                *ret = action_table[i].action | errno_ret;
                return 0;
        }
        return spec_error("%s: unknown action \"%s\"", path, name);
}

static int parse_errno(json_object *o, const char *key, const char *path, bool *has, uint32_t *ret)
{
        json_object *v = spec_json_get(o, key);
        char p[SPEC_PATH_MAX];

        *has = false;
        if (!v)
                return 0;
        spec_field(p, "%s.%s", path, key);
        int r = spec_json_uint32(v, p, ret);
        if (r < 0)
                return r;
        *has = true;
        return 0;
}

static int parse_architectures(json_object *a, struct spec_seccomp *sc)
{
        int r;

        r = spec_json_array(a, "linux.seccomp.architectures");
        if (r < 0)
                return r;
        size_t n = json_object_array_length(a);
        if (n == 0)
                return 0;
        sc->architectures = calloc(n, sizeof(uint32_t));
        if (!sc->architectures)
                return log_error_errno(ENOMEM, "config.json");

        for (size_t i = 0; i < n; i++) {
                char p[SPEC_PATH_MAX], lower[64];
                const char *name;

                spec_field(p, "linux.seccomp.architectures[%zu]", i);
                r = spec_json_string(json_object_array_get_idx(a, i), p, &name);
                if (r < 0)
                        return r;
                /* "SCMP_ARCH_X86_64" → libseccomp's "x86_64". */
                const char *suffix = startswith(name, "SCMP_ARCH_") ? name + 10 : NULL;
                uint32_t token = 0;
                if (suffix && *suffix && strlen(suffix) < sizeof lower) {
                        size_t k;
                        for (k = 0; suffix[k]; k++)
                                lower[k] = (char)tolower((unsigned char)suffix[k]);
                        lower[k] = '\0';
                        token = seccomp_arch_resolve_name(lower);
                }
                if (token == 0)
                        return spec_error("%s: unknown architecture \"%s\"", p, name);
                sc->architectures[sc->n_architectures++] = token;
        }
        return 0;
}

static int parse_flags(json_object *a, struct spec_seccomp *sc)
{
        int r;

        r = spec_json_array(a, "linux.seccomp.flags");
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                char p[SPEC_PATH_MAX];
                const char *name;

                spec_field(p, "linux.seccomp.flags[%zu]", i);
                r = spec_json_string(json_object_array_get_idx(a, i), p, &name);
                if (r < 0)
                        return r;
                if (streq(name, "SECCOMP_FILTER_FLAG_TSYNC"))
                        sc->flag_tsync = true;
                else if (streq(name, "SECCOMP_FILTER_FLAG_LOG"))
                        sc->flag_log = true;
                else if (streq(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
                        sc->flag_spec_allow = true;
                else if (streq(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
                        /* crunit loads the BPF itself (seccomp(2)), so this needs the kernel
                         * (5.19), not libseccomp 2.6; checked at create (runtime/seccomp.c) */
                        sc->flag_wait_killable_recv = true;
                else
                        return spec_error("%s: unknown flag \"%s\"", p, name);
        }
        return 0;
}

static int parse_arg(json_object *o, const char *path, struct spec_seccomp_arg *ret)
{
        static const char *const known[] = {"index", "value", "valueTwo", "op", NULL};
        char p[SPEC_PATH_MAX];
        const char *op;
        uint64_t u;
        json_object *v;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;

        v = spec_json_required(o, path, "index", p);
        if (!v)
                return -EINVAL;
        r = spec_json_uint64(v, p, SECCOMP_MAX_ARGS - 1, &u);
        if (r < 0)
                return r;
        ret->index = (unsigned)u;

        v = spec_json_required(o, path, "value", p);
        if (!v)
                return -EINVAL;
        r = spec_json_uint64(v, p, UINT64_MAX, &ret->value);
        if (r < 0)
                return r;

        v = spec_json_get(o, "valueTwo");
        if (v) {
                spec_field(p, "%s.valueTwo", path);
                r = spec_json_uint64(v, p, UINT64_MAX, &ret->value_two);
                if (r < 0)
                        return r;
        }

        r = spec_json_required_string(o, path, "op", p, &op);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ARRAY_SIZE(op_table); i++)
                if (streq(op_table[i].name, op)) {
                        ret->op = op_table[i].op;
                        return 0;
                }
        return spec_error("%s: unknown operator \"%s\"", p, op);
}

static int parse_arg_item(json_object *e, const char *path, void *item, void *userdata)
{
        return parse_arg(e, path, item);
}

static int parse_syscall(json_object *o, const char *path, struct spec_seccomp_syscall *ret)
{
        static const char *const known[] = {"names", "action", "errnoRet", "args", NULL};
        char p[SPEC_PATH_MAX], q[SPEC_PATH_MAX];
        const char *action;
        bool has_errno;
        uint32_t errno_ret = 0;
        json_object *v;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;

        v = spec_json_required(o, path, "names", p);
        if (!v)
                return -EINVAL;
        r = spec_json_strv(v, p, &ret->names);
        if (r < 0)
                return r;
        if (!ret->names[0])
                return spec_error("%s must not be empty", p);

        r = spec_json_required_string(o, path, "action", p, &action);
        if (r < 0)
                return r;
        r = parse_errno(o, "errnoRet", path, &has_errno, &errno_ret);
        if (r < 0)
                return r;
        spec_field(q, "%s.errnoRet", path);
        r = parse_action(action, p, has_errno, errno_ret, q, &ret->action);
        if (r < 0)
                return r;
        /* The init hands the listener fd over with sendmsg() after loading the filter: a
         * notification for it would never be answered. */
        if (ret->action == SCMP_ACT_NOTIFY && strv_contains(ret->names, "sendmsg"))
                return spec_error("%s: SCMP_ACT_NOTIFY cannot be used for sendmsg (crunit sends "
                                  "the listener fd with it)",
                                  p);

        v = spec_json_get(o, "args");
        if (!v)
                return 0;
        spec_field(p, "%s.args", path);
        return spec_json_array_items(v, p, sizeof(struct spec_seccomp_arg), (void **)&ret->args,
                                     &ret->n_args, parse_arg_item, NULL);
}

static int parse_syscall_item(json_object *e, const char *path, void *item, void *userdata)
{
        return parse_syscall(e, path, item);
}

static int parse_syscalls(json_object *a, struct spec_seccomp *sc)
{
        return spec_json_array_items(a, "linux.seccomp.syscalls",
                                     sizeof(struct spec_seccomp_syscall), (void **)&sc->syscalls,
                                     &sc->n_syscalls, parse_syscall_item, NULL);
}

void spec_seccomp_free(struct spec_seccomp *sc)
{
        if (!sc)
                return;
        for (size_t i = 0; i < sc->n_syscalls; i++) {
                strv_free(sc->syscalls[i].names);
                free(sc->syscalls[i].args);
        }
        free(sc->syscalls);
        free(sc->architectures);
        free(sc->listener_path);
        free(sc->listener_metadata);
        free(sc);
}

static void spec_seccomp_freep(struct spec_seccomp **sc)
{
        spec_seccomp_free(*sc);
}

int spec_parse_seccomp(json_object *seccomp, struct spec *s)
{
        static const char *const known[] = {
            "defaultAction", "defaultErrnoRet",  "architectures", "flags",
            "listenerPath",  "listenerMetadata", "syscalls",      NULL,
        };
        _cleanup_(spec_seccomp_freep) struct spec_seccomp *sc = NULL;
        const char *action = NULL;
        bool has_errno;
        uint32_t errno_ret = 0;
        json_object *v;
        int r;

        assert(s);

        r = spec_json_known_object(seccomp, "linux.seccomp", known);
        if (r < 0)
                return r;

        v = spec_json_get(seccomp, "defaultAction");
        if (v) {
                r = spec_json_string(v, "linux.seccomp.defaultAction", &action);
                if (r < 0)
                        return r;
                if (action[0] == '\0')
                        action = NULL;
        }
        if (!action) {
                /* As runc: no default action and no rules means no filter. */
                if (spec_json_is_empty(spec_json_get(seccomp, "syscalls"))) {
                        log_debug("config.json: linux.seccomp has no defaultAction and no "
                                  "syscalls: no filter");
                        return 0;
                }
                return spec_error("linux.seccomp.defaultAction is required");
        }

        sc = calloc(1, sizeof(struct spec_seccomp));
        if (!sc)
                return log_error_errno(ENOMEM, "config.json");

        v = spec_json_get(seccomp, "listenerPath");
        if (v) {
                r = spec_json_strdup(v, "linux.seccomp.listenerPath", &sc->listener_path);
                if (r < 0)
                        return r;
                if (sc->listener_path[0] == '\0') {
                        free(sc->listener_path);
                        sc->listener_path = NULL;
                } else if (sc->listener_path[0] != '/')
                        return spec_error("linux.seccomp.listenerPath must be absolute: \"%s\"",
                                          sc->listener_path);
                else if (strlen(sc->listener_path) >= 108) /* sizeof sun_path */
                        return spec_error("linux.seccomp.listenerPath is longer than a unix "
                                          "socket path can be (107 bytes)");
        }
        v = spec_json_get(seccomp, "listenerMetadata");
        if (v) {
                r = spec_json_strdup(v, "linux.seccomp.listenerMetadata", &sc->listener_metadata);
                if (r < 0)
                        return r;
        }

        r = parse_errno(seccomp, "defaultErrnoRet", "linux.seccomp", &has_errno, &errno_ret);
        if (r < 0)
                return r;
        r = parse_action(action, "linux.seccomp.defaultAction", has_errno, errno_ret,
                         "linux.seccomp.defaultErrnoRet", &sc->default_action);
        if (r < 0)
                return r;
        if (sc->default_action == SCMP_ACT_NOTIFY)
                /* as runc: the init's own syscalls up to the hand-over would be notified */
                return spec_error("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
                                  "default action");

        v = spec_json_get(seccomp, "architectures");
        if (v) {
                r = parse_architectures(v, sc);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(seccomp, "flags");
        if (v) {
                r = parse_flags(v, sc);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(seccomp, "syscalls");
        if (v) {
                r = parse_syscalls(v, sc);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < sc->n_syscalls; i++)
                if (sc->syscalls[i].action == SCMP_ACT_NOTIFY)
                        sc->uses_notify = true;
        if (sc->uses_notify && !sc->listener_path)
                return spec_error("linux.seccomp: SCMP_ACT_NOTIFY needs "
                                  "linux.seccomp.listenerPath");
        if (sc->flag_wait_killable_recv && !sc->uses_notify)
                return spec_error("linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
                                  "needs a rule with SCMP_ACT_NOTIFY");

        s->seccomp = TAKE_PTR(sc);
        return 0;
}

/* `crunit features`: the action and operator names this parser takes (action_table,
 * op_table) and the flags parse_flags() knows. */
int spec_seccomp_features(json_object *o)
{
        static const char *const known_flags[] = {
            "SECCOMP_FILTER_FLAG_TSYNC",
            "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
        };
        json_object *actions = json_object_new_array(), *ops = json_object_new_array(),
                    *flags = json_object_new_array();
        if (!actions || !ops || !flags) {
                json_object_put(actions);
                json_object_put(ops);
                json_object_put(flags);
                return -ENOMEM;
        }
        for (size_t i = 0; i < ARRAY_SIZE(action_table); i++)
                json_object_array_add(actions, json_object_new_string(action_table[i].name));
        for (size_t i = 0; i < ARRAY_SIZE(op_table); i++)
                json_object_array_add(ops, json_object_new_string(op_table[i].name));
        for (size_t i = 0; i < ARRAY_SIZE(known_flags); i++)
                json_object_array_add(flags, json_object_new_string(known_flags[i]));
        json_object_object_add(o, "actions", actions);
        json_object_object_add(o, "operators", ops);
        json_object_object_add(o, "knownFlags", flags);
        return 0;
}
