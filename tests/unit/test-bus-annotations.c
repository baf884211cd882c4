/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/bus/bus-annotations.c (org.systemd.property.* annotations: GVariant text
 * values, the Sec → USec rule) and machine_name_is_valid() of src/bus/bus-machine.c. */
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "../../src/bus/bus-annotations.h"
#include "../../src/bus/bus-machine.h"
#include "tests.h"

static struct unit_property parse_ok(const char *text, char type)
{
        struct unit_property p = {};
        const char *why = NULL;
        int r = unit_property_parse_value(text, &p, &why);
        if (r < 0 || p.type != type)
                fprintf(stderr, "parse \"%s\": r=%d type=%c (want %c) why=%s\n", text, r,
                        p.type ? p.type : '0', type, why ? why : "-");
        CHECK(r == 0 && p.type == type);
        return p;
}

static void parse_bad(const char *text)
{
        struct unit_property p = {};
        const char *why = NULL;
        int r = unit_property_parse_value(text, &p, &why);
        if (r >= 0)
                fprintf(stderr, "parse \"%s\" succeeded (type %c), expected an error\n", text,
                        p.type);
        CHECK(r == -EINVAL && why && *why);
}

static void free_value(struct unit_property *p)
{
        struct unit_properties props = {.p = p, .n = 1};
        /* unit_properties_done frees the array too: use a heap copy */
        props.p = malloc(sizeof *p);
        *props.p = *p;
        unit_properties_done(&props);
}

static void test_values(void)
{
        struct unit_property p;
        p = parse_ok("true", 'b');
        CHECK(p.v.b);
        p = parse_ok(" false ", 'b');
        CHECK(!p.v.b);
        p = parse_ok("@b true", 'b');
        p = parse_ok("7", 'i');
        CHECK(p.v.i == 7);
        p = parse_ok("-7", 'i');
        CHECK(p.v.i == -7);
        p = parse_ok("uint64 7", 't');
        CHECK(p.v.u == 7);
        p = parse_ok("uint64 18446744073709551615", 't');
        CHECK(p.v.u == UINT64_MAX);
        p = parse_ok("@t 1000", 't');
        CHECK(p.v.u == 1000);
        p = parse_ok("uint32 0x10", 'u');
        CHECK(p.v.u == 16);
        p = parse_ok("byte 255", 'y');
        CHECK(p.v.u == 255);
        p = parse_ok("int16 -3", 'n');
        CHECK(p.v.i == -3);
        p = parse_ok("uint16 65535", 'q');
        p = parse_ok("int64 -9000000000", 'x');
        CHECK(p.v.i == -9000000000LL);
        p = parse_ok("1.5", 'd');
        CHECK(fabs(p.v.d - 1.5) < 1e-9);
        p = parse_ok("double 2", 'd');
        CHECK(fabs(p.v.d - 2) < 1e-9);
        p = parse_ok("1e3", 'd');
        CHECK(fabs(p.v.d - 1000) < 1e-9);

        p = parse_ok("'inactive-or-failed'", 's');
        CHECK_STREQ(p.v.s, "inactive-or-failed");
        free_value(&p);
        p = parse_ok("\"it's\"", 's');
        CHECK_STREQ(p.v.s, "it's");
        free_value(&p);
        p = parse_ok("'a\\'b\\\\c\\n\\u00e9'", 's');
        CHECK_STREQ(p.v.s, "a'b\\c\n\xc3\xa9");
        free_value(&p);
        p = parse_ok("@s 'x'", 's');
        free_value(&p);
        p = parse_ok("objectpath '/org/x'", 'o');
        CHECK_STREQ(p.v.s, "/org/x");
        free_value(&p);

        p = parse_ok("['a', \"b\" ,'c']", 'a');
        CHECK(strv_length(p.v.strv) == 3);
        CHECK_STREQ(p.v.strv[0], "a");
        CHECK_STREQ(p.v.strv[2], "c");
        free_value(&p);
        p = parse_ok("@as []", 'a');
        CHECK(strv_length(p.v.strv) == 0);
        free_value(&p);
        p = parse_ok("['one']", 'a');
        free_value(&p);

        parse_bad("");
        parse_bad("inactive-or-failed"); /* unquoted */
        parse_bad("'unterminated");
        parse_bad("'a' 'b'");
        parse_bad("True");
        parse_bad("uint64 -1");
        parse_bad("uint64 'x'");
        parse_bad("byte 256");
        parse_bad("int16 40000");
        parse_bad("3000000000"); /* int32 */
        parse_bad("uint32 1.5");
        parse_bad("[]");
        parse_bad("[1, 2]");
        parse_bad("['a' 'b']");
        parse_bad("['a',]");
        parse_bad("@z 1");
        parse_bad("@s x");
        parse_bad("'\\q'");
        parse_bad("uint64");
}

static json_object *annotations(const char *key, const char *value)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, key, json_object_new_string(value));
        json_object_object_add(o, "org.example.other", json_object_new_string("whatever"));
        return o;
}

static void test_annotations(void)
{
        struct unit_properties props;
        json_object *o;

        CHECK(unit_properties_from_annotations(NULL, &props) == 0 && props.n == 0);

        o = annotations("org.systemd.property.TimeoutStopSec", "uint64 7");
        CHECK(unit_properties_from_annotations(o, &props) == 0);
        CHECK(props.n == 1);
        if (props.n == 1) {
                CHECK_STREQ(props.p[0].name, "TimeoutStopUSec");
                CHECK_STREQ(props.p[0].annotation, "org.systemd.property.TimeoutStopSec");
                CHECK(props.p[0].type == 't' && props.p[0].v.u == 7000000);
        }
        unit_properties_done(&props);
        json_object_put(o);

        /* int32 and double seconds too, as runc */
        o = annotations("org.systemd.property.RuntimeMaxSec", "2");
        CHECK(unit_properties_from_annotations(o, &props) == 0 && props.n == 1 &&
              props.p[0].type == 't' && props.p[0].v.u == 2000000);
        unit_properties_done(&props);
        json_object_put(o);
        o = annotations("org.systemd.property.RuntimeMaxSec", "0.5");
        CHECK(unit_properties_from_annotations(o, &props) == 0 && props.n == 1 &&
              props.p[0].v.u == 500000);
        unit_properties_done(&props);
        json_object_put(o);

        /* "USec" is not converted: 'U' before "Sec" is not a lowercase letter */
        o = annotations("org.systemd.property.TimeoutStopUSec", "uint64 7");
        CHECK(unit_properties_from_annotations(o, &props) == 0 && props.n == 1);
        CHECK_STREQ(props.p[0].name, "TimeoutStopUSec");
        CHECK(props.p[0].v.u == 7);
        unit_properties_done(&props);
        json_object_put(o);

        o = annotations("org.systemd.property.CollectMode", "'inactive'");
        CHECK(unit_properties_from_annotations(o, &props) == 0 && props.n == 1);
        CHECK_STREQ(props.p[0].name, "CollectMode");
        CHECK(props.p[0].type == 's');
        unit_properties_done(&props);
        json_object_put(o);

        /* errors, each logged naming the annotation */
        o = annotations("org.systemd.property.CollectMode", "inactive");
        CHECK(unit_properties_from_annotations(o, &props) == -EINVAL && props.n == 0);
        json_object_put(o);
        o = annotations("org.systemd.property.TimeoutStopSec", "'ten'");
        CHECK(unit_properties_from_annotations(o, &props) == -EINVAL);
        json_object_put(o);
        o = annotations("org.systemd.property.TimeoutStopSec", "-1");
        CHECK(unit_properties_from_annotations(o, &props) == -EINVAL);
        json_object_put(o);
        o = annotations("org.systemd.property.Ab", "true");
        CHECK(unit_properties_from_annotations(o, &props) == -EINVAL);
        json_object_put(o);
        o = annotations("org.systemd.property.CPU_Weight", "true");
        CHECK(unit_properties_from_annotations(o, &props) == -EINVAL);
        json_object_put(o);
}

static void test_machine_names(void)
{
        CHECK(machine_name_is_valid("c"));
        CHECK(machine_name_is_valid("my-container-1"));
        CHECK(machine_name_is_valid("a.b.c"));
        CHECK(machine_name_is_valid("C-12-3456-789"));
        CHECK(machine_name_is_valid(
            "0123456789012345678901234567890123456789012345678901234567890123"));
        CHECK(!machine_name_is_valid(
            "01234567890123456789012345678901234567890123456789012345678901234"));
        CHECK(!machine_name_is_valid(""));
        CHECK(!machine_name_is_valid("a_b"));
        CHECK(!machine_name_is_valid("a+b"));
        CHECK(!machine_name_is_valid("-a"));
        CHECK(!machine_name_is_valid("a-"));
        CHECK(!machine_name_is_valid("a-.b"));
        CHECK(!machine_name_is_valid(".a"));
        CHECK(!machine_name_is_valid("a."));
        CHECK(!machine_name_is_valid("a..b"));
        CHECK(!machine_name_is_valid(".host"));
}

int main(void)
{
        test_values();
        test_annotations();
        test_machine_names();
        return TEST_RESULT();
}
