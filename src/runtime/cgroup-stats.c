/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The stats event of `crunit events` (runc's types.Stats) from cgroupfs. runc reads the same
 * files: cgroup v2 cpu.stat, memory.{current,max,peak,stat,events,swap.*}, pids.{current,max},
 * io.stat, hugetlb.*; cgroup v1 cpuacct.*, cpu.stat, cpuset.*, memory.*, pids.*, blkio.*,
 * hugetlb.*. A file that is not there leaves its values at zero (omitted where runc's JSON
 * omits zeros). */
#include "cgroup-stats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/macro.h"

static char *mfree_str(char *p)
{
        free(p);
        return NULL;
}

/* --- reading a cgroup ------------------------------------------------------------------ */

struct cg_dirs {
        bool unified;
        const char *cg;
        int v2; /* unified: root/cg; hybrid: root/unified/cg (if any) */
        int cpu, cpuacct, cpuset, memory, pids, blkio, hugetlb; /* v1; unified: == v2 */
};

static int open_dir(const char *root, const char *hierarchy, const char *cg)
{
        char path[4200];
        if (snprintf(path, sizeof path, "%s%s%s%s", root, hierarchy ? "/" : "",
                     hierarchy ? hierarchy : "", cg) >= (int)sizeof path)
                return -1;
        return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void close_dirs(struct cg_dirs *d)
{
        int *fds[] = {&d->cpu,  &d->cpuacct, &d->cpuset, &d->memory,
                      &d->pids, &d->blkio,   &d->hugetlb};
        for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
                if (*fds[i] != d->v2)
                        safe_close(*fds[i]);
        safe_close(d->v2);
}

/* Reads dirfd/name; -ENOENT for a missing directory or file. */
static int read_at(int dirfd, const char *name, char **ret)
{
        if (dirfd < 0)
                return -ENOENT;
        int r = read_full_file_at(dirfd, name, ret, NULL);
        if (r == -ENODEV || r == -EOPNOTSUPP) /* a controller file the kernel does not back */
                return -ENOENT;
        return r;
}

/* A malformed file: logged, -EINVAL. */
static int bad_file(struct cg_dirs *d, const char *name)
{
        return log_error("cannot parse %s of cgroup %s", name, d->cg), -EINVAL;
}

/* dirfd/name into *ret: 1, or 0 when there is no such file; other errors are logged. */
static int read_file(struct cg_dirs *d, int dirfd, const char *name, char **ret)
{
        int r = read_at(dirfd, name, ret);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "cannot read %s of cgroup %s", name, d->cg);
        return 1;
}

/* The number in dirfd/name; 0 when there is no such file. */
static int read_u64(struct cg_dirs *d, int dirfd, const char *name, uint64_t *ret)
{
        _cleanup_free_ char *t = NULL;
        int r = read_file(d, dirfd, name, &t);
        *ret = 0;
        if (r <= 0)
                return r;
        if (cg_parse_u64(t, ret) < 0)
                return bad_file(d, name);
        return 1;
}

/* The value of `key` in the keyed file dirfd/name; 0 (and *ret 0) when either is missing. */
static int read_keyed(struct cg_dirs *d, int dirfd, const char *name, const char *key,
                      uint64_t *ret)
{
        _cleanup_free_ char *t = NULL;
        int r = read_file(d, dirfd, name, &t);
        *ret = 0;
        if (r <= 0)
                return r;
        r = cg_keyed_get(t, key, ret);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return bad_file(d, name);
        return 1;
}

static void add_u64(json_object *o, const char *key, uint64_t v)
{
        json_object_object_add(o, key, json_object_new_uint64(v));
}

static void add_u64_omitempty(json_object *o, const char *key, uint64_t v)
{
        if (v)
                add_u64(o, key, v);
}

static json_object *new_child(json_object *parent, const char *key)
{
        json_object *o = json_object_new_object();
        json_object_object_add(parent, key, o);
        return o;
}

/* cpu: {usage: {total, percpu, percpu_kernel, percpu_user, kernel, user}, throttling} */
struct cpu_stat {
        uint64_t usage, user, system, periods, throttled, throttled_time;
};

static int cpu_stat_one(const char *key, uint64_t v, void *userdata)
{
        struct cpu_stat *c = userdata;
        if (streq(key, "usage_usec"))
                c->usage = v * 1000;
        else if (streq(key, "user_usec"))
                c->user = v * 1000;
        else if (streq(key, "system_usec"))
                c->system = v * 1000;
        else if (streq(key, "nr_periods"))
                c->periods = v;
        else if (streq(key, "nr_throttled"))
                c->throttled = v;
        else if (streq(key, "throttled_usec"))
                c->throttled_time = v * 1000;
        else if (streq(key, "throttled_time")) /* v1 cpu.stat: nanoseconds */
                c->throttled_time = v;
        return 0;
}

static int stat_cpu(struct cg_dirs *d, json_object *data)
{
        struct cpu_stat c = {};
        json_object *percpu = NULL, *percpu_user = NULL, *percpu_kernel = NULL;
        _cleanup_free_ char *t = NULL;
        int r;

        if (d->unified || d->cpuacct < 0) {
                /* v2 (in hybrid mode too when the scope has no cpuacct cgroup: the unified
                 * hierarchy's cpu.stat always has the usage) */
                r = read_file(d, d->unified ? d->cpu : d->v2, "cpu.stat", &t);
                if (r < 0)
                        return r;
                if (r > 0 && cg_parse_keyed(t, cpu_stat_one, &c) < 0)
                        return bad_file(d, "cpu.stat");
        } else {
                if ((r = read_u64(d, d->cpuacct, "cpuacct.usage", &c.usage)) < 0)
                        return r;
                t = mfree_str(t);
                if (read_at(d->cpuacct, "cpuacct.usage_percpu", &t) >= 0 &&
                    cg_parse_u64_list(t, &percpu) < 0)
                        return bad_file(d, "cpuacct.usage_percpu");
                t = mfree_str(t);
                if (read_at(d->cpuacct, "cpuacct.usage_all", &t) >= 0 &&
                    cg_parse_usage_all(t, &percpu_user, &percpu_kernel) < 0) {
                        json_object_put(percpu);
                        return bad_file(d, "cpuacct.usage_all");
                }
                t = mfree_str(t);
                if (read_at(d->cpuacct, "cpuacct.stat", &t) >= 0) {
                        /* in USER_HZ ticks */
                        uint64_t user = 0, system = 0;
                        long hz = sysconf(_SC_CLK_TCK);
                        (void)cg_keyed_get(t, "user", &user);
                        (void)cg_keyed_get(t, "system", &system);
                        if (hz > 0) {
                                c.user = user * (1000000000ULL / (uint64_t)hz);
                                c.system = system * (1000000000ULL / (uint64_t)hz);
                        }
                }
                t = mfree_str(t);
                if (read_at(d->cpu, "cpu.stat", &t) >= 0 &&
                    cg_parse_keyed(t, cpu_stat_one, &c) < 0) {
                        json_object_put(percpu);
                        json_object_put(percpu_user);
                        json_object_put(percpu_kernel);
                        return bad_file(d, "cpu.stat");
                }
        }
        json_object *cpu = new_child(data, "cpu");
        json_object *usage = new_child(cpu, "usage");
        add_u64_omitempty(usage, "total", c.usage);
        if (percpu && json_object_array_length(percpu) > 0)
                json_object_object_add(usage, "percpu", json_object_get(percpu));
        if (percpu_kernel && json_object_array_length(percpu_kernel) > 0)
                json_object_object_add(usage, "percpu_kernel", json_object_get(percpu_kernel));
        if (percpu_user && json_object_array_length(percpu_user) > 0)
                json_object_object_add(usage, "percpu_user", json_object_get(percpu_user));
        json_object_put(percpu);
        json_object_put(percpu_kernel);
        json_object_put(percpu_user);
        add_u64(usage, "kernel", c.system);
        add_u64(usage, "user", c.user);
        json_object *thr = new_child(cpu, "throttling");
        add_u64_omitempty(thr, "periods", c.periods);
        add_u64_omitempty(thr, "throttledPeriods", c.throttled);
        add_u64_omitempty(thr, "throttledTime", c.throttled_time);
        return 0;
}

/* cpuset: the cpus and mems lists, and v1's flags */
static int stat_cpuset(struct cg_dirs *d, json_object *data)
{
        static const char *const flags[] = {
            "cpu_exclusive",      "mem_hardwall",       "mem_exclusive",   "memory_migrate",
            "memory_spread_page", "memory_spread_slab", "memory_pressure", "sched_load_balance",
        };
        json_object *o = new_child(data, "cpuset");
        const char *cpus = d->unified ? "cpuset.cpus.effective" : "cpuset.cpus";
        const char *mems = d->unified ? "cpuset.mems.effective" : "cpuset.mems";
        for (int i = 0; i < 2; i++) {
                _cleanup_free_ char *t = NULL;
                json_object *list = NULL;
                const char *name = i == 0 ? cpus : mems;
                if (read_at(d->cpuset, name, &t) < 0)
                        continue;
                if (cg_parse_range_list(t, &list) < 0)
                        return bad_file(d, name);
                if (json_object_array_length(list) > 0)
                        json_object_object_add(o, i == 0 ? "cpus" : "mems", list);
                else
                        json_object_put(list);
        }
        /* runc's order: cpus, cpu_exclusive, mems, … — json-c keeps insertion order, and
         * consumers parse JSON; the members are all there. */
        for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
                char name[64];
                uint64_t v = 0;
                snprintf(name, sizeof name, "cpuset.%s", flags[i]);
                int r = d->unified ? 0 : read_u64(d, d->cpuset, name, &v);
                if (r < 0)
                        return r;
                add_u64(o, flags[i], v);
        }
        /* -1 (the default) when v1 does not say */
        int64_t level = 0;
        _cleanup_free_ char *t = NULL;
        if (!d->unified && read_at(d->cpuset, "cpuset.sched_relax_domain_level", &t) >= 0) {
                char *end;
                errno = 0;
                long long l = strtoll(t, &end, 10);
                if (errno == 0 && end != t && end[strspn(end, " \t\n")] == '\0')
                        level = l;
        }
        json_object_object_add(o, "sched_relax_domain_level", json_object_new_int64(level));
        return 0;
}

/* runc's MemoryEntry: limit, usage (omitempty), max (omitempty), failcnt */
static void add_memory_entry(json_object *mem, const char *key, uint64_t limit, uint64_t usage,
                             uint64_t max, uint64_t failcnt)
{
        json_object *e = new_child(mem, key);
        add_u64(e, "limit", limit);
        add_u64_omitempty(e, "usage", usage);
        add_u64_omitempty(e, "max", max);
        add_u64(e, "failcnt", failcnt);
}

/* v1: memory[.X].{limit_in_bytes,usage_in_bytes,max_usage_in_bytes,failcnt} */
static int memory_entry_v1(struct cg_dirs *d, json_object *mem, const char *key, const char *prefix)
{
        static const char *const suffix[] = {"limit_in_bytes", "usage_in_bytes",
                                             "max_usage_in_bytes", "failcnt"};
        uint64_t v[4];
        for (size_t i = 0; i < 4; i++) {
                char name[96];
                snprintf(name, sizeof name, "%s.%s", prefix, suffix[i]);
                int r = read_u64(d, d->memory, name, &v[i]);
                if (r < 0)
                        return r;
        }
        add_memory_entry(mem, key, v[0], v[1], v[2], v[3]);
        return 0;
}

struct raw_entry {
        char *key;
        uint64_t value;
};

struct raw {
        struct raw_entry *e;
        size_t n;
};

static int raw_add(const char *key, uint64_t value, void *userdata)
{
        struct raw *raw = userdata;
        struct raw_entry *e = realloc(raw->e, (raw->n + 1) * sizeof *e);
        if (!e)
                return -ENOMEM;
        raw->e = e;
        if (!(e[raw->n].key = strdup(key)))
                return -ENOMEM;
        e[raw->n++].value = value;
        return 0;
}

static int cmp_raw(const void *a, const void *b)
{
        return strcmp(((const struct raw_entry *)a)->key, ((const struct raw_entry *)b)->key);
}

static void raw_free(struct raw *raw)
{
        for (size_t i = 0; i < raw->n; i++)
                free(raw->e[i].key);
        free(raw->e);
}

static int stat_memory(struct cg_dirs *d, json_object *data)
{
        _cleanup_free_ char *t = NULL;
        struct raw raw = {};
        uint64_t cache = 0;
        int r = read_file(d, d->memory, "memory.stat", &t);
        if (r < 0)
                return r;
        if (r > 0) {
                r = cg_parse_keyed(t, raw_add, &raw);
                if (r == -ENOMEM) {
                        raw_free(&raw);
                        return log_error_errno(r, "events");
                }
                if (r < 0) {
                        raw_free(&raw);
                        return bad_file(d, "memory.stat");
                }
                for (size_t i = 0; i < raw.n; i++)
                        if (streq(raw.e[i].key, d->unified ? "file" : "cache"))
                                cache = raw.e[i].value;
        }
        json_object *mem = new_child(data, "memory");
        add_u64_omitempty(mem, "cache", cache);
        if (d->unified) {
                uint64_t usage, limit, peak, failcnt, swap, swap_max;
                if ((r = read_u64(d, d->memory, "memory.current", &usage)) < 0 ||
                    (r = read_u64(d, d->memory, "memory.max", &limit)) < 0 ||
                    (r = read_u64(d, d->memory, "memory.peak", &peak)) < 0 ||
                    (r = read_keyed(d, d->memory, "memory.events", "max", &failcnt)) < 0)
                        goto finish;
                add_memory_entry(mem, "usage", limit, usage, peak, failcnt);
                r = read_u64(d, d->memory, "memory.swap.current", &swap);
                if (r > 0 && (r = read_u64(d, d->memory, "memory.swap.max", &swap_max)) >= 0)
                        /* v1 reports memory+swap; so does runc on v2 */
                        add_memory_entry(mem, "swap",
                                         swap_max == UINT64_MAX || limit == UINT64_MAX
                                             ? UINT64_MAX
                                             : swap_max + limit,
                                         swap + usage, 0, 0);
                else if (r >= 0)
                        add_memory_entry(mem, "swap", 0, 0, 0, 0);
                if (r < 0)
                        goto finish;
                add_memory_entry(mem, "kernel", 0, 0, 0, 0);
                add_memory_entry(mem, "kernelTCP", 0, 0, 0, 0);
        } else if ((r = memory_entry_v1(d, mem, "usage", "memory")) < 0 ||
                   (r = memory_entry_v1(d, mem, "swap", "memory.memsw")) < 0 ||
                   (r = memory_entry_v1(d, mem, "kernel", "memory.kmem")) < 0 ||
                   (r = memory_entry_v1(d, mem, "kernelTCP", "memory.kmem.tcp")) < 0)
                goto finish;
        if (raw.n > 0) {
                /* a Go map: keys sorted */
                qsort(raw.e, raw.n, sizeof *raw.e, cmp_raw);
                json_object *o = new_child(mem, "raw");
                for (size_t i = 0; i < raw.n; i++)
                        add_u64(o, raw.e[i].key, raw.e[i].value);
        }
        r = 0;
finish:
        raw_free(&raw);
        return r;
}

static int stat_pids(struct cg_dirs *d, json_object *data)
{
        uint64_t current, limit;
        int r;
        if ((r = read_u64(d, d->pids, "pids.current", &current)) < 0 ||
            (r = read_u64(d, d->pids, "pids.max", &limit)) < 0)
                return r;
        json_object *o = new_child(data, "pids");
        add_u64_omitempty(o, "current", current);
        add_u64_omitempty(o, "limit", limit == UINT64_MAX ? 0 : limit); /* "max": 0, as runc */
        return 0;
}

static int stat_blkio(struct cg_dirs *d, json_object *data)
{
        /* runc's tables and the v1 files behind them, recursive (CFQ) first */
        static const struct {
                const char *key, *file;
        } tables[] = {
            {"ioServiceBytesRecursive", "blkio.io_service_bytes_recursive"},
            {"ioServicedRecursive", "blkio.io_serviced_recursive"},
            {"ioQueueRecursive", "blkio.io_queued_recursive"},
            {"ioServiceTimeRecursive", "blkio.io_service_time_recursive"},
            {"ioWaitTimeRecursive", "blkio.io_wait_time_recursive"},
            {"ioMergedRecursive", "blkio.io_merged_recursive"},
            {"ioTimeRecursive", "blkio.time_recursive"},
            {"sectorsRecursive", "blkio.sectors_recursive"},
        };
        json_object *o = new_child(data, "blkio");
        _cleanup_free_ char *t = NULL;
        int r;
        if (d->unified) {
                r = read_file(d, d->blkio, "io.stat", &t);
                if (r <= 0)
                        return r;
                return cg_parse_io_stat(t, o) < 0 ? bad_file(d, "io.stat") : 0;
        }
        bool any = false;
        for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
                json_object *a = NULL;
                t = mfree_str(t);
                if (read_at(d->blkio, tables[i].file, &t) < 0)
                        continue;
                if (cg_parse_blkio_v1(t, &a) < 0)
                        return bad_file(d, tables[i].file);
                if (json_object_array_length(a) > 0) {
                        json_object_object_add(o, tables[i].key, a);
                        any = true;
                } else
                        json_object_put(a);
        }
        if (any)
                return 0;
        /* no CFQ statistics (another I/O scheduler): the throttling layer's, as runc */
        static const char *const throttle[][2] = {
            {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive"},
            {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes"},
            {"ioServicedRecursive", "blkio.throttle.io_serviced_recursive"},
            {"ioServicedRecursive", "blkio.throttle.io_serviced"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(throttle); i++) {
                json_object *a = NULL;
                if (json_object_object_get_ex(o, throttle[i][0], NULL))
                        continue;
                t = mfree_str(t);
                if (read_at(d->blkio, throttle[i][1], &t) < 0)
                        continue;
                if (cg_parse_blkio_v1(t, &a) < 0)
                        return bad_file(d, throttle[i][1]);
                if (json_object_array_length(a) > 0)
                        json_object_object_add(o, throttle[i][0], a);
                else
                        json_object_put(a);
        }
        return 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* hugetlb: {"2MB": {usage, max, failcnt}} for each page size the cgroup has files for */
static int stat_hugetlb(struct cg_dirs *d, json_object *data)
{
        json_object *o = new_child(data, "hugetlb");
        if (d->hugetlb < 0)
                return 0;
        int fd = openat(d->hugetlb, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        if (!dir) {
                safe_close(fd);
                return 0;
        }
        const char *suffix = d->unified ? ".current" : ".usage_in_bytes";
        _cleanup_strv_free_ char **sizes = NULL;
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(dir))) {
                size_t l = strlen(de->d_name), sl = strlen(suffix);
                /* hugetlb.<size>.current, but not hugetlb.<size>.rsvd.current */
                if (!startswith(de->d_name, "hugetlb.") || l <= 8 + sl ||
                    !streq(de->d_name + l - sl, suffix))
                        continue;
                _cleanup_free_ char *size = strndup(de->d_name + 8, l - 8 - sl);
                if (!size)
                        r = -ENOMEM;
                else if (!strchr(size, '.'))
                        r = strv_push(&sizes, TAKE_PTR(size));
        }
        closedir(dir);
        if (r < 0)
                return log_error_errno(r, "events");
        size_t n = strv_length(sizes);
        if (n > 1)
                qsort(sizes, n, sizeof *sizes, cmp_str);
        STRV_FOREACH(size, sizes)
        {
                char usage_f[96], max_f[96], fail_f[96];
                uint64_t usage, max = 0, failcnt;
                snprintf(usage_f, sizeof usage_f, "hugetlb.%s%s", *size, suffix);
                if ((r = read_u64(d, d->hugetlb, usage_f, &usage)) < 0)
                        return r;
                if (d->unified) {
                        snprintf(fail_f, sizeof fail_f, "hugetlb.%s.events", *size);
                        r = read_keyed(d, d->hugetlb, fail_f, "max", &failcnt);
                } else {
                        snprintf(max_f, sizeof max_f, "hugetlb.%s.max_usage_in_bytes", *size);
                        snprintf(fail_f, sizeof fail_f, "hugetlb.%s.failcnt", *size);
                        if ((r = read_u64(d, d->hugetlb, max_f, &max)) >= 0)
                                r = read_u64(d, d->hugetlb, fail_f, &failcnt);
                }
                if (r < 0)
                        return r;
                json_object *e = new_child(o, *size);
                add_u64_omitempty(e, "usage", usage);
                add_u64_omitempty(e, "max", max);
                add_u64(e, "failcnt", failcnt);
        }
        return 0;
}

int cgroup_stats_json(const char *root, bool unified, const char *cg, json_object **ret)
{
        struct cg_dirs d = {.unified = unified, .cg = cg};
        int r;

        if (unified) {
                d.v2 = open_dir(root, NULL, cg);
                if (d.v2 < 0)
                        return -ENOENT;
                d.cpu = d.cpuacct = d.cpuset = d.memory = d.pids = d.blkio = d.hugetlb = d.v2;
        } else {
                int sysfd = open_dir(root, "systemd", cg);
                if (sysfd < 0)
                        return -ENOENT;
                safe_close(sysfd);
                d.v2 = open_dir(root, "unified", cg);
                d.cpu = open_dir(root, "cpu", cg);
                d.cpuacct = open_dir(root, "cpuacct", cg);
                d.cpuset = open_dir(root, "cpuset", cg);
                d.memory = open_dir(root, "memory", cg);
                d.pids = open_dir(root, "pids", cg);
                d.blkio = open_dir(root, "blkio", cg);
                d.hugetlb = open_dir(root, "hugetlb", cg);
        }
        json_object *data = json_object_new_object();
        if (!data) {
                close_dirs(&d);
                return log_error_errno(ENOMEM, "events");
        }
        if ((r = stat_cpu(&d, data)) >= 0 && (r = stat_cpuset(&d, data)) >= 0 &&
            (r = stat_memory(&d, data)) >= 0 && (r = stat_pids(&d, data)) >= 0 &&
            (r = stat_blkio(&d, data)) >= 0 && (r = stat_hugetlb(&d, data)) >= 0) {
                json_object_object_add(data, "intel_rdt", json_object_new_object());
                json_object_object_add(data, "network_interfaces", NULL);
        }
        close_dirs(&d);
        if (r < 0) {
                json_object_put(data);
                return r;
        }
        *ret = data;
        return 0;
}
