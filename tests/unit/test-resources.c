/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for linux.resources (src/spec/spec-resources.c): parsing, runc's conversions to
 * systemd's property values, CPU lists → bitmasks, device rules, refusals. */
#include <stdint.h>

#include "../../src/bus/bus.h"
#include "../../src/shared/log.h"
#include "../../src/spec/spec.h"
#include "tests.h"

static char last_error[2048];
static unsigned n_errors;

static void sink(enum log_level level, const char *msg, void *userdata)
{
        (void)userdata;
        if (level <= LOG_LEVEL_ERROR) {
                snprintf(last_error, sizeof last_error, "%s", msg);
                n_errors++;
        }
}

/* Parses the JSON text as linux.resources. */
static int parse(const char *json, struct spec_resources **ret)
{
        _cleanup_json_ json_object *v = json_tokener_parse(json);
        if (!v && !streq(json, "null")) {
                fprintf(stderr, "bad test JSON: %s\n", json);
                abort();
        }
        last_error[0] = '\0';
        n_errors = 0;
        return spec_parse_resources(v, ret);
}

static struct spec_resources *parse_ok(int line, const char *json)
{
        struct spec_resources *r = NULL;
        if (parse(json, &r) < 0 || !r) {
                fprintf(stderr, "%s:%d: expected success for %s: \"%s\"\n", __FILE__, line, json,
                        last_error);
                failures++;
                spec_resources_free(r);
                return calloc(1, sizeof(struct spec_resources)); /* all unset */
        }
        return r;
}
#define PARSE_OK(json) parse_ok(__LINE__, json)

static void check_fail(int line, const char *json, const char *expect)
{
        struct spec_resources *r = NULL;
        int k = parse(json, &r);
        bool ok = k == -EINVAL && !r && n_errors == 1 && startswith(last_error, "config.json: ") &&
                  !strchr(last_error, '\n') && strstr(last_error, expect);
        if (!ok) {
                fprintf(stderr, "%s:%d: expected failure for %s: r=%d errors=%u msg=\"%s\"\n",
                        __FILE__, line, json, k, n_errors, last_error);
                failures++;
        }
        spec_resources_free(r);
}
#define FAIL(json, expect) check_fail(__LINE__, json, expect)

static void test_empty(void)
{
        struct spec_resources *r = (void *)1;
        CHECK(parse("null", &r) == 0 && !r);
        r = (void *)1;
        CHECK(parse("{}", &r) == 0 && !r);
        CHECK(spec_parse_resources(NULL, &r) == 0 && !r);

        r = PARSE_OK("{\"memory\":{},\"devices\":[],\"hugepageLimits\":[],\"unified\":{}}");
        CHECK(!r->has_memory_max && !r->has_tasks_max && !r->device_policy &&
              r->n_device_allow == 0);
        spec_resources_free(r);
}

static void test_memory(void)
{
        struct spec_resources *r;

        r = PARSE_OK("{\"memory\":{\"limit\":33554432,\"reservation\":1048576,\"swap\":67108864}}");
        CHECK(r->has_memory_max && r->memory_max == 33554432);
        CHECK(r->has_memory_low && r->memory_low == 1048576);
        CHECK(r->has_memory_swap_max && r->memory_swap_max == 67108864 - 33554432);
        spec_resources_free(r);

        r = PARSE_OK("{\"memory\":{\"limit\":-1}}");
        CHECK(r->has_memory_max && r->memory_max == UINT64_MAX);
        CHECK(r->has_memory_swap_max && r->memory_swap_max == UINT64_MAX);
        spec_resources_free(r);

        r = PARSE_OK("{\"memory\":{\"limit\":-1,\"swap\":-1,\"disableOOMKiller\":false}}");
        CHECK(r->has_memory_max && r->memory_max == UINT64_MAX);
        CHECK(r->has_memory_swap_max && r->memory_swap_max == UINT64_MAX);
        spec_resources_free(r);

        r = PARSE_OK("{\"memory\":{\"limit\":1000,\"swap\":1000}}");
        CHECK(r->memory_swap_max == 0);
        spec_resources_free(r);

        r = PARSE_OK("{\"memory\":{\"limit\":0,\"swap\":0,\"kernel\":null}}");
        CHECK(!r->has_memory_max && !r->has_memory_swap_max);
        spec_resources_free(r);

        FAIL("{\"memory\":{\"limit\":1000,\"swap\":999}}",
             "linux.resources.memory.swap (memory+swap, 999) must not be smaller");
        FAIL("{\"memory\":{\"swap\":1000}}", "linux.resources.memory.swap (memory+swap) needs");
        FAIL("{\"memory\":{\"limit\":-2}}", "linux.resources.memory.limit must be an integer");
        FAIL("{\"memory\":{\"limit\":\"1G\"}}", "linux.resources.memory.limit must be an integer");
        FAIL("{\"memory\":{\"kernel\":1000}}",
             "linux.resources.memory.kernel is not supported yet");
        FAIL("{\"memory\":{\"kernelTCP\":1000}}", "linux.resources.memory.kernelTCP is not");
        FAIL("{\"memory\":{\"swappiness\":101}}",
             "linux.resources.memory.swappiness: 101 is not between 0 and 100");
        r = PARSE_OK("{\"memory\":{\"swappiness\":0}}"); /* applied on cgroup v1 only */
        CHECK(r->has_swappiness && r->swappiness == 0);
        spec_resources_free(r);
        r = PARSE_OK("{\"memory\":{\"swappiness\":-1}}"); /* runc: not set */
        CHECK(!r->has_swappiness);
        spec_resources_free(r);
        FAIL("{\"memory\":{\"disableOOMKiller\":true}}",
             "linux.resources.memory.disableOOMKiller is not supported yet");
        FAIL("{\"memory\":[]}", "linux.resources.memory must be an object");
}

static void test_cpu(void)
{
        struct spec_resources *r;

        r = PARSE_OK("{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000}}");
        CHECK(r->has_cpu_weight && r->cpu_weight == 1 + ((1024 - 2) * 9999) / 262142);
        CHECK(r->cpu_weight == 39);
        CHECK(r->has_cpu_quota && r->cpu_quota_per_sec_usec == 500000);
        CHECK(r->has_cpu_quota_period && r->cpu_quota_period_usec == 100000);
        spec_resources_free(r);

        r = PARSE_OK("{\"cpu\":{\"shares\":2}}");
        CHECK(r->cpu_weight == 1);
        spec_resources_free(r);
        r = PARSE_OK("{\"cpu\":{\"shares\":262144}}");
        CHECK(r->cpu_weight == 10000);
        spec_resources_free(r);

        /* quota without period: runc's default period 100ms */
        r = PARSE_OK("{\"cpu\":{\"quota\":25000}}");
        CHECK(r->cpu_quota_per_sec_usec == 250000 && !r->has_cpu_quota_period);
        spec_resources_free(r);
        r = PARSE_OK("{\"cpu\":{\"quota\":150000,\"period\":50000}}");
        CHECK(r->cpu_quota_per_sec_usec == 3000000 && r->cpu_quota_period_usec == 50000);
        spec_resources_free(r);
        r = PARSE_OK("{\"cpu\":{\"quota\":-1,\"shares\":0,\"realtimeRuntime\":null}}");
        CHECK(r->has_cpu_quota && r->cpu_quota_per_sec_usec == UINT64_MAX);
        CHECK(!r->has_cpu_weight);
        spec_resources_free(r);

        r = PARSE_OK("{\"cpu\":{\"cpus\":\"0-1,3\",\"mems\":\"0\"}}");
        CHECK(r->allowed_cpus_size == 1 && r->allowed_cpus && r->allowed_cpus[0] == 0x0b);
        CHECK(r->allowed_mems_size == 1 && r->allowed_mems && r->allowed_mems[0] == 0x01);
        spec_resources_free(r);

        FAIL("{\"cpu\":{\"shares\":1}}", "linux.resources.cpu.shares must be between 2 and");
        FAIL("{\"cpu\":{\"shares\":262145}}", "linux.resources.cpu.shares");
        FAIL("{\"cpu\":{\"period\":10}}", "linux.resources.cpu.period must be between");
        FAIL("{\"cpu\":{\"quota\":-5}}", "linux.resources.cpu.quota must be an integer");
        FAIL("{\"cpu\":{\"cpus\":\"0-\"}}", "linux.resources.cpu.cpus: invalid list \"0-\"");
        FAIL("{\"cpu\":{\"cpus\":3}}", "linux.resources.cpu.cpus must be a string");
        FAIL("{\"cpu\":{\"mems\":\"x\"}}", "linux.resources.cpu.mems: invalid list");
        FAIL("{\"cpu\":{\"realtimeRuntime\":950000}}",
             "linux.resources.cpu.realtimeRuntime is not supported yet");
        FAIL("{\"cpu\":{\"realtimePeriod\":1000000}}",
             "linux.resources.cpu.realtimePeriod is not supported yet");
}

static void test_cpu_list(void)
{
        uint8_t *m = NULL;
        size_t n = 0;

        CHECK(spec_parse_cpu_list("", "x", &m, &n) == 0 && !m && n == 0);
        CHECK(spec_parse_cpu_list("0", "x", &m, &n) == 0 && n == 1 && m[0] == 0x01);
        free(m);
        CHECK(spec_parse_cpu_list("0-1,3", "x", &m, &n) == 0 && n == 1 && m[0] == 0x0b);
        free(m);
        CHECK(spec_parse_cpu_list("7,8", "x", &m, &n) == 0 && n == 2 && m[0] == 0x80 &&
              m[1] == 0x01);
        free(m);
        CHECK(spec_parse_cpu_list("2-3,12-17", "x", &m, &n) == 0 && n == 3 && m[0] == 0x0c &&
              m[1] == 0xf0 && m[2] == 0x03);
        free(m);
        CHECK(spec_parse_cpu_list("64", "x", &m, &n) == 0 && n == 9 && m[8] == 0x01 && m[0] == 0 &&
              m[7] == 0);
        free(m);
        CHECK(spec_parse_cpu_list("1,1,0-1", "x", &m, &n) == 0 && n == 1 && m[0] == 0x03);
        free(m);

        static const char *const bad[] = {"a",    "-1",  "1-",      "3-1", "1,",   ",1",
                                          "1 ,2", "1;2", "0-99999", " 1",  "1--2", "0x1"};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                m = NULL;
                n_errors = 0;
                int r = spec_parse_cpu_list(bad[i], "linux.resources.cpu.cpus", &m, &n);
                if (r != -EINVAL || m || n_errors != 1) {
                        fprintf(stderr, "%s:%d: cpu list \"%s\" accepted (r=%d)\n", __FILE__,
                                __LINE__, bad[i], r);
                        failures++;
                }
                free(m);
        }
}

static void test_pids_blkio(void)
{
        struct spec_resources *r;

        r = PARSE_OK("{\"pids\":{\"limit\":5}}");
        CHECK(r->has_tasks_max && r->tasks_max == 5);
        spec_resources_free(r);
        r = PARSE_OK("{\"pids\":{\"limit\":0}}");
        CHECK(r->has_tasks_max && r->tasks_max == UINT64_MAX);
        spec_resources_free(r);
        r = PARSE_OK("{\"pids\":{\"limit\":-1}}");
        CHECK(r->has_tasks_max && r->tasks_max == UINT64_MAX);
        spec_resources_free(r);
        FAIL("{\"pids\":{\"limit\":-2}}", "linux.resources.pids.limit must be an integer");

        r = PARSE_OK("{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,"
                     "\"weight\":10}],\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":16,"
                     "\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":253,"
                     "\"minor\":1,\"rate\":0}]}}");
        CHECK(r->has_io_weight && r->io_weight == 1 + (500 - 10) * 9999 / 990);
        CHECK(r->n_io[SPEC_IO_DEVICE_WEIGHT] == 1);
        CHECK_STREQ(r->io[SPEC_IO_DEVICE_WEIGHT][0].path, "/dev/block/8:0");
        CHECK(r->io[SPEC_IO_DEVICE_WEIGHT][0].value == 1);
        CHECK(r->n_io[SPEC_IO_READ_BANDWIDTH] == 1);
        CHECK_STREQ(r->io[SPEC_IO_READ_BANDWIDTH][0].path, "/dev/block/8:16");
        CHECK(r->io[SPEC_IO_READ_BANDWIDTH][0].value == 1048576);
        CHECK(r->n_io[SPEC_IO_WRITE_IOPS] == 1);
        CHECK_STREQ(r->io[SPEC_IO_WRITE_IOPS][0].path, "/dev/block/253:1");
        CHECK(r->io[SPEC_IO_WRITE_IOPS][0].value == UINT64_MAX);
        CHECK(r->n_io[SPEC_IO_WRITE_BANDWIDTH] == 0 && r->n_io[SPEC_IO_READ_IOPS] == 0);
        spec_resources_free(r);
        r = PARSE_OK("{\"blockIO\":{\"weight\":1000}}");
        CHECK(r->io_weight == 10000);
        spec_resources_free(r);
        r = PARSE_OK("{\"blockIO\":{\"weight\":10}}");
        CHECK(r->io_weight == 1);
        spec_resources_free(r);

        FAIL("{\"blockIO\":{\"weight\":5}}", "linux.resources.blockIO.weight must be between");
        FAIL("{\"blockIO\":{\"leafWeight\":500}}",
             "linux.resources.blockIO.leafWeight is not supported yet");
        FAIL("{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"weight\":500}]}}",
             "linux.resources.blockIO.weightDevice[0].minor is required");
        FAIL("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}}",
             "linux.resources.blockIO.throttleReadBpsDevice[0].rate is required");
}

static bool has_allow(const struct spec_resources *r, const char *path, const char *access)
{
        for (size_t i = 0; i < r->n_device_allow; i++)
                if (streq(r->device_allow[i].path, path) &&
                    streq(r->device_allow[i].access, access))
                        return true;
        return false;
}

static void check_defaults(int line, const struct spec_resources *r)
{
        static const char *const defaults[] = {"/dev/char/1:3", "/dev/char/1:5", "/dev/char/1:7",
                                               "/dev/char/1:8", "/dev/char/1:9", "/dev/char/5:0",
                                               "/dev/char/5:2"};
        /* char-pts: "rw", or more when a rule added to it */
        bool ok = streq_ptr(r->device_policy, "strict") &&
                  (has_allow(r, "char-pts", "rw") || has_allow(r, "char-pts", "rwm"));
        for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
                ok = ok && has_allow(r, defaults[i], "rwm");
        if (!ok) {
                fprintf(stderr, "%s:%d: default devices missing\n", __FILE__, line);
                failures++;
        }
}

static void test_devices(void)
{
        struct spec_resources *r;

        /* runc spec's default: deny everything */
        r = PARSE_OK("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
        check_defaults(__LINE__, r);
        CHECK(r->n_device_allow == 8);
        spec_resources_free(r);

        /* podman's style: the defaults again, then a device with less access: allow rules
         * add up (systemd would replace the access of a path given twice) */
        r = PARSE_OK(
            "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
            "\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},{\"allow\":"
            "true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"r\"},"
            "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"w\"},"
            "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"m\"}]}");
        check_defaults(__LINE__, r);
        CHECK(has_allow(r, "/dev/char/1:5", "rwm"));
        CHECK(has_allow(r, "/dev/char/10:200", "wm"));
        CHECK(r->n_device_allow == 8 + 1);
        spec_resources_free(r);

        /* Docker's style: deny all, then allow some */
        r = PARSE_OK("{\"devices\":[{\"allow\":false,\"type\":\"a\",\"major\":-1,\"minor\":-1,"
                     "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,"
                     "\"minor\":229,\"access\":\"rw\"},{\"allow\":true,\"type\":\"b\","
                     "\"major\":8,\"minor\":0,\"access\":\"r\"},{\"allow\":true,\"type\":\"c\","
                     "\"access\":\"m\"},{\"allow\":true,\"type\":\"b\",\"major\":-1,"
                     "\"access\":\"m\"},{\"allow\":true,\"type\":\"c\",\"major\":136,"
                     "\"access\":\"rwm\"}]}");
        check_defaults(__LINE__, r);
        CHECK(has_allow(r, "/dev/char/10:229", "rw"));
        CHECK(has_allow(r, "/dev/block/8:0", "r"));
        CHECK(has_allow(r, "char-*", "m"));
        CHECK(has_allow(r, "block-*", "m"));
        CHECK(has_allow(r, "char-pts", "rwm")); /* 136 is "pts" in /proc/devices */
        CHECK(r->n_device_allow == 8 + 4);      /* char-pts: merged with the default's "rw" */
        spec_resources_free(r);

        /* everything allowed: nothing set */
        r = PARSE_OK("{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}");
        CHECK(!r->device_policy && r->n_device_allow == 0);
        spec_resources_free(r);
        r = PARSE_OK("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"a\"}]}");
        CHECK(!r->device_policy && r->n_device_allow == 0);
        spec_resources_free(r);
        /* a later deny-all starts over */
        r = PARSE_OK("{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":1},"
                     "{\"allow\":false}]}");
        check_defaults(__LINE__, r);
        CHECK(r->n_device_allow == 8);
        spec_resources_free(r);
        /* type a, partial access */
        r = PARSE_OK("{\"devices\":[{\"allow\":false},{\"allow\":true,\"access\":\"m\"}]}");
        CHECK(has_allow(r, "char-*", "m") && has_allow(r, "block-*", "m"));
        spec_resources_free(r);

        FAIL("{\"devices\":[{\"allow\":true},{\"allow\":false,\"type\":\"c\",\"major\":1,"
             "\"minor\":1}]}",
             "linux.resources.devices[1]: denying some devices while others are allowed cannot "
             "be expressed");
        FAIL("{\"devices\":[{\"allow\":false,\"access\":\"rw\"}]}",
             "linux.resources.devices[0]: denying some devices");
        FAIL("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"c\",\"major\":1,"
             "\"minor\":3},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5}]}",
             "linux.resources.devices[2]: denying some devices");
        FAIL("{\"devices\":[{\"access\":\"rwm\"}]}",
             "linux.resources.devices[0].allow is required");
        FAIL("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"x\"}]}",
             "linux.resources.devices[1].type: unknown device type \"x\"");
        FAIL("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"c\",\"access\":\"rx\"}]}",
             "linux.resources.devices[1].access: invalid access \"rx\"");
        FAIL("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"c\",\"minor\":3}]}",
             "linux.resources.devices[1]: a minor number without a major");
        FAIL("{\"devices\":[{\"allow\":false},{\"allow\":true,\"type\":\"a\",\"major\":1}]}",
             "linux.resources.devices[1]: type \"a\" with a major");
        FAIL("{\"devices\":{}}", "linux.resources.devices must be an array");
}

static void test_refused(void)
{
        FAIL("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
             "config.json: linux.resources.hugepageLimits is not supported yet");
        FAIL("{\"network\":{\"classID\":1}}", "linux.resources.network is not supported yet");
        FAIL("{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3}}}",
             "linux.resources.rdma is not supported yet");
        FAIL("{\"unified\":{\"memory.high\":\"1G\"}}",
             "linux.resources.unified is not supported yet");
        FAIL("[1]", "linux.resources must be an object");

        /* unknown properties are ignored */
        struct spec_resources *r = PARSE_OK("{\"foo\":1,\"pids\":{\"limit\":3,\"bar\":2}}");
        CHECK(r->tasks_max == 3);
        spec_resources_free(r);
}

/* A systemd too old for a property: retry without it, once per property. */
static void test_skip_unknown(void)
{
        sd_bus_error e1 = SD_BUS_ERROR_MAKE_CONST(SD_BUS_ERROR_PROPERTY_READ_ONLY,
                                                  "Cannot set property AllowedCPUs, or unknown "
                                                  "property.");
        sd_bus_error e2 = SD_BUS_ERROR_MAKE_CONST(SD_BUS_ERROR_INVALID_ARGS,
                                                  "Cannot set property MemorySwapMax, or unknown "
                                                  "property.");
        sd_bus_error other = SD_BUS_ERROR_MAKE_CONST(SD_BUS_ERROR_PROPERTY_READ_ONLY,
                                                     "Cannot set property Delegate, or unknown "
                                                     "property.");
        sd_bus_error wrong_name =
            SD_BUS_ERROR_MAKE_CONST(SD_BUS_ERROR_FAILED, "Cannot set property TasksMax, or "
                                                         "unknown property.");
        uint64_t skip = 0;

        CHECK(bus_resources_skip_unknown(&e1, &skip) == 1 && skip != 0);
        uint64_t first = skip;
        CHECK(bus_resources_skip_unknown(&e1, &skip) == 0 && skip == first); /* not twice */
        CHECK(bus_resources_skip_unknown(&e2, &skip) == 1 && skip != first);
        first = skip;
        CHECK(bus_resources_skip_unknown(&other, &skip) == 0 && skip == first);
        CHECK(bus_resources_skip_unknown(&wrong_name, &skip) == 0 && skip == first);
        CHECK(bus_resources_skip_unknown(NULL, &skip) == 0);
}

int main(void)
{
        log_set_sink(sink, NULL);
        test_empty();
        test_memory();
        test_cpu();
        test_cpu_list();
        test_pids_blkio();
        test_devices();
        test_refused();
        test_skip_unknown();
        return TEST_RESULT();
}
