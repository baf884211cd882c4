/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks: {prestart, createRuntime, createContainer, startContainer, poststart, poststop}, each
 * an array of {path (absolute, required), args[], env[], timeout (> 0)}. */
#include <assert.h>

#include "spec-internal.h"

static const char *const hook_kinds[_SPEC_HOOK_KIND_MAX + 1] = {
    [SPEC_HOOK_PRESTART] = "prestart",
    [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
    [SPEC_HOOK_START_CONTAINER] = "startContainer",
    [SPEC_HOOK_POSTSTART] = "poststart",
    [SPEC_HOOK_POSTSTOP] = "poststop",
    [_SPEC_HOOK_KIND_MAX] = NULL,
};

const char *spec_hook_kind_to_string(enum spec_hook_kind k)
{
        assert(k >= 0 && k < _SPEC_HOOK_KIND_MAX);
        return hook_kinds[k];
}

static int parse_hook(json_object *h, const char *path, struct spec_hook *ret)
{
        static const char *const known[] = {"path", "args", "env", "timeout", NULL};
        char p[SPEC_PATH_MAX];
        json_object *v;
        int r;

        r = spec_json_known_object(h, path, known);
        if (r < 0)
                return r;

        v = spec_json_required(h, path, "path", p);
        if (!v)
                return -EINVAL;
        r = spec_json_strdup(v, p, &ret->path);
        if (r < 0)
                return r;
        if (ret->path[0] != '/')
                return spec_error("%s must be an absolute path, not \"%s\"", p, ret->path);

        v = spec_json_get(h, "args");
        if (v) {
                spec_field(p, "%s.args", path);
                r = spec_json_strv(v, p, &ret->args);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(h, "env");
        if (v) {
                spec_field(p, "%s.env", path);
                r = spec_json_strv(v, p, &ret->env);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(h, "timeout");
        if (v) {
                int64_t t;
                spec_field(p, "%s.timeout", path);
                r = spec_json_int64(v, p, 1, INT32_MAX, &t);
                if (r < 0)
                        return r;
                ret->timeout = (int)t;
        }
        return 0;
}

static int parse_hook_item(json_object *e, const char *path, void *item, void *userdata)
{
        return parse_hook(e, path, item);
}

int spec_parse_hooks(json_object *hooks, struct spec_hooks *ret)
{
        int r;

        assert(ret);
        *ret = (struct spec_hooks){};
        if (!hooks)
                return 0;
        r = spec_json_known_object(hooks, "hooks", hook_kinds);
        if (r < 0)
                return r;

        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++) {
                json_object *v = spec_json_get(hooks, hook_kinds[k]);
                char p[SPEC_PATH_MAX];

                if (!v)
                        continue;
                spec_field(p, "hooks.%s", hook_kinds[k]);
                r = spec_json_array_items(v, p, sizeof(struct spec_hook), (void **)&ret->list[k],
                                          &ret->n[k], parse_hook_item, NULL);
                if (r < 0)
                        goto fail;
        }
        return 0;

fail:
        spec_hooks_done(ret);
        return r;
}

void spec_hooks_done(struct spec_hooks *h)
{
        if (!h)
                return;
        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++) {
                for (size_t i = 0; i < h->n[k]; i++) {
                        free(h->list[k][i].path);
                        strv_free(h->list[k][i].args);
                        strv_free(h->list[k][i].env);
                }
                free(h->list[k]);
                h->list[k] = NULL;
                h->n[k] = 0;
        }
}
