/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json linux.intelRdt (runtime-spec config-linux.md#intelrdt), applied through resctrl by
 * src/runtime/intelrdt.c. */
#include <assert.h>
#include <limits.h>
#include <string.h>

#include "spec-internal.h"

void spec_intel_rdt_free(struct spec_intel_rdt *rdt)
{
        if (!rdt)
                return;
        free(rdt->clos_id);
        strv_free(rdt->schemata_first);
        strv_free(rdt->schemata_last);
        free(rdt);
}

/* Names in the resctrl root that are not (or cannot be) control groups. */
static const char *const reserved_names[] = {
    "info", "mon_groups", "mon_data", "tasks", "cpus", "cpus_list", "schemata", "mode", "size",
};

bool resctrl_group_name_is_valid(const char *name)
{
        if (!name || name[0] == '\0' || strlen(name) > NAME_MAX || strchr(name, '/') ||
            strchr(name, '\n') || streq(name, ".") || streq(name, ".."))
                return false;
        for (size_t i = 0; i < ARRAY_SIZE(reserved_names); i++)
                if (streq(name, reserved_names[i]))
                        return false;
        return true;
}

static int check_clos_id(const char *id)
{
        if (!resctrl_group_name_is_valid(id))
                return spec_error("linux.intelRdt.closID \"%s\" is not a valid resctrl group "
                                  "name (no \"/\", not \".\", \"..\" or a name resctrl uses "
                                  "itself such as \"info\")",
                                  id);
        return 0;
}

/* Appends the non-empty lines of `text` (field `path`) to *lines; skip_mb drops "MB:" lines. */
static int add_lines(char ***lines, const char *text, const char *path, bool skip_mb)
{
        const char *p = text;
        while (*p) {
                size_t n = strcspn(p, "\n");
                if (n > 0) {
                        _cleanup_free_ char *line = strndup(p, n);
                        if (!line)
                                return log_error_errno(ENOMEM, "config.json");
                        const char *colon = strchr(line, ':');
                        if (!colon || colon == line + strspn(line, " \t"))
                                return spec_error("%s: \"%s\" is not a schemata line "
                                                  "(RESOURCE:ID=VALUE;...)",
                                                  path, line);
                        if (!(skip_mb && startswith(line + strspn(line, " \t"), "MB:")) &&
                            strv_push(lines, TAKE_PTR(line)) < 0)
                                return log_error_errno(ENOMEM, "config.json");
                }
                p += n;
                if (*p == '\n')
                        p++;
        }
        return 0;
}

static int parse_schemata_field(json_object *v, struct spec_intel_rdt *rdt)
{
        const char *text;
        int r;
        if (json_object_is_type(v, json_type_string)) { /* the form of config-linux.md's example */
                r = spec_json_string(v, "linux.intelRdt.schemata", &text);
                return r < 0
                           ? r
                           : add_lines(&rdt->schemata_last, text, "linux.intelRdt.schemata", false);
        }
        r = spec_json_array(v, "linux.intelRdt.schemata"); /* runtime-spec 1.3: one line each */
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
                char p[SPEC_PATH_MAX];
                spec_field(p, "linux.intelRdt.schemata[%zu]", i);
                r = spec_json_string(json_object_array_get_idx(v, i), p, &text);
                if (r < 0)
                        return r;
                r = add_lines(&rdt->schemata_last, text, p, false);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_intel_rdt(json_object *o, struct spec_intel_rdt *rdt)
{
        static const char *const known[] = {
            "closID",    "l3CacheSchema", "memBwSchema",      "schemata",
            "enableCMT", "enableMBM",     "enableMonitoring", NULL};
        const char *str, *mb = NULL;
        json_object *v;
        bool b;
        int r;

        r = spec_json_known_object(o, "linux.intelRdt", known);
        if (r < 0)
                return r;

        if ((v = spec_json_get(o, "closID"))) {
                r = spec_json_string(v, "linux.intelRdt.closID", &str);
                if (r < 0)
                        return r;
                if (str[0] != '\0') { /* "" is the same as no closID: the container id */
                        if ((r = check_clos_id(str)) < 0)
                                return r;
                        if (!(rdt->clos_id = strdup(str)))
                                return log_error_errno(ENOMEM, "config.json");
                }
        }
        if ((v = spec_json_get(o, "memBwSchema"))) {
                r = spec_json_string(v, "linux.intelRdt.memBwSchema", &mb);
                if (r < 0)
                        return r;
                if (mb[0] == '\0')
                        mb = NULL;
                else if (!startswith(mb, "MB:") || strchr(mb, '\n'))
                        return spec_error("linux.intelRdt.memBwSchema must be one line starting "
                                          "with \"MB:\", not \"%s\"",
                                          mb);
        }
        if ((v = spec_json_get(o, "l3CacheSchema"))) {
                r = spec_json_string(v, "linux.intelRdt.l3CacheSchema", &str);
                if (r < 0)
                        return r;
                /* MB: lines of l3CacheSchema give way to memBwSchema (runtime-spec) */
                r = add_lines(&rdt->schemata_first, str, "linux.intelRdt.l3CacheSchema", mb);
                if (r < 0)
                        return r;
        }
        if (mb && strv_extend(&rdt->schemata_first, mb) < 0)
                return log_error_errno(ENOMEM, "config.json");
        if ((v = spec_json_get(o, "schemata")) && (r = parse_schemata_field(v, rdt)) < 0)
                return r;

        if ((v = spec_json_get(o, "enableCMT")) &&
            (r = spec_json_bool(v, "linux.intelRdt.enableCMT", &rdt->enable_cmt)) < 0)
                return r;
        if ((v = spec_json_get(o, "enableMBM")) &&
            (r = spec_json_bool(v, "linux.intelRdt.enableMBM", &rdt->enable_mbm)) < 0)
                return r;
        if ((v = spec_json_get(o, "enableMonitoring"))) {
                r = spec_json_bool(v, "linux.intelRdt.enableMonitoring", &b);
                if (r < 0)
                        return r;
                if (b)
                        return spec_error("linux.intelRdt.enableMonitoring (a per-container "
                                          "resctrl monitoring group) is not supported yet");
        }
        return 0;
}

int spec_parse_intel_rdt(json_object *v, struct spec *s)
{
        assert(s);
        if (!v) /* absent or null; {} is set: a resctrl group named after the container */
                return 0;
        struct spec_intel_rdt *rdt = calloc(1, sizeof *rdt);
        if (!rdt)
                return log_error_errno(ENOMEM, "config.json");
        int r = parse_intel_rdt(v, rdt);
        if (r < 0) {
                spec_intel_rdt_free(rdt);
                return r;
        }
        s->intel_rdt = rdt;
        return 0;
}
