/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json "linux.resources" → the values of systemd's cgroup properties of the scope
 * (org.freedesktop.systemd1.Scope, see systemd.resource-control(5)). crunit sets them with
 * StartTransientUnit and lets systemd write the cgroup files, in both cgroup modes:
 *
 *   memory.limit          MemoryMax        (-1: infinity)
 *   memory.reservation    MemoryLow        (-1: infinity)
 *   memory.swap           MemorySwapMax = swap - limit (runc: swap is memory+swap; -1: infinity)
 *   cpu.shares            CPUWeight = 1 + ((shares - 2) * 9999) / 262142 (runc's conversion)
 *   cpu.quota, cpu.period CPUQuotaPerSecUSec = quota * 1000000 / period (-1: infinity),
 *                         CPUQuotaPeriodUSec = period
 *   cpu.cpus, cpu.mems    AllowedCPUs, AllowedMemoryNodes (bitmasks)
 *   pids.limit            TasksMax         (0 or -1: infinity)
 *   blockIO.weight        IOWeight = 1 + (weight - 10) * 9999 / 990 (runc's conversion)
 *   blockIO.weightDevice  IODeviceWeight "/dev/block/MAJ:MIN" (weight converted as above)
 *   blockIO.throttle*     IO{Read,Write}{Bandwidth,IOPS}Max "/dev/block/MAJ:MIN" (0: infinity)
 *   devices               DevicePolicy=strict + DeviceAllow (see parse_devices())
 *
 * Nothing is written into the delegated cgroup by crunit itself: every field crunit accepts is
 * one systemd can express. The others are refused with an error naming them. */
#include <assert.h>
#include <inttypes.h>

#include "spec-internal.h"

#define CPU_LIST_MAX 8192 /* highest CPU / memory node number + 1 we accept */

void spec_resources_free(struct spec_resources *r)
{
        if (!r)
                return;
        free(r->allowed_cpus);
        free(r->allowed_mems);
        for (size_t l = 0; l < _SPEC_IO_LIST_MAX; l++) {
                for (size_t i = 0; i < r->n_io[l]; i++)
                        free(r->io[l][i].path);
                free(r->io[l]);
        }
        for (size_t i = 0; i < r->n_device_allow; i++)
                free(r->device_allow[i].path);
        free(r->device_allow);
        free(r);
}

static inline void spec_resources_freep(struct spec_resources **r)
{
        spec_resources_free(*r);
}

/* Refuses every key of `keys` present and not null (or, for `false_ok`, not false). */
static int refuse_set(json_object *o, const char *path, const char *const *keys, bool false_ok)
{
        for (const char *const *k = keys; *k; k++) {
                json_object *v = spec_json_get(o, *k);
                if (!v)
                        continue;
                if (false_ok && json_object_is_type(v, json_type_boolean) &&
                    !json_object_get_boolean(v))
                        continue;
                return spec_error("%s.%s is not supported yet", path, *k);
        }
        return 0;
}

/* An int64 field that may be absent; *ret_set tells whether it was given. */
static int get_int64(json_object *o, const char *path, const char *key, int64_t min, int64_t *ret,
                     bool *ret_set)
{
        char p[SPEC_PATH_MAX];
        json_object *v = spec_json_get(o, key);

        *ret_set = false;
        if (!v)
                return 0;
        spec_field(p, "%s.%s", path, key);
        int r = spec_json_int64(v, p, min, INT64_MAX, ret);
        if (r < 0)
                return r;
        *ret_set = true;
        return 0;
}

static int get_uint64(json_object *o, const char *path, const char *key, uint64_t *ret,
                      bool *ret_set)
{
        char p[SPEC_PATH_MAX];
        json_object *v = spec_json_get(o, key);

        *ret_set = false;
        if (!v)
                return 0;
        spec_field(p, "%s.%s", path, key);
        int r = spec_json_uint64(v, p, UINT64_MAX, ret);
        if (r < 0)
                return r;
        *ret_set = true;
        return 0;
}

int spec_parse_cpu_list(const char *list, const char *path, uint8_t **ret, size_t *ret_size)
{
        _cleanup_free_ uint8_t *mask = NULL;
        size_t size = 0;
        const char *p = list;

        assert(list);
        assert(ret);
        assert(ret_size);

        while (*p) {
                char *end;
                unsigned long a, b;

                if (*p < '0' || *p > '9')
                        goto bad;
                a = strtoul(p, &end, 10);
                b = a;
                if (*end == '-') {
                        p = end + 1;
                        if (*p < '0' || *p > '9')
                                goto bad;
                        b = strtoul(p, &end, 10);
                }
                if (a > b || b >= CPU_LIST_MAX)
                        goto bad;
                if (b / 8 + 1 > size) {
                        uint8_t *n = realloc(mask, b / 8 + 1);
                        if (!n)
                                return log_error_errno(ENOMEM, "config.json: %s", path);
                        memset(n + size, 0, b / 8 + 1 - size);
                        mask = n;
                        size = b / 8 + 1;
                }
                for (unsigned long i = a; i <= b; i++)
                        mask[i / 8] |= (uint8_t)(1u << (i % 8));
                p = end;
                if (*p == ',') {
                        p++;
                        if (*p == '\0')
                                goto bad;
                } else if (*p != '\0')
                        goto bad;
        }
        *ret = mask;
        mask = NULL;
        *ret_size = size;
        return 0;
bad:
        return spec_error("%s: invalid list \"%s\" (expected e.g. \"0-1,3\", numbers below %d)",
                          path, list, CPU_LIST_MAX);
}

static int parse_memory(json_object *o, struct spec_resources *res)
{
        static const char *const known[] = {
            "limit",
            "reservation",
            "swap",
            "kernel",
            "kernelTCP",
            "swappiness",
            "disableOOMKiller",
            "useHierarchy",
            "checkBeforeUpdate",
            NULL,
        };
        static const char *const refused[] = {"kernel", "kernelTCP", NULL};
        static const char *const refused_unless_false[] = {"disableOOMKiller", "useHierarchy",
                                                           "checkBeforeUpdate", NULL};
        const char *path = "linux.resources.memory";
        int64_t limit = 0, reservation = 0, swap = 0;
        bool has_limit, has_reservation, has_swap;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;
        r = refuse_set(o, path, refused, false);
        if (r < 0)
                return r;
        r = refuse_set(o, path, refused_unless_false, true);
        if (r < 0)
                return r;

        r = get_int64(o, path, "limit", -1, &limit, &has_limit);
        if (r < 0)
                return r;
        r = get_int64(o, path, "reservation", -1, &reservation, &has_reservation);
        if (r < 0)
                return r;
        r = get_int64(o, path, "swap", -1, &swap, &has_swap);
        if (r < 0)
                return r;
        int64_t swappiness; /* runc: -1 is "not set" */
        bool has_swappiness;
        r = get_int64(o, path, "swappiness", -1, &swappiness, &has_swappiness);
        if (r < 0)
                return r;
        if (has_swappiness && swappiness > 100)
                return spec_error("%s.swappiness: %" PRId64 " is not between 0 and 100", path,
                                  swappiness);
        res->has_swappiness = has_swappiness && swappiness >= 0;
        res->swappiness = (uint64_t)(res->has_swappiness ? swappiness : 0);

        /* As runc: 0 means "not set". */
        if (has_limit && limit != 0) {
                res->has_memory_max = true;
                res->memory_max = limit < 0 ? UINT64_MAX : (uint64_t)limit;
        }
        if (has_reservation && reservation != 0) {
                res->has_memory_low = true;
                res->memory_low = reservation < 0 ? UINT64_MAX : (uint64_t)reservation;
        }
        if (has_limit && limit < 0 && (!has_swap || swap == 0)) {
                /* runc: an unlimited memory without a swap limit means unlimited swap too */
                res->has_memory_swap_max = true;
                res->memory_swap_max = UINT64_MAX;
        }
        if (has_swap && swap != 0) {
                /* memory.swap is the limit of memory+swap; systemd's MemorySwapMax is swap
                 * only. */
                res->has_memory_swap_max = true;
                if (swap < 0)
                        res->memory_swap_max = UINT64_MAX;
                else if (!res->has_memory_max || res->memory_max == UINT64_MAX)
                        return spec_error("%s.swap (memory+swap) needs a memory.limit too", path);
                else if ((uint64_t)swap < res->memory_max)
                        return spec_error("%s.swap (memory+swap, %" PRId64 ") must not be "
                                          "smaller than memory.limit (%" PRId64 ")",
                                          path, swap, limit);
                else
                        res->memory_swap_max = (uint64_t)swap - res->memory_max;
        }
        return 0;
}

/* linux.resources.cpu.cpus / .mems: a "0-3,7" list, as a bitmask (AllowedCPUs/MemoryNodes) */
static int parse_cpu_list_member(json_object *o, const char *key, uint8_t **ret, size_t *ret_size)
{
        json_object *v = spec_json_get(o, key);
        if (!v)
                return 0;
        char path[SPEC_PATH_MAX];
        spec_field(path, "linux.resources.cpu.%s", key);
        const char *list;
        int r = spec_json_string(v, path, &list);
        if (r < 0)
                return r;
        return spec_parse_cpu_list(list, path, ret, ret_size);
}

static int parse_cpu(json_object *o, struct spec_resources *res)
{
        static const char *const known[] = {"shares",         "quota", "period", "realtimeRuntime",
                                            "realtimePeriod", "cpus",  "mems",   "burst",
                                            "idle",           NULL};
        static const char *const refused[] = {"realtimeRuntime", "realtimePeriod", "burst", "idle",
                                              NULL};
        const char *path = "linux.resources.cpu";
        uint64_t shares = 0, period = 0;
        int64_t quota = 0;
        bool has_shares, has_period, has_quota;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;
        r = refuse_set(o, path, refused, false);
        if (r < 0)
                return r;

        r = get_uint64(o, path, "shares", &shares, &has_shares);
        if (r < 0)
                return r;
        if (has_shares && shares != 0) {
                if (shares < 2 || shares > 262144)
                        return spec_error("%s.shares must be between 2 and 262144 (or 0)", path);
                res->has_cpu_weight = true;
                res->cpu_weight = 1 + ((shares - 2) * 9999) / 262142;
        }

        r = get_int64(o, path, "quota", -1, &quota, &has_quota);
        if (r < 0)
                return r;
        r = get_uint64(o, path, "period", &period, &has_period);
        if (r < 0)
                return r;
        if (has_period && period != 0) {
                if (period < 1000 || period > 1000000)
                        return spec_error("%s.period must be between 1000 and 1000000 "
                                          "microseconds",
                                          path);
                res->has_cpu_quota_period = true;
                res->cpu_quota_period_usec = period;
        }
        if (has_quota && quota != 0) {
                res->has_cpu_quota = true;
                if (quota < 0)
                        res->cpu_quota_per_sec_usec = UINT64_MAX;
                else {
                        uint64_t per = res->has_cpu_quota_period ? period : 100000;
                        if ((uint64_t)quota > UINT64_MAX / 1000000)
                                return spec_error("%s.quota is too large", path);
                        res->cpu_quota_per_sec_usec = (uint64_t)quota * 1000000 / per;
                        if (res->cpu_quota_per_sec_usec == 0)
                                res->cpu_quota_per_sec_usec = 1;
                }
        }

        r = parse_cpu_list_member(o, "cpus", &res->allowed_cpus, &res->allowed_cpus_size);
        if (r < 0)
                return r;
        return parse_cpu_list_member(o, "mems", &res->allowed_mems, &res->allowed_mems_size);
}

static int parse_pids(json_object *o, struct spec_resources *res)
{
        int64_t limit;
        bool has_limit;
        int r;

        r = spec_json_object(o, "linux.resources.pids");
        if (r < 0)
                return r;
        spec_json_log_unknown(o, "linux.resources.pids", (const char *const[]){"limit", NULL});
        r = get_int64(o, "linux.resources.pids", "limit", -1, &limit, &has_limit);
        if (r < 0)
                return r;
        if (has_limit) {
                res->has_tasks_max = true;
                res->tasks_max = limit <= 0 ? UINT64_MAX : (uint64_t)limit;
        }
        return 0;
}

static int blkio_weight(uint64_t weight, const char *path, uint64_t *ret)
{
        if (weight < 10 || weight > 1000)
                return spec_error("%s must be between 10 and 1000 (or 0)", path);
        *ret = 1 + (weight - 10) * 9999 / 990;
        return 0;
}

static int parse_io_list(json_object *a, const char *path, const char *value_key,
                         struct spec_resources *res, enum spec_io_list list)
{
        int r;

        r = spec_json_array(a, path);
        if (r < 0)
                return r;
        size_t n = json_object_array_length(a);
        if (n == 0)
                return 0;
        res->io[list] = calloc(n, sizeof(struct spec_io_device_value));
        if (!res->io[list])
                return log_error_errno(ENOMEM, "config.json: %s", path);

        for (size_t i = 0; i < n; i++) {
                static const char *const refused[] = {"leafWeight", NULL};
                json_object *o = json_object_array_get_idx(a, i);
                struct spec_io_device_value *d = &res->io[list][i];
                int64_t major, minor;
                uint64_t value;
                bool set;
                char p[SPEC_PATH_MAX], q[SPEC_PATH_MAX];

                spec_field(p, "%s[%zu]", path, i);
                r = spec_json_object(o, p);
                if (r < 0)
                        return r;
                r = refuse_set(o, p, refused, false);
                if (r < 0)
                        return r;
                r = get_int64(o, p, "major", 0, &major, &set);
                if (r < 0)
                        return r;
                if (!set)
                        return spec_error("%s.major is required", p);
                r = get_int64(o, p, "minor", 0, &minor, &set);
                if (r < 0)
                        return r;
                if (!set)
                        return spec_error("%s.minor is required", p);
                if (major > UINT32_MAX || minor > UINT32_MAX)
                        return spec_error("%s: major/minor out of range", p);
                r = get_uint64(o, p, value_key, &value, &set);
                if (r < 0)
                        return r;
                if (!set)
                        return spec_error("%s.%s is required", p, value_key);
                if (list == SPEC_IO_DEVICE_WEIGHT) {
                        spec_field(q, "%s.weight", p);
                        r = blkio_weight(value, q, &value);
                        if (r < 0)
                                return r;
                } else if (value == 0)
                        value = UINT64_MAX; /* as runc: 0 is no limit */

                if (asprintf(&d->path, "/dev/block/%" PRId64 ":%" PRId64, major, minor) < 0) {
                        d->path = NULL;
                        return log_error_errno(ENOMEM, "config.json: %s", p);
                }
                d->value = value;
                res->n_io[list] = i + 1;
        }
        return 0;
}

static int parse_block_io(json_object *o, struct spec_resources *res)
{
        static const char *const known[] = {"weight",
                                            "leafWeight",
                                            "weightDevice",
                                            "throttleReadBpsDevice",
                                            "throttleWriteBpsDevice",
                                            "throttleReadIOPSDevice",
                                            "throttleWriteIOPSDevice",
                                            NULL};
        static const char *const refused[] = {"leafWeight", NULL};
        static const struct {
                const char *key, *value_key;
                enum spec_io_list list;
        } lists[] = {
            {"weightDevice", "weight", SPEC_IO_DEVICE_WEIGHT},
            {"throttleReadBpsDevice", "rate", SPEC_IO_READ_BANDWIDTH},
            {"throttleWriteBpsDevice", "rate", SPEC_IO_WRITE_BANDWIDTH},
            {"throttleReadIOPSDevice", "rate", SPEC_IO_READ_IOPS},
            {"throttleWriteIOPSDevice", "rate", SPEC_IO_WRITE_IOPS},
        };
        const char *path = "linux.resources.blockIO";
        uint64_t weight;
        bool has_weight;
        int r;

        r = spec_json_known_object(o, path, known);
        if (r < 0)
                return r;
        r = refuse_set(o, path, refused, false);
        if (r < 0)
                return r;
        r = get_uint64(o, path, "weight", &weight, &has_weight);
        if (r < 0)
                return r;
        if (has_weight && weight != 0) {
                r = blkio_weight(weight, "linux.resources.blockIO.weight", &res->io_weight);
                if (r < 0)
                        return r;
                res->has_io_weight = true;
        }
        for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
                json_object *v = spec_json_get(o, lists[i].key);
                char p[SPEC_PATH_MAX];
                if (!v)
                        continue;
                spec_field(p, "%s.%s", path, lists[i].key);
                r = parse_io_list(v, p, lists[i].value_key, res, lists[i].list);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The devices every container may use whatever the rules say (runtime-spec "Default Devices",
 * as runc's AllowedDevices): without them a deny-all rule would leave a container without
 * /dev/null. crunit creates the nodes with mknod(), hence "m". */
static const struct {
        const char *path, *access;
} default_allow[] = {
    {"/dev/char/1:3", "rwm"}, /* /dev/null */
    {"/dev/char/1:5", "rwm"}, /* /dev/zero */
    {"/dev/char/1:7", "rwm"}, /* /dev/full */
    {"/dev/char/1:8", "rwm"}, /* /dev/random */
    {"/dev/char/1:9", "rwm"}, /* /dev/urandom */
    {"/dev/char/5:0", "rwm"}, /* /dev/tty */
    {"/dev/char/5:2", "rwm"}, /* /dev/ptmx */
    {"char-pts", "rw"},       /* /dev/pts/N, and /dev/console (a pts) */
};

static int add_allow(struct spec_resources *res, const char *path, const char *access)
{
        /* Allow rules add up, but systemd's DeviceAllow= for a path it has already seen
         * replaces the access: merge them here (podman's "c 1:5 r" after the default "rwm"). */
        for (size_t i = 0; i < res->n_device_allow; i++)
                if (streq(res->device_allow[i].path, path)) {
                        char *a = res->device_allow[i].access, merged[4] = "", *q = merged;
                        for (const char *c = "rwm"; *c; c++)
                                if (strchr(a, *c) || strchr(access, *c))
                                        *q++ = *c;
                        memcpy(a, merged, sizeof merged);
                        return 0;
                }
        struct spec_device_allow *n = reallocarray(res->device_allow, res->n_device_allow + 1,
                                                   sizeof(struct spec_device_allow));
        if (!n)
                return log_error_errno(ENOMEM, "config.json: linux.resources.devices");
        res->device_allow = n;
        n = &res->device_allow[res->n_device_allow];
        n->path = strdup(path);
        if (!n->path)
                return log_error_errno(ENOMEM, "config.json: linux.resources.devices");
        snprintf(n->access, sizeof n->access, "%s", access);
        res->n_device_allow++;
        return 0;
}

/* The driver name of a character device major in /proc/devices ("pts" for 136), for systemd's
 * "char-<driver>" (a whole major). */
static int char_driver_name(int64_t major, char **ret)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/devices", "re");
        char line[256];

        if (!f)
                return -errno;
        while (fgets(line, sizeof line, f)) {
                long m;
                char name[200];
                if (startswith(line, "Block devices:"))
                        break;
                if (sscanf(line, "%ld %199s", &m, name) == 2 && m == major) {
                        *ret = strdup(name);
                        return *ret ? 0 : -ENOMEM;
                }
        }
        return -ENOENT;
}

/* runtime-spec device cgroup rules → DevicePolicy/DeviceAllow. systemd has an allow list only,
 * so what can be expressed is: any rules that leave everything allowed (nothing set), or a
 * deny-all rule followed by allow rules (DevicePolicy=strict, DeviceAllow: the defaults plus
 * each allow rule). A deny of some devices while others are allowed is refused. */
static int parse_devices(json_object *a, struct spec_resources *res)
{
        const char *path = "linux.resources.devices";
        bool strict = false, any_allow_since_deny = false;
        size_t first_rule = 0;
        int r;

        r = spec_json_array(a, path);
        if (r < 0)
                return r;
        size_t n = json_object_array_length(a);

        /* Rules to keep: those after the last deny-all (deny-all resets everything). */
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_array_get_idx(a, i);
                static const char *const known[] = {"allow", "type",   "major",
                                                    "minor", "access", NULL};
                char p[SPEC_PATH_MAX], q[SPEC_PATH_MAX];
                const char *type = "a", *access = "rwm";
                int64_t major = -1, minor = -1;
                bool allow, set;
                json_object *v;

                spec_field(p, "%s[%zu]", path, i);
                r = spec_json_known_object(o, p, known);
                if (r < 0)
                        return r;
                v = spec_json_required(o, p, "allow", q);
                if (!v)
                        return -EINVAL;
                r = spec_json_bool(v, q, &allow);
                if (r < 0)
                        return r;
                v = spec_json_get(o, "type");
                if (v) {
                        spec_field(q, "%s.type", p);
                        r = spec_json_string(v, q, &type);
                        if (r < 0)
                                return r;
                        if (!streq(type, "a") && !streq(type, "c") && !streq(type, "b"))
                                return spec_error("%s: unknown device type \"%s\" (a, c or b)", q,
                                                  type);
                }
                r = get_int64(o, p, "major", -1, &major, &set);
                if (r < 0)
                        return r;
                r = get_int64(o, p, "minor", -1, &minor, &set);
                if (r < 0)
                        return r;
                if (major > UINT32_MAX || minor > UINT32_MAX)
                        return spec_error("%s: major/minor out of range", p);
                v = spec_json_get(o, "access");
                if (v) {
                        spec_field(q, "%s.access", p);
                        r = spec_json_string(v, q, &access);
                        if (r < 0)
                                return r;
                        if (access[0] == '\0')
                                access = "rwm";
                        if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access))
                                return spec_error("%s: invalid access \"%s\" (a subset of rwm)", q,
                                                  access);
                }
                bool all_access = strchr(access, 'r') && strchr(access, 'w') && strchr(access, 'm');
                bool everything = streq(type, "a") && major < 0 && minor < 0;

                if (!allow) {
                        if (everything && all_access) {
                                /* deny-all: starts over */
                                strict = true;
                                any_allow_since_deny = false;
                                first_rule = i + 1;
                                continue;
                        }
                        if (strict && !any_allow_since_deny)
                                continue; /* denies what is denied already */
                        return spec_error("%s: denying some devices while others are allowed "
                                          "cannot be expressed with systemd's DeviceAllow (only "
                                          "a deny-all rule followed by allow rules)",
                                          p);
                }
                if (everything && all_access) {
                        /* allow-all: starts over too, with nothing restricted */
                        strict = false;
                        any_allow_since_deny = false;
                        first_rule = i + 1;
                        continue;
                }
                if (streq(type, "a") && (major >= 0 || minor >= 0))
                        return spec_error("%s: type \"a\" with a major or minor number is not "
                                          "supported",
                                          p);
                if (major < 0 && minor >= 0)
                        return spec_error("%s: a minor number without a major number (any "
                                          "major) cannot be expressed with systemd's "
                                          "DeviceAllow",
                                          p);
                any_allow_since_deny = true;
        }
        if (!strict)
                return 0; /* everything allowed: systemd's default */

        res->device_policy = "strict";
        for (size_t i = 0; i < ARRAY_SIZE(default_allow); i++) {
                r = add_allow(res, default_allow[i].path, default_allow[i].access);
                if (r < 0)
                        return r;
        }
        /* The allow rules after the last deny-all (validated above). */
        for (size_t i = first_rule; i < n; i++) {
                json_object *o = json_object_array_get_idx(a, i), *v;
                const char *type = "a", *access = "rwm";
                int64_t major = -1, minor = -1;
                bool set;
                char p[SPEC_PATH_MAX];
                _cleanup_free_ char *dev = NULL;

                if (!json_object_get_boolean(spec_json_get(o, "allow")))
                        continue;
                spec_field(p, "%s[%zu]", path, i);
                if ((v = spec_json_get(o, "type")))
                        type = json_object_get_string(v);
                if ((v = spec_json_get(o, "access")) && json_object_get_string_len(v) > 0)
                        access = json_object_get_string(v);
                (void)get_int64(o, p, "major", -1, &major, &set);
                (void)get_int64(o, p, "minor", -1, &minor, &set);

                if (streq(type, "a")) {
                        /* all devices with partial access */
                        r = add_allow(res, "char-*", access);
                        if (r >= 0)
                                r = add_allow(res, "block-*", access);
                        if (r < 0)
                                return r;
                        continue;
                }
                const char *kind = streq(type, "c") ? "char" : "block";
                if (major < 0)
                        r = asprintf(&dev, "%s-*", kind);
                else if (minor >= 0)
                        r = asprintf(&dev, "/dev/%s/%" PRId64 ":%" PRId64, kind, major, minor);
                else if (streq(type, "c")) {
                        _cleanup_free_ char *driver = NULL;
                        r = char_driver_name(major, &driver);
                        if (r < 0)
                                return spec_error("%s: character device major %" PRId64
                                                  " with any minor: no driver of that major in "
                                                  "/proc/devices",
                                                  p, major);
                        r = asprintf(&dev, "char-%s", driver);
                } else
                        return spec_error("%s: a block device major with any minor is not "
                                          "supported yet",
                                          p);
                if (r < 0) {
                        dev = NULL;
                        return log_error_errno(ENOMEM, "config.json: %s", p);
                }
                r = add_allow(res, dev, access);
                if (r < 0)
                        return r;
        }
        return 0;
}

int spec_parse_resources(json_object *v, struct spec_resources **ret)
{
        static const char *const known[] = {
            "devices",        "memory",  "cpu",  "pids",    "blockIO",
            "hugepageLimits", "network", "rdma", "unified", NULL};
        static const char *const refused[] = {"hugepageLimits", "network", "rdma", "unified", NULL};
        static const struct {
                const char *key;
                int (*parse)(json_object *o, struct spec_resources *res);
        } parsers[] = {
            {"memory", parse_memory},    {"cpu", parse_cpu},         {"pids", parse_pids},
            {"blockIO", parse_block_io}, {"devices", parse_devices},
        };
        _cleanup_(spec_resources_freep) struct spec_resources *res = NULL;
        int r;

        assert(ret);
        *ret = NULL;
        if (spec_json_is_empty(v))
                return 0;
        r = spec_json_known_object(v, "linux.resources", known);
        if (r < 0)
                return r;

        for (const char *const *k = refused; *k; k++)
                if (!spec_json_is_empty(spec_json_get(v, *k)))
                        return spec_error("linux.resources.%s is not supported yet", *k);

        res = calloc(1, sizeof(struct spec_resources));
        if (!res)
                return log_error_errno(ENOMEM, "config.json");
        for (size_t i = 0; i < ARRAY_SIZE(parsers); i++) {
                json_object *o = spec_json_get(v, parsers[i].key);
                if (!o)
                        continue;
                r = parsers[i].parse(o, res);
                if (r < 0)
                        return r;
        }
        *ret = res;
        res = NULL;
        return 0;
}
