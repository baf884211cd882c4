/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit-name.h"

#include <assert.h>
#include <stdio.h>

#include "shared/log.h"
#include "shared/macro.h"

#define UNIT_NAME_MAX 255

static bool unit_char_ok(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == ':' || c == '_' || c == '.' || c == '-';
}

int unit_name_escape(const char *s, char **ret)
{
        assert(s);
        assert(ret);
        char *out = malloc(strlen(s) * 4 + 1), *o = out;
        if (!out)
                return -ENOMEM;
        for (const char *p = s; *p; p++) {
                /* a leading dot would make a hidden unit name: escape it as systemd does */
                if (unit_char_ok(*p) && !(*p == '.' && p == s))
                        *o++ = *p;
                else
                        o += sprintf(o, "\\x%02x", (unsigned char)*p);
        }
        *o = 0;
        *ret = out;
        return 0;
}

static int make_scope_name(const char *prefix, const char *name, char **ret)
{
        _cleanup_free_ char *escaped = NULL;
        int r = unit_name_escape(name, &escaped);
        if (r < 0)
                return r;
        char *unit;
        if (asprintf(&unit, "%s%s%s.scope", prefix, *prefix ? "-" : "", escaped) < 0)
                return -ENOMEM;
        *ret = unit;
        return 0;
}

int container_unit_names(const char *cgroups_path, const char *id, char **ret_slice,
                         char **ret_unit)
{
        assert(id);
        _cleanup_free_ char *slice = NULL, *unit = NULL;
        int r;

        if (!cgroups_path || !*cgroups_path) {
                slice = strdup(CRUNIT_DEFAULT_SLICE);
                if (!slice)
                        return -ENOMEM;
                r = make_scope_name(CRUNIT_DEFAULT_PREFIX, id, &unit);
        } else {
                const char *c1 = strchr(cgroups_path, ':');
                const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c1 || !c2 || strchr(c2 + 1, ':') || !c2[1])
                        return log_error("linux.cgroupsPath: expected \"slice:prefix:name\" "
                                         "(systemd convention), got \"%s\"",
                                         cgroups_path);
                slice = c1 == cgroups_path ? strdup(CRUNIT_DEFAULT_SLICE)
                                           : strndup(cgroups_path, (size_t)(c1 - cgroups_path));
                _cleanup_free_ char *prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
                if (!slice || !prefix)
                        return -ENOMEM;
                if (strlen(slice) < 7 || !streq(slice + strlen(slice) - 6, ".slice") ||
                    strchr(slice, '/'))
                        return log_error("linux.cgroupsPath: \"%s\" is not a slice name", slice);
                if (strlen(c2 + 1) > 6 && streq(c2 + 1 + strlen(c2 + 1) - 6, ".slice"))
                        return log_error("linux.cgroupsPath: a container in a slice of its own "
                                         "(\"%s\") is not supported yet",
                                         c2 + 1);
                r = make_scope_name(prefix, c2 + 1, &unit);
        }
        if (r < 0)
                return r;
        if (strlen(unit) > UNIT_NAME_MAX)
                return log_error("container id \"%s\" is too long for a unit name", id);
        *ret_slice = TAKE_PTR(slice);
        *ret_unit = TAKE_PTR(unit);
        return 0;
}
