/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crunit features: what this runtime implements, as the runtime-spec's features.md JSON. Every
 * list comes from the code that implements it (the config.json parser's tables, libmount's
 * option table filtered by crunit's mount code, libcap, libseccomp, a probe of the kernel), not
 * from a list kept here. */
#include <ctype.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmount/libmount.h>

#include "bus/bus-annotations.h"
#include "config.h"
#include "runtime/cli.h"
#include "runtime/intelrdt.h"
#include "runtime/linux.h"
#include "shared/log.h"
#include "spec-features.h"
#include "spec.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static void usage(void)
{
        printf("Usage: crunit features\n"
               "\n"
               "Print what crunit implements (runtime-spec features.md): OCI versions, hooks,\n"
               "mount options, namespaces, capabilities, cgroup drivers, seccomp, annotations.\n"
               "\n"
               "Options:\n"
               "  -h, --help  show this help\n");
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* libmount's Linux flag table, "defaults", and the OCI extensions runc defines, each kept
 * when crunit's mount code takes it. Sorted, without duplicates. */
static json_object *mount_options(void)
{
        static const char *const extensions[] = {
            "defaults",    "rro",      "rrw",    "rnosuid",      "rsuid",          "rnodev",
            "rdev",        "rnoexec",  "rexec",  "rnodiratime",  "rdiratime",      "rrelatime",
            "rnorelatime", "rnoatime", "ratime", "rstrictatime", "rnostrictatime", "rnosymfollow",
            "rsymfollow",  "idmap",    "ridmap", "tmpcopyup",    "notmpcopyup",
        };
        const char *names[256];
        size_t n = 0;
        for (const struct libmnt_optmap *e = mnt_get_builtin_optmap(MNT_LINUX_MAP);
             e->name && n < ARRAY_SIZE(names); e++)
                names[n++] = e->name;
        for (size_t i = 0; i < ARRAY_SIZE(extensions) && n < ARRAY_SIZE(names); i++)
                names[n++] = extensions[i];
        qsort(names, n, sizeof names[0], cmp_str);
        json_object *a = json_object_new_array();
        for (size_t i = 0; a && i < n; i++)
                if ((i == 0 || !streq(names[i], names[i - 1])) && mount_option_supported(names[i]))
                        json_object_array_add(a, json_object_new_string(names[i]));
        return a;
}

/* Every capability libcap knows by name ("CAP_CHOWN" …). */
static json_object *capabilities(void)
{
        json_object *a = json_object_new_array();
        for (cap_value_t v = 0; a && v < 64; v++) {
                char *name = cap_to_name(v);
                if (!name)
                        break;
                bool known = strncmp(name, "cap_", 4) == 0;
                if (known) {
                        for (char *p = name; *p; p++)
                                *p = (char)toupper((unsigned char)*p);
                        json_object_array_add(a, json_object_new_string(name));
                }
                cap_free(name);
                if (!known) /* libcap prints capabilities it has no name for as numbers */
                        break;
        }
        return a;
}

/* The SCMP_ARCH_* names libseccomp resolves (the config.json parser takes exactly these). */
static json_object *seccomp_archs(void)
{
        static const char *const archs[] = {
            "x86",         "x86_64",   "x32",     "arm",       "aarch64", "loongarch64",
            "m68k",        "mips",     "mips64",  "mips64n32", "mipsel",  "mipsel64",
            "mipsel64n32", "ppc",      "ppc64",   "ppc64le",   "s390",    "s390x",
            "parisc",      "parisc64", "riscv64", "sh",        "sheb",
        };
        json_object *a = json_object_new_array();
        for (size_t i = 0; a && i < ARRAY_SIZE(archs); i++) {
                if (seccomp_arch_resolve_name(archs[i]) == 0)
                        continue;
                char name[64];
                size_t k = (size_t)snprintf(name, sizeof name, "SCMP_ARCH_%s", archs[i]);
                for (size_t j = 10; j < k && j < sizeof name; j++)
                        name[j] = (char)toupper((unsigned char)name[j]);
                json_object_array_add(a, json_object_new_string(name));
        }
        return a;
}

/* The known flags the running kernel accepts: seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL)
 * fails with EFAULT (no filter given) for a flag it knows and EINVAL for one it does not. */
static json_object *seccomp_supported_flags(json_object *known)
{
        static const struct {
                const char *name;
                unsigned long flags;
        } probe[] = {
            {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
            {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
            {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
            /* only valid together with NEW_LISTENER */
            {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
             SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER},
        };
        json_object *a = json_object_new_array();
        for (size_t i = 0; a && known && i < json_object_array_length(known); i++) {
                const char *name = json_object_get_string(json_object_array_get_idx(known, i));
                for (size_t j = 0; j < ARRAY_SIZE(probe); j++)
                        if (streq(probe[j].name, name) &&
                            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe[j].flags, NULL) <
                                0 &&
                            errno == EFAULT)
                                json_object_array_add(a, json_object_new_string(name));
        }
        return a;
}

static json_object *enabled(bool b)
{
        json_object *o = json_object_new_object();
        if (o)
                json_object_object_add(o, "enabled", json_object_new_boolean(b));
        return o;
}

static json_object *features(void)
{
        _cleanup_json_ json_object *f = json_object_new_object();
        json_object *hooks = json_object_new_array(), *linux_obj = json_object_new_object(),
                    *ns = json_object_new_array(), *cgroup = json_object_new_object(),
                    *seccomp = json_object_new_object(), *ext = json_object_new_object(),
                    *annotations = json_object_new_object(), *unsafe = json_object_new_array();
        json_object *all[] = {hooks, linux_obj, ns, cgroup, seccomp, ext, annotations, unsafe};
        bool ok = f;
        for (size_t i = 0; i < ARRAY_SIZE(all); i++)
                ok = ok && all[i];
        if (!ok) {
                for (size_t i = 0; i < ARRAY_SIZE(all); i++)
                        json_object_put(all[i]);
                return NULL;
        }

        /* the containers first (in features.md's order): f owns everything from here on */
        json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
        json_object_object_add(f, "ociVersionMax", json_object_new_string(OCI_SPEC_VERSION));
        json_object_object_add(f, "hooks", hooks);
        json_object_object_add(f, "mountOptions", mount_options());
        json_object_object_add(f, "linux", linux_obj);
        json_object_object_add(f, "annotations", annotations);
        json_object_object_add(f, "potentiallyUnsafeConfigAnnotations", unsafe);
        json_object_object_add(linux_obj, "namespaces", ns);
        json_object_object_add(linux_obj, "cgroup", cgroup);
        json_object_object_add(linux_obj, "seccomp", seccomp);
        json_object_object_add(linux_obj, "mountExtensions", ext);

        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++)
                json_object_array_add(hooks, json_object_new_string(spec_hook_kind_to_string(k)));

        if (spec_namespace_features(ns) < 0)
                return NULL;
        json_object_object_add(linux_obj, "capabilities", capabilities());
        /* systemd drives both hierarchies: StartTransientUnit on the system or user manager */
        json_object_object_add(cgroup, "v1", json_object_new_boolean(true));
        json_object_object_add(cgroup, "v2", json_object_new_boolean(true));
        json_object_object_add(cgroup, "systemd", json_object_new_boolean(true));
        json_object_object_add(cgroup, "systemdUser", json_object_new_boolean(true));
        json_object_object_add(cgroup, "rdma", json_object_new_boolean(false));
        json_object_object_add(seccomp, "enabled", json_object_new_boolean(true));
        if (spec_seccomp_features(seccomp) < 0)
                return NULL;
        json_object_object_add(seccomp, "archs", seccomp_archs());
        json_object *known = NULL;
        json_object_object_get_ex(seccomp, "knownFlags", &known);
        json_object_object_add(seccomp, "supportedFlags", seccomp_supported_flags(known));
        json_object_object_add(linux_obj, "apparmor", enabled(lsm_apparmor_enabled()));
        json_object_object_add(linux_obj, "selinux", enabled(lsm_selinux_enabled()));
        json_object_object_add(linux_obj, "intelRdt", enabled(intelrdt_available()));
        json_object_object_add(ext, "idmap", enabled(mount_option_supported("idmap")));

        const struct scmp_version *sv = seccomp_version();
        char v[64];
        snprintf(v, sizeof v, "%u.%u.%u", sv->major, sv->minor, sv->micro);
        json_object_object_add(annotations, "io.github.seccomp.libseccomp.version",
                               json_object_new_string(v));
        json_object_object_add(annotations, "org.crunit.version",
                               json_object_new_string(CRUNIT_VERSION));
        json_object_object_add(annotations, "org.crunit.libsystemd.version",
                               json_object_new_string(LIBSYSTEMD_VERSION));
        json_object_object_add(annotations, "org.crunit.checkpoint.enabled",
                               json_object_new_string("false"));
        /* bus-annotations.c: they become properties of the container's scope */
        json_object_array_add(unsafe, json_object_new_string(UNIT_PROPERTY_ANNOTATION_PREFIX));
        /* crunit's own (org.crunit.keep-unit, org.crunit.stdio, …) */
        json_object_array_add(unsafe, json_object_new_string("org.crunit."));
        return TAKE_PTR(f);
}

int verb_features(int argc, char *argv[])
{
        static const struct option options[] = {
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
                if (c == 'h') {
                        usage();
                        return 0;
                }
                return usage_error("features", "unknown option \"%s\"", argv[optind - 1]);
        }
        if (optind < argc)
                return usage_error("features", "takes no arguments");
        _cleanup_json_ json_object *f = features();
        if (!f)
                return log_error_errno(ENOMEM, "features");
        puts(json_object_to_json_string_ext(f, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        return 0;
}
