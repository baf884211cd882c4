/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A standalone OCI "process" object (runc exec -p process.json). */
#include <assert.h>
#include <errno.h>

#include "../shared/fs-util.h"
#include "spec-internal.h"

const char *spec_source = "config.json";

int spec_load_process(const char *path, struct spec_process *ret)
{
        _cleanup_free_ char *buf = NULL;
        _cleanup_json_ json_object *doc = NULL;
        enum json_tokener_error jerr = json_tokener_success;
        size_t size = 0;
        int r;

        assert(path);
        assert(ret);

        r = read_full_file(path, &buf, &size);
        if (r < 0)
                return log_error_errno(r, "cannot read %s", path);
        if (strlen(buf) != size)
                return log_error("%s: contains a NUL byte", path), -EINVAL;
        doc = json_tokener_parse_verbose(buf, &jerr);
        if (!doc || jerr != json_tokener_success)
                return log_error("%s: invalid JSON: %s", path, json_tokener_error_desc(jerr)),
                       -EINVAL;
        if (!json_object_is_type(doc, json_type_object))
                return log_error("%s: must be a JSON object (an OCI process)", path), -EINVAL;

        *ret = (struct spec_process){0};
        const char *saved = spec_source;
        spec_source = path;
        r = spec_parse_process(doc, ret);
        spec_source = saved;
        if (r < 0) {
                spec_process_done(ret);
                return r;
        }
        return 0;
}
