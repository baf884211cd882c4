/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cache of compiled seccomp filters (see seccomp-cache.h). An entry is a file named after
 * the FNV-1a 64 hash of its key:
 *   struct entry_header | key (key_size bytes, no NUL) | BPF (bpf_size bytes)
 * `check` is FNV-1a 64 over key and BPF: it catches a truncated or garbled file, it is no
 * protection against whoever can write the directory (that is root, or the rootless user
 * itself, who can ptrace the runtime anyway). */
#include "seccomp-cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "config.h"
#include "shared/fs-util.h"
#include "shared/log.h"

#define ENTRY_MAGIC "CRUSCMP1"

struct entry_header {
        char magic[8];
        uint32_t key_size;
        uint32_t bpf_size;
        uint64_t check;
};

static uint64_t fnv1a64(uint64_t h, const void *p, size_t n)
{
        const unsigned char *b = p;
        for (size_t i = 0; i < n; i++) {
                h ^= b[i];
                h *= UINT64_C(0x100000001b3);
        }
        return h;
}

#define FNV64_INIT UINT64_C(0xcbf29ce484222325)

int seccomp_cache_key(json_object *seccomp, char **ret)
{
        const struct scmp_version *v = seccomp_version();
        struct utsname u;
        const char *json;
        char *key;

        json = json_object_to_json_string_ext(seccomp, JSON_C_TO_STRING_PLAIN);
        if (!json)
                return log_error_errno(ENOMEM, "linux.seccomp");
        if (uname(&u) < 0)
                return log_error_errno(errno, "uname");
        if (asprintf(&key,
                     "crunit %s\nlibseccomp %u.%u.%u api %u\narch %u\nkernel %s %s\n"
                     "linux.seccomp %s\n",
                     CRUNIT_VERSION, v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0,
                     seccomp_api_get(), seccomp_arch_native(), u.release, u.machine, json) < 0)
                return log_error_errno(ENOMEM, "linux.seccomp");
        *ret = key;
        return 0;
}

void seccomp_cache_name(const char *key, char ret[static 17])
{
        snprintf(ret, 17, "%016llx", (unsigned long long)fnv1a64(FNV64_INIT, key, strlen(key)));
}

int seccomp_cache_open(int rootfd, int *ret_dirfd)
{
        struct stat st;
        int fd;

        if (mkdirat(rootfd, SECCOMP_CACHE_DIR, 0700) < 0 && errno != EEXIST)
                return log_debug_errno(errno, "seccomp cache: cannot create it");
        fd = openat(rootfd, SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return log_debug_errno(errno, "seccomp cache: cannot open it");
        if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0077) != 0) {
                safe_close(fd);
                log_warning("seccomp cache: %s is not private to uid %u, not used",
                            SECCOMP_CACHE_DIR, (unsigned)geteuid());
                return -EPERM;
        }
        *ret_dirfd = fd;
        return 0;
}

int seccomp_cache_lookup(int dirfd, const char *key, void **ret_bpf, size_t *ret_size)
{
        size_t key_size = strlen(key);
        struct entry_header h;
        char name[17];
        struct stat st;
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;

        seccomp_cache_name(key, name);
        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                if (errno != ENOENT)
                        log_debug_errno(errno, "seccomp cache: cannot open %s", name);
                return 0;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            (st.st_mode & 0022) != 0 || st.st_size < (off_t)sizeof h ||
            st.st_size > (off_t)SECCOMP_CACHE_MAX_FILE) {
                log_debug("seccomp cache: %s is not a private regular file of a sane size, "
                          "ignored",
                          name);
                return 0;
        }
        if (!(buf = malloc((size_t)st.st_size)))
                return log_error_errno(ENOMEM, "seccomp cache");
        ssize_t n = pread(fd, buf, (size_t)st.st_size, 0);
        if (n != (ssize_t)st.st_size) {
                log_debug("seccomp cache: cannot read %s, ignored", name);
                return 0;
        }
        memcpy(&h, buf, sizeof h);
        if (memcmp(h.magic, ENTRY_MAGIC, sizeof h.magic) != 0 || h.key_size != key_size ||
            (uint64_t)sizeof h + h.key_size + h.bpf_size != (uint64_t)st.st_size ||
            h.bpf_size == 0 || h.bpf_size % sizeof(struct sock_filter) != 0 ||
            h.bpf_size / sizeof(struct sock_filter) > BPF_MAXINSNS ||
            memcmp(buf + sizeof h, key, key_size) != 0 ||
            fnv1a64(FNV64_INIT, buf + sizeof h, (size_t)h.key_size + h.bpf_size) != h.check) {
                log_debug("seccomp cache: %s is not an entry for this key, ignored", name);
                return 0;
        }
        void *bpf = malloc(h.bpf_size);
        if (!bpf)
                return log_error_errno(ENOMEM, "seccomp cache");
        memcpy(bpf, buf + sizeof h + key_size, h.bpf_size);
        *ret_bpf = bpf;
        *ret_size = h.bpf_size;
        return 1;
}

/* Removes the oldest entries (by mtime) until at most `keep` remain. */
static void evict(int dirfd, unsigned keep)
{
        for (;;) {
                int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
                struct timespec oldest = {0};
                char victim[256] = "";
                unsigned count = 0;
                struct dirent *de;

                if (!d) {
                        safe_close(fd);
                        return;
                }
                while ((de = readdir(d))) {
                        struct stat st;
                        if (de->d_name[0] == '.' ||
                            fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        count++;
                        if (!victim[0] || st.st_mtim.tv_sec < oldest.tv_sec ||
                            (st.st_mtim.tv_sec == oldest.tv_sec &&
                             st.st_mtim.tv_nsec < oldest.tv_nsec)) {
                                oldest = st.st_mtim;
                                snprintf(victim, sizeof victim, "%s", de->d_name);
                        }
                }
                closedir(d);
                if (count <= keep || !victim[0] || unlinkat(dirfd, victim, 0) < 0)
                        return;
                log_debug("seccomp cache: evicted %s", victim);
        }
}

int seccomp_cache_store(int dirfd, const char *key, const void *bpf, size_t size)
{
        size_t key_size = strlen(key);
        struct entry_header h = {.key_size = (uint32_t)key_size, .bpf_size = (uint32_t)size};
        char name[17], tmp[64];
        _cleanup_close_ int fd = -1;
        int r;

        if (sizeof h + key_size + size > SECCOMP_CACHE_MAX_FILE)
                return log_debug_errno(E2BIG, "seccomp cache: entry too large, not stored");
        memcpy(h.magic, ENTRY_MAGIC, sizeof h.magic);
        h.check = fnv1a64(fnv1a64(FNV64_INIT, key, key_size), bpf, size);

        evict(dirfd, SECCOMP_CACHE_MAX_ENTRIES - 1);
        seccomp_cache_name(key, name);
        snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, (int)getpid());
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return log_debug_errno(errno, "seccomp cache: cannot create %s", tmp);
        if ((r = write_all(fd, &h, sizeof h)) < 0 || (r = write_all(fd, key, key_size)) < 0 ||
            (r = write_all(fd, bpf, size)) < 0 ||
            (renameat(dirfd, tmp, dirfd, name) < 0 && (r = -errno) < 0)) {
                (void)unlinkat(dirfd, tmp, 0);
                return log_debug_errno(r, "seccomp cache: cannot store %s", name);
        }
        log_debug("seccomp cache: stored %s", name);
        return 0;
}
