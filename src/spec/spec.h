/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The OCI runtime configuration (config.json) as crunit understands it.
 *
 * spec_load() parses and validates a bundle's config.json into a `struct spec`. Validation
 * policy:
 *  - a property the runtime-spec defines and crunit implements is honoured exactly;
 *  - a property the runtime-spec defines that crunit does not implement yet is refused with a
 *    one-line error naming it (e.g. "config.json: linux.devices is not supported yet");
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
        /* uidMappings/gidMappings of an idmap/ridmap mount (runtime/mount-attr.c) */
        struct spec_id_mapping *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
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
        /* process.scheduler (spec-fields.c): SCHED_* policy, SCHED_FLAG_* bits */
        bool has_scheduler;
        int sched_policy;
        int sched_nice;
        unsigned sched_priority;
        uint64_t sched_flags;
        uint64_t sched_runtime, sched_deadline, sched_period;
        /* process.ioPriority as IOPRIO_PRIO_VALUE(class, priority) */
        bool has_io_priority;
        int io_priority;
        /* process.execCPUAffinity: "final", else "initial" */
        bool has_cpu_affinity;
        cpu_set_t cpu_affinity;
        /* process.apparmorProfile / process.selinuxLabel; NULL if not given or empty */
        char *apparmor_profile;
        char *selinux_label;
};

/* linux.resources, already converted to the values of systemd's unit properties (see
 * spec-resources.c for the mapping). A has_* flag false: the property is not set. */
enum spec_io_list {
        SPEC_IO_DEVICE_WEIGHT,   /* IODeviceWeight */
        SPEC_IO_READ_BANDWIDTH,  /* IOReadBandwidthMax */
        SPEC_IO_WRITE_BANDWIDTH, /* IOWriteBandwidthMax */
        SPEC_IO_READ_IOPS,       /* IOReadIOPSMax */
        SPEC_IO_WRITE_IOPS,      /* IOWriteIOPSMax */
        _SPEC_IO_LIST_MAX,
};

struct spec_io_device_value {
        char *path; /* "/dev/block/MAJ:MIN" */
        uint64_t value;
};

struct spec_device_allow {
        char *path;     /* "/dev/char/1:3", "/dev/block/8:0", "char-pts", "char-*", "block-*" */
        char access[4]; /* a non-empty subset of "rwm" */
};

struct spec_resources {
        bool has_memory_max, has_memory_low, has_memory_swap_max;
        uint64_t memory_max, memory_low, memory_swap_max; /* UINT64_MAX: infinity */
        bool has_swappiness; /* memory.swappiness 0-100: cgroup v1 only (cgroup-v1-extra.c) */
        uint64_t swappiness;
        bool has_cpu_weight;
        uint64_t cpu_weight;
        bool has_cpu_quota; /* CPUQuotaPerSecUSec; UINT64_MAX: infinity */
        uint64_t cpu_quota_per_sec_usec;
        bool has_cpu_quota_period;
        uint64_t cpu_quota_period_usec;
        uint8_t *allowed_cpus; /* as systemd's AllowedCPUs: bit N of byte N/8; NULL: unset */
        size_t allowed_cpus_size;
        uint8_t *allowed_mems; /* likewise for AllowedMemoryNodes */
        size_t allowed_mems_size;
        bool has_tasks_max;
        uint64_t tasks_max; /* UINT64_MAX: infinity */
        bool has_io_weight;
        uint64_t io_weight;
        struct spec_io_device_value *io[_SPEC_IO_LIST_MAX];
        size_t n_io[_SPEC_IO_LIST_MAX];
        const char *device_policy; /* "strict"; NULL: no device rules (systemd's default) */
        struct spec_device_allow *device_allow;
        size_t n_device_allow;
};

/* hooks (runtime-spec config.md#posix-platform-hooks), in the order they run. */
enum spec_hook_kind {
        SPEC_HOOK_PRESTART,
        SPEC_HOOK_CREATE_RUNTIME,
        SPEC_HOOK_CREATE_CONTAINER,
        SPEC_HOOK_START_CONTAINER,
        SPEC_HOOK_POSTSTART,
        SPEC_HOOK_POSTSTOP,
        _SPEC_HOOK_KIND_MAX,
};

struct spec_hook {
        char *path;  /* absolute */
        char **args; /* NULL-terminated, may be NULL (then argv is just path) */
        char **env;  /* NULL-terminated, may be NULL (empty environment) */
        int timeout; /* seconds, 0: none */
};

struct spec_hooks {
        struct spec_hook *list[_SPEC_HOOK_KIND_MAX];
        size_t n[_SPEC_HOOK_KIND_MAX];
};

/* linux.seccomp, validated by the parser (spec-seccomp.c); actions, architectures and
 * comparison operators are already libseccomp's values (SCMP_ACT_ERRNO(1), SCMP_ARCH_X86_64,
 * SCMP_CMP_EQ), compiled into a filter by src/runtime/seccomp.c. */
struct spec_seccomp_arg {
        unsigned index; /* 0..5 */
        uint64_t value;
        uint64_t value_two;
        int op; /* enum scmp_compare */
};

struct spec_seccomp_syscall {
        char **names;    /* NULL-terminated, at least one */
        uint32_t action; /* SCMP_ACT_* including the errno/trace value */
        struct spec_seccomp_arg *args;
        size_t n_args;
};

struct spec_seccomp {
        uint32_t default_action; /* SCMP_ACT_* including the errno/trace value */
        uint32_t *architectures; /* SCMP_ARCH_* */
        size_t n_architectures;
        /* SECCOMP_FILTER_FLAG_* */
        bool flag_tsync, flag_log, flag_spec_allow, flag_wait_killable_recv;
        /* SCMP_ACT_NOTIFY (runtime/seccomp-notify.c): some rule notifies; the listener fd
         * goes to listenerPath (absolute) with listenerMetadata (may be NULL) */
        bool uses_notify;
        char *listener_path;
        char *listener_metadata;
        struct spec_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

/* linux.devices (spec-devices.c), created by runtime/linux-devices.c */
struct spec_device {
        char *path;            /* absolute, cleaned, not "/" */
        mode_t type;           /* S_IFCHR ("c", "u"), S_IFBLK ("b"), S_IFIFO ("p") */
        unsigned major, minor; /* not for S_IFIFO */
        mode_t file_mode;      /* permission bits; 0666 if not given */
        bool has_uid, has_gid;
        uid_t uid;
        gid_t gid;
};

/* linux.intelRdt (spec-intelrdt.c), applied by runtime/intelrdt.c */
struct spec_intel_rdt {
        char *clos_id; /* validated resctrl group name; NULL: the container id */
        /* the lines for the group's schemata file, in two writes: l3CacheSchema's lines and
         * memBwSchema first, then the schemata field (the spec: written last). NULL if none. */
        char **schemata_first, **schemata_last;
        bool enable_cmt, enable_mbm;
};

/* linux.timeOffsets.monotonic/boottime */
struct spec_time_offset {
        bool set;
        int64_t secs;
        uint32_t nanosecs;
};

struct spec {
        char *oci_version;
        char *bundle;    /* absolute path of the bundle directory */
        char *root_path; /* absolute path of the rootfs (root.path resolved against bundle) */
        bool root_readonly;
        char *hostname;    /* NULL if not given */
        char *domainname;  /* NULL if not given */
        char *mount_label; /* linux.mountLabel (SELinux context= of new mounts); NULL if empty */

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

        struct spec_device *devices; /* linux.devices */
        size_t n_devices;
        char **masked_paths;              /* NULL-terminated, may be NULL */
        char **readonly_paths;            /* NULL-terminated, may be NULL */
        unsigned long rootfs_propagation; /* MS_SHARED|MS_REC etc.; 0 if not given */
        char *cgroups_path;               /* NULL if not given */
        struct spec_seccomp *seccomp;     /* NULL if not given (or empty) */
        struct spec_resources *resources; /* linux.resources; NULL if not given or empty */
        bool has_personality;             /* linux.personality */
        unsigned long personality;        /* PER_LINUX or PER_LINUX32 */
        json_object *sysctl; /* linux.sysctl, validated; borrowed from `json`; NULL if empty */
        struct spec_time_offset time_monotonic, time_boottime; /* linux.timeOffsets */
        struct spec_intel_rdt *intel_rdt; /* linux.intelRdt; NULL if not given (or null) */

        struct spec_hooks hooks;
        /* borrowed from `json`: "hooks" (object or NULL) */
        json_object *hooks_json;
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

/* Parses linux.resources (used by spec_parse; exposed for the unit tests). `v` may be NULL;
 * *ret is NULL when it is absent, null or {}. */
int spec_parse_resources(json_object *v, struct spec_resources **ret);
void spec_resources_free(struct spec_resources *r);
/* "0-1,3" → a bitmask as systemd's AllowedCPUs/AllowedMemoryNodes; `path` names the field in
 * errors. An empty list gives *ret = NULL, *ret_size = 0. */
int spec_parse_cpu_list(const char *list, const char *path, uint8_t **ret, size_t *ret_size);

/* spec-hooks.c: parses a "hooks" object (`v` may be NULL: no hooks), as spec_parse() does;
 * also used on the copy kept in state.json. spec_hooks_done() frees the contents. */
int spec_parse_hooks(json_object *v, struct spec_hooks *ret);
void spec_hooks_done(struct spec_hooks *h);
const char *spec_hook_kind_to_string(enum spec_hook_kind k); /* "createRuntime" … */

/* Lookup helpers. */
const struct spec_namespace *spec_find_namespace(const struct spec *s, int type);
/* Returns the annotation value or NULL. */
const char *spec_annotation(const struct spec *s, const char *key);

/* spec-process-file.c: a standalone "process" object from the file `path` (exec -p), parsed
 * and validated as config.json's; errors name the file. spec_process_done() frees it. */
int spec_load_process(const char *path, struct spec_process *ret);
void spec_process_done(struct spec_process *p);

/* The default configuration written by `crunit spec` (runtime-spec 1.2.0, like runc's):
 * args ["sh"], terminal true, readonly rootfs "rootfs", the usual mounts, masked and readonly
 * paths, namespaces pid/network/ipc/uts/mount/cgroup. `rootless` adds a user namespace mapping
 * the caller's euid/egid to 0, drops uid=/gid= mount options, and replaces the sysfs mount by
 * a read-only rbind of /sys (keeping a new network namespace: loopback only). */
json_object *spec_default(bool rootless);

/* A resctrl control group name (linux.intelRdt.closID, or the container id): no "/", not "."
 * or "..", not a name resctrl's root already uses ("info", "tasks", "schemata", …). */
bool resctrl_group_name_is_valid(const char *name);

/* Container ids: [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, 1 to 128 bytes (so never "/", "." or ".."). */
bool container_id_is_valid(const char *id);
