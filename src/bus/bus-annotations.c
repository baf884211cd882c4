/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.systemd.property.NAME annotations → properties of the scope at StartTransientUnit, with
 * the values parsed from GVariant's text format (the subset unit properties need). */
#include "bus-annotations.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/macro.h"

/* --- the GVariant text subset ---------------------------------------------------------- */

struct cursor {
        const char *s;
        const char *why; /* what went wrong, for the message */
};

static void skip_ws(struct cursor *c)
{
        while (*c->s && isspace((unsigned char)*c->s))
                c->s++;
}

static int fail(struct cursor *c, const char *why)
{
        if (!c->why)
                c->why = why;
        return -EINVAL;
}

/* A word made of letters, digits and '_' at the cursor: its length. */
static size_t word_len(const char *s)
{
        size_t n = 0;
        while (isalnum((unsigned char)s[n]) || s[n] == '_')
                n++;
        return n;
}

static bool take_word(struct cursor *c, const char *w)
{
        size_t n = strlen(w);
        if (strncmp(c->s, w, n) != 0 || word_len(c->s) != n)
                return false;
        c->s += n;
        return true;
}

static void put_utf8(char **out, uint32_t cp)
{
        char *o = *out;
        if (cp < 0x80)
                *o++ = (char)cp;
        else if (cp < 0x800) {
                *o++ = (char)(0xc0 | (cp >> 6));
                *o++ = (char)(0x80 | (cp & 0x3f));
        } else {
                *o++ = (char)(0xe0 | (cp >> 12));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
                *o++ = (char)(0x80 | (cp & 0x3f));
        }
        *out = o;
}

/* '…' or "…" with GVariant's escapes (\\ \' \" \n \t \r \b \f \v \uXXXX). */
static int parse_string(struct cursor *c, char **ret)
{
        char quote = *c->s;
        if (quote != '\'' && quote != '"')
                return fail(c, "a string must be quoted ('text' or \"text\")");
        const char *s = c->s + 1;
        /* escapes never make it longer: \uXXXX (6) → at most 3 bytes */
        char *buf = malloc(strlen(s) + 1), *o = buf;
        if (!buf)
                return -ENOMEM;
        for (;; s++) {
                if (*s == '\0') {
                        free(buf);
                        return fail(c, "a string is not terminated");
                }
                if (*s == quote)
                        break;
                if (*s != '\\') {
                        *o++ = *s;
                        continue;
                }
                s++;
                switch (*s) {
                case '\\':
                case '\'':
                case '"':
                        *o++ = *s;
                        break;
                case 'n':
                        *o++ = '\n';
                        break;
                case 't':
                        *o++ = '\t';
                        break;
                case 'r':
                        *o++ = '\r';
                        break;
                case 'b':
                        *o++ = '\b';
                        break;
                case 'f':
                        *o++ = '\f';
                        break;
                case 'v':
                        *o++ = '\v';
                        break;
                case 'u': {
                        uint32_t cp = 0;
                        for (int i = 1; i <= 4; i++) {
                                if (!isxdigit((unsigned char)s[i])) {
                                        free(buf);
                                        return fail(c, "\\u needs 4 hexadecimal digits");
                                }
                                cp = cp * 16 +
                                     (uint32_t)(isdigit((unsigned char)s[i])
                                                    ? s[i] - '0'
                                                    : tolower((unsigned char)s[i]) - 'a' + 10);
                        }
                        if (cp == 0) {
                                free(buf);
                                return fail(c, "a string cannot contain NUL");
                        }
                        put_utf8(&o, cp);
                        s += 4;
                        break;
                }
                default:
                        free(buf);
                        return fail(c, "unknown escape sequence in a string");
                }
        }
        *o = '\0';
        c->s = s + 1;
        *ret = buf;
        return 0;
}

/* A number of D-Bus type `type` (0: untyped, GVariant's int32, or double with a fraction). */
static int parse_number(struct cursor *c, char type, struct unit_property *p)
{
        const char *s = c->s;
        size_t n = strspn(s, "+-0123456789abcdefABCDEFxX.");
        /* exponents: 1e3, 2.5E-2 */
        while (n > 0 && (s[n - 1] == 'e' || s[n - 1] == 'E') && (s[n] == '+' || s[n] == '-'))
                n += 1 + strspn(s + n + 1, "0123456789");
        if (n == 0 || n > 64)
                return fail(c, "not a number");
        char num[65];
        memcpy(num, s, n);
        num[n] = '\0';
        bool is_hex = strstr(num, "0x") || strstr(num, "0X");
        bool is_float = !is_hex && strpbrk(num, ".eE");
        if (type == 0)
                type = is_float ? 'd' : 'i';
        char *end;
        errno = 0;
        if (type == 'd') {
                double d = strtod(num, &end);
                if (errno != 0 || *end != '\0' || !isfinite(d))
                        return fail(c, "not a number");
                p->v.d = d;
        } else if (is_float) {
                return fail(c, "an integer type cannot have a fraction");
        } else if (strchr("nix", type)) {
                long long v = strtoll(num, &end, 0);
                if (errno != 0 || *end != '\0')
                        return fail(c, "not an integer, or out of range");
                if ((type == 'n' && (v < INT16_MIN || v > INT16_MAX)) ||
                    (type == 'i' && (v < INT32_MIN || v > INT32_MAX)))
                        return fail(c, type == 'i' ? "out of range for int32 (write e.g. "
                                                     "\"uint64 N\" for a larger number)"
                                                   : "out of range for int16");
                p->v.i = v;
        } else {
                if (num[0] == '-')
                        return fail(c, "an unsigned type cannot be negative");
                unsigned long long v = strtoull(num, &end, 0);
                if (errno != 0 || *end != '\0')
                        return fail(c, "not an integer, or out of range");
                if ((type == 'y' && v > UINT8_MAX) || (type == 'q' && v > UINT16_MAX) ||
                    (type == 'u' && v > UINT32_MAX))
                        return fail(c, "out of range for its type");
                p->v.u = v;
        }
        p->type = type;
        c->s += n;
        return 0;
}

static int parse_string_array(struct cursor *c, struct unit_property *p, bool typed)
{
        char **l = NULL;
        size_t n = 0;
        c->s++; /* [ */
        skip_ws(c);
        while (*c->s != ']') {
                char *s = NULL, **nl;
                if (n > 0) {
                        if (*c->s != ',')
                                goto bad_sep;
                        c->s++;
                        skip_ws(c);
                }
                int r = parse_string(c, &s);
                if (r < 0) {
                        strv_free(l);
                        if (r == -EINVAL)
                                c->why = "crunit takes arrays of strings only "
                                         "(['a', 'b'])";
                        return r;
                }
                if (!(nl = realloc(l, (n + 2) * sizeof *l))) {
                        free(s);
                        strv_free(l);
                        return -ENOMEM;
                }
                l = nl;
                l[n++] = s;
                l[n] = NULL;
                skip_ws(c);
        }
        c->s++;
        if (n == 0 && !typed)
                return fail(c, "the type of an empty array is unknown (write @as [])");
        if (!l && !(l = calloc(1, sizeof *l)))
                return -ENOMEM;
        p->type = 'a';
        p->v.strv = l;
        return 0;
bad_sep:
        strv_free(l);
        return fail(c, "array elements must be separated by ','");
}

static const struct {
        const char *word;
        char type;
} number_words[] = {
    {"byte", 'y'},   {"int16", 'n'}, {"uint16", 'q'}, {"int32", 'i'},
    {"uint32", 'u'}, {"int64", 'x'}, {"uint64", 't'}, {"double", 'd'},
};

static int parse_value(struct cursor *c, struct unit_property *p)
{
        char type = 0;
        bool typed_array = false;

        skip_ws(c);
        if (*c->s == '@') { /* a type annotation: @t 5, @as [] */
                c->s++;
                if (strncmp(c->s, "as", 2) == 0 && !isalnum((unsigned char)c->s[2])) {
                        typed_array = true;
                        c->s += 2;
                } else if (*c->s && strchr("bynqiuxtdsog", *c->s) &&
                           !isalnum((unsigned char)c->s[1])) {
                        type = *c->s++;
                } else
                        return fail(c, "unsupported type after '@' (b y n q i u x t d s o g as)");
                skip_ws(c);
        } else {
                for (size_t i = 0; i < ARRAY_SIZE(number_words); i++)
                        if (take_word(c, number_words[i].word)) {
                                type = number_words[i].type;
                                skip_ws(c);
                                break;
                        }
                if (!type && take_word(c, "objectpath"))
                        type = 'o';
                else if (!type && take_word(c, "signature"))
                        type = 'g';
                if (type == 'o' || type == 'g')
                        skip_ws(c);
        }

        if (typed_array) {
                if (*c->s != '[')
                        return fail(c, "@as must be followed by an array");
                return parse_string_array(c, p, true);
        }
        if (*c->s == '[') {
                if (type)
                        return fail(c, "crunit takes arrays of strings only (['a', 'b'])");
                return parse_string_array(c, p, false);
        }
        if (*c->s == '\'' || *c->s == '"') {
                if (type && !strchr("sog", type))
                        return fail(c, "a string where a number was announced");
                p->type = type ? type : 's';
                return parse_string(c, &p->v.s);
        }
        if (type == 's' || type == 'o' || type == 'g')
                return fail(c, "a string must be quoted ('text' or \"text\")");
        bool is_true = take_word(c, "true");
        if (is_true || take_word(c, "false")) {
                if (type && type != 'b')
                        return fail(c, "a boolean where a number was announced");
                p->type = 'b';
                p->v.b = is_true;
                return 0;
        }
        if (type == 'b')
                return fail(c, "a boolean is true or false");
        if (*c->s == '-' || *c->s == '+' || *c->s == '.' || isdigit((unsigned char)*c->s))
                return parse_number(c, type, p);
        return fail(c, "not a GVariant value: strings need quotes ('text'), numbers may have a "
                       "type (uint64 1000), booleans are true or false");
}

static void property_value_free(struct unit_property *p)
{
        if (p->type == 's' || p->type == 'o' || p->type == 'g')
                free(p->v.s);
        else if (p->type == 'a')
                strv_free(p->v.strv);
        p->type = 0;
}

int unit_property_parse_value(const char *text, struct unit_property *p, const char **ret_why)
{
        struct cursor c = {.s = text};
        assert(text && p);
        p->type = 0;
        int r = parse_value(&c, p);
        if (r >= 0) {
                skip_ws(&c);
                if (*c.s != '\0') {
                        property_value_free(p);
                        r = fail(&c, "unexpected text after the value");
                }
        }
        if (r < 0 && ret_why)
                *ret_why = c.why ? c.why : strerror(-r);
        return r;
}

/* --- annotations → properties ---------------------------------------------------------- */

/* runc: latin letters only, at least 3 of them */
static bool property_name_is_valid(const char *s)
{
        size_t n = strlen(s);
        if (n < 3)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isascii((unsigned char)s[i]) || !isalpha((unsigned char)s[i]))
                        return false;
        return true;
}

/* TimeoutStopSec=N (seconds) → TimeoutStopUSec=N*1000000, as runc does. */
static int sec_to_usec(struct unit_property *p, const char **why)
{
        const double max = (double)UINT64_MAX / 1e6;
        uint64_t usec;
        switch (p->type) {
        case 'y':
        case 'q':
        case 'u':
        case 't':
                if (p->v.u > UINT64_MAX / 1000000)
                        return *why = "too large", -ERANGE;
                usec = p->v.u * 1000000;
                break;
        case 'n':
        case 'i':
        case 'x':
                if (p->v.i < 0)
                        return *why = "a time cannot be negative", -EINVAL;
                if ((uint64_t)p->v.i > UINT64_MAX / 1000000)
                        return *why = "too large", -ERANGE;
                usec = (uint64_t)p->v.i * 1000000;
                break;
        case 'd':
                if (p->v.d < 0 || p->v.d >= max)
                        return *why = "out of range", -ERANGE;
                usec = (uint64_t)(p->v.d * 1e6);
                break;
        default:
                return *why = "a ...Sec property takes a number of seconds", -EINVAL;
        }
        p->type = 't';
        p->v.u = usec;
        size_t n = strlen(p->name);
        char *name = malloc(n + 2);
        if (!name)
                return -ENOMEM;
        memcpy(name, p->name, n - 3);
        strcpy(name + n - 3, "USec");
        free(p->name);
        p->name = name;
        return 0;
}

void unit_properties_done(struct unit_properties *props)
{
        for (size_t i = 0; i < props->n; i++) {
                property_value_free(&props->p[i]);
                free(props->p[i].annotation);
                free(props->p[i].name);
        }
        free(props->p);
        *props = (struct unit_properties){};
}

int unit_properties_from_annotations(json_object *annotations, struct unit_properties *ret)
{
        struct unit_properties props = {};
        const size_t plen = strlen(UNIT_PROPERTY_ANNOTATION_PREFIX);

        *ret = props;
        if (!annotations || !json_object_is_type(annotations, json_type_object))
                return 0;
        json_object_object_foreach(annotations, key, val)
        {
                const char *why = NULL;
                if (!startswith(key, UNIT_PROPERTY_ANNOTATION_PREFIX))
                        continue;
                const char *name = key + plen, *text = json_object_get_string(val);
                if (!property_name_is_valid(name)) {
                        unit_properties_done(&props);
                        return log_error("annotation %s: \"%s\" is not a unit property name "
                                         "(letters only, at least 3)",
                                         key, name),
                               -EINVAL;
                }
                struct unit_property *np = realloc(props.p, (props.n + 1) * sizeof *np);
                if (!np) {
                        unit_properties_done(&props);
                        return log_error_errno(ENOMEM, "annotations");
                }
                props.p = np;
                struct unit_property *p = &props.p[props.n];
                *p = (struct unit_property){};
                if (!(p->annotation = strdup(key)) || !(p->name = strdup(name))) {
                        free(p->annotation);
                        free(p->name);
                        unit_properties_done(&props);
                        return log_error_errno(ENOMEM, "annotations");
                }
                props.n++;
                int r = unit_property_parse_value(text ? text : "", p, &why);
                size_t n = strlen(name);
                if (r >= 0 && n > 3 && streq(name + n - 3, "Sec") &&
                    islower((unsigned char)name[n - 4]))
                        r = sec_to_usec(p, &why);
                if (r == -ENOMEM) {
                        unit_properties_done(&props);
                        return log_error_errno(r, "annotations");
                }
                if (r < 0) {
                        log_error("annotation %s: cannot use \"%s\" as the value of %s: %s", key,
                                  text ? text : "", name, why ? why : strerror(-r));
                        unit_properties_done(&props);
                        return -EINVAL;
                }
        }
        *ret = props;
        return 0;
}

int bus_append_unit_properties(sd_bus_message *m, const struct unit_properties *props)
{
        int r = 0;
        for (size_t i = 0; r >= 0 && props && i < props->n; i++) {
                const struct unit_property *p = &props->p[i];
                char sig[2] = {p->type, 0};
                switch (p->type) {
                case 'b':
                        r = sd_bus_message_append(m, "(sv)", p->name, "b", (int)p->v.b);
                        break;
                case 'y':
                        r = sd_bus_message_append(m, "(sv)", p->name, "y", (uint8_t)p->v.u);
                        break;
                case 'n':
                        r = sd_bus_message_append(m, "(sv)", p->name, "n", (int16_t)p->v.i);
                        break;
                case 'q':
                        r = sd_bus_message_append(m, "(sv)", p->name, "q", (uint16_t)p->v.u);
                        break;
                case 'i':
                        r = sd_bus_message_append(m, "(sv)", p->name, "i", (int32_t)p->v.i);
                        break;
                case 'u':
                        r = sd_bus_message_append(m, "(sv)", p->name, "u", (uint32_t)p->v.u);
                        break;
                case 'x':
                        r = sd_bus_message_append(m, "(sv)", p->name, "x", p->v.i);
                        break;
                case 't':
                        r = sd_bus_message_append(m, "(sv)", p->name, "t", p->v.u);
                        break;
                case 'd':
                        r = sd_bus_message_append(m, "(sv)", p->name, "d", p->v.d);
                        break;
                case 's':
                case 'o':
                case 'g':
                        r = sd_bus_message_append(m, "(sv)", p->name, sig, p->v.s);
                        break;
                case 'a':
                        r = sd_bus_message_open_container(m, 'r', "sv");
                        if (r >= 0)
                                r = sd_bus_message_append(m, "s", p->name);
                        if (r >= 0)
                                r = sd_bus_message_open_container(m, 'v', "as");
                        if (r >= 0)
                                r = sd_bus_message_append_strv(m, p->v.strv);
                        if (r >= 0)
                                r = sd_bus_message_close_container(m);
                        if (r >= 0)
                                r = sd_bus_message_close_container(m);
                        break;
                default:
                        r = -EINVAL;
                }
        }
        return r;
}

int unit_properties_explain_error(const struct unit_properties *props, const sd_bus_error *error,
                                  const char *unit)
{
        if (!props || !error || !error->message)
                return 0;
        for (size_t i = 0; i < props->n; i++) {
                const char *m = error->message, *hit;
                size_t n = strlen(props->p[i].name);
                /* the name as a whole word: "Cannot set property X, or unknown property." and
                 * the messages of the property parsers */
                for (hit = strstr(m, props->p[i].name); hit;
                     hit = strstr(hit + 1, props->p[i].name))
                        if ((hit == m || !isalnum((unsigned char)hit[-1])) &&
                            !isalnum((unsigned char)hit[n]))
                                break;
                if (!hit)
                        continue;
                return log_error("annotation %s: systemd refused the property %s of %s: %s",
                                 props->p[i].annotation, props->p[i].name, unit, m),
                       -EINVAL;
        }
        /* A value of the wrong D-Bus type fails without naming the property. */
        if (props->n > 0 && (sd_bus_error_has_name(error, SD_BUS_ERROR_INVALID_ARGS) ||
                             strstr(error->message, "Unexpected message contents"))) {
                char names[512] = "";
                size_t len = 0;
                for (size_t i = 0; i < props->n && len < sizeof names; i++)
                        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
                                                i ? ", " : "", props->p[i].annotation);
                return log_error("systemd refused to create %s: %s (is the D-Bus type of %s "
                                 "right? a number property wants e.g. \"uint64 100\", as busctl "
                                 "shows it)",
                                 unit, error->message, names),
                       -EINVAL;
        }
        return 0;
}
