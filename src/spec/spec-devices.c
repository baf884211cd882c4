/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json "linux.devices" (runtime-spec config-linux.md#devices). */
#include <assert.h>
#include <sys/stat.h>

#include "spec-internal.h"

static int parse_device(json_object *o, const char *path, void *item, void *userdata)
{
        static const char *const known[] = {"type",     "path", "major", "minor",
                                            "fileMode", "uid",  "gid",   NULL};
        struct spec_device *d = item;
        char p[SPEC_PATH_MAX];
        const char *type, *dpath;
        json_object *v;
        uint32_t u;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;

        r = spec_json_required_string(o, path, "path", p, &dpath);
        if (r < 0)
                return r;
        if (dpath[0] != '/')
                return spec_error("%s must be an absolute path: \"%s\"", p, dpath);
        r = spec_path_join("/", dpath, &d->path);
        if (r < 0)
                return log_error_errno(ENOMEM, "config.json");
        if (!streq(d->path, dpath) || streq(d->path, "/"))
                /* no "..", ".", "//" or trailing "/": the node is made where it says */
                return spec_error("%s is not a clean path to a file: \"%s\"", p, dpath);

        r = spec_json_required_string(o, path, "type", p, &type);
        if (r < 0)
                return r;
        if (streq(type, "c") || streq(type, "u"))
                d->type = S_IFCHR;
        else if (streq(type, "b"))
                d->type = S_IFBLK;
        else if (streq(type, "p"))
                d->type = S_IFIFO;
        else
                return spec_error("%s: unknown device type \"%s\" (c, b, u or p)", p, type);

        if (d->type != S_IFIFO) {
                v = spec_json_required(o, path, "major", p);
                if (!v)
                        return -EINVAL;
                if ((r = spec_json_uint32(v, p, &u)) < 0)
                        return r;
                if (u > 0xfff) /* MAJOR bits of dev_t as mknod(2) takes them */
                        return spec_error("%s must be at most 4095, not %" PRIu32, p, u);
                d->major = u;
                v = spec_json_required(o, path, "minor", p);
                if (!v)
                        return -EINVAL;
                if ((r = spec_json_uint32(v, p, &u)) < 0)
                        return r;
                if (u > 0xfffff)
                        return spec_error("%s must be at most 1048575, not %" PRIu32, p, u);
                d->minor = u;
        }

        d->file_mode = 0666;
        v = spec_json_get(o, "fileMode");
        if (v) {
                spec_field(p, "%s.fileMode", path);
                if ((r = spec_json_uint32(v, p, &u)) < 0)
                        return r;
                /* podman (Go's os.FileMode → st_mode) sends the type bits too, e.g. 020666;
                 * as runc, take them when they are the device's type */
                if ((u & S_IFMT) == (uint32_t)d->type)
                        u &= ~(uint32_t)S_IFMT;
                if (u > 07777)
                        return spec_error("%s: 0%o is not a file mode (at most 07777)", p, u);
                d->file_mode = (mode_t)u;
        }
        v = spec_json_get(o, "uid");
        if (v) {
                spec_field(p, "%s.uid", path);
                if ((r = spec_json_uint32(v, p, &u)) < 0)
                        return r;
                d->has_uid = true;
                d->uid = u;
        }
        v = spec_json_get(o, "gid");
        if (v) {
                spec_field(p, "%s.gid", path);
                if ((r = spec_json_uint32(v, p, &u)) < 0)
                        return r;
                d->has_gid = true;
                d->gid = u;
        }
        return 0;
}

int spec_parse_devices(json_object *a, struct spec *s)
{
        assert(s);
        int r = spec_json_array_items(a, "linux.devices", sizeof(struct spec_device),
                                      (void **)&s->devices, &s->n_devices, parse_device, NULL);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_devices; i++)
                for (size_t j = 0; j < i; j++)
                        if (streq(s->devices[i].path, s->devices[j].path))
                                return spec_error("linux.devices[%zu].path: %s is already "
                                                  "linux.devices[%zu]",
                                                  i, s->devices[i].path, j);
        return 0;
}

void spec_devices_free(struct spec *s)
{
        for (size_t i = 0; i < s->n_devices; i++)
                free(s->devices[i].path);
        free(s->devices);
        s->devices = NULL;
        s->n_devices = 0;
}
