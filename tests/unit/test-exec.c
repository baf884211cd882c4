/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the process `crunit exec` runs (src/runtime/exec-process.c) and the
 * standalone process parser (src/spec/spec-process-file.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <unistd.h>

#include "../../src/runtime/exec.h"
#include "../../src/shared/fs-util.h"
#include "../../src/shared/log.h"
#include "tests.h"

#define BIT(c) (UINT64_C(1) << (c))

static const char *config =
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
    " \"process\": {\"args\": [\"sleep\", \"1000\"], \"cwd\": \"/srv\","
    "  \"env\": [\"PATH=/bin\", \"A=1\", \"B=2\"],"
    "  \"user\": {\"uid\": 5, \"gid\": 6, \"additionalGids\": [11]},"
    "  \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"],"
    "   \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"],"
    "   \"inheritable\": [\"CAP_CHOWN\"]},"
    "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 20}],"
    "  \"oomScoreAdj\": 100, \"terminal\": true},"
    " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}";

static struct spec *load(void)
{
        struct spec *s = NULL;
        json_object *doc = json_tokener_parse(config);
        CHECK(doc);
        CHECK(spec_parse(doc, "/b", &s) == 0);
        json_object_put(doc);
        return s;
}

static void test_flags(void)
{
        _cleanup_spec_ struct spec *s = load();
        char *args[] = {"echo", "hi", NULL};
        char *env[] = {"A=over", "C=new", "B=x", "B=last", NULL};
        gid_t gids[] = {7, 8};
        struct exec_opts o = {
            .id = "c",
            .args = args,
            .env = env,
            .cwd = "/tmp",
            .has_uid = true,
            .uid = 1000,
            .gids = gids,
            .n_gids = 2,
            .caps = BIT(CAP_SYS_ADMIN) | BIT(CAP_CHOWN),
            .no_new_privs = true,
        };
        if (!s)
                return;
        CHECK(exec_build_process(s, &o) == 0);
        const struct spec_process *p = &s->process;
        CHECK_STREQ(p->args[0], "echo");
        CHECK_STREQ(p->args[1], "hi");
        CHECK(!p->args[2]);
        /* each name once, the last value, in the position of the first */
        CHECK_STREQ(p->env[0], "PATH=/bin");
        CHECK_STREQ(p->env[1], "A=over");
        CHECK_STREQ(p->env[2], "B=last");
        CHECK_STREQ(p->env[3], "C=new");
        CHECK(!p->env[4]);
        CHECK_STREQ(p->cwd, "/tmp");
        CHECK(p->uid == 1000 && p->gid == 6);
        CHECK(p->n_additional_gids == 3 && p->additional_gids[0] == 11 &&
              p->additional_gids[1] == 7 && p->additional_gids[2] == 8);
        uint64_t want = BIT(CAP_KILL) | BIT(CAP_SYS_ADMIN) | BIT(CAP_CHOWN);
        CHECK(p->caps.effective == want && p->caps.permitted == want);
        CHECK(p->caps.bounding == want);
        CHECK(p->caps.inheritable == BIT(CAP_CHOWN));
        CHECK(p->caps.ambient == BIT(CAP_CHOWN)); /* only what is also inheritable */
        CHECK(p->no_new_privileges);
        CHECK(!p->terminal); /* runc: only with -t */
        CHECK(!p->has_oom_score_adj);
        CHECK(p->n_rlimits == 1 && p->rlimits[0].soft == 10);
}

static void test_defaults(void)
{
        _cleanup_spec_ struct spec *s = load();
        char *args[] = {"true", NULL};
        struct exec_opts o = {.id = "c", .args = args, .tty = true};
        if (!s)
                return;
        CHECK(exec_build_process(s, &o) == 0);
        const struct spec_process *p = &s->process;
        CHECK_STREQ(p->cwd, "/srv");
        CHECK_STREQ(p->env[1], "A=1");
        CHECK(p->uid == 5 && p->gid == 6 && p->n_additional_gids == 1);
        CHECK(p->caps.effective == BIT(CAP_KILL) && p->caps.ambient == 0);
        CHECK(!p->no_new_privileges);
        CHECK(p->terminal);
}

static void test_process_file(const char *dir)
{
        _cleanup_spec_ struct spec *s = load();
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        CHECK(asprintf(&path, "%s/process.json", dir) > 0);
        if (!s || !path || dfd < 0)
                return;
        CHECK(write_file_atomic_at(dfd, "process.json",
                                   "{\"args\": [\"id\"], \"cwd\": \"/x\", \"env\": [\"Q=1\"],"
                                   " \"user\": {\"uid\": 3, \"gid\": 4}}",
                                   0644) == 0);
        struct exec_opts o = {.id = "c", .process_path = path};
        CHECK(exec_build_process(s, &o) == 0);
        const struct spec_process *p = &s->process;
        CHECK_STREQ(p->args[0], "id");
        CHECK_STREQ(p->cwd, "/x");
        CHECK_STREQ(p->env[0], "Q=1");
        CHECK(!p->env[1]);
        CHECK(p->uid == 3 && p->gid == 4 && p->n_additional_gids == 0);
        /* no capabilities, no rlimits: the container's */
        CHECK(p->has_caps && p->caps.effective == BIT(CAP_KILL));
        CHECK(p->n_rlimits == 1 && p->rlimits[0].hard == 20);
        CHECK(!p->terminal);

        struct spec_process np;
        CHECK(write_file_atomic_at(dfd, "process.json", "{\"args\": [\"id\"]}", 0644) == 0);
        CHECK(spec_load_process(path, &np) == -EINVAL); /* cwd is required */
        CHECK(write_file_atomic_at(dfd, "process.json", "{\"args\": ", 0644) == 0);
        CHECK(spec_load_process(path, &np) == -EINVAL);
        CHECK(write_file_atomic_at(dfd, "process.json", "[]", 0644) == 0);
        CHECK(spec_load_process(path, &np) == -EINVAL);
        CHECK(spec_load_process("/nonexistent/process.json", &np) == -ENOENT);
        CHECK(write_file_atomic_at(dfd, "process.json",
                                   "{\"args\": [\"id\"], \"cwd\": \"/\", \"terminal\": true,"
                                   " \"consoleSize\": {\"height\": 10, \"width\": 20}}",
                                   0644) == 0);
        CHECK(spec_load_process(path, &np) == 0);
        CHECK(np.terminal && np.console_height == 10 && np.console_width == 20);
        spec_process_done(&np);
}

int main(void)
{
        char dir[] = "/tmp/test-exec-XXXXXX";
        log_set_max_level(LOG_LEVEL_WARNING);
        if (!mkdtemp(dir))
                return 1;
        test_flags();
        test_defaults();
        test_process_file(dir);
        (void)rm_rf_at(AT_FDCWD, dir);
        return TEST_RESULT();
}
