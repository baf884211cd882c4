/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources (already converted by src/spec/spec-resources.c) → the cgroup properties of
 * the scope in StartTransientUnit. systemd writes the cgroup files (v1 or v2) from them; on
 * cgroup v1 what it cannot express there crunit writes itself (runtime/cgroup-v1-extra.c). */
#include <assert.h>
#include <stdio.h>

#include "bus.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "spec/spec.h"

/* Index = bit in the skip mask. */
enum {
        P_MEMORY_MAX,
        P_MEMORY_LOW,
        P_MEMORY_SWAP_MAX,
        P_CPU_WEIGHT,
        P_CPU_QUOTA,
        P_CPU_QUOTA_PERIOD,
        P_ALLOWED_CPUS,
        P_ALLOWED_MEMORY_NODES,
        P_TASKS_MAX,
        P_IO_WEIGHT,
        P_IO_DEVICE_WEIGHT,
        P_IO_READ_BANDWIDTH_MAX,
        P_IO_WRITE_BANDWIDTH_MAX,
        P_IO_READ_IOPS_MAX,
        P_IO_WRITE_IOPS_MAX,
        P_DEVICE_POLICY,
        P_DEVICE_ALLOW,
        _P_MAX,
};

static const char *const property_names[_P_MAX] = {
    [P_MEMORY_MAX] = "MemoryMax",
    [P_MEMORY_LOW] = "MemoryLow",
    [P_MEMORY_SWAP_MAX] = "MemorySwapMax",
    [P_CPU_WEIGHT] = "CPUWeight",
    [P_CPU_QUOTA] = "CPUQuotaPerSecUSec",
    [P_CPU_QUOTA_PERIOD] = "CPUQuotaPeriodUSec",
    [P_ALLOWED_CPUS] = "AllowedCPUs",
    [P_ALLOWED_MEMORY_NODES] = "AllowedMemoryNodes",
    [P_TASKS_MAX] = "TasksMax",
    [P_IO_WEIGHT] = "IOWeight",
    [P_IO_DEVICE_WEIGHT] = "IODeviceWeight",
    [P_IO_READ_BANDWIDTH_MAX] = "IOReadBandwidthMax",
    [P_IO_WRITE_BANDWIDTH_MAX] = "IOWriteBandwidthMax",
    [P_IO_READ_IOPS_MAX] = "IOReadIOPSMax",
    [P_IO_WRITE_IOPS_MAX] = "IOWriteIOPSMax",
    [P_DEVICE_POLICY] = "DevicePolicy",
    [P_DEVICE_ALLOW] = "DeviceAllow",
};

static const int io_property[_SPEC_IO_LIST_MAX] = {
    [SPEC_IO_DEVICE_WEIGHT] = P_IO_DEVICE_WEIGHT,
    [SPEC_IO_READ_BANDWIDTH] = P_IO_READ_BANDWIDTH_MAX,
    [SPEC_IO_WRITE_BANDWIDTH] = P_IO_WRITE_BANDWIDTH_MAX,
    [SPEC_IO_READ_IOPS] = P_IO_READ_IOPS_MAX,
    [SPEC_IO_WRITE_IOPS] = P_IO_WRITE_IOPS_MAX,
};

#define WANT(p) (!(skip & (UINT64_C(1) << (p))))

static int append_t(sd_bus_message *m, int p, uint64_t value)
{
        return sd_bus_message_append(m, "(sv)", property_names[p], "t", value);
}

static int append_bitmask(sd_bus_message *m, int p, const uint8_t *mask, size_t size)
{
        int r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", property_names[p]);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "ay");
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', mask, size);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_io_list(sd_bus_message *m, int p, const struct spec_io_device_value *l, size_t n)
{
        int r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", property_names[p]);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(st)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(st)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "(st)", l[i].path, l[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_device_allow(sd_bus_message *m, const struct spec_resources *res)
{
        int r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", property_names[P_DEVICE_ALLOW]);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(ss)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < res->n_device_allow; i++)
                r = sd_bus_message_append(m, "(ss)", res->device_allow[i].path,
                                          res->device_allow[i].access);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int bus_append_resources(sd_bus_message *m, const struct spec_resources *res, uint64_t skip)
{
        int r = 0;

        assert(m);
        if (!res)
                return 0;

        if (res->has_memory_max && WANT(P_MEMORY_MAX))
                r = append_t(m, P_MEMORY_MAX, res->memory_max);
        if (r >= 0 && res->has_memory_low && WANT(P_MEMORY_LOW))
                r = append_t(m, P_MEMORY_LOW, res->memory_low);
        if (r >= 0 && res->has_memory_swap_max && WANT(P_MEMORY_SWAP_MAX))
                r = append_t(m, P_MEMORY_SWAP_MAX, res->memory_swap_max);
        if (r >= 0 && res->has_cpu_weight && WANT(P_CPU_WEIGHT))
                r = append_t(m, P_CPU_WEIGHT, res->cpu_weight);
        /* The period first: systemd computes the quota of the cgroup from both. */
        if (r >= 0 && res->has_cpu_quota_period && WANT(P_CPU_QUOTA_PERIOD))
                r = append_t(m, P_CPU_QUOTA_PERIOD, res->cpu_quota_period_usec);
        if (r >= 0 && res->has_cpu_quota && WANT(P_CPU_QUOTA))
                r = append_t(m, P_CPU_QUOTA, res->cpu_quota_per_sec_usec);
        if (r >= 0 && res->allowed_cpus && WANT(P_ALLOWED_CPUS))
                r = append_bitmask(m, P_ALLOWED_CPUS, res->allowed_cpus, res->allowed_cpus_size);
        if (r >= 0 && res->allowed_mems && WANT(P_ALLOWED_MEMORY_NODES))
                r = append_bitmask(m, P_ALLOWED_MEMORY_NODES, res->allowed_mems,
                                   res->allowed_mems_size);
        if (r >= 0 && res->has_tasks_max && WANT(P_TASKS_MAX))
                r = append_t(m, P_TASKS_MAX, res->tasks_max);
        if (r >= 0 && res->has_io_weight && WANT(P_IO_WEIGHT))
                r = append_t(m, P_IO_WEIGHT, res->io_weight);
        for (size_t l = 0; r >= 0 && l < _SPEC_IO_LIST_MAX; l++)
                if (res->n_io[l] > 0 && WANT(io_property[l]))
                        r = append_io_list(m, io_property[l], res->io[l], res->n_io[l]);
        if (r >= 0 && res->device_policy && WANT(P_DEVICE_POLICY))
                r = sd_bus_message_append(m, "(sv)", property_names[P_DEVICE_POLICY], "s",
                                          res->device_policy);
        if (r >= 0 && res->n_device_allow > 0 && WANT(P_DEVICE_ALLOW))
                r = append_device_allow(m, res);
        return r;
}

int bus_resources_skip_unknown(const sd_bus_error *error, uint64_t *skip)
{
        static const char prefix[] = "Cannot set property ";
        const char *msg, *end;

        assert(skip);
        if (!error || !error->message ||
            (!sd_bus_error_has_name(error, SD_BUS_ERROR_PROPERTY_READ_ONLY) &&
             !sd_bus_error_has_name(error, SD_BUS_ERROR_INVALID_ARGS)))
                return 0;
        msg = error->message;
        if (!startswith(msg, prefix))
                return 0;
        msg += sizeof prefix - 1;
        end = strchr(msg, ',');
        if (!end)
                return 0;
        for (int p = 0; p < _P_MAX; p++)
                if (strlen(property_names[p]) == (size_t)(end - msg) &&
                    strncmp(property_names[p], msg, end - msg) == 0) {
                        if (*skip & (UINT64_C(1) << p))
                                return 0; /* already skipped: a different problem */
                        *skip |= UINT64_C(1) << p;
                        log_warning("this systemd does not know the property %s; starting the "
                                    "scope without it (that resource limit is not applied)",
                                    property_names[p]);
                        return 1;
                }
        return 0;
}
