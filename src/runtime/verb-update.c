/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "bus/bus.h"
#include "cgroup-v1-extra.h"
#include "container.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/parse-size.h"
#include "spec/spec.h"
#include "verb-util.h"

static void spec_resources_freep_(struct spec_resources **r)
{
        spec_resources_free(*r);
}

static void json_putp(json_object **o)
{
        json_object_put(*o);
}

/* The sub-object `key` of `o`, created if missing. */
static json_object *section(json_object *o, const char *key)
{
        json_object *s;
        if (json_object_object_get_ex(o, key, &s) && json_object_is_type(s, json_type_object))
                return s;
        s = json_object_new_object();
        json_object_object_add(o, key, s);
        return s;
}

static int parse_int(const char *opt, const char *s, bool size, int64_t *ret)
{
        int r;
        if (size)
                r = parse_size(s, ret);
        else {
                char *end;
                errno = 0;
                long long v = strtoll(s, &end, 10);
                r = errno || end == s || *end ? -EINVAL : 0;
                *ret = v;
        }
        if (r < 0)
                return usage_error("update", "invalid value \"%s\" for --%s", s, opt);
        return 0;
}

static int read_resources(const char *file, json_object **ret)
{
        _cleanup_free_ char *text = NULL;
        int r = streq(file, "-") ? read_full_file("/dev/stdin", &text, NULL)
                                 : read_full_file(file, &text, NULL);
        if (r < 0)
                return log_error_errno(r, "cannot read %s", streq(file, "-") ? "stdin" : file);
        json_object *o = json_tokener_parse(text);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return log_error("%s: not a JSON object (linux.resources)",
                                 streq(file, "-") ? "stdin" : file),
                       -EINVAL;
        }
        *ret = o;
        return 0;
}

int verb_update(int argc, char *argv[])
{
        enum {
                ARG_MEMORY = 0x100,
                ARG_MEMORY_SWAP,
                ARG_MEMORY_RESERVATION,
                ARG_CPU_SHARES,
                ARG_CPU_QUOTA,
                ARG_CPU_PERIOD,
                ARG_CPUSET_CPUS,
                ARG_CPUSET_MEMS,
                ARG_PIDS_LIMIT,
                ARG_BLKIO_WEIGHT,
        };
        /* option → where it goes in linux.resources */
        static const struct {
                int id;
                const char *section, *key;
                bool size, string;
        } map[] = {
            {ARG_MEMORY, "memory", "limit", true, false},
            {ARG_MEMORY_SWAP, "memory", "swap", true, false},
            {ARG_MEMORY_RESERVATION, "memory", "reservation", true, false},
            {ARG_CPU_SHARES, "cpu", "shares", false, false},
            {ARG_CPU_QUOTA, "cpu", "quota", false, false},
            {ARG_CPU_PERIOD, "cpu", "period", false, false},
            {ARG_CPUSET_CPUS, "cpu", "cpus", false, true},
            {ARG_CPUSET_MEMS, "cpu", "mems", false, true},
            {ARG_PIDS_LIMIT, "pids", "limit", false, false},
            {ARG_BLKIO_WEIGHT, "blockIO", "weight", false, false},
        };
        static const struct option options[] = {
            {"memory", required_argument, NULL, ARG_MEMORY},
            {"memory-swap", required_argument, NULL, ARG_MEMORY_SWAP},
            {"memory-reservation", required_argument, NULL, ARG_MEMORY_RESERVATION},
            {"cpu-shares", required_argument, NULL, ARG_CPU_SHARES},
            {"cpu-quota", required_argument, NULL, ARG_CPU_QUOTA},
            {"cpu-period", required_argument, NULL, ARG_CPU_PERIOD},
            {"cpuset-cpus", required_argument, NULL, ARG_CPUSET_CPUS},
            {"cpuset-mems", required_argument, NULL, ARG_CPUSET_MEMS},
            {"pids-limit", required_argument, NULL, ARG_PIDS_LIMIT},
            {"blkio-weight", required_argument, NULL, ARG_BLKIO_WEIGHT},
            {"resources", required_argument, NULL, 'r'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_container_ struct container *c = NULL;
        _cleanup_(json_putp) json_object *flags = json_object_new_object(), *res = NULL;
        _cleanup_(spec_resources_freep_) struct spec_resources *parsed = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        const char *file = NULL, *id = NULL;
        int opt, r;

        if (!flags)
                return log_error_errno(ENOMEM, "update");
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+r:h", options, NULL)) >= 0) {
                if (opt == 'h') {
                        printf("Usage: crunit update [options] CONTAINER-ID\n\n"
                               "Changes the resource limits of a running container (its "
                               "scope's properties).\n"
                               "  -r, --resources FILE     linux.resources JSON (\"-\": stdin)\n"
                               "  --memory N               memory limit (suffixes k, m, g; -1: "
                               "unlimited)\n"
                               "  --memory-swap N          memory+swap limit\n"
                               "  --memory-reservation N   memory soft limit\n"
                               "  --cpu-shares N           CPU shares (relative weight)\n"
                               "  --cpu-quota N            CPU CFS quota (usec per period)\n"
                               "  --cpu-period N           CPU CFS period (usec)\n"
                               "  --cpuset-cpus LIST       CPUs allowed (0-3,5)\n"
                               "  --cpuset-mems LIST       memory nodes allowed\n"
                               "  --pids-limit N           maximum number of tasks (-1: "
                               "unlimited)\n"
                               "  --blkio-weight N         block IO weight (10-1000)\n");
                        return 0;
                }
                if (opt == 'r') {
                        file = optarg;
                        continue;
                }
                size_t i = 0;
                while (i < ARRAY_SIZE(map) && map[i].id != opt)
                        i++;
                if (i == ARRAY_SIZE(map))
                        return usage_error("update", "unknown option \"%s\"", argv[optind - 1]);
                json_object *v;
                if (map[i].string)
                        v = json_object_new_string(optarg);
                else {
                        int64_t n;
                        if ((r = parse_int(options[i].name, optarg, map[i].size, &n)) < 0)
                                return r;
                        v = json_object_new_int64(n);
                }
                json_object_object_add(section(flags, map[i].section), map[i].key, v);
        }
        if ((r = expect_id("update", argc, argv, optind, &id)) < 0)
                return r;

        if (file) {
                if ((r = read_resources(file, &res)) < 0)
                        return r;
        } else
                res = json_object_new_object();
        /* The flags win over the file. */
        json_object_object_foreach(flags, sec, obj)
        {
                json_object_object_foreach(obj, key, val)
                    json_object_object_add(section(res, sec), key, json_object_get(val));
        }
        /* runc: --memory-swap alone keeps the memory limit in effect (read from the unit) */
        json_object *mem = NULL;
        bool swap_alone = json_object_object_get_ex(res, "memory", &mem) &&
                          json_object_object_get_ex(mem, "swap", NULL) &&
                          !json_object_object_get_ex(mem, "limit", NULL);
        if (!swap_alone) {
                if ((r = spec_parse_resources(res, &parsed)) < 0)
                        return r;
                if (!parsed)
                        return usage_error("update",
                                           "nothing to update: give a resource option or -r");
        }

        if ((r = container_open(id, true, false, &c)) < 0)
                return r;
        enum container_status st = container_status(c);
        if (st == STATUS_STOPPED)
                return log_error("cannot update container \"%s\": it is stopped", c->id), -ESRCH;
        if (!c->state->unit || c->state->bus == BUS_NONE)
                return log_error("container \"%s\" has no scope to update", c->id), -EOPNOTSUPP;
        if ((r = bus_connect_systemd(c->state->bus == BUS_USER, true, &bus)) < 0)
                return r;
        if (swap_alone) {
                uint64_t limit;
                const char *iface = endswith(c->state->unit, ".service")
                                        ? "org.freedesktop.systemd1.Service"
                                        : "org.freedesktop.systemd1.Scope";
                if ((r = bus_unit_property_u64(bus, c->state->unit, iface, "MemoryMax", &limit)) <
                    0)
                        return log_error_errno(r, "cannot read the memory limit of %s",
                                               c->state->unit);
                json_object_object_add(
                    mem, "limit", json_object_new_int64(limit > INT64_MAX ? -1 : (int64_t)limit));
                if ((r = spec_parse_resources(res, &parsed)) < 0)
                        return r;
        }
        /* cgroup v1: what systemd cannot express (cgroup-v1-extra.h), around its properties */
        if ((r = cgroup_v1_extra_apply(c->dirfd, c->state->pid, parsed, CGROUP_V1_BEFORE_SYSTEMD)) <
                0 ||
            (r = bus_set_unit_resources(bus, c->state->unit, parsed)) < 0)
                return r;
        return cgroup_v1_extra_apply(c->dirfd, c->state->pid, parsed, CGROUP_V1_AFTER_SYSTEMD);
}
