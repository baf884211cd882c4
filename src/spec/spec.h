/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The OCI runtime configuration (config.json) as crunit understands it.
 *
 * spec_load() parses and validates a bundle's config.json into a `struct spec`. Validation
 * policy:
 *  - a property the runtime-spec defines and crunit implements is honoured exactly;
 *  - a property the runtime-spec defines that crunit does not implement yet is refused with a
 *    one-line error naming it (e.g. "config.json: linux.seccomp is not supported yet");
 *  - a property the runtime-spec does not define is ignored, as the spec requires
 *    (logged at debug level);
 *  - wrong JSON types, out-of-range numbers, bad capability/rlimit/namespace names are errors
 *    naming the field (e.g. "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"").
 * Errors are logged (src/shared/log.h) and a negative errno is returned. */

#include <json-c/json.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../shared/macro.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#ifndef _cleanup_json_
static inline void json_object_putp(json_object **o)
{
        if (*o)
                json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)
#endif

struct spec_mount {
        char *destination; /* absolute path inside the container */
        char *type;        /* may be NULL (bind mounts) */
        char *source;      /* may be NULL; a relative bind source is made absolute to the bundle */
        char **options;    /* NULL-terminated, may be NULL */
};

struct spec_id_mapping {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

struct spec_namespace {
        int type;   /* CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUTS,
                       CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME */
        char *path; /* NULL: create a new one; else join this one */
};

struct spec_rlimit {
        int resource; /* RLIMIT_* */
        uint64_t soft;
        uint64_t hard;
};

/* Capability sets as bit masks indexed by capability number (CAP_CHOWN = bit 0 …). Names are
 * parsed with libcap's cap_from_name(); an unknown name is an error. */
struct spec_caps {
        uint64_t bounding;
        uint64_t effective;
        uint64_t inheritable;
        uint64_t permitted;
        uint64_t ambient;
};

struct spec_process {
        bool terminal;
        unsigned console_height, console_width; /* 0 if not given */
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        bool has_umask;
        mode_t umask;
        char **args; /* NULL-terminated, at least one element */
        char **env;  /* NULL-terminated, may be NULL */
        char *cwd;   /* absolute */
        bool has_caps;
        struct spec_caps caps;
        struct spec_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        bool has_oom_score_adj;
        int oom_score_adj;
};

struct spec {
        char *oci_version;
        char *bundle;    /* absolute path of the bundle directory */
        char *root_path; /* absolute path of the rootfs (root.path resolved against bundle) */
        bool root_readonly;
        char *hostname;   /* NULL if not given */
        char *domainname; /* NULL if not given */

        struct spec_mount *mounts;
        size_t n_mounts;

        struct spec_process process; /* has_process false: no "process" (create refuses it) */
        bool has_process;

        struct spec_namespace *namespaces;
        size_t n_namespaces;
        struct spec_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct spec_id_mapping *gid_mappings;
        size_t n_gid_mappings;

        char **masked_paths;              /* NULL-terminated, may be NULL */
        char **readonly_paths;            /* NULL-terminated, may be NULL */
        unsigned long rootfs_propagation; /* MS_SHARED|MS_REC etc.; 0 if not given */
        char *cgroups_path;               /* NULL if not given */

        json_object *annotations; /* borrowed from `json` (object or NULL) */
        json_object *json;        /* the whole parsed document (owned) */
};

/* Parse `bundle`/config.json. `bundle` may be relative; it is made absolute. */
int spec_load(const char *bundle, struct spec **ret);
/* Parse from an already-read JSON document (used by spec_load and the fuzzer/unit tests).
 * `bundle` must be absolute. On success the spec takes its own reference on `doc` (the caller
 * keeps, and must still drop, its own). */
int spec_parse(json_object *doc, const char *bundle, struct spec **ret);
void spec_free(struct spec *s);
static inline void spec_freep(struct spec **s)
{
        if (*s)
                spec_free(*s);
}
#define _cleanup_spec_ _cleanup_(spec_freep)

/* Lookup helpers. */
const struct spec_namespace *spec_find_namespace(const struct spec *s, int type);
/* Returns the annotation value or NULL. */
const char *spec_annotation(const struct spec *s, const char *key);

/* The default configuration written by `crunit spec` (runtime-spec 1.2.0, like runc's):
 * args ["sh"], terminal true, readonly rootfs "rootfs", the usual mounts, masked and readonly
 * paths, namespaces pid/network/ipc/uts/mount/cgroup. `rootless` adds a user namespace mapping
 * the caller's euid/egid to 0, drops uid=/gid= mount options, and replaces the sysfs mount by
 * a read-only rbind of /sys (keeping a new network namespace: loopback only). */
json_object *spec_default(bool rootless);

/* Container ids: [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, 1 to 128 bytes (so never "/", "." or ".."). */
bool container_id_is_valid(const char *id);
