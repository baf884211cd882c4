/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parsers of cgroup files behind `crunit events` (cgroup-stats.h): text in, numbers or
 * runc-shaped JSON out, no I/O (the unit tests feed them strings). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-stats.h"
#include "shared/macro.h"

/* --- parsers --------------------------------------------------------------------------- */

static const char *skip_space(const char *s)
{
        while (*s && isspace((unsigned char)*s))
                s++;
        return s;
}

/* A decimal number of exactly the n characters at s. */
static int parse_u64_n(const char *s, size_t n, uint64_t *ret)
{
        uint64_t v = 0;
        if (n == 0)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                unsigned d = (unsigned)(s[i] - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

int cg_parse_u64(const char *text, uint64_t *ret)
{
        const char *s = skip_space(text);
        size_t n = strcspn(s, " \t\n");
        if (*skip_space(s + n) != '\0')
                return -EINVAL;
        if (n == 3 && strncmp(s, "max", 3) == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        return parse_u64_n(s, n, ret);
}

/* The next line of *p (without its newline) into buf; false at the end. */
static bool next_line(const char **p, char *buf, size_t size, bool *too_long)
{
        const char *s = *p;
        if (!*s)
                return false;
        size_t n = strcspn(s, "\n");
        *too_long = n >= size;
        if (!*too_long) {
                memcpy(buf, s, n);
                buf[n] = '\0';
        }
        *p = s[n] ? s + n + 1 : s + n;
        return true;
}

int cg_parse_keyed(const char *text, cg_keyed_fn fn, void *userdata)
{
        char line[512];
        bool too_long;
        for (const char *p = text; next_line(&p, line, sizeof line, &too_long);) {
                if (too_long)
                        return -EINVAL;
                char *key = (char *)skip_space(line);
                if (!*key)
                        continue;
                char *v = key + strcspn(key, " \t");
                if (!*v)
                        return -EINVAL;
                *v++ = '\0';
                uint64_t value;
                int r = cg_parse_u64(v, &value);
                if (r < 0)
                        return r;
                if ((r = fn(key, value, userdata)) < 0)
                        return r;
        }
        return 0;
}

struct keyed_get {
        const char *key;
        uint64_t value;
        bool found;
};

static int keyed_get_one(const char *key, uint64_t value, void *userdata)
{
        struct keyed_get *g = userdata;
        if (streq(key, g->key)) {
                g->value = value;
                g->found = true;
        }
        return 0;
}

int cg_keyed_get(const char *text, const char *key, uint64_t *ret)
{
        struct keyed_get g = {.key = key};
        int r = cg_parse_keyed(text, keyed_get_one, &g);
        if (r < 0)
                return r;
        if (!g.found)
                return -ENOENT;
        *ret = g.value;
        return 0;
}

int cg_parse_u64_list(const char *text, json_object **ret)
{
        json_object *a = json_object_new_array();
        if (!a)
                return -ENOMEM;
        for (const char *s = skip_space(text); *s; s = skip_space(s)) {
                size_t n = strcspn(s, " \t\n");
                uint64_t v;
                int r = parse_u64_n(s, n, &v);
                if (r < 0) {
                        json_object_put(a);
                        return r;
                }
                json_object_array_add(a, json_object_new_uint64(v));
                s += n;
        }
        *ret = a;
        return 0;
}

int cg_parse_usage_all(const char *text, json_object **ret_user, json_object **ret_kernel)
{
        char line[256];
        bool too_long, header = true;
        json_object *user = json_object_new_array(), *kernel = json_object_new_array();
        int r = user && kernel ? 0 : -ENOMEM;
        for (const char *p = text; r >= 0 && next_line(&p, line, sizeof line, &too_long);) {
                uint64_t cpu, u, k;
                char extra;
                if (too_long) {
                        r = -EINVAL;
                        break;
                }
                if (*skip_space(line) == '\0')
                        continue;
                if (header) { /* "cpu user system" */
                        header = false;
                        if (!startswith(skip_space(line), "cpu"))
                                r = -EINVAL;
                        continue;
                }
                if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %c", &cpu, &u, &k, &extra) !=
                    3) {
                        r = -EINVAL;
                        break;
                }
                json_object_array_add(user, json_object_new_uint64(u));
                json_object_array_add(kernel, json_object_new_uint64(k));
        }
        if (r < 0) {
                json_object_put(user);
                json_object_put(kernel);
                return r;
        }
        *ret_user = user;
        *ret_kernel = kernel;
        return 0;
}

int cg_parse_range_list(const char *text, json_object **ret)
{
        json_object *a = json_object_new_array();
        if (!a)
                return -ENOMEM;
        const char *s = skip_space(text);
        while (*s && *s != '\n') {
                size_t n = strcspn(s, "-,\n");
                uint64_t lo, hi;
                int r = parse_u64_n(s, n, &lo);
                s += n;
                hi = lo;
                if (r >= 0 && *s == '-') {
                        s++;
                        n = strcspn(s, ",\n");
                        r = parse_u64_n(s, n, &hi);
                        s += n;
                }
                if (r >= 0 && (hi < lo || hi - lo > 65535 || hi > 65535))
                        r = -EINVAL;
                if (r < 0) {
                        json_object_put(a);
                        return -EINVAL;
                }
                for (uint64_t i = lo; i <= hi; i++)
                        json_object_array_add(a, json_object_new_uint64(i));
                if (*s == ',')
                        s++;
        }
        if (*skip_space(s) != '\0') {
                json_object_put(a);
                return -EINVAL;
        }
        *ret = a;
        return 0;
}

/* runc's BlkioEntry: every member omitempty. */
static json_object *blkio_entry(uint64_t major, uint64_t minor, const char *op, uint64_t value)
{
        json_object *e = json_object_new_object();
        if (!e)
                return NULL;
        if (major)
                json_object_object_add(e, "major", json_object_new_uint64(major));
        if (minor)
                json_object_object_add(e, "minor", json_object_new_uint64(minor));
        if (op && *op)
                json_object_object_add(e, "op", json_object_new_string(op));
        if (value)
                json_object_object_add(e, "value", json_object_new_uint64(value));
        return e;
}

static json_object *array_member(json_object *o, const char *key)
{
        json_object *a;
        if (json_object_object_get_ex(o, key, &a))
                return a;
        a = json_object_new_array();
        json_object_object_add(o, key, a);
        return a;
}

static int parse_dev(const char *s, size_t n, uint64_t *major, uint64_t *minor)
{
        const char *colon = memchr(s, ':', n);
        if (!colon || parse_u64_n(s, (size_t)(colon - s), major) < 0 ||
            parse_u64_n(colon + 1, n - (size_t)(colon - s) - 1, minor) < 0)
                return -EINVAL;
        return 0;
}

int cg_parse_io_stat(const char *text, json_object *blkio)
{
        static const struct {
                const char *key, *table, *op;
        } map[] = {
            {"rbytes", "ioServiceBytesRecursive", "Read"},
            {"wbytes", "ioServiceBytesRecursive", "Write"},
            {"rios", "ioServicedRecursive", "Read"},
            {"wios", "ioServicedRecursive", "Write"},
        };
        char line[1024];
        bool too_long;
        for (const char *p = text; next_line(&p, line, sizeof line, &too_long);) {
                if (too_long)
                        return -EINVAL;
                const char *s = skip_space(line);
                if (!*s)
                        continue;
                uint64_t major, minor;
                size_t n = strcspn(s, " \t");
                if (parse_dev(s, n, &major, &minor) < 0)
                        return -EINVAL;
                for (s = skip_space(s + n); *s; s = skip_space(s)) {
                        n = strcspn(s, " \t");
                        const char *eq = memchr(s, '=', n);
                        if (!eq)
                                return -EINVAL;
                        size_t klen = (size_t)(eq - s);
                        uint64_t v;
                        if (parse_u64_n(eq + 1, n - klen - 1, &v) < 0)
                                return -EINVAL;
                        for (size_t i = 0; i < ARRAY_SIZE(map); i++)
                                if (strlen(map[i].key) == klen && strncmp(s, map[i].key, klen) == 0)
                                        json_object_array_add(
                                            array_member(blkio, map[i].table),
                                            blkio_entry(major, minor, map[i].op, v));
                        s += n;
                }
        }
        return 0;
}

int cg_parse_blkio_v1(const char *text, json_object **ret)
{
        char line[512];
        bool too_long;
        json_object *a = json_object_new_array();
        if (!a)
                return -ENOMEM;
        for (const char *p = text; next_line(&p, line, sizeof line, &too_long);) {
                char *f[4];
                int nf = 0;
                if (too_long)
                        goto bad;
                /* fields split at blanks and ':', as runc does */
                for (char *save = NULL, *t = strtok_r(line, " \t:", &save); t;
                     t = strtok_r(NULL, " \t:", &save)) {
                        if (nf == 4)
                                goto bad;
                        f[nf++] = t;
                }
                if (nf == 0 || (nf == 2 && streq(f[0], "Total")))
                        continue;
                if (nf < 3)
                        goto bad;
                uint64_t major, minor, value;
                if (parse_u64_n(f[0], strlen(f[0]), &major) < 0 ||
                    parse_u64_n(f[1], strlen(f[1]), &minor) < 0 ||
                    parse_u64_n(f[nf - 1], strlen(f[nf - 1]), &value) < 0)
                        goto bad;
                json_object_array_add(a, blkio_entry(major, minor, nf == 4 ? f[2] : NULL, value));
        }
        *ret = a;
        return 0;
bad:
        json_object_put(a);
        return -EINVAL;
}
