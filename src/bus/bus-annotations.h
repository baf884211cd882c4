/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* runc's convention: the annotation "org.systemd.property.NAME" of config.json sets the unit
 * property NAME of the container's scope, its value written as a GVariant text literal, the
 * syntax godbus's ParseVariant (and `busctl`, `gdbus`) read: true, uint64 1000, 'text', "text",
 * ['a', 'b'], @t 5, 1.5. A NAME ending in a lowercase letter and "Sec" (TimeoutStopSec) is sent
 * as …USec with the value, in seconds, converted to microseconds. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#define UNIT_PROPERTY_ANNOTATION_PREFIX "org.systemd.property."

struct unit_property {
        char *annotation; /* the config.json key, for messages */
        char *name;       /* the property as sent */
        char type;        /* D-Bus type: b y n q i u x t d s o g, or 'a' (an array of strings) */
        union {
                bool b;
                int64_t i;  /* n i x */
                uint64_t u; /* y q u t */
                double d;
                char *s;     /* s o g */
                char **strv; /* a */
        } v;
};

struct unit_properties {
        struct unit_property *p;
        size_t n;
};

/* Parses a GVariant text literal (the subset above) into p->type and p->v. -EINVAL with a
 * static description of the problem in *ret_why. */
int unit_property_parse_value(const char *text, struct unit_property *p, const char **ret_why);
/* The org.systemd.property.* annotations of `annotations` (a JSON object of strings, may be
 * NULL). An annotation whose name or value cannot be used is a one-line error naming it. */
int unit_properties_from_annotations(json_object *annotations, struct unit_properties *ret);
void unit_properties_done(struct unit_properties *props);
/* Appends (sv) entries for each property to an open a(sv) container. */
int bus_append_unit_properties(sd_bus_message *m, const struct unit_properties *props);
/* If systemd's `error` (refusing StartTransientUnit) is about one of the properties: logs one
 * line naming its annotation and returns -EINVAL. A type mismatch (systemd's "Unexpected
 * message contents", which names no property) is logged naming all of them. Otherwise 0. */
int unit_properties_explain_error(const struct unit_properties *props, const sd_bus_error *error,
                                  const char *unit);
