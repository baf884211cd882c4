/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json "linux" object. */
#include <assert.h>
#include <sys/mount.h>

#include "spec-features.h"
#include "spec-internal.h"

static const struct {
        const char *name;
        int type;
} namespace_table[] = {
    {"pid", CLONE_NEWPID},       {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},       {"uts", CLONE_NEWUTS},     {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static const struct {
        const char *name;
        unsigned long flags;
} propagation_table[] = {
    {"", 0},
    {"shared", MS_SHARED},
    {"slave", MS_SLAVE},
    {"private", MS_PRIVATE},
    {"unbindable", MS_UNBINDABLE},
    {"rshared", MS_SHARED | MS_REC},
    {"rslave", MS_SLAVE | MS_REC},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* Properties crunit refuses unless absent or empty. */
static const char *const unsupported[] = {
    "memoryPolicy",
    "netDevices",
};

static int parse_namespace(json_object *o, const char *path, struct spec_namespace *ret)
{
        static const char *const known[] = {"type", "path", NULL};
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
        ret->type = 0;
        for (size_t i = 0; i < ARRAY_SIZE(namespace_table); i++)
                if (streq(namespace_table[i].name, type)) {
                        ret->type = namespace_table[i].type;
                        break;
                }
        if (ret->type == 0)
                return spec_error("%s: unknown namespace type \"%s\"", p, type);

        v = spec_json_get(o, "path");
        if (v) {
                spec_field(p, "%s.path", path);
                r = spec_json_strdup(v, p, &ret->path);
                if (r < 0)
                        return r;
                if (ret->path[0] == '\0') {
                        /* Same as no path: a new namespace. */
                        free(ret->path);
                        ret->path = NULL;
                } else if (ret->path[0] != '/')
                        return spec_error("%s must be an absolute path, not \"%s\"", p, ret->path);
        }
        return 0;
}

static int parse_namespace_item(json_object *e, const char *path, void *item, void *userdata)
{
        const struct spec *s = userdata;
        struct spec_namespace *ns = item;
        int r = parse_namespace(e, path, ns);
        if (r < 0)
                return r;
        for (const struct spec_namespace *o = s->namespaces; o < ns; o++)
                if (o->type == ns->type)
                        return spec_error("%s: duplicate namespace type (also in "
                                          "linux.namespaces[%zu])",
                                          path, (size_t)(o - s->namespaces));
        return 0;
}

static int parse_namespaces(json_object *namespaces, struct spec *s)
{
        return spec_json_array_items(namespaces, "linux.namespaces", sizeof(struct spec_namespace),
                                     (void **)&s->namespaces, &s->n_namespaces,
                                     parse_namespace_item, s);
}

int spec_parse_id_mappings(json_object *a, const char *path, struct spec_id_mapping **ret,
                           size_t *ret_n)
{
        static const char *const known[] = {"containerID", "hostID", "size", NULL};
        static const char *const fields[] = {"containerID", "hostID", "size"};
        int r;

        r = spec_json_array(a, path);
        if (r < 0)
                return r;

        size_t n = json_object_array_length(a);
        if (n == 0)
                return 0;
        *ret = calloc(n, sizeof(struct spec_id_mapping));
        if (!*ret)
                return log_error_errno(ENOMEM, "config.json");

        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_array_get_idx(a, i);
                struct spec_id_mapping *m = &(*ret)[i];
                uint32_t *values[] = {&m->container_id, &m->host_id, &m->size};
                char p[SPEC_PATH_MAX], q[SPEC_PATH_MAX];

                spec_field(p, "%s[%zu]", path, i);
                r = spec_json_known_object(o, p, known);
                if (r < 0)
                        return r;

                for (size_t k = 0; k < ARRAY_SIZE(fields); k++) {
                        json_object *v = spec_json_get(o, fields[k]);
                        if (!v)
                                return spec_error("%s.%s is required", p, fields[k]);
                        spec_field(q, "%s.%s", p, fields[k]);
                        r = spec_json_uint32(v, q, values[k]);
                        if (r < 0)
                                return r;
                }
                if (m->size == 0)
                        return spec_error("%s.size must not be 0", p);
                if ((uint64_t)m->container_id + m->size > UINT64_C(1) << 32 ||
                    (uint64_t)m->host_id + m->size > UINT64_C(1) << 32)
                        return spec_error("%s: the range exceeds the 32-bit id space", p);
        }
        *ret_n = n;
        return 0;
}

static int parse_propagation(json_object *v, struct spec *s)
{
        const char *name;
        int r;

        r = spec_json_string(v, "linux.rootfsPropagation", &name);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ARRAY_SIZE(propagation_table); i++)
                if (streq(propagation_table[i].name, name)) {
                        s->rootfs_propagation = propagation_table[i].flags;
                        return 0;
                }
        return spec_error("linux.rootfsPropagation: unknown propagation \"%s\"", name);
}

static int check_user_namespace(struct spec *s)
{
        const struct spec_namespace *userns = spec_find_namespace(s, CLONE_NEWUSER);

        if (!userns) {
                if (s->n_uid_mappings > 0)
                        return spec_error("linux.uidMappings given but no user namespace");
                if (s->n_gid_mappings > 0)
                        return spec_error("linux.gidMappings given but no user namespace");
                return 0;
        }

        if (userns->path) {
                if (s->n_uid_mappings > 0 || s->n_gid_mappings > 0)
                        return spec_error("linux.uidMappings/gidMappings with a user namespace "
                                          "path (joining an existing user namespace) are not "
                                          "supported yet");
                return 0;
        }

        if (s->n_uid_mappings == 0)
                return spec_error("a new user namespace is requested but linux.uidMappings is "
                                  "missing or empty");
        if (s->n_gid_mappings == 0)
                return spec_error("a new user namespace is requested but linux.gidMappings is "
                                  "missing or empty");
        return 0;
}

int spec_parse_linux(json_object *linux_obj, struct spec *s)
{
        static const char *const known[] = {
            "namespaces",   "uidMappings", "gidMappings",   "timeOffsets",
            "devices",      "netDevices",  "cgroupsPath",   "rootfsPropagation",
            "seccomp",      "sysctl",      "resources",     "intelRdt",
            "personality",  "maskedPaths", "readonlyPaths", "mountLabel",
            "memoryPolicy", NULL,
        };
        json_object *v;
        int r;

        assert(s);

        r = spec_json_known_object(linux_obj, "linux", known);
        if (r < 0)
                return r;

        v = spec_json_get(linux_obj, "namespaces");
        if (v) {
                r = parse_namespaces(v, s);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(linux_obj, "uidMappings");
        if (v) {
                r = spec_parse_id_mappings(v, "linux.uidMappings", &s->uid_mappings,
                                           &s->n_uid_mappings);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(linux_obj, "gidMappings");
        if (v) {
                r = spec_parse_id_mappings(v, "linux.gidMappings", &s->gid_mappings,
                                           &s->n_gid_mappings);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(linux_obj, "maskedPaths");
        if (v) {
                r = spec_json_path_strv(v, "linux.maskedPaths", &s->masked_paths);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(linux_obj, "readonlyPaths");
        if (v) {
                r = spec_json_path_strv(v, "linux.readonlyPaths", &s->readonly_paths);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(linux_obj, "rootfsPropagation");
        if (v) {
                r = parse_propagation(v, s);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(linux_obj, "cgroupsPath");
        if (v) {
                r = spec_json_strdup(v, "linux.cgroupsPath", &s->cgroups_path);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(linux_obj, "mountLabel");
        if (v) {
                const char *label;
                r = spec_json_string(v, "linux.mountLabel", &label);
                if (r < 0)
                        return r;
                if (label[0] != '\0' && !(s->mount_label = strdup(label)))
                        return log_error_errno(ENOMEM, "config.json");
        }

        v = spec_json_get(linux_obj, "devices");
        if (v) {
                r = spec_parse_devices(v, s);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(linux_obj, "seccomp");
        if (v) {
                r = spec_parse_seccomp(v, s);
                if (r < 0)
                        return r;
        }

        r = spec_parse_resources(spec_json_get(linux_obj, "resources"), &s->resources);
        if (r < 0)
                return r;

        r = spec_parse_linux_fields(linux_obj, s);
        if (r < 0)
                return r;

        r = spec_parse_intel_rdt(spec_json_get(linux_obj, "intelRdt"), s);
        if (r < 0)
                return r;

        for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
                if (!spec_json_is_empty(spec_json_get(linux_obj, unsupported[i])))
                        return spec_error("linux.%s is not supported yet", unsupported[i]);

        return check_user_namespace(s);
}

/* `crunit features`: the namespace types linux.namespaces takes. */
int spec_namespace_features(json_object *array)
{
        for (size_t i = 0; i < ARRAY_SIZE(namespace_table); i++)
                if (json_object_array_add(array, json_object_new_string(namespace_table[i].name)) <
                    0)
                        return -ENOMEM;
        return 0;
}
