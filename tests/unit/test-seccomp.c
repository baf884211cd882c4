/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for linux.seccomp: parsing and validation (src/spec/spec-seccomp.c) and compiling a
 * profile into a libseccomp filter exported as BPF (src/runtime/seccomp.c). Nothing is loaded
 * into the kernel. */
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../../src/runtime/seccomp.h"
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

/* Parses the default spec with linux.seccomp set to the JSON text `seccomp`. */
static int parse_seccomp(const char *seccomp, struct spec **ret)
{
        _cleanup_json_ json_object *doc = spec_default(false);
        json_object *linux_obj, *v;
        struct spec *s = NULL;

        if (!doc || !json_object_object_get_ex(doc, "linux", &linux_obj))
                abort();
        v = json_tokener_parse(seccomp);
        if (!v && !streq(seccomp, "null")) {
                fprintf(stderr, "bad test JSON: %s\n", seccomp);
                abort();
        }
        json_object_object_add(linux_obj, "seccomp", v);
        last_error[0] = '\0';
        n_errors = 0;
        int r = spec_parse(doc, "/bundle", &s);
        if (ret)
                *ret = s;
        else
                spec_free(s);
        return r;
}

static void check_fail(int line, const char *seccomp, const char *expect)
{
        struct spec *s = NULL;
        int r = parse_seccomp(seccomp, &s);
        bool ok = r == -EINVAL && !s && n_errors == 1 && startswith(last_error, "config.json: ") &&
                  !strchr(last_error, '\n') && (!expect || strstr(last_error, expect));
        if (!ok) {
                fprintf(stderr, "%s:%d: expected failure for %s: r=%d errors=%u msg=\"%s\"\n",
                        __FILE__, line, seccomp, r, n_errors, last_error);
                failures++;
        }
        spec_free(s);
}
#define FAIL(seccomp, expect) check_fail(__LINE__, seccomp, expect)

/* A profile wrapped around one syscalls[] entry. */
#define SYS1(entry) "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[" entry "]}"

static const char valid_profile[] =
    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
    " \"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
    " \"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
    "            \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
    " \"syscalls\":["
    "  {\"names\":[\"read\",\"write\",\"no_such_syscall_at_all\",\"socketcall\"],"
    "   \"action\":\"SCMP_ACT_ALLOW\"},"
    "  {\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"},"
    "  {\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
    "  {\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
    "    {\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
    "    {\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
    "    {\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
    "  {\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL_PROCESS\",\"args\":["
    "    {\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
    "    {\"index\":1,\"value\":255,\"valueTwo\":9,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "  {\"names\":[\"uname\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7},"
    "  {\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_LOG\"},"
    "  {\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_TRAP\"},"
    "  {\"names\":[\"tkill\"],\"action\":\"SCMP_ACT_KILL\"},"
    "  {\"names\":[\"tgkill\"],\"action\":\"SCMP_ACT_KILL_THREAD\"},"
    "  {\"names\":[\"chdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
    "  {\"names\":[\"fchdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
    "    {\"index\":0,\"value\":3,\"op\":\"SCMP_CMP_NE\"},"
    "    {\"index\":1,\"value\":3,\"op\":\"SCMP_CMP_LT\"},"
    "    {\"index\":2,\"value\":3,\"op\":\"SCMP_CMP_LE\"},"
    "    {\"index\":3,\"value\":3,\"op\":\"SCMP_CMP_GE\"},"
    "    {\"index\":4,\"value\":3,\"op\":\"SCMP_CMP_GT\"},"
    "    {\"index\":5,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}"
    " ]}";

static void test_parse_valid(void)
{
        struct spec *s = NULL;

        CHECK(parse_seccomp(valid_profile, &s) == 0);
        CHECK(n_errors == 0);
        if (!s || !s->seccomp) {
                fprintf(stderr, "valid profile refused: %s\n", last_error);
                failures++;
                spec_free(s);
                return;
        }
        const struct spec_seccomp *sc = s->seccomp;
        CHECK(sc->default_action == SCMP_ACT_ERRNO(38));
        CHECK(sc->n_architectures == 3);
        CHECK(sc->architectures[0] == SCMP_ARCH_X86_64);
        CHECK(sc->architectures[1] == SCMP_ARCH_X86);
        CHECK(sc->architectures[2] == SCMP_ARCH_X32);
        CHECK(sc->flag_tsync && sc->flag_log && sc->flag_spec_allow);
        CHECK(!sc->flag_wait_killable_recv);
        CHECK(sc->n_syscalls == 12);
        CHECK_STREQ(sc->syscalls[0].names[0], "read");
        CHECK_STREQ(sc->syscalls[0].names[2], "no_such_syscall_at_all");
        CHECK(sc->syscalls[0].names[4] == NULL);
        CHECK(sc->syscalls[0].action == SCMP_ACT_ALLOW);
        CHECK(sc->syscalls[1].action == SCMP_ACT_ERRNO(EPERM)); /* errnoRet defaults to EPERM */
        CHECK(sc->syscalls[2].action == SCMP_ACT_ERRNO(1));
        CHECK(sc->syscalls[3].n_args == 3);
        CHECK(sc->syscalls[3].args[2].value == UINT64_C(4294967295));
        CHECK(sc->syscalls[3].args[2].op == SCMP_CMP_EQ);
        CHECK(sc->syscalls[4].action == SCMP_ACT_KILL_PROCESS);
        CHECK(sc->syscalls[4].args[1].index == 1);
        CHECK(sc->syscalls[4].args[1].value == 255);
        CHECK(sc->syscalls[4].args[1].value_two == 9);
        CHECK(sc->syscalls[4].args[1].op == SCMP_CMP_MASKED_EQ);
        CHECK(sc->syscalls[5].action == SCMP_ACT_TRACE(7));
        CHECK(sc->syscalls[6].action == SCMP_ACT_LOG);
        CHECK(sc->syscalls[7].action == SCMP_ACT_TRAP);
        CHECK(sc->syscalls[8].action == SCMP_ACT_KILL);
        CHECK(sc->syscalls[9].action == SCMP_ACT_KILL_THREAD);
        CHECK(sc->syscalls[11].args[0].op == SCMP_CMP_NE);
        CHECK(sc->syscalls[11].args[1].op == SCMP_CMP_LT);
        CHECK(sc->syscalls[11].args[2].op == SCMP_CMP_LE);
        CHECK(sc->syscalls[11].args[3].op == SCMP_CMP_GE);
        CHECK(sc->syscalls[11].args[4].op == SCMP_CMP_GT);
        CHECK(sc->syscalls[11].args[5].value == UINT64_MAX);
        spec_free(s);

        /* Absent, null or empty: no filter (as runc). */
        CHECK(parse_seccomp("null", &s) == 0 && s && !s->seccomp);
        spec_free(s);
        CHECK(parse_seccomp("{}", &s) == 0 && s && !s->seccomp);
        spec_free(s);
        CHECK(parse_seccomp("{\"defaultAction\":\"\",\"syscalls\":[]}", &s) == 0 && s &&
              !s->seccomp);
        spec_free(s);

        /* Every architecture name libseccomp knows. */
        CHECK(parse_seccomp("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":["
                            "\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\",\"SCMP_ARCH_MIPS\","
                            "\"SCMP_ARCH_MIPS64\",\"SCMP_ARCH_MIPS64N32\",\"SCMP_ARCH_MIPSEL\","
                            "\"SCMP_ARCH_MIPSEL64\",\"SCMP_ARCH_MIPSEL64N32\",\"SCMP_ARCH_PPC\","
                            "\"SCMP_ARCH_PPC64\",\"SCMP_ARCH_PPC64LE\",\"SCMP_ARCH_S390\","
                            "\"SCMP_ARCH_S390X\",\"SCMP_ARCH_PARISC\",\"SCMP_ARCH_PARISC64\","
                            "\"SCMP_ARCH_RISCV64\"]}",
                            &s) == 0);
        CHECK(s && s->seccomp && s->seccomp->n_architectures == 16 &&
              s->seccomp->architectures[0] == SCMP_ARCH_AARCH64 &&
              s->seccomp->architectures[15] == SCMP_ARCH_RISCV64);
        CHECK(s && s->seccomp && s->seccomp->default_action == SCMP_ACT_KILL_PROCESS);
        spec_free(s);

        /* SCMP_ACT_NOTIFY with its listener (runtime/seccomp-notify.c) */
        CHECK(parse_seccomp("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                            "\"listenerPath\":\"/run/a.sock\","
                            "\"listenerMetadata\":\"m\",\"flags\":["
                            "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":[{\"names\":"
                            "[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                            &s) == 0);
        CHECK(s && s->seccomp && s->seccomp->uses_notify && s->seccomp->flag_wait_killable_recv &&
              s->seccomp->syscalls[0].action == SCMP_ACT_NOTIFY);
        CHECK(s && s->seccomp && streq_ptr(s->seccomp->listener_path, "/run/a.sock") &&
              streq_ptr(s->seccomp->listener_metadata, "m"));
        spec_free(s);
        /* a listenerPath without a notify rule: accepted, nothing to send */
        CHECK(parse_seccomp("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                            "\"listenerPath\":\"/run/a.sock\"}",
                            &s) == 0);
        CHECK(s && s->seccomp && !s->seccomp->uses_notify);
        spec_free(s);
}

static void test_parse_errors(void)
{
        FAIL("[]", "linux.seccomp must be an object");
        FAIL("{\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
             "linux.seccomp.defaultAction is required");
        FAIL("{\"defaultAction\":1}", "linux.seccomp.defaultAction must be a string");
        FAIL("{\"defaultAction\":\"SCMP_ACT_FOO\"}",
             "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"");
        FAIL("{\"defaultAction\":\"allow\"}", "linux.seccomp.defaultAction: unknown action");
        FAIL("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/run/x.sock\"}",
             "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
             "action");
        FAIL(SYS1("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}"),
             "linux.seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"x.sock\"}",
             "linux.seccomp.listenerPath must be absolute: \"x.sock\"");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":1}",
             "linux.seccomp.listenerMetadata must be a string");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
             "linux.seccomp.defaultAction: SCMP_ACT_ALLOW does not take an errno value, but "
             "linux.seccomp.defaultErrnoRet is set");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}",
             "linux.seccomp.defaultErrnoRet");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":\"EPERM\"}",
             "linux.seccomp.defaultErrnoRet");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":65536}",
             "linux.seccomp.defaultErrnoRet must be at most 65535");

        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":\"SCMP_ARCH_X86_64\"}",
             "linux.seccomp.architectures must be an array");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
             "\"SCMP_ARCH_FOO\"]}",
             "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}",
             "linux.seccomp.architectures[0]: unknown architecture \"x86_64\"");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_\"]}",
             "linux.seccomp.architectures[0]: unknown architecture");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_NATIVE\"]}",
             "linux.seccomp.architectures[0]: unknown architecture");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[5]}",
             "linux.seccomp.architectures[0] must be a string");

        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":{}}",
             "linux.seccomp.flags must be an array");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
             "\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
             "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":["
             "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}",
             "linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a rule with "
             "SCMP_ACT_NOTIFY");

        FAIL("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}",
             "linux.seccomp.syscalls must be an array");
        FAIL(SYS1("1"), "linux.seccomp.syscalls[0] must be an object");
        FAIL(SYS1("{\"action\":\"SCMP_ACT_ERRNO\"}"),
             "linux.seccomp.syscalls[0].names is required");
        FAIL(SYS1("{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}"),
             "linux.seccomp.syscalls[0].names must not be empty");
        FAIL(SYS1("{\"names\":\"mkdir\",\"action\":\"SCMP_ACT_ERRNO\"}"),
             "linux.seccomp.syscalls[0].names must be an array");
        FAIL(SYS1("{\"names\":[\"mkdir\",2],\"action\":\"SCMP_ACT_ERRNO\"}"),
             "linux.seccomp.syscalls[0].names[1] must be a string");
        FAIL(SYS1("{\"names\":[\"mkdir\"]}"), "linux.seccomp.syscalls[0].action is required");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":[]}"),
             "linux.seccomp.syscalls[0].action must be a string");
        FAIL(SYS1("{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                  "{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                  "{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                  "{\"names\":[\"d\"],\"action\":\"X\"}"),
             "config.json: linux.seccomp.syscalls[3].action: unknown action \"X\"");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}"),
             "linux.seccomp.syscalls[0].action: SCMP_ACT_KILL does not take an errno value, but "
             "linux.seccomp.syscalls[0].errnoRet is set");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":true}"),
             "linux.seccomp.syscalls[0].errnoRet");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":70000}"),
             "linux.seccomp.syscalls[0].errnoRet must be at most 65535");

        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":{}}"),
             "linux.seccomp.syscalls[0].args must be an array");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[1]}"),
             "linux.seccomp.syscalls[0].args[0] must be an object");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}"),
             "linux.seccomp.syscalls[0].args[0].index is required");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                  "{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}"),
             "linux.seccomp.syscalls[0].args[1].index");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":-1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}"),
             "linux.seccomp.syscalls[0].args[0].index");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}"),
             "linux.seccomp.syscalls[0].args[0].value is required");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":0,\"value\":\"1\",\"op\":\"SCMP_CMP_EQ\"}]}"),
             "linux.seccomp.syscalls[0].args[0].value");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":0,\"value\":1,\"valueTwo\":-2,\"op\":\"SCMP_CMP_EQ\"}]}"),
             "linux.seccomp.syscalls[0].args[0].valueTwo");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":0,\"value\":1}]}"),
             "linux.seccomp.syscalls[0].args[0].op is required");
        FAIL(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                  "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_FOO\"}]}"),
             "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\"");
}

/* Compiles `profile` and exports it as BPF into a memfd; returns the BPF size (bytes) or a
 * negative errno. */
static long compile_export(const char *profile)
{
        struct spec *s = NULL;
        void *filter = NULL;
        long size;

        if (parse_seccomp(profile, &s) < 0 || !s->seccomp) {
                fprintf(stderr, "profile refused: %s\n", last_error);
                spec_free(s);
                return -EINVAL;
        }
        int r = syscall_filter_compile(s->seccomp, &filter);
        spec_free(s);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = memfd_create("crunit-bpf", MFD_CLOEXEC);
        if (fd < 0) {
                syscall_filter_free(filter);
                return -errno;
        }
        r = seccomp_export_bpf(filter, fd);
        syscall_filter_free(filter);
        if (r < 0)
                return r;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        size = (long)st.st_size;
        return size;
}

static void test_compile(void)
{
        long size;

        size = compile_export(valid_profile);
        CHECK(size > 0 && size % 8 == 0); /* struct sock_filter is 8 bytes */
        CHECK(n_errors == 0);

        /* The smallest filter, and one just above it. */
        long base = compile_export("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
        CHECK(base > 0 && base % 8 == 0);
        size = compile_export(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}"));
        CHECK(size > base);

        /* Names libseccomp does not know are skipped, not errors: same filter as without. */
        long unknown = compile_export(
            SYS1("{\"names\":[\"mkdir\",\"no_such_syscall\",\"statmount\",\"mseal\"],"
                 "\"action\":\"SCMP_ACT_ERRNO\"}"));
        CHECK(unknown == size);
        CHECK(compile_export(SYS1("{\"names\":[\"no_such_syscall\"],"
                                  "\"action\":\"SCMP_ACT_ERRNO\"}")) == base);

        /* A rule with the default action changes nothing. */
        CHECK(compile_export(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"}")) ==
              base);

        /* Same argument index twice: one rule per condition (ORed) instead of one rule that
         * libseccomp would refuse. */
        size = compile_export(
            SYS1("{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                 "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
                 "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}"));
        CHECK(size > base);
        /* Distinct indexes: ANDed in one rule. */
        size = compile_export(SYS1("{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                                   "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                                   "{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]}"));
        CHECK(size > base);

        /* Architectures other than the native one make it bigger. */
        long multi = compile_export("{\"defaultAction\":\"SCMP_ACT_ERRNO\","
                                    "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
                                    "\"SCMP_ARCH_X32\",\"SCMP_ARCH_AARCH64\"],"
                                    "\"syscalls\":[{\"names\":[\"read\",\"socketcall\","
                                    "\"arm_fadvise64_64\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        CHECK(multi > base);

        /* Two rules for one syscall with different actions: libseccomp 2.5 takes both; were
         * one refused, the error would name its entry, once. */
        n_errors = 0;
        size = compile_export(SYS1("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                                   "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_KILL\"}"));
        CHECK(size > base || (n_errors == 1 && strstr(last_error, "linux.seccomp.syscalls[1]: "
                                                                  "cannot add a rule for mkdir")));
}

/* syscall_filter_prepare() + syscall_filter_load() in a child (with no_new_privs, so no
 * privilege is needed): mkdir gets the profile's errno, the rest works. */
static void test_prepare_load(void)
{
        struct spec *s = NULL;
        CHECK(parse_seccomp(SYS1("{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":"
                                 "\"SCMP_ACT_ERRNO\",\"errnoRet\":38}"),
                            &s) == 0);
        if (!s || !s->seccomp) {
                failures++;
                spec_free(s);
                return;
        }
        struct setup_ctx c = {.spec = s};
        CHECK(syscall_filter_prepare(&c) == 0);
        CHECK(c.seccomp_filter != NULL);

        pid_t pid = fork();
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall_filter_load(&c) < 0)
                        _exit(10);
                if (mkdir("/nonexistent-dir/x", 0700) == 0 || errno != ENOSYS)
                        _exit(11);
                if (getpid() <= 0)
                        _exit(12);
                _exit(0);
        }
        int status = -1;
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        syscall_filter_done(&c);
        CHECK(c.seccomp_filter == NULL);
        spec_free(s);
}

int main(void)
{
        log_set_sink(sink, NULL);

        test_parse_valid();
        test_parse_errors();
        test_compile();
        test_prepare_load();

        if (failures > 0) {
                fprintf(stderr, "test-seccomp: %u check(s) failed\n", failures);
                return EXIT_FAILURE;
        }
        printf("test-seccomp: all checks passed\n");
        return EXIT_SUCCESS;
}
