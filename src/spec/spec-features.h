/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the config.json parser accepts, for `crunit features` (verb-features.c). Each
 * function lists the names from the parser's own tables, so the two cannot drift apart. */

#include <json-c/json.h>

/* spec-linux.c: appends the linux.namespaces types ("pid", …) to `array`. */
int spec_namespace_features(json_object *array);
/* spec-seccomp.c: adds "actions", "operators" and "knownFlags" to the object `o`. */
int spec_seccomp_features(json_object *o);
