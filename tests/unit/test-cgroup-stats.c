/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/runtime/cgroup-stats.c (the parsers of cgroup files behind `crunit events`
 * and the stats JSON of a fake cgroup tree, v2 and v1) and src/shared/parse-duration.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../src/runtime/cgroup-stats.h"
#include "../../src/shared/fs-util.h"
#include "../../src/shared/parse-duration.h"
#include "tests.h"

static const char *json(json_object *o)
{
        return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void check_json(json_object *o, const char *want)
{
        CHECK_STREQ(json(o), want);
}

static void test_u64(void)
{
        uint64_t v = 1;
        CHECK(cg_parse_u64("0\n", &v) == 0 && v == 0);
        CHECK(cg_parse_u64("123456789012\n", &v) == 0 && v == 123456789012ULL);
        CHECK(cg_parse_u64("max\n", &v) == 0 && v == UINT64_MAX);
        CHECK(cg_parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
        CHECK(cg_parse_u64("18446744073709551616", &v) < 0);
        CHECK(cg_parse_u64("", &v) < 0);
        CHECK(cg_parse_u64("-1", &v) < 0);
        CHECK(cg_parse_u64("12 13", &v) < 0);
        CHECK(cg_parse_u64("12k", &v) < 0);
        CHECK(cg_parse_u64("maximum", &v) < 0);
}

static void test_keyed(void)
{
        const char *cpu = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\n";
        uint64_t v = 0;
        CHECK(cg_keyed_get(cpu, "usage_usec", &v) == 0 && v == 1500);
        CHECK(cg_keyed_get(cpu, "system_usec", &v) == 0 && v == 500);
        CHECK(cg_keyed_get(cpu, "nr_periods", &v) == 0 && v == 0);
        CHECK(cg_keyed_get(cpu, "nr_throttled", &v) == -ENOENT);
        CHECK(cg_keyed_get("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n", "oom_kill", &v) == 0 &&
              v == 1);
        /* no trailing newline, blank lines */
        CHECK(cg_keyed_get("a 1\n\nb 2", "b", &v) == 0 && v == 2);
        CHECK(cg_keyed_get("a 1\nb\n", "a", &v) == -EINVAL);
        CHECK(cg_keyed_get("a x\n", "a", &v) == -EINVAL);
        CHECK(cg_keyed_get("a 1 2\n", "a", &v) == -EINVAL);
}

static void test_lists(void)
{
        json_object *a = NULL, *b = NULL;
        CHECK(cg_parse_u64_list("11048040 3713003 \n", &a) == 0);
        check_json(a, "[11048040,3713003]");
        json_object_put(a);
        CHECK(cg_parse_u64_list("\n", &a) == 0);
        check_json(a, "[]");
        json_object_put(a);
        CHECK(cg_parse_u64_list("1 x\n", &a) < 0);

        CHECK(cg_parse_usage_all("cpu user system\n0 100 200\n1 300 400\n", &a, &b) == 0);
        check_json(a, "[100,300]");
        check_json(b, "[200,400]");
        json_object_put(a);
        json_object_put(b);
        CHECK(cg_parse_usage_all("cpu user system\n0 100\n", &a, &b) < 0);
        CHECK(cg_parse_usage_all("0 1 2\n", &a, &b) < 0);

        CHECK(cg_parse_range_list("0-3,8,10-11\n", &a) == 0);
        check_json(a, "[0,1,2,3,8,10,11]");
        json_object_put(a);
        CHECK(cg_parse_range_list("\n", &a) == 0);
        check_json(a, "[]");
        json_object_put(a);
        CHECK(cg_parse_range_list("0\n", &a) == 0);
        check_json(a, "[0]");
        json_object_put(a);
        CHECK(cg_parse_range_list("3-1\n", &a) < 0);
        CHECK(cg_parse_range_list("a\n", &a) < 0);
        CHECK(cg_parse_range_list("1,,2\n", &a) < 0);
}

static void test_blkio(void)
{
        json_object *o = json_object_new_object(), *a = NULL;
        CHECK(cg_parse_io_stat("8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n"
                               "253:1 rbytes=0 wbytes=8192 rios=0 wios=2\n",
                               o) == 0);
        check_json(o, "{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096},"
                      "{\"major\":8,\"op\":\"Write\"},{\"major\":253,\"minor\":1,\"op\":\"Read\"},"
                      "{\"major\":253,\"minor\":1,\"op\":\"Write\",\"value\":8192}],"
                      "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},"
                      "{\"major\":8,\"op\":\"Write\"},{\"major\":253,\"minor\":1,\"op\":\"Read\"},"
                      "{\"major\":253,\"minor\":1,\"op\":\"Write\",\"value\":2}]}");
        json_object_put(o);
        o = json_object_new_object();
        CHECK(cg_parse_io_stat("8:0 rbytes\n", o) < 0);
        CHECK(cg_parse_io_stat("8 rbytes=1\n", o) < 0);
        json_object_put(o);

        CHECK(cg_parse_blkio_v1("8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n", &a) ==
              0);
        check_json(a, "[{\"major\":8,\"op\":\"Read\",\"value\":4096},"
                      "{\"major\":8,\"op\":\"Write\",\"value\":512},"
                      "{\"major\":8,\"op\":\"Total\",\"value\":4608}]");
        json_object_put(a);
        CHECK(cg_parse_blkio_v1("8:16 123\n", &a) == 0); /* blkio.sectors_recursive */
        check_json(a, "[{\"major\":8,\"minor\":16,\"value\":123}]");
        json_object_put(a);
        CHECK(cg_parse_blkio_v1("Total 0\n", &a) == 0);
        check_json(a, "[]");
        json_object_put(a);
        CHECK(cg_parse_blkio_v1("8:0 Read\n", &a) < 0); /* 3 fields: "Read" is the value */
        CHECK(cg_parse_blkio_v1("8:0\n", &a) < 0);
        CHECK(cg_parse_blkio_v1("x:0 Read 1\n", &a) < 0);
}

/* --- a fake cgroup tree ---------------------------------------------------------------- */

static char tree[] = "/tmp/test-cgroup-stats.XXXXXX";

static void put(const char *rel, const char *content)
{
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", tree, rel);
        char *slash = strrchr(path, '/');
        *slash = '\0';
        CHECK(mkdir_p(path, 0755) == 0);
        *slash = '/';
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        CHECK(fd >= 0);
        CHECK(write_all(fd, content, strlen(content)) == 0);
        close(fd);
}

#define CG "/machine.slice/crunit-x.scope"

static void test_tree_v2(void)
{
        json_object *o = NULL;
        CHECK(cgroup_stats_json(tree, true, CG, &o) == -ENOENT);

        /* no controllers (the unified test sandbox): only cpu.stat */
        put("v2" CG "/cpu.stat", "usage_usec 2000\nuser_usec 1500\nsystem_usec 500\n");
        char root[4200];
        snprintf(root, sizeof root, "%s/v2", tree);
        CHECK(cgroup_stats_json(root, true, CG, &o) == 0);
        check_json(o, "{\"cpu\":{\"usage\":{\"total\":2000000,\"kernel\":500000,\"user\":1500000},"
                      "\"throttling\":{}},"
                      "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,"
                      "\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
                      "\"memory_pressure\":0,\"sched_load_balance\":0,"
                      "\"sched_relax_domain_level\":0},"
                      "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},"
                      "\"swap\":{\"limit\":0,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},"
                      "\"kernelTCP\":{\"limit\":0,\"failcnt\":0}},"
                      "\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},"
                      "\"network_interfaces\":null}");
        json_object_put(o);

        /* all controllers */
        put("v2" CG "/cpu.stat", "usage_usec 2000\nuser_usec 1500\nsystem_usec 500\n"
                                 "nr_periods 10\nnr_throttled 2\nthrottled_usec 7\n");
        put("v2" CG "/cpuset.cpus.effective", "0-1\n");
        put("v2" CG "/cpuset.mems.effective", "0\n");
        put("v2" CG "/memory.current", "1048576\n");
        put("v2" CG "/memory.max", "33554432\n");
        put("v2" CG "/memory.peak", "2097152\n");
        put("v2" CG "/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
        put("v2" CG "/memory.swap.current", "0\n");
        put("v2" CG "/memory.swap.max", "max\n");
        put("v2" CG "/memory.stat", "anon 4096\nfile 8192\nkernel_stack 16384\n");
        put("v2" CG "/pids.current", "3\n");
        put("v2" CG "/pids.max", "max\n");
        put("v2" CG "/io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2\n");
        put("v2" CG "/hugetlb.2MB.current", "0\n");
        put("v2" CG "/hugetlb.2MB.events", "max 5\n");
        put("v2" CG "/hugetlb.2MB.rsvd.current", "0\n");
        put("v2" CG "/hugetlb.1GB.current", "1073741824\n");
        put("v2" CG "/hugetlb.1GB.events", "max 0\n");
        CHECK(cgroup_stats_json(root, true, CG, &o) == 0);
        check_json(
            o, "{\"cpu\":{\"usage\":{\"total\":2000000,\"kernel\":500000,\"user\":1500000},"
               "\"throttling\":{\"periods\":10,\"throttledPeriods\":2,\"throttledTime\":7000}},"
               "\"cpuset\":{\"cpus\":[0,1],\"mems\":[0],\"cpu_exclusive\":0,\"mem_hardwall\":0,"
               "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,"
               "\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
               "\"sched_relax_domain_level\":0},"
               "\"memory\":{\"cache\":8192,"
               "\"usage\":{\"limit\":33554432,\"usage\":1048576,\"max\":2097152,\"failcnt\":4},"
               "\"swap\":{\"limit\":18446744073709551615,\"usage\":1048576,\"failcnt\":0},"
               "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
               "\"raw\":{\"anon\":4096,\"file\":8192,\"kernel_stack\":16384}},"
               "\"pids\":{\"current\":3},"
               "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":10},"
               "{\"major\":8,\"op\":\"Write\",\"value\":20}],"
               "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},"
               "{\"major\":8,\"op\":\"Write\",\"value\":2}]},"
               "\"hugetlb\":{\"1GB\":{\"usage\":1073741824,\"failcnt\":0},"
               "\"2MB\":{\"failcnt\":5}},"
               "\"intel_rdt\":{},\"network_interfaces\":null}");
        json_object_put(o);

        /* a malformed file is an error */
        put("v2" CG "/pids.current", "three\n");
        CHECK(cgroup_stats_json(root, true, CG, &o) == -EINVAL);
}

static void test_tree_v1(void)
{
        char root[4200];
        json_object *o = NULL;
        snprintf(root, sizeof root, "%s/v1", tree);
        put("v1/systemd" CG "/cgroup.procs", "1\n");
        put("v1/unified" CG "/cpu.stat", "usage_usec 3\nuser_usec 2\nsystem_usec 1\n");
        /* nothing but the name=systemd and unified hierarchies: the usage from the latter */
        CHECK(cgroup_stats_json(root, false, CG, &o) == 0);
        json_object *cpu = json_object_object_get(o, "cpu");
        check_json(cpu,
                   "{\"usage\":{\"total\":3000,\"kernel\":1000,\"user\":2000},\"throttling\":{}}");
        json_object_put(o);

        put("v1/cpuacct" CG "/cpuacct.usage", "14761043\n");
        put("v1/cpuacct" CG "/cpuacct.usage_percpu", "11048040 3713003 \n");
        put("v1/cpuacct" CG "/cpuacct.usage_all",
            "cpu user system\n0 7000000 4048040\n1 3000000 713003\n");
        char stat[64];
        long hz = sysconf(_SC_CLK_TCK);
        snprintf(stat, sizeof stat, "user %ld\nsystem %ld\n", hz, 2 * hz); /* 1s, 2s */
        put("v1/cpuacct" CG "/cpuacct.stat", stat);
        put("v1/cpu" CG "/cpu.stat", "nr_periods 5\nnr_throttled 1\nthrottled_time 123\n");
        put("v1/cpuset" CG "/cpuset.cpus", "0-1\n");
        put("v1/cpuset" CG "/cpuset.mems", "0\n");
        put("v1/cpuset" CG "/cpuset.sched_load_balance", "1\n");
        put("v1/cpuset" CG "/cpuset.sched_relax_domain_level", "-1\n");
        put("v1/memory" CG "/memory.limit_in_bytes", "67108864\n");
        put("v1/memory" CG "/memory.usage_in_bytes", "720896\n");
        put("v1/memory" CG "/memory.max_usage_in_bytes", "2772992\n");
        put("v1/memory" CG "/memory.failcnt", "0\n");
        put("v1/memory" CG "/memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n");
        put("v1/memory" CG "/memory.kmem.tcp.usage_in_bytes", "0\n");
        put("v1/memory" CG "/memory.stat", "cache 0\nrss 53248\ntotal_rss 53248\n");
        put("v1/pids" CG "/pids.current", "1\n");
        put("v1/pids" CG "/pids.max", "28909\n");
        put("v1/blkio" CG "/blkio.io_service_bytes_recursive", "Total 0\n");
        put("v1/blkio" CG "/blkio.throttle.io_service_bytes_recursive",
            "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
        put("v1/hugetlb" CG "/hugetlb.2MB.usage_in_bytes", "2097152\n");
        put("v1/hugetlb" CG "/hugetlb.2MB.max_usage_in_bytes", "4194304\n");
        put("v1/hugetlb" CG "/hugetlb.2MB.failcnt", "1\n");
        CHECK(cgroup_stats_json(root, false, CG, &o) == 0);
        check_json(o,
                   "{\"cpu\":{\"usage\":{\"total\":14761043,\"percpu\":[11048040,3713003],"
                   "\"percpu_kernel\":[4048040,713003],\"percpu_user\":[7000000,3000000],"
                   "\"kernel\":2000000000,\"user\":1000000000},"
                   "\"throttling\":{\"periods\":5,\"throttledPeriods\":1,\"throttledTime\":123}},"
                   "\"cpuset\":{\"cpus\":[0,1],\"mems\":[0],\"cpu_exclusive\":0,\"mem_hardwall\":0,"
                   "\"mem_exclusive\":0,\"memory_migrate\":0,\"memory_spread_page\":0,"
                   "\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":1,"
                   "\"sched_relax_domain_level\":-1},"
                   "\"memory\":{\"usage\":{\"limit\":67108864,\"usage\":720896,\"max\":2772992,"
                   "\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
                   "\"kernel\":{\"limit\":0,\"failcnt\":0},"
                   "\"kernelTCP\":{\"limit\":9223372036854771712,\"failcnt\":0},"
                   "\"raw\":{\"cache\":0,\"rss\":53248,\"total_rss\":53248}},"
                   "\"pids\":{\"current\":1,\"limit\":28909},"
                   "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\","
                   "\"value\":4096},{\"major\":8,\"op\":\"Write\"}]},"
                   "\"hugetlb\":{\"2MB\":{\"usage\":2097152,\"max\":4194304,\"failcnt\":1}},"
                   "\"intel_rdt\":{},\"network_interfaces\":null}");
        json_object_put(o);
}

/* cgroup v2's OOM watch: inotify on memory.events sees a rewritten fake file just as well */
static void test_oom_watch_v2(void)
{
        char root[4200];
        struct oom_watch w;
        snprintf(root, sizeof root, "%s/oom", tree);

        /* no memory controller: nothing to watch, not an error */
        put("oom" CG "/cpu.stat", "usage_usec 0\n");
        CHECK(oom_watch_open(root, true, CG, &w) == 0);
        CHECK(w.fd < 0);
        CHECK(oom_watch_read(&w) == 0);
        oom_watch_close(&w);

        put("oom" CG "/memory.events", "low 0\nhigh 0\nmax 0\noom 2\noom_kill 2\n");
        CHECK(oom_watch_open(root, true, CG, &w) == 0);
        CHECK(w.fd >= 0);
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        CHECK(poll(&p, 1, 0) == 0);
        CHECK(oom_watch_read(&w) == 0); /* the kills before the watch do not count */
        put("oom" CG "/memory.events", "low 0\nhigh 0\nmax 3\noom 3\noom_kill 2\n");
        CHECK(poll(&p, 1, 1000) == 1);
        CHECK(oom_watch_read(&w) == 0); /* an OOM without a kill */
        put("oom" CG "/memory.events", "low 0\nhigh 0\nmax 3\noom 4\noom_kill 3\n");
        CHECK(poll(&p, 1, 1000) == 1);
        CHECK(oom_watch_read(&w) == 1);
        CHECK(oom_watch_read(&w) == 0); /* drained */
        put("oom" CG "/memory.events", "low 0\nhigh 0\nmax 5\noom 6\noom_kill 5\n");
        CHECK(poll(&p, 1, 1000) == 1);
        CHECK(oom_watch_read(&w) == 2);
        char path[4300];
        snprintf(path, sizeof path, "%s%s/memory.events", root, CG);
        CHECK(unlink(path) == 0);
        CHECK(oom_watch_read(&w) == -ENOENT);
        oom_watch_close(&w);
        CHECK(w.fd < 0);
}

static void check_duration(const char *s, int64_t want)
{
        int64_t v = -42;
        int r = parse_go_duration(s, &v);
        if (r != 0 || v != want)
                fprintf(stderr, "parse_go_duration(\"%s\"): r=%d v=%lld, want %lld\n", s, r,
                        (long long)v, (long long)want);
        CHECK(r == 0 && v == want);
}

static void test_duration(void)
{
        int64_t v;
        check_duration("5s", 5000000000LL);
        check_duration("500ms", 500000000LL);
        check_duration("1.5s", 1500000000LL);
        check_duration("1m30s", 90000000000LL);
        check_duration("1h", 3600000000000LL);
        check_duration("10us", 10000);
        check_duration("10\xc2\xb5s", 10000);
        check_duration("7ns", 7);
        check_duration("0", 0);
        check_duration("0s", 0);
        check_duration("-1s", -1000000000LL);
        check_duration("+2ms", 2000000);
        check_duration(".5s", 500000000LL);
        check_duration("1.s", 1000000000LL);
        CHECK(parse_go_duration("", &v) == -EINVAL);
        CHECK(parse_go_duration("5", &v) == -EINVAL);
        CHECK(parse_go_duration("s", &v) == -EINVAL);
        CHECK(parse_go_duration("5x", &v) == -EINVAL);
        CHECK(parse_go_duration("1s ", &v) == -EINVAL);
        CHECK(parse_go_duration(".s", &v) == -EINVAL);
        CHECK(parse_go_duration("3000000h", &v) == -ERANGE);
}

int main(void)
{
        test_u64();
        test_keyed();
        test_lists();
        test_blkio();
        test_duration();
        CHECK(mkdtemp(tree) != NULL);
        test_tree_v2();
        test_tree_v1();
        test_oom_watch_v2();
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tree);
        CHECK(system(cmd) == 0);
        return TEST_RESULT();
}
