/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What systemd cannot express on cgroup v1, written into the container's delegated cgroups
 * (cgroup-v1-extra.h). */
#include "cgroup-v1-extra.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "spec/spec.h"

#define V1_ROOT "/sys/fs/cgroup"
#define CPUSET_RECORD "cpuset-cgroup" /* in the state directory: the cpuset path crunit made */

static bool v1_mounted(const char *controller)
{
        char path[64];
        struct statfs fs;
        snprintf(path, sizeof path, V1_ROOT "/%s", controller);
        return statfs(path, &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
}

static bool path_ok(const char *cg)
{
        return cg[0] == '/' && !strstr(cg, "/..") && strlen(cg) < 3000;
}

/* "-1" for UINT64_MAX (v1's "unlimited"), else the number. */
static const char *limit_str(uint64_t v, char buf[static 32])
{
        if (v == UINT64_MAX)
                return "-1";
        snprintf(buf, 32, "%" PRIu64, v);
        return buf;
}

static int write_field(const char *dir, const char *file, const char *value, const char *field)
{
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        int r = write_string_file(path, value);
        if (r < 0)
                return log_error("cannot apply linux.resources.%s: writing \"%s\" to %s: %s", field,
                                 value, path, strerror(-r)),
                       r;
        return 0;
}

static int write_field_quiet(const char *dir, const char *file, const char *value)
{
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        return write_string_file(path, value);
}

static int read_u64(const char *dir, const char *file, uint64_t *ret)
{
        char path[4400];
        _cleanup_free_ char *s = NULL;
        snprintf(path, sizeof path, "%s/%s", dir, file);
        int r = read_full_file(path, &s, NULL);
        if (r < 0)
                return r;
        errno = 0;
        *ret = strtoull(s, NULL, 10);
        return errno ? -errno : 0;
}

/* The container's cgroup directory in the v1 hierarchy of `controller`. */
static int controller_dir(pid_t pid, const char *controller, const char *field, char *dir,
                          size_t size)
{
        _cleanup_free_ char *cg = NULL;
        if (!v1_mounted(controller))
                return log_error("cannot apply linux.resources.%s: there is no cgroup v1 %s "
                                 "hierarchy at " V1_ROOT "/%s",
                                 field, controller, controller),
                       -EOPNOTSUPP;
        int r = pid_cgroup_line(pid, controller, &cg);
        if (r < 0)
                return log_error("cannot apply linux.resources.%s: the %s cgroup of pid %d: %s",
                                 field, controller, (int)pid, strerror(-r)),
                       r;
        if (!path_ok(cg) || streq(cg, "/"))
                return log_error("cannot apply linux.resources.%s: the container is in the root "
                                 "cgroup of the %s hierarchy (systemd made no cgroup for it)",
                                 field, controller),
                       -EOPNOTSUPP;
        snprintf(dir, size, V1_ROOT "/%s%s", controller, cg);
        return 0;
}

/* memory+swap for memory.memsw.limit_in_bytes (runc's memory.swap); false: not given. */
static bool memsw_target(const struct spec_resources *res, uint64_t *ret)
{
        if (!res->has_memory_swap_max)
                return false;
        if (res->memory_swap_max == UINT64_MAX)
                *ret = UINT64_MAX;
        else if (res->has_memory_max && res->memory_max != UINT64_MAX)
                *ret = res->memory_max + res->memory_swap_max;
        else
                return false; /* refused by the parser */
        return true;
}

static int apply_memory(pid_t pid, const struct spec_resources *res, enum cgroup_v1_phase phase)
{
        char dir[4200], buf[32], memsw_file[4300];
        uint64_t target = 0, cur = 0;
        bool want_memsw = memsw_target(res, &target);
        int r;

        if (!res->has_memory_low && !want_memsw && !res->has_swappiness) {
                /* only the check of a new memory limit against memory+swap, if there is one */
                if (phase != CGROUP_V1_BEFORE_SYSTEMD || !res->has_memory_max ||
                    res->memory_max == UINT64_MAX || !v1_mounted("memory"))
                        return 0;
        }
        const char *field = res->has_memory_low   ? "memory.reservation"
                            : want_memsw          ? "memory.swap"
                            : res->has_swappiness ? "memory.swappiness"
                                                  : "memory.limit";
        if ((r = controller_dir(pid, "memory", field, dir, sizeof dir)) < 0)
                return r;
        snprintf(memsw_file, sizeof memsw_file, "%s/memory.memsw.limit_in_bytes", dir);
        bool have_memsw = access(memsw_file, F_OK) == 0;
        if (want_memsw && !have_memsw && target != UINT64_MAX)
                return log_error("cannot apply linux.resources.memory.swap: the kernel does not "
                                 "account swap (%s does not exist; boot with swapaccount=1)",
                                 memsw_file),
                       -EOPNOTSUPP;

        if (phase == CGROUP_V1_BEFORE_SYSTEMD) {
                /* systemd writes memory.limit_in_bytes, which must stay <= memory+swap: raise
                 * memory+swap first, lower it after. */
                if (!have_memsw)
                        return 0;
                if ((r = read_u64(dir, "memory.memsw.limit_in_bytes", &cur)) < 0)
                        return log_error("cannot read %s: %s", memsw_file, strerror(-r)), r;
                if (want_memsw && (target == UINT64_MAX || target >= cur))
                        return write_field(dir, "memory.memsw.limit_in_bytes",
                                           limit_str(target, buf), "memory.swap");
                if (!want_memsw && res->has_memory_max && res->memory_max != UINT64_MAX &&
                    res->memory_max > cur)
                        return log_error("cannot apply linux.resources.memory.limit %" PRIu64
                                         ": it is above the container's memory+swap limit "
                                         "(%" PRIu64 "); give memory.swap (--memory-swap) too",
                                         res->memory_max, cur),
                               -EINVAL;
                return 0;
        }

        if (res->has_memory_low &&
            (r = write_field(dir, "memory.soft_limit_in_bytes", limit_str(res->memory_low, buf),
                             "memory.reservation")) < 0)
                return r;
        if (want_memsw && have_memsw &&
            (r = write_field(dir, "memory.memsw.limit_in_bytes", limit_str(target, buf),
                             "memory.swap")) < 0)
                return r;
        if (res->has_swappiness) {
                snprintf(buf, sizeof buf, "%" PRIu64, res->swappiness);
                if ((r = write_field(dir, "memory.swappiness", buf, "memory.swappiness")) < 0)
                        return r;
        }
        return 0;
}

/* systemd's bitmask (bit N of byte N/8) → "0-1,3". */
static void mask_to_list(const uint8_t *mask, size_t size, char *buf, size_t len)
{
        size_t n = 0, bits = size * 8;
        buf[0] = '\0';
        for (size_t i = 0; i < bits; i++) {
                if (!(mask[i / 8] & (1u << (i % 8))))
                        continue;
                size_t j = i;
                while (j + 1 < bits && (mask[(j + 1) / 8] & (1u << ((j + 1) % 8))))
                        j++;
                int w = j > i ? snprintf(buf + n, len - n, "%s%zu-%zu", n ? "," : "", i, j)
                              : snprintf(buf + n, len - n, "%s%zu", n ? "," : "", i);
                if (w < 0 || (size_t)w >= len - n)
                        return;
                n += (size_t)w;
                i = j;
        }
}

static int read_trimmed(const char *dir, const char *file, char *buf, size_t len)
{
        char path[4400];
        _cleanup_free_ char *s = NULL;
        snprintf(path, sizeof path, "%s/%s", dir, file);
        int r = read_full_file(path, &s, NULL);
        if (r < 0)
                return r;
        s[strcspn(s, "\n")] = '\0';
        snprintf(buf, len, "%s", s);
        return 0;
}

/* mkdir of every component of `cg` below the cpuset root; a new cpuset cgroup has no CPUs and
 * no memory nodes, and no task can join it before it has both: each gets its parent's. */
static int make_cpuset_dirs(const char *cg, char *leaf, size_t size)
{
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
        char dir[4200], parent[4200], val[4096], path[4300];
        int r;
        snprintf(dir, sizeof dir, V1_ROOT "/cpuset");
        for (const char *p = cg + 1; *p;) {
                size_t n = strcspn(p, "/");
                snprintf(parent, sizeof parent, "%s", dir);
                snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/%.*s", (int)n, p);
                p += n;
                p += strspn(p, "/");
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(errno, "cannot create the cpuset cgroup %s", dir);
                for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                        if ((r = read_trimmed(dir, files[i], val, sizeof val)) < 0)
                                return log_error("cannot read %s/%s: %s", dir, files[i],
                                                 strerror(-r)),
                                       r;
                        if (val[0] != '\0')
                                continue;
                        if ((r = read_trimmed(parent, files[i], val, sizeof val)) < 0)
                                return log_error("cannot read %s/%s: %s", parent, files[i],
                                                 strerror(-r)),
                                       r;
                        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
                        if ((r = write_string_file(path, val)) < 0)
                                return log_error("cannot write %s: %s", path, strerror(-r)), r;
                }
        }
        snprintf(leaf, size, "%s", dir);
        return 0;
}

/* Moves every process of `systemd_cg` (a name=systemd path, and the cgroups below it) into
 * the cgroup directory `to`. */
static int move_into(const char *to, const char *systemd_cg)
{
        char path[4300], buf[32];
        snprintf(path, sizeof path, "%s/cgroup.procs", to);
        size_t prev = SIZE_MAX;
        for (int pass = 0; pass < 10; pass++) { /* until no fork raced with the last pass */
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0;
                int r = cgroup_pids(systemd_cg, &pids, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++) {
                        snprintf(buf, sizeof buf, "%d", (int)pids[i]);
                        r = write_string_file(path, buf);
                        if (r < 0 && r != -ESRCH)
                                return r;
                }
                if (n == prev)
                        return 0;
                prev = n;
        }
        return 0;
}

static int apply_cpuset(int dirfd, pid_t pid, const struct spec_resources *res)
{
        const char *field = res->allowed_cpus ? "cpu.cpus" : "cpu.mems";
        _cleanup_free_ char *cg = NULL, *recorded = NULL;
        char leaf[4200], list[4096], parent_list[4096];
        int r;

        if (!res->allowed_cpus && !res->allowed_mems)
                return 0;
        if (!v1_mounted("cpuset"))
                return log_error("cannot apply linux.resources.%s: there is no cgroup v1 cpuset "
                                 "hierarchy at " V1_ROOT "/cpuset",
                                 field),
                       -EOPNOTSUPP;
        /* systemd does not manage the v1 cpuset hierarchy: the cgroup is crunit's, at the
         * scope's path. */
        if ((r = pid_cgroup_line(pid, "name=systemd", &cg)) < 0)
                return log_error("cannot apply linux.resources.%s: the cgroup of pid %d: %s", field,
                                 (int)pid, strerror(-r)),
                       r;
        if (!path_ok(cg) || streq(cg, "/"))
                return log_error("cannot apply linux.resources.%s: the container is in the root "
                                 "cgroup",
                                 field),
                       -EOPNOTSUPP;
        bool existed = read_full_file_at(dirfd, CPUSET_RECORD, &recorded, NULL) >= 0;
        if (!existed && (r = write_file_atomic_at(dirfd, CPUSET_RECORD, cg, 0644)) < 0)
                return log_error_errno(r, "cannot record the cpuset cgroup");
        if ((r = make_cpuset_dirs(cg, leaf, sizeof leaf)) < 0)
                return r;
        char parent[4200];
        snprintf(parent, sizeof parent, "%s", leaf);
        *strrchr(parent, '/') = '\0';
        if (res->allowed_cpus) {
                mask_to_list(res->allowed_cpus, res->allowed_cpus_size, list, sizeof list);
                if ((r = write_field_quiet(leaf, "cpuset.cpus", list)) < 0) {
                        (void)read_trimmed(parent, "cpuset.cpus", parent_list, sizeof parent_list);
                        return log_error("cannot apply linux.resources.cpu.cpus \"%s\": %s; the "
                                         "CPUs available are %s",
                                         list, strerror(-r), parent_list),
                               r;
                }
        }
        if (res->allowed_mems) {
                mask_to_list(res->allowed_mems, res->allowed_mems_size, list, sizeof list);
                if ((r = write_field_quiet(leaf, "cpuset.mems", list)) < 0) {
                        (void)read_trimmed(parent, "cpuset.mems", parent_list, sizeof parent_list);
                        return log_error("cannot apply linux.resources.cpu.mems \"%s\": %s; the "
                                         "memory nodes available are %s",
                                         list, strerror(-r), parent_list),
                               r;
                }
        }
        /* A cpuset cgroup made now: every process of the container joins it (create: stage 1,
         * whose children inherit it; keep-unit: the service's processes, which get the
         * resources). Once made, the processes stay in it. */
        if (!existed && (r = move_into(leaf, cg)) < 0)
                return log_error("cannot apply linux.resources.%s: moving the container into %s: "
                                 "%s",
                                 field, leaf, strerror(-r)),
                       r;
        return 0;
}

int cgroup_v1_extra_apply(int dirfd, pid_t pid, const struct spec_resources *res,
                          enum cgroup_v1_phase phase)
{
        int r;
        if (!res)
                return 0;
        if (cgroup_is_unified()) {
                if (res->has_swappiness)
                        return log_error("linux.resources.memory.swappiness is not supported on "
                                         "cgroup v2 (systemd has no property for it)"),
                               -EOPNOTSUPP;
                return 0; /* systemd expresses the rest as properties */
        }
        if (geteuid() != 0) {
                if (res->has_memory_low || res->has_memory_swap_max || res->has_swappiness ||
                    res->allowed_cpus || res->allowed_mems)
                        log_warning("cgroup v1 is not delegated to unprivileged users: "
                                    "linux.resources.memory.reservation/swap/swappiness and "
                                    "cpu.cpus/mems are not applied");
                return 0;
        }
        if ((r = apply_memory(pid, res, phase)) < 0)
                return r;
        if (phase == CGROUP_V1_AFTER_SYSTEMD && (r = apply_cpuset(dirfd, pid, res)) < 0)
                return r;
        return 0;
}

void cgroup_v1_extra_remove(int dirfd)
{
        _cleanup_free_ char *cg = NULL;
        char dir[4200];
        if (read_full_file_at(dirfd, CPUSET_RECORD, &cg, NULL) < 0)
                return;
        cg[strcspn(cg, "\n")] = '\0';
        if (!path_ok(cg) || streq(cg, "/"))
                return;
        snprintf(dir, sizeof dir, V1_ROOT "/cpuset%s", cg);
        for (int i = 0; i < 200; i++) {
                if (rmdir(dir) == 0 || errno == ENOENT)
                        return;
                if (errno != EBUSY)
                        break;
                /* processes left (dying, or keep-unit's service): back to the root, where they
                 * came from (systemd puts nothing into the v1 cpuset hierarchy) */
                char from[4300], to[4300];
                _cleanup_free_ char *procs = NULL;
                snprintf(from, sizeof from, "%s/cgroup.procs", dir);
                snprintf(to, sizeof to, V1_ROOT "/cpuset/cgroup.procs");
                if (read_full_file(from, &procs, NULL) >= 0)
                        for (char *save = NULL, *t = strtok_r(procs, "\n", &save); t;
                             t = strtok_r(NULL, "\n", &save))
                                (void)write_string_file(to, t);
                struct timespec ts = {0, 10 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
        log_debug("cannot remove the cpuset cgroup %s: %s", dir, strerror(errno));
}
