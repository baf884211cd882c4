/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the cache of compiled seccomp filters (src/runtime/seccomp-cache.c): the key,
 * miss → store → hit, entries that must not be used (another key under the same name, a
 * damaged file, loose permissions), the directory's checks and eviction. */
#include <dirent.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../src/runtime/seccomp-cache.h"
#include "../../src/shared/fs-util.h"
#include "../../src/shared/log.h"
#include "../../src/spec/spec.h"
#include "config.h"
#include "tests.h"

static const struct sock_filter prog_a[] = {
    {0x20, 0, 0, 4}, {0x15, 1, 0, 0xc000003e}, {0x06, 0, 0, 0}, {0x06, 0, 0, 0x7fff0000}};
static const struct sock_filter prog_b[] = {{0x06, 0, 0, 0x7fff0000}};

static char *key_of(const char *json)
{
        _cleanup_json_ json_object *o = json_tokener_parse(json);
        char *key = NULL;
        if (!o || seccomp_cache_key(o, &key) < 0)
                abort();
        return key;
}

static unsigned count_entries(int dirfd)
{
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fdopendir(fd);
        struct dirent *de;
        unsigned n = 0;
        if (!d)
                abort();
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        n++;
        closedir(d);
        return n;
}

static void test_key(void)
{
        _cleanup_free_ char *a = key_of("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        _cleanup_free_ char *a2 = key_of("{ \"defaultAction\" :\"SCMP_ACT_ALLOW\" }");
        _cleanup_free_ char *b = key_of("{\"defaultAction\": \"SCMP_ACT_KILL\"}");
        char na[17], na2[17], nb[17];

        CHECK(startswith(a, "crunit " CRUNIT_VERSION "\nlibseccomp "));
        CHECK(strstr(a, "\narch "));
        CHECK(strstr(a, "\nkernel "));
        CHECK(strstr(a, "\nlinux.seccomp {\"defaultAction\":\"SCMP_ACT_ALLOW\"}\n"));
        CHECK_STREQ(a, a2); /* the JSON text is json-c's, not the document's spacing */
        CHECK(!streq(a, b));
        seccomp_cache_name(a, na);
        seccomp_cache_name(a2, na2);
        seccomp_cache_name(b, nb);
        CHECK(strlen(na) == 16 && strspn(na, "0123456789abcdef") == 16);
        CHECK_STREQ(na, na2);
        CHECK(!streq(na, nb));
}

static void test_store_lookup(int dirfd)
{
        _cleanup_free_ char *a = key_of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"n\": 1}");
        _cleanup_free_ char *b = key_of("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"n\": 2}");
        char na[17], nb[17];
        void *bpf = NULL;
        size_t size = 0;
        struct stat st;

        seccomp_cache_name(a, na);
        seccomp_cache_name(b, nb);

        /* miss → store → hit */
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0);
        CHECK(seccomp_cache_store(dirfd, a, prog_a, sizeof prog_a) == 0);
        CHECK(fstatat(dirfd, na, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & 07777) == 0600);
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 1);
        CHECK(size == sizeof prog_a && bpf && memcmp(bpf, prog_a, size) == 0);
        free(bpf);
        bpf = NULL;

        /* Another key's entry under b's name (a collision of names): a miss, then replaced. */
        CHECK(renameat(dirfd, na, dirfd, nb) == 0);
        CHECK(seccomp_cache_lookup(dirfd, b, &bpf, &size) == 0 && !bpf);
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
        CHECK(seccomp_cache_store(dirfd, b, prog_b, sizeof prog_b) == 0);
        CHECK(seccomp_cache_lookup(dirfd, b, &bpf, &size) == 1);
        CHECK(size == sizeof prog_b && bpf && memcmp(bpf, prog_b, size) == 0);
        free(bpf);
        bpf = NULL;

        /* A damaged entry: truncated, one bit of the program flipped, garbage. */
        CHECK(seccomp_cache_store(dirfd, a, prog_a, sizeof prog_a) == 0);
        CHECK(fstatat(dirfd, na, &st, 0) == 0);
        {
                _cleanup_close_ int fd = openat(dirfd, na, O_RDWR | O_CLOEXEC);
                unsigned char c;
                CHECK(fd >= 0);
                CHECK(pread(fd, &c, 1, st.st_size - 1) == 1);
                c ^= 1;
                CHECK(pwrite(fd, &c, 1, st.st_size - 1) == 1);
                CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
                c ^= 1;
                CHECK(pwrite(fd, &c, 1, st.st_size - 1) == 1);
                CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 1);
                free(bpf);
                bpf = NULL;
                CHECK(ftruncate(fd, st.st_size - 8) == 0);
                CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
                CHECK(ftruncate(fd, 0) == 0);
                CHECK(pwrite(fd, "garbage", 7, 0) == 7);
                CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
        }

        /* Loose permissions: ignored. A symlink: not followed. */
        CHECK(seccomp_cache_store(dirfd, a, prog_a, sizeof prog_a) == 0);
        CHECK(fchmodat(dirfd, na, 0666, 0) == 0);
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
        CHECK(fchmodat(dirfd, na, 0620, 0) == 0);
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
        CHECK(fchmodat(dirfd, na, 0600, 0) == 0);
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 1);
        free(bpf);
        bpf = NULL;
        CHECK(renameat(dirfd, na, dirfd, "target") == 0);
        CHECK(symlinkat("target", dirfd, na) == 0);
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 0 && !bpf);
        CHECK(unlinkat(dirfd, "target", 0) == 0);
        /* ...and a store replaces the symlink itself. */
        CHECK(seccomp_cache_store(dirfd, a, prog_a, sizeof prog_a) == 0);
        CHECK(fstatat(dirfd, na, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode));
        CHECK(seccomp_cache_lookup(dirfd, a, &bpf, &size) == 1);
        free(bpf);
}

static void test_evict(int dirfd)
{
        for (unsigned i = 0; i < SECCOMP_CACHE_MAX_ENTRIES + 6; i++) {
                char json[64];
                _cleanup_free_ char *k = NULL;
                snprintf(json, sizeof json, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"i\": %u}",
                         i);
                k = key_of(json);
                CHECK(seccomp_cache_store(dirfd, k, prog_b, sizeof prog_b) == 0);
        }
        CHECK(count_entries(dirfd) == SECCOMP_CACHE_MAX_ENTRIES);
        /* the newest entry is there */
        char json[64];
        snprintf(json, sizeof json, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"i\": %u}",
                 SECCOMP_CACHE_MAX_ENTRIES + 5);
        _cleanup_free_ char *k = key_of(json);
        void *bpf = NULL;
        size_t size;
        CHECK(seccomp_cache_lookup(dirfd, k, &bpf, &size) == 1);
        free(bpf);
}

int main(void)
{
        char root[] = "/tmp/test-seccomp-cache-XXXXXX";
        _cleanup_close_ int rootfd = -1, dirfd = -1, fd2 = -1;

        if (!mkdtemp(root))
                abort();
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(rootfd >= 0);

        test_key();

        CHECK(seccomp_cache_open(rootfd, &dirfd) == 0);
        struct stat st;
        CHECK(fstat(dirfd, &st) == 0 && (st.st_mode & 07777) == 0700);
        test_store_lookup(dirfd);
        test_evict(dirfd);

        /* A directory others can read is not used. */
        CHECK(fchmod(dirfd, 0755) == 0);
        CHECK(seccomp_cache_open(rootfd, &fd2) == -EPERM && fd2 < 0);

        CHECK(rm_rf_at(AT_FDCWD, root) >= 0);
        return TEST_RESULT();
}
