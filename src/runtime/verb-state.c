/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "container.h"
#include "verb-util.h"

int verb_state(int argc, char *argv[])
{
        _cleanup_container_ struct container *c = NULL;
        const char *id = NULL;
        int r = parse_plain("state", "Prints the container's state as OCI state JSON.", argc, argv,
                            &id);
        if (r != 0)
                return r > 0 ? 0 : r;
        if ((r = container_open(id, false, false, &c)) < 0)
                return r;
        json_object *o = state_to_json(c->state, container_status(c));
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return 0;
}
