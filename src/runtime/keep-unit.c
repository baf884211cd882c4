/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-login.h>

#include "notify.h"
#include "shared/log.h"
#include "spec/spec.h"

#define KEEP_UNIT_ANNOTATION "org.crunit.keep-unit"

bool keep_unit_wanted(const struct spec *s, bool option)
{
        json_object *v;
        if (option)
                return true;
        if (!s->annotations || !json_object_object_get_ex(s->annotations, KEEP_UNIT_ANNOTATION, &v))
                return false;
        const char *t = json_object_get_string(v);
        return t && (streq(t, "true") || streq(t, "1") || streq(t, "yes"));
}

int keep_unit_own_service(bool user, char **ret)
{
        char *unit = NULL;
        int r = user ? sd_pid_get_user_unit(0, &unit) : sd_pid_get_unit(0, &unit);
        if (r < 0)
                return log_error_errno(r,
                                       "--keep-unit: cannot tell which unit crunit runs in (it "
                                       "must run inside a service, e.g. ExecStart=crunit run …)");
        if (!endswith(unit, ".service")) {
                log_error(
                    "--keep-unit: crunit is not running inside a service but in %s: keep-unit "
                    "mode is for ExecStart= of a .service",
                    unit);
                free(unit);
                return -EMEDIUMTYPE;
        }
        *ret = unit;
        return 0;
}
