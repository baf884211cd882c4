/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "spec-internal.h"

char *spec_field(char buf[static SPEC_PATH_MAX], const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        (void)vsnprintf(buf, SPEC_PATH_MAX, fmt, ap);
        va_end(ap);
        return buf;
}

json_object *spec_json_get(json_object *obj, const char *key)
{
        json_object *v = NULL;

        assert(obj);
        assert(key);

        if (!json_object_object_get_ex(obj, key, &v))
                return NULL;
        return v; /* NULL for JSON null */
}

bool spec_json_is_empty(json_object *v)
{
        switch (json_object_get_type(v)) {
        case json_type_null:
                return true;
        case json_type_string:
                return json_object_get_string_len(v) == 0;
        case json_type_array:
                return json_object_array_length(v) == 0;
        case json_type_object:
                return json_object_object_length(v) == 0;
        default:
                return false;
        }
}

void spec_json_log_unknown(json_object *obj, const char *prefix, const char *const *known)
{
        assert(obj);
        assert(prefix);
        assert(known);

        if (log_get_max_level() < LOG_LEVEL_DEBUG)
                return;

        json_object_object_foreach(obj, key, val)
        {
                (void)val;
                bool found = false;
                for (const char *const *k = known; *k; k++)
                        if (streq(*k, key)) {
                                found = true;
                                break;
                        }
                if (!found)
                        log_debug("config.json: ignoring unknown property %s%s%s", prefix,
                                  *prefix ? "." : "", key);
        }
}

json_object *spec_json_required(json_object *o, const char *path, const char *key,
                                char field[static SPEC_PATH_MAX])
{
        json_object *v = spec_json_get(o, key);
        if (!v) {
                (void)spec_error("%s.%s is required", path, key);
                return NULL;
        }
        spec_field(field, "%s.%s", path, key);
        return v;
}

int spec_json_required_string(json_object *o, const char *path, const char *key,
                              char field[static SPEC_PATH_MAX], const char **ret)
{
        json_object *v = spec_json_required(o, path, key, field);
        if (!v)
                return -EINVAL;
        return spec_json_string(v, field, ret);
}

int spec_json_object(json_object *v, const char *path)
{
        assert(path);
        if (!json_object_is_type(v, json_type_object))
                return spec_error("%s must be an object", path);
        return 0;
}

int spec_json_array(json_object *v, const char *path)
{
        assert(path);
        if (!json_object_is_type(v, json_type_array))
                return spec_error("%s must be an array", path);
        return 0;
}

int spec_json_array_items(json_object *a, const char *path, size_t size, void **ret_items,
                          size_t *ret_n, spec_item_fn fn, void *userdata)
{
        int r = spec_json_array(a, path);
        if (r < 0)
                return r;
        size_t n = json_object_array_length(a);
        if (n == 0)
                return 0;
        char *items = calloc(n, size);
        if (!items)
                return log_error_errno(ENOMEM, "config.json: %s", path);
        *ret_items = items;
        for (size_t i = 0; i < n; i++) {
                char p[SPEC_PATH_MAX];
                spec_field(p, "%s[%zu]", path, i);
                *ret_n = i + 1;
                r = fn(json_object_array_get_idx(a, i), p, items + i * size, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

int spec_json_string(json_object *v, const char *path, const char **ret)
{
        assert(path);
        assert(ret);
        if (!json_object_is_type(v, json_type_string))
                return spec_error("%s must be a string", path);
        const char *s = json_object_get_string(v);
        if (strlen(s) != (size_t)json_object_get_string_len(v))
                return spec_error("%s must not contain NUL characters", path);
        *ret = s;
        return 0;
}

int spec_json_strdup(json_object *v, const char *path, char **ret)
{
        const char *s;
        int r;

        assert(ret);
        r = spec_json_string(v, path, &s);
        if (r < 0)
                return r;
        char *c = strdup(s);
        if (!c)
                return log_error_errno(ENOMEM, "config.json: %s", path);
        *ret = c;
        return 0;
}

int spec_json_bool(json_object *v, const char *path, bool *ret)
{
        assert(path);
        assert(ret);
        if (!json_object_is_type(v, json_type_boolean))
                return spec_error("%s must be a boolean", path);
        *ret = json_object_get_boolean(v);
        return 0;
}

int spec_json_int64(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret)
{
        assert(path);
        assert(ret);
        assert(min <= max);

        /* json_object_get_int64() saturates at INT64_MAX for larger values, which are then
         * refused as long as max < INT64_MAX. */
        int64_t i = json_object_get_int64(v);
        if (!json_object_is_type(v, json_type_int) || i < min || i > max)
                return spec_error("%s must be an integer between %" PRId64 " and %" PRId64, path,
                                  min, max);
        *ret = i;
        return 0;
}

int spec_json_uint64(json_object *v, const char *path, uint64_t max, uint64_t *ret)
{
        assert(path);
        assert(ret);

        if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
            json_object_get_uint64(v) > max)
                return spec_error("%s must be an integer between 0 and %" PRIu64, path, max);
        *ret = json_object_get_uint64(v);
        return 0;
}

int spec_json_uint32(json_object *v, const char *path, uint32_t *ret)
{
        uint64_t u;
        int r;

        assert(ret);
        r = spec_json_uint64(v, path, UINT32_MAX, &u);
        if (r < 0)
                return r;
        *ret = (uint32_t)u;
        return 0;
}

static int json_strv(json_object *v, const char *path, bool absolute, char ***ret)
{
        _cleanup_strv_free_ char **l = NULL;
        int r;

        assert(path);
        assert(ret);

        r = spec_json_array(v, path);
        if (r < 0)
                return r;

        size_t n = json_object_array_length(v);
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return log_error_errno(ENOMEM, "config.json: %s", path);

        for (size_t i = 0; i < n; i++) {
                char p[SPEC_PATH_MAX];
                spec_field(p, "%s[%zu]", path, i);
                r = spec_json_strdup(json_object_array_get_idx(v, i), p, &l[i]);
                if (r < 0)
                        return r;
                if (absolute && l[i][0] != '/')
                        return spec_error("%s must be an absolute path, not \"%s\"", p, l[i]);
        }

        *ret = TAKE_PTR(l);
        return 0;
}

int spec_json_strv(json_object *v, const char *path, char ***ret)
{
        return json_strv(v, path, false, ret);
}

int spec_json_path_strv(json_object *v, const char *path, char ***ret)
{
        return json_strv(v, path, true, ret);
}

/* Lexical cleanup, like Go's path.Clean(). */
static char *path_clean(const char *p)
{
        size_t o = 0, floor = 0; /* output length; ".." never removes below floor */
        bool absolute = p[0] == '/';
        char *out = malloc(strlen(p) + 2);
        if (!out)
                return NULL;

        if (absolute) {
                out[o++] = '/';
                floor = 1;
        }

        for (const char *in = p; *in;) {
                while (*in == '/')
                        in++;
                if (!*in)
                        break;
                const char *end = strchrnul(in, '/');
                size_t len = (size_t)(end - in);

                if (len == 1 && in[0] == '.') {
                        /* skip */
                } else if (len == 2 && in[0] == '.' && in[1] == '.') {
                        if (o > floor) {
                                while (o > floor && out[o - 1] != '/')
                                        o--;
                                if (o > floor)
                                        o--;
                        } else if (!absolute) {
                                if (o > 0)
                                        out[o++] = '/';
                                out[o++] = '.';
                                out[o++] = '.';
                                floor = o;
                        }
                } else {
                        if (o > 0 && out[o - 1] != '/')
                                out[o++] = '/';
                        memcpy(out + o, in, len);
                        o += len;
                }
                in = end;
        }

        if (o == 0)
                out[o++] = '.';
        out[o] = '\0';
        return out;
}

int spec_path_join(const char *base, const char *rel, char **ret)
{
        _cleanup_free_ char *joined = NULL;

        assert(base);
        assert(rel);
        assert(ret);

        if (rel[0] != '/' && base[0] != '\0') {
                char *j;
                if (asprintf(&j, "%s/%s", base, rel) < 0)
                        return -ENOMEM;
                joined = j;
        }

        char *p = path_clean(joined ? joined : rel);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

int spec_path_absolute(const char *path, char **ret)
{
        _cleanup_free_ char *cwd = NULL;

        assert(path);
        assert(ret);

        if (path[0] == '/')
                return spec_path_join("/", path, ret);

        cwd = getcwd(NULL, 0);
        if (!cwd)
                return negative_errno();
        return spec_path_join(cwd, path, ret);
}

int spec_json_known_object(json_object *o, const char *path, const char *const known[])
{
        int r = spec_json_object(o, path);
        if (r < 0)
                return r;
        spec_json_log_unknown(o, path, known);
        return 0;
}
