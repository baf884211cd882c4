/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json fields applied to the container's process or kernel state: linux.sysctl,
 * linux.personality, linux.timeOffsets, process.scheduler, process.ioPriority,
 * process.execCPUAffinity. */
#include <assert.h>
#include <sys/personality.h>
#include <sys/stat.h>

#include "spec-internal.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static const struct {
        const char *name;
        int policy;
} sched_policy_table[] = {
    {"SCHED_OTHER", SCHED_OTHER},       {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},       {"SCHED_ISO", -1},          {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};

static const struct {
        const char *name;
        uint64_t flag;
} sched_flag_table[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const struct {
        const char *name;
        int class;
} ioprio_class_table[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

/* Sysctls that belong to the ipc namespace (besides fs.mqueue.*), as runc's validator. */
static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static int parse_scheduler(json_object *o, struct spec_process *p)
{
        static const char *const known[] = {"policy",  "nice",     "priority", "flags",
                                            "runtime", "deadline", "period",   NULL};
        const char *name;
        json_object *v;
        int64_t i;
        uint64_t u;
        int r;

        r = spec_json_known_object(o, "process.scheduler", known);
        if (r < 0)
                return r;

        v = spec_json_get(o, "policy");
        if (!v)
                return spec_error("process.scheduler.policy is required");
        r = spec_json_string(v, "process.scheduler.policy", &name);
        if (r < 0)
                return r;
        p->sched_policy = -1;
        for (size_t k = 0; k < ARRAY_SIZE(sched_policy_table); k++)
                if (streq(sched_policy_table[k].name, name)) {
                        if (sched_policy_table[k].policy < 0)
                                return spec_error("process.scheduler.policy: \"%s\" is not "
                                                  "supported by Linux",
                                                  name);
                        p->sched_policy = sched_policy_table[k].policy;
                        break;
                }
        if (p->sched_policy < 0)
                return spec_error("process.scheduler.policy: unknown policy \"%s\"", name);

        v = spec_json_get(o, "nice");
        if (v) {
                r = spec_json_int64(v, "process.scheduler.nice", -20, 19, &i);
                if (r < 0)
                        return r;
                p->sched_nice = (int)i;
        }
        v = spec_json_get(o, "priority");
        if (v) {
                r = spec_json_int64(v, "process.scheduler.priority", 0, 99, &i);
                if (r < 0)
                        return r;
                p->sched_priority = (unsigned)i;
        }
        if (p->sched_priority != 0 && p->sched_policy != SCHED_FIFO && p->sched_policy != SCHED_RR)
                return spec_error("process.scheduler.priority can only be given for SCHED_FIFO "
                                  "and SCHED_RR");

        v = spec_json_get(o, "flags");
        if (v) {
                r = spec_json_array(v, "process.scheduler.flags");
                if (r < 0)
                        return r;
                size_t n = json_object_array_length(v);
                for (size_t k = 0; k < n; k++) {
                        char path[SPEC_PATH_MAX];
                        bool found = false;
                        spec_field(path, "process.scheduler.flags[%zu]", k);
                        r = spec_json_string(json_object_array_get_idx(v, k), path, &name);
                        if (r < 0)
                                return r;
                        for (size_t f = 0; f < ARRAY_SIZE(sched_flag_table); f++)
                                if (streq(sched_flag_table[f].name, name)) {
                                        p->sched_flags |= sched_flag_table[f].flag;
                                        found = true;
                                }
                        if (!found)
                                return spec_error("%s: unknown flag \"%s\"", path, name);
                }
        }

        static const char *const dl[] = {"runtime", "deadline", "period"};
        uint64_t *dl_values[] = {&p->sched_runtime, &p->sched_deadline, &p->sched_period};
        for (size_t k = 0; k < ARRAY_SIZE(dl); k++) {
                char path[SPEC_PATH_MAX];
                v = spec_json_get(o, dl[k]);
                if (!v)
                        continue;
                spec_field(path, "process.scheduler.%s", dl[k]);
                r = spec_json_uint64(v, path, UINT64_MAX, &u);
                if (r < 0)
                        return r;
                if (u != 0 && p->sched_policy != SCHED_DEADLINE)
                        return spec_error("%s can only be given for SCHED_DEADLINE", path);
                *dl_values[k] = u;
        }
        p->has_scheduler = true;
        return 0;
}

static int parse_io_priority(json_object *o, struct spec_process *p)
{
        static const char *const known[] = {"class", "priority", NULL};
        const char *name;
        json_object *v;
        int64_t i = 0;
        int r;

        r = spec_json_known_object(o, "process.ioPriority", known);
        if (r < 0)
                return r;

        v = spec_json_get(o, "class");
        if (!v)
                return spec_error("process.ioPriority.class is required");
        r = spec_json_string(v, "process.ioPriority.class", &name);
        if (r < 0)
                return r;
        int class = -1;
        for (size_t k = 0; k < ARRAY_SIZE(ioprio_class_table); k++)
                if (streq(ioprio_class_table[k].name, name))
                        class = ioprio_class_table[k].class;
        if (class < 0)
                return spec_error("process.ioPriority.class: unknown class \"%s\"", name);

        v = spec_json_get(o, "priority");
        if (v) {
                r = spec_json_int64(v, "process.ioPriority.priority", 0, 7, &i);
                if (r < 0)
                        return r;
        }
        p->has_io_priority = true;
        p->io_priority = (class << 13) | (int)i; /* IOPRIO_PRIO_VALUE() */
        return 0;
}

static int parse_cpus(json_object *v, const char *path, cpu_set_t *ret)
{
        _cleanup_free_ uint8_t *mask = NULL;
        const char *list;
        size_t size = 0;
        int r;

        r = spec_json_string(v, path, &list);
        if (r < 0)
                return r;
        r = spec_parse_cpu_list(list, path, &mask, &size);
        if (r < 0)
                return r;
        if (size == 0)
                return spec_error("%s must name at least one CPU", path);
        CPU_ZERO(ret);
        for (size_t cpu = 0; cpu < size * 8; cpu++)
                if (mask[cpu / 8] & (1u << (cpu % 8))) {
                        if (cpu >= CPU_SETSIZE)
                                return spec_error("%s: CPU %zu is out of range", path, cpu);
                        CPU_SET(cpu, ret);
                }
        return 0;
}

static int parse_exec_cpu_affinity(json_object *o, struct spec_process *p)
{
        static const char *const known[] = {"initial", "final", NULL};
        json_object *v;
        int r;

        r = spec_json_known_object(o, "process.execCPUAffinity", known);
        if (r < 0)
                return r;

        /* crunit's process is exec'd once, in its cgroup: "final" is what it runs with. */
        v = spec_json_get(o, "final");
        if (v) {
                r = parse_cpus(v, "process.execCPUAffinity.final", &p->cpu_affinity);
                if (r < 0)
                        return r;
                p->has_cpu_affinity = true;
        }
        v = spec_json_get(o, "initial");
        if (v) {
                cpu_set_t initial;
                r = parse_cpus(v, "process.execCPUAffinity.initial", &initial);
                if (r < 0)
                        return r;
                if (!p->has_cpu_affinity)
                        p->cpu_affinity = initial;
                p->has_cpu_affinity = true;
        }
        return 0;
}

int spec_parse_process_fields(json_object *process, struct spec_process *p)
{
        json_object *v;
        int r;

        assert(p);

        v = spec_json_get(process, "scheduler");
        if (v) {
                r = parse_scheduler(v, p);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(process, "ioPriority");
        if (v) {
                r = parse_io_priority(v, p);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(process, "execCPUAffinity");
        if (v) {
                r = parse_exec_cpu_affinity(v, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_personality(json_object *o, struct spec *s)
{
        static const char *const known[] = {"domain", "flags", NULL};
        const char *domain;
        json_object *v;
        int r;

        r = spec_json_known_object(o, "linux.personality", known);
        if (r < 0)
                return r;

        v = spec_json_get(o, "domain");
        if (!v)
                return spec_error("linux.personality.domain is required");
        r = spec_json_string(v, "linux.personality.domain", &domain);
        if (r < 0)
                return r;
        if (streq(domain, "LINUX"))
                s->personality = PER_LINUX;
        else if (streq(domain, "LINUX32"))
                s->personality = PER_LINUX32;
        else
                return spec_error("linux.personality.domain: unknown domain \"%s\"", domain);

        v = spec_json_get(o, "flags");
        if (v) {
                r = spec_json_array(v, "linux.personality.flags");
                if (r < 0)
                        return r;
                if (json_object_array_length(v) > 0)
                        return spec_error("linux.personality.flags is not supported yet");
        }
        s->has_personality = true;
        return 0;
}

static bool sysctl_name_is_valid(const char *name)
{
        /* Dot-separated components, each non-empty, none "..", no "/". */
        if (name[0] == '\0' || strchr(name, '/'))
                return false;
        for (const char *c = name; *c;) {
                size_t n = strcspn(c, ".");
                if (n == 0)
                        return false;
                c += n;
                if (*c == '.' && *++c == '\0')
                        return false;
        }
        return true;
}

static bool is_host_netns(const char *path)
{
        struct stat a, b;
        if (stat(path, &a) < 0 || stat("/proc/self/ns/net", &b) < 0)
                return false;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int check_sysctl(const struct spec *s, const char *name)
{
        const struct spec_namespace *ns;
        bool ipc = startswith(name, "fs.mqueue.");

        for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
                if (streq(name, ipc_sysctls[i]))
                        ipc = true;
        if (ipc) {
                if (!spec_find_namespace(s, CLONE_NEWIPC))
                        return spec_error("linux.sysctl: \"%s\" needs an ipc namespace", name);
                return 0;
        }
        if (startswith(name, "net.")) {
                ns = spec_find_namespace(s, CLONE_NEWNET);
                if (!ns)
                        return spec_error("linux.sysctl: \"%s\" needs a network namespace", name);
                if (ns->path && is_host_netns(ns->path))
                        return spec_error("linux.sysctl: \"%s\" would change the host's network "
                                          "namespace",
                                          name);
                return 0;
        }
        if (streq(name, "kernel.hostname") || streq(name, "kernel.domainname")) {
                if (!spec_find_namespace(s, CLONE_NEWUTS))
                        return spec_error("linux.sysctl: \"%s\" needs a uts namespace", name);
                return 0;
        }
        return spec_error("linux.sysctl: \"%s\" is not namespaced: refusing to change it for the "
                          "host",
                          name);
}

static int parse_sysctl(json_object *o, struct spec *s)
{
        int r;

        r = spec_json_object(o, "linux.sysctl");
        if (r < 0)
                return r;
        json_object_object_foreach(o, name, value)
        {
                char path[SPEC_PATH_MAX];
                const char *str;

                spec_field(path, "linux.sysctl.%s", name);
                if (!sysctl_name_is_valid(name))
                        return spec_error("linux.sysctl: invalid name \"%s\"", name);
                if (!value)
                        return spec_error("%s must be a string", path);
                r = spec_json_string(value, path, &str);
                if (r < 0)
                        return r;
                r = check_sysctl(s, name);
                if (r < 0)
                        return r;
        }
        if (json_object_object_length(o) > 0)
                s->sysctl = o;
        return 0;
}

static int parse_time_offset(json_object *o, const char *path, struct spec_time_offset *ret)
{
        static const char *const known[] = {"secs", "nanosecs", NULL};
        char p[SPEC_PATH_MAX];
        json_object *v;
        int64_t i;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;
        v = spec_json_get(o, "secs");
        if (v) {
                spec_field(p, "%s.secs", path);
                r = spec_json_int64(v, p, INT64_MIN, INT64_MAX, &i);
                if (r < 0)
                        return r;
                ret->secs = i;
        }
        v = spec_json_get(o, "nanosecs");
        if (v) {
                spec_field(p, "%s.nanosecs", path);
                r = spec_json_int64(v, p, 0, 999999999, &i);
                if (r < 0)
                        return r;
                ret->nanosecs = (uint32_t)i;
        }
        ret->set = true;
        return 0;
}

static int parse_time_offsets(json_object *o, struct spec *s)
{
        static const char *const known[] = {"monotonic", "boottime", NULL};
        const struct spec_namespace *ns;
        json_object *v;
        int r;

        r = spec_json_known_object(o, "linux.timeOffsets", known);
        if (r < 0)
                return r;
        v = spec_json_get(o, "monotonic");
        if (v) {
                r = parse_time_offset(v, "linux.timeOffsets.monotonic", &s->time_monotonic);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(o, "boottime");
        if (v) {
                r = parse_time_offset(v, "linux.timeOffsets.boottime", &s->time_boottime);
                if (r < 0)
                        return r;
        }
        if (!s->time_monotonic.set && !s->time_boottime.set)
                return 0;
        ns = spec_find_namespace(s, CLONE_NEWTIME);
        if (!ns || ns->path)
                return spec_error("linux.timeOffsets needs a new time namespace (\"time\" in "
                                  "linux.namespaces, without a path)");
        return 0;
}

int spec_parse_linux_fields(json_object *linux_obj, struct spec *s)
{
        json_object *v;
        int r;

        assert(s);

        v = spec_json_get(linux_obj, "personality");
        if (v) {
                r = parse_personality(v, s);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(linux_obj, "sysctl");
        if (v) {
                r = parse_sysctl(v, s);
                if (r < 0)
                        return r;
        }
        v = spec_json_get(linux_obj, "timeOffsets");
        if (v) {
                r = parse_time_offsets(v, s);
                if (r < 0)
                        return r;
        }
        return 0;
}
