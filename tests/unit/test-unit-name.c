/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/bus/unit-name.c: scope names from container ids and cgroupsPath. */
#include "../../src/bus/unit-name.h"
#include "../../src/shared/log.h"
#include "tests.h"

static void check_names(const char *cgroups_path, const char *id, const char *slice,
                        const char *unit)
{
        _cleanup_free_ char *s = NULL, *u = NULL;
        int r = container_unit_names(cgroups_path, id, &s, &u);
        CHECK(r == 0);
        CHECK_STREQ(s, slice);
        CHECK_STREQ(u, unit);
}

static void check_refused(const char *cgroups_path, const char *id)
{
        _cleanup_free_ char *s = NULL, *u = NULL;
        CHECK(container_unit_names(cgroups_path, id, &s, &u) < 0);
        CHECK(!s && !u);
}

int main(void)
{
        log_set_max_level(0); /* the refusals below log; keep the output clean */

        check_names(NULL, "c1", "machine.slice", "crunit-c1.scope");
        check_names("", "c1", "machine.slice", "crunit-c1.scope");
        check_names("machine.slice:libpod:abc", "x", "machine.slice", "libpod-abc.scope");
        check_names(":crunit:abc", "x", "machine.slice", "crunit-abc.scope");
        check_names("system.slice::abc", "x", "system.slice", "abc.scope");
        /* "+" is not a unit name character: escaped as systemd does */
        check_names(NULL, "a+b", "machine.slice", "crunit-a\\x2bb.scope");
        check_names(NULL, "a.b_c-d", "machine.slice", "crunit-a.b_c-d.scope");

        check_refused("/some/path", "x");
        check_refused("machine.slice:crunit", "x");
        check_refused("machine.slice:crunit:", "x");
        check_refused("a:b:c:d", "x");
        check_refused("notaslice:p:n", "x");
        check_refused("machine.slice:p:sub.slice", "x");

        char long_id[200];
        memset(long_id, '+', sizeof long_id - 1);
        long_id[sizeof long_id - 1] = 0;
        check_refused(NULL, long_id); /* 4 bytes per "+": past the 255 of a unit name */

        _cleanup_free_ char *e = NULL;
        CHECK(unit_name_escape(".hidden", &e) == 0);
        CHECK_STREQ(e, "\\x2ehidden");
        return TEST_RESULT();
}
