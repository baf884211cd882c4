/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.intelRdt: parsing (spec-intelrdt.c) and the resctrl side (runtime/intelrdt.c), run
 * against a temporary directory laid out like /sys/fs/resctrl (these machines have no RDT).
 * Where the real kernel does something on its own (a new group's files appear with mkdir, an
 * rmdir takes the group's files along), the test does it by hand, marked "kernel:". */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/runtime/intelrdt.h"
#include "../../src/runtime/state.h"
#include "../../src/shared/fs-util.h"
#include "../../src/shared/log.h"
#include "../../src/spec/spec-internal.h"
#include "tests.h"

static char last_error[2048];
static unsigned n_errors;

static void sink(enum log_level level, const char *msg, void *userdata)
{
        if (level <= LOG_LEVEL_ERROR) {
                snprintf(last_error, sizeof last_error, "%s", msg);
                n_errors++;
        }
}

static void reset_errors(void)
{
        last_error[0] = '\0';
        n_errors = 0;
}

#define CHECK_ERROR(expect)                                                                        \
        do {                                                                                       \
                CHECK(n_errors == 1);                                                              \
                if (!strstr(last_error, (expect))) {                                               \
                        fprintf(stderr, "%s:%d: error \"%s\" lacks \"%s\"\n", __FILE__, __LINE__,  \
                                last_error, (expect));                                             \
                        failures++;                                                                \
                }                                                                                  \
                reset_errors();                                                                    \
        } while (0)

static char tmp[] = "/tmp/test-intelrdt.XXXXXX";
static int rootfd = -1;

static void put(const char *path, const char *content)
{
        int fd = openat(rootfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write_all(fd, content, strlen(content)) < 0)
                abort();
        close(fd);
}

static char *get(const char *path)
{
        char *s = NULL;
        return read_full_file_at(rootfd, path, &s, NULL) < 0 ? NULL : s;
}

static bool exists(const char *path)
{
        return faccessat(rootfd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* kernel: rmdir of a group takes its files with it */
static void kernel_drop_files(const char *group)
{
        char p[256];
        snprintf(p, sizeof p, "%s/schemata", group);
        (void)unlinkat(rootfd, p, 0);
        snprintf(p, sizeof p, "%s/tasks", group);
        (void)unlinkat(rootfd, p, 0);
}

static struct spec_intel_rdt *parse(const char *json)
{
        _cleanup_json_ json_object *o = json_tokener_parse(json);
        struct spec s = {};
        if (!o)
                abort();
        reset_errors();
        if (spec_parse_intel_rdt(o, &s) < 0)
                return NULL;
        return s.intel_rdt;
}

static void test_parse(void)
{
        struct spec_intel_rdt *r;

        /* runtime-spec: MB lines of l3CacheSchema give way to memBwSchema; schemata last */
        r = parse("{\"closID\":\"g\",\"l3CacheSchema\":\"L3:0=7f0;1=1f\\nMB:0=10\","
                  "\"memBwSchema\":\"MB:0=20;1=70\",\"schemata\":[\"L2:0=f\",\"MB:0=30\"]}");
        CHECK(r);
        if (r) {
                CHECK_STREQ(r->clos_id, "g");
                CHECK(strv_length(r->schemata_first) == 2);
                CHECK_STREQ(r->schemata_first[0], "L3:0=7f0;1=1f");
                CHECK_STREQ(r->schemata_first[1], "MB:0=20;1=70");
                CHECK(strv_length(r->schemata_last) == 2);
                CHECK_STREQ(r->schemata_last[0], "L2:0=f");
                CHECK_STREQ(r->schemata_last[1], "MB:0=30");
                CHECK(!r->enable_cmt && !r->enable_mbm);
        }
        spec_intel_rdt_free(r);

        /* without memBwSchema the MB line of l3CacheSchema stays; schemata as one string */
        r = parse("{\"closID\":\"\",\"l3CacheSchema\":\"L3:0=f\\nMB:0=10\\n\","
                  "\"schemata\":\"L3CODE:0=f\\nL3DATA:0=f\",\"enableCMT\":true,"
                  "\"enableMBM\":true}");
        CHECK(r);
        if (r) {
                CHECK(!r->clos_id); /* "" is no closID */
                CHECK(strv_length(r->schemata_first) == 2);
                CHECK_STREQ(r->schemata_first[1], "MB:0=10");
                CHECK(strv_length(r->schemata_last) == 2);
                CHECK_STREQ(r->schemata_last[1], "L3DATA:0=f");
                CHECK(r->enable_cmt && r->enable_mbm);
        }
        spec_intel_rdt_free(r);

        r = parse("{}"); /* set: a group named after the container */
        CHECK(r && !r->clos_id && !r->schemata_first && !r->schemata_last);
        spec_intel_rdt_free(r);

        CHECK(!parse("{\"closID\":\"mon_groups\"}"));
        CHECK_ERROR("linux.intelRdt.closID \"mon_groups\" is not a valid resctrl group name");
        CHECK(!parse("{\"memBwSchema\":\"MB:0=1\\nL3:0=f\"}"));
        CHECK_ERROR("memBwSchema must be one line starting with \"MB:\"");

        CHECK(resctrl_group_name_is_valid("guaranteed_group"));
        CHECK(!resctrl_group_name_is_valid(""));
        CHECK(!resctrl_group_name_is_valid("."));
        CHECK(!resctrl_group_name_is_valid("a/b"));
        CHECK(!resctrl_group_name_is_valid("info"));
        CHECK(!resctrl_group_name_is_valid("tasks"));
}

static void test_match(void)
{
        char *l3[] = {"L3:0=7f0;1=1f", NULL};
        char *mb[] = {"MB:0=20;1=70", NULL};
        char *l3_one[] = {"L3:1=1f", NULL};
        char *l3_other[] = {"L3:0=ff", NULL};
        char *bad[] = {"L3:0", NULL};
        /* the kernel right-aligns names and zero-pads bit masks */
        const char *have = "    L3:0=007f0;1=0001f\n    MB:0= 20;1= 70\n";

        CHECK(intelrdt_schemata_match(have, l3, mb));
        CHECK(intelrdt_schemata_match(have, NULL, l3_one)); /* a subset of the domains */
        CHECK(!intelrdt_schemata_match(have, l3_other, NULL));
        CHECK(!intelrdt_schemata_match("MB:0=20;1=70\n", l3, NULL)); /* no L3 line */
        CHECK(!intelrdt_schemata_match(have, bad, NULL));
        /* a later line (the schemata field) overrides an earlier one for the same id */
        CHECK(intelrdt_schemata_match("L3:0=ff;1=1f\n", l3, l3_other));
        CHECK(!intelrdt_schemata_match("L3:0=7f0;1=1f\n", l3, l3_other));
        CHECK(intelrdt_schemata_match("", NULL, NULL));
}

static void test_check(void)
{
        struct spec_intel_rdt *r;

        r = parse("{\"l3CacheSchema\":\"L3:0=f\",\"memBwSchema\":\"MB:0=20\","
                  "\"enableCMT\":true,\"enableMBM\":true}");
        CHECK(r && intelrdt_check(rootfd, r) == 0);
        CHECK(n_errors == 0);
        spec_intel_rdt_free(r);

        r = parse("{\"schemata\":[\"L2:0=f\"]}");
        CHECK(r && intelrdt_check(rootfd, r) < 0);
        CHECK_ERROR("linux.intelRdt: resctrl has no resource \"L2\" (no info/L2)");
        spec_intel_rdt_free(r);

        r = parse("{\"enableMBM\":true}");
        put("info/L3_MON/mon_features", "llc_occupancy\n");
        CHECK(r && intelrdt_check(rootfd, r) < 0);
        CHECK_ERROR("linux.intelRdt.enableMBM: this CPU does not offer memory bandwidth "
                    "monitoring");
        put("info/L3_MON/mon_features", "llc_occupancy\nmbm_local_bytes\n");
        CHECK(r && intelrdt_check(rootfd, r) == 0);
        spec_intel_rdt_free(r);

        r = parse("{\"enableCMT\":true}");
        put("info/L3_MON/mon_features", "mbm_total_bytes\n");
        CHECK(r && intelrdt_check(rootfd, r) < 0);
        CHECK_ERROR("linux.intelRdt.enableCMT: this CPU does not offer cache occupancy "
                    "monitoring (no llc_occupancy in info/L3_MON/mon_features)");
        CHECK(unlinkat(rootfd, "info/L3_MON/mon_features", 0) == 0 &&
              unlinkat(rootfd, "info/L3_MON", AT_REMOVEDIR) == 0);
        CHECK(r && intelrdt_check(rootfd, r) < 0);
        CHECK_ERROR("linux.intelRdt.enableCMT: resctrl offers no monitoring here (no "
                    "info/L3_MON)");
        spec_intel_rdt_free(r);
}

static void test_apply(void)
{
        struct spec_intel_rdt *r;
        bool created = true;
        char *s;

        /* a new group named after the container: created, schemata written, pid added */
        r = parse("{\"l3CacheSchema\":\"L3:0=7f0;1=1f\",\"memBwSchema\":\"MB:0=20;1=70\","
                  "\"schemata\":[\"L3CODE:0=f\"]}");
        CHECK(r && streq(intelrdt_group_name(r, "ctr1"), "ctr1"));
        CHECK(r && intelrdt_apply(rootfd, r, "ctr1", 1234, &created) == 0 && created);
        CHECK_STREQ(s = get("ctr1/schemata"), "L3:0=7f0;1=1f\nMB:0=20;1=70\nL3CODE:0=f\n");
        free(s);
        CHECK_STREQ(s = get("ctr1/tasks"), "1234\n");
        free(s);
        spec_intel_rdt_free(r);

        /* an existing closID group with the same schemata (as the kernel shows them): joined,
         * its schemata left alone */
        CHECK(mkdirat(rootfd, "shared", 0755) == 0);
        const char *have = "    L3:0=007f0;1=0001f\n    MB:0= 20;1= 70\n";
        put("shared/schemata", have);
        put("shared/tasks", "");
        r = parse("{\"closID\":\"shared\",\"l3CacheSchema\":\"L3:0=7f0;1=1f\","
                  "\"memBwSchema\":\"MB:0=20;1=70\"}");
        CHECK(r && streq(intelrdt_group_name(r, "ctr2"), "shared"));
        CHECK(r && intelrdt_apply(rootfd, r, "shared", 77, &created) == 0 && !created);
        CHECK_STREQ(s = get("shared/schemata"), have);
        free(s);
        CHECK_STREQ(s = get("shared/tasks"), "77\n");
        free(s);
        spec_intel_rdt_free(r);

        /* … and with other schemata: an error, nothing changed */
        r = parse("{\"closID\":\"shared\",\"l3CacheSchema\":\"L3:0=ff;1=1f\"}");
        created = true;
        CHECK(r && intelrdt_apply(rootfd, r, "shared", 78, &created) < 0 && !created);
        CHECK_ERROR("linux.intelRdt: resctrl group shared already exists with other schemata");
        CHECK_STREQ(s = get("shared/tasks"), "77\n");
        free(s);
        CHECK(exists("shared/schemata"));
        spec_intel_rdt_free(r);

        /* a closID without schemata must have been set up beforehand */
        r = parse("{\"closID\":\"preset\"}");
        CHECK(r && intelrdt_apply(rootfd, r, "preset", 5, &created) < 0);
        CHECK_ERROR("linux.intelRdt: resctrl group preset (closID) does not exist");
        CHECK(!exists("preset"));
        CHECK(mkdirat(rootfd, "preset", 0755) == 0);
        put("preset/schemata", "L3:0=3\n");
        CHECK(r && intelrdt_apply(rootfd, r, "preset", 5, &created) == 0 && !created);
        CHECK_STREQ(s = get("preset/tasks"), "5\n");
        free(s);
        CHECK_STREQ(s = get("preset/schemata"), "L3:0=3\n");
        free(s);
        spec_intel_rdt_free(r);

        /* no closID, no schemata: a group of its own, nothing written to its schemata */
        r = parse("{}");
        CHECK(r && intelrdt_apply(rootfd, r, "ctr3", 9, &created) == 0 && created);
        CHECK(!exists("ctr3/schemata"));
        CHECK_STREQ(s = get("ctr3/tasks"), "9\n");
        free(s);

        /* exec: a process joins the container's group */
        CHECK(intelrdt_add_task(rootfd, "ctr3", 10) == 0);
        CHECK_STREQ(s = get("ctr3/tasks"), "9\n10\n");
        free(s);
        CHECK(intelrdt_add_task(rootfd, "gone", 10) < 0);
        CHECK_ERROR("linux.intelRdt: cannot open resctrl group gone");
        CHECK(intelrdt_add_task(rootfd, "../x", 10) < 0);
        CHECK_ERROR("is not a group name");

        /* a container id resctrl cannot take as a group name */
        CHECK(r && intelrdt_apply(rootfd, r, "info", 9, &created) < 0);
        CHECK_ERROR("linux.intelRdt: \"info\" cannot name a resctrl group: set "
                    "linux.intelRdt.closID");
        spec_intel_rdt_free(r);
}

static void test_remove(void)
{
        char pid[32];

        /* the container's own group: removed */
        kernel_drop_files("ctr1");
        CHECK(intelrdt_remove(rootfd, "ctr1", false) == 0);
        CHECK(!exists("ctr1"));
        CHECK(intelrdt_remove(rootfd, "ctr1", false) == 0); /* already gone: fine */

        /* a closID group crunit created that another container still uses: kept … */
        snprintf(pid, sizeof pid, "%d\n", (int)getpid());
        put("shared/tasks", pid);
        CHECK(intelrdt_remove(rootfd, "shared", true) == 0);
        CHECK(exists("shared/tasks"));
        /* … until its last task is gone */
        put("shared/tasks", "");
        CHECK(intelrdt_remove(rootfd, "shared", true) < 0); /* kernel files still there */
        reset_errors();
        kernel_drop_files("shared");
        CHECK(intelrdt_remove(rootfd, "shared", true) == 0);
        CHECK(!exists("shared"));
        CHECK(n_errors == 0);

        /* groups crunit did not create are not in the state, so never removed: only the
         * pre-existing "preset" is left, with the root's own files */
        CHECK(exists("preset/tasks"));
        kernel_drop_files("ctr3");
        CHECK(intelrdt_remove(rootfd, "ctr3", false) == 0);
}

static void test_state(void)
{
        _cleanup_close_ int dfd = -1;
        struct container_state st = {
            .id = "c", .rdt_group = "grp", .rdt_group_created = true, .rdt_group_shared = true};
        struct container_state *l = NULL;

        CHECK(mkdirat(rootfd, "state", 0700) == 0);
        dfd = openat(rootfd, "state", O_DIRECTORY | O_CLOEXEC);
        CHECK(dfd >= 0 && state_save(dfd, &st) == 0 && state_load(dfd, "c", &l) == 0);
        CHECK(l && streq_ptr(l->rdt_group, "grp") && l->rdt_group_created && l->rdt_group_shared);
        container_state_free(l);
        l = NULL;
        st.rdt_group_created = st.rdt_group_shared = false; /* a joined group */
        CHECK(state_save(dfd, &st) == 0 && state_load(dfd, "c", &l) == 0);
        CHECK(l && streq_ptr(l->rdt_group, "grp") && !l->rdt_group_created && !l->rdt_group_shared);
        container_state_free(l);
        l = NULL;
        st.rdt_group = NULL;
        CHECK(state_save(dfd, &st) == 0 && state_load(dfd, "c", &l) == 0);
        CHECK(l && !l->rdt_group && !l->rdt_group_created && !l->rdt_group_shared);
        container_state_free(l);
}

int main(void)
{
        log_set_sink(sink, NULL);
        if (!mkdtemp(tmp))
                return 1;
        rootfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0 || mkdirat(rootfd, "info", 0755) < 0 ||
            mkdirat(rootfd, "info/L3", 0755) < 0 || mkdirat(rootfd, "info/L3CODE", 0755) < 0 ||
            mkdirat(rootfd, "info/MB", 0755) < 0 || mkdirat(rootfd, "info/L3_MON", 0755) < 0)
                return 1;
        put("info/L3_MON/mon_features", "llc_occupancy\nmbm_total_bytes\nmbm_local_bytes\n");
        put("schemata", "L3:0=fff\nMB:0=100\n");
        put("tasks", "1\n");

        test_parse();
        test_match();
        test_check();
        test_apply();
        test_remove();
        test_state();

        (void)rm_rf_at(AT_FDCWD, tmp);
        return TEST_RESULT();
}
