/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "spec-internal.h"

#define CONFIG_MAX_SIZE (64u * 1024u * 1024u)

static const char *const top_level_known[] = {
    "ociVersion",  "root",  "mounts",  "process", "hostname", "domainname", "hooks",
    "annotations", "linux", "solaris", "windows", "vm",       "zos",        NULL,
};

/* Accepts 1.0.x … 1.3.x, with an optional pre-release/build suffix ("1.0.2-dev"). */
static bool oci_version_supported(const char *v)
{
        unsigned minor;
        const char *p;

        if (!startswith(v, "1."))
                return false;
        p = v + 2;
        if (!isdigit((unsigned char)*p) || (p[0] == '0' && isdigit((unsigned char)p[1])))
                return false;
        minor = 0;
        for (; isdigit((unsigned char)*p); p++) {
                minor = minor * 10 + (unsigned)(*p - '0');
                if (minor > 3)
                        return false;
        }
        if (*p++ != '.' || !isdigit((unsigned char)*p))
                return false;
        while (isdigit((unsigned char)*p))
                p++;
        return *p == '\0' || ((*p == '-' || *p == '+') && p[1] != '\0');
}

static int parse_root(json_object *root, struct spec *s)
{
        static const char *const known[] = {"path", "readonly", NULL};
        const char *path;
        json_object *v;
        int r;

        if (!root)
                return spec_error("root.path is required");
        r = spec_json_known_object(root, "root", known);
        if (r < 0)
                return r;

        v = spec_json_get(root, "path");
        if (!v)
                return spec_error("root.path is required");
        r = spec_json_string(v, "root.path", &path);
        if (r < 0)
                return r;
        if (path[0] == '\0')
                return spec_error("root.path must not be empty");
        r = spec_path_join(s->bundle, path, &s->root_path);
        if (r < 0)
                return log_error_errno(r, "config.json: root.path");

        v = spec_json_get(root, "readonly");
        if (v) {
                r = spec_json_bool(v, "root.readonly", &s->root_readonly);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_mount(json_object *m, const char *path, const char *bundle, struct spec_mount *ret)
{
        static const char *const known[] = {
            "destination", "type", "source", "options", "uidMappings", "gidMappings", NULL,
        };
        char p[SPEC_PATH_MAX];
        json_object *v;
        int r;

        r = spec_json_known_object(m, path, known);
        if (r < 0)
                return r;

        v = spec_json_required(m, path, "destination", p);
        if (!v)
                return -EINVAL;
        r = spec_json_strdup(v, p, &ret->destination);
        if (r < 0)
                return r;
        if (ret->destination[0] != '/')
                return spec_error("%s must be an absolute path, not \"%s\" (relative mount "
                                  "destinations are not supported)",
                                  p, ret->destination);

        v = spec_json_get(m, "type");
        if (v) {
                spec_field(p, "%s.type", path);
                r = spec_json_strdup(v, p, &ret->type);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(m, "options");
        if (v) {
                spec_field(p, "%s.options", path);
                r = spec_json_strv(v, p, &ret->options);
                if (r < 0)
                        return r;
        }

        v = spec_json_get(m, "source");
        if (v) {
                const char *src;
                spec_field(p, "%s.source", path);
                r = spec_json_string(v, p, &src);
                if (r < 0)
                        return r;
                bool bind = streq_ptr(ret->type, "bind") || strv_contains(ret->options, "bind") ||
                            strv_contains(ret->options, "rbind");
                if (bind && src[0] != '/' && src[0] != '\0')
                        r = spec_path_join(bundle, src, &ret->source);
                else
                        r = (ret->source = strdup(src)) ? 0 : -ENOMEM;
                if (r < 0)
                        return log_error_errno(r, "config.json: %s", p);
        }

        /* uidMappings/gidMappings: for idmap mounts, checked with the options by
         * src/runtime/mount-attr.c */
        v = spec_json_get(m, "uidMappings");
        if (v) {
                spec_field(p, "%s.uidMappings", path);
                r = spec_parse_id_mappings(v, p, &ret->uid_mappings, &ret->n_uid_mappings);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(m, "gidMappings");
        if (v) {
                spec_field(p, "%s.gidMappings", path);
                r = spec_parse_id_mappings(v, p, &ret->gid_mappings, &ret->n_gid_mappings);
                if (r < 0)
                        return r;
        }
        if ((ret->n_uid_mappings == 0) != (ret->n_gid_mappings == 0))
                return spec_error("%s: uidMappings and gidMappings go together", path);
        if (ret->n_uid_mappings > 0 && !strv_contains(ret->options, "idmap") &&
            !strv_contains(ret->options, "ridmap"))
                return spec_error("%s.uidMappings: the mount needs the option idmap or ridmap",
                                  path);
        return 0;
}

static int parse_mount_item(json_object *e, const char *path, void *item, void *userdata)
{
        const struct spec *s = userdata;
        return parse_mount(e, path, s->bundle, item);
}

static int parse_mounts(json_object *mounts, struct spec *s)
{
        if (!mounts)
                return 0;
        return spec_json_array_items(mounts, "mounts", sizeof(struct spec_mount),
                                     (void **)&s->mounts, &s->n_mounts, parse_mount_item, s);
}

static int parse_annotations(json_object *annotations, struct spec *s)
{
        int r;

        if (!annotations)
                return 0;
        r = spec_json_object(annotations, "annotations");
        if (r < 0)
                return r;

        json_object_object_foreach(annotations, key, val)
        {
                if (!json_object_is_type(val, json_type_string))
                        return spec_error("annotations.\"%s\" must be a string", key);
        }
        s->annotations = annotations;
        return 0;
}

static int parse_optional_string(json_object *doc, const char *key, char **ret)
{
        json_object *v = spec_json_get(doc, key);
        if (!v)
                return 0;
        return spec_json_strdup(v, key, ret);
}

int spec_parse(json_object *doc, const char *bundle, struct spec **ret)
{
        _cleanup_spec_ struct spec *s = NULL;
        const char *version;
        json_object *v;
        int r;

        assert(doc);
        assert(bundle);
        assert(bundle[0] == '/');
        assert(ret);

        if (!json_object_is_type(doc, json_type_object))
                return spec_error("the document must be a JSON object");

        s = calloc(1, sizeof(struct spec));
        if (!s)
                return log_error_errno(ENOMEM, "config.json");
        s->bundle = strdup(bundle);
        if (!s->bundle)
                return log_error_errno(ENOMEM, "config.json");

        spec_json_log_unknown(doc, "", top_level_known);

        v = spec_json_get(doc, "ociVersion");
        if (!v)
                return spec_error("ociVersion is required");
        r = spec_json_string(v, "ociVersion", &version);
        if (r < 0)
                return r;
        if (!oci_version_supported(version))
                return spec_error("ociVersion \"%s\" is not supported (supported: 1.0.x to 1.3.x)",
                                  version);
        s->oci_version = strdup(version);
        if (!s->oci_version)
                return log_error_errno(ENOMEM, "config.json");

        r = parse_root(spec_json_get(doc, "root"), s);
        if (r < 0)
                return r;

        r = parse_mounts(spec_json_get(doc, "mounts"), s);
        if (r < 0)
                return r;

        v = spec_json_get(doc, "process");
        if (v) {
                s->has_process = true;
                r = spec_parse_process(v, &s->process);
                if (r < 0)
                        return r;
        }

        r = parse_optional_string(doc, "hostname", &s->hostname);
        if (r < 0)
                return r;
        r = parse_optional_string(doc, "domainname", &s->domainname);
        if (r < 0)
                return r;

        s->hooks_json = spec_json_get(doc, "hooks");
        r = spec_parse_hooks(s->hooks_json, &s->hooks);
        if (r < 0)
                return r;

        r = parse_annotations(spec_json_get(doc, "annotations"), s);
        if (r < 0)
                return r;

        v = spec_json_get(doc, "linux");
        if (v) {
                r = spec_parse_linux(v, s);
                if (r < 0)
                        return r;
        }

        s->json = json_object_get(doc);
        *ret = TAKE_PTR(s);
        return 0;
}

static int read_config(int fd, char **ret, size_t *ret_size)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;

        for (;;) {
                if (allocated - size < 4096) {
                        if (allocated >= CONFIG_MAX_SIZE)
                                return spec_error("file too large (more than %u bytes)",
                                                  CONFIG_MAX_SIZE);
                        size_t a = allocated ? allocated * 2 : 16384;
                        char *b = realloc(buf, a + 1);
                        if (!b)
                                return log_error_errno(ENOMEM, "config.json");
                        buf = b;
                        allocated = a;
                }
                ssize_t n = read(fd, buf + size, allocated - size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(errno, "config.json: read failed");
                }
                if (n == 0)
                        break;
                size += (size_t)n;
        }
        buf[size] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

static int parse_json(const char *buf, size_t size, json_object **ret)
{
        json_tokener *tok;
        json_object *doc;
        enum json_tokener_error jerr;
        size_t offset;

        if (size > INT32_MAX)
                return spec_error("file too large");

        tok = json_tokener_new();
        if (!tok)
                return log_error_errno(ENOMEM, "config.json");
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        doc = json_tokener_parse_ex(tok, buf, (int)size);
        jerr = json_tokener_get_error(tok);
        offset = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);

        if (!doc) {
                if (jerr == json_tokener_success) /* the document is "null" */
                        return spec_error("the document must be a JSON object");
                if (jerr == json_tokener_continue)
                        return spec_error("invalid JSON: unexpected end of data at offset %zu",
                                          size);
                return spec_error("invalid JSON: %s at offset %zu", json_tokener_error_desc(jerr),
                                  offset);
        }

        for (size_t i = offset; i < size; i++)
                if (!isspace((unsigned char)buf[i])) {
                        json_object_put(doc);
                        return spec_error("invalid JSON: trailing data at offset %zu", i);
                }

        *ret = doc;
        return 0;
}

int spec_load(const char *bundle, struct spec **ret)
{
        _cleanup_free_ char *abs_bundle = NULL, *path = NULL, *buf = NULL;
        _cleanup_close_ int fd = -1;
        _cleanup_json_ json_object *doc = NULL;
        size_t size = 0;
        int r;

        assert(bundle);
        assert(ret);

        r = spec_path_absolute(bundle, &abs_bundle);
        if (r < 0)
                return log_error_errno(r, "cannot make bundle path %s absolute", bundle);
        if (asprintf(&path, "%s/config.json", streq(abs_bundle, "/") ? "" : abs_bundle) < 0) {
                path = NULL;
                return log_error_errno(ENOMEM, "config.json");
        }

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return log_error_errno(errno, "cannot open %s", path);

        r = read_config(fd, &buf, &size);
        if (r < 0)
                return r;

        r = parse_json(buf, size, &doc);
        if (r < 0)
                return r;

        return spec_parse(doc, abs_bundle, ret);
}

void spec_free(struct spec *s)
{
        if (!s)
                return;

        free(s->oci_version);
        free(s->bundle);
        free(s->root_path);
        free(s->hostname);
        free(s->domainname);
        free(s->mount_label);

        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].destination);
                free(s->mounts[i].type);
                free(s->mounts[i].source);
                strv_free(s->mounts[i].options);
                free(s->mounts[i].uid_mappings);
                free(s->mounts[i].gid_mappings);
        }
        free(s->mounts);

        spec_process_done(&s->process);

        for (size_t i = 0; i < s->n_namespaces; i++)
                free(s->namespaces[i].path);
        free(s->namespaces);
        free(s->uid_mappings);
        free(s->gid_mappings);
        strv_free(s->masked_paths);
        strv_free(s->readonly_paths);
        free(s->cgroups_path);
        spec_resources_free(s->resources);
        spec_seccomp_free(s->seccomp);
        spec_devices_free(s);
        spec_intel_rdt_free(s->intel_rdt);
        spec_hooks_done(&s->hooks);

        if (s->json)
                json_object_put(s->json);
        free(s);
}

const struct spec_namespace *spec_find_namespace(const struct spec *s, int type)
{
        assert(s);

        for (size_t i = 0; i < s->n_namespaces; i++)
                if (s->namespaces[i].type == type)
                        return &s->namespaces[i];
        return NULL;
}

const char *spec_annotation(const struct spec *s, const char *key)
{
        json_object *v;

        assert(s);
        assert(key);

        if (!s->annotations || !json_object_object_get_ex(s->annotations, key, &v) ||
            !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}
