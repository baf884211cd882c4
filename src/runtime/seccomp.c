/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp compiled with libseccomp (never hand-written BPF: the program is libseccomp's
 * seccomp_export_bpf() output). The rules follow runc's (libcontainer/seccomp/seccomp_linux.go)
 * so that profiles behave the same under both. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "seccomp-cache.h"
#include "seccomp-notify.h"
#include "seccomp.h"
#include "shared/log.h"
#include "shared/proc-util.h"

#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define HAVE_SCMP_WAITKILL 1
#else
#define HAVE_SCMP_WAITKILL 0
#endif

static int set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value,
                    const char *what)
{
        int r = seccomp_attr_set(ctx, attr, value);
        if (r < 0)
                return log_error_errno(r, "linux.seccomp: cannot set %s", what);
        return 0;
}

static int add_rule(scmp_filter_ctx ctx, size_t i, const char *name, int nr, uint32_t action,
                    unsigned n, const struct scmp_arg_cmp *conds)
{
        /* Not _exact: libseccomp maps the rule to every architecture of the filter (socketcall
         * multiplexing on x86, syscalls missing on one of them), as runc and crun do. */
        int r = seccomp_rule_add_array(ctx, action, nr, n, conds);
        if (r < 0)
                return log_error_errno(r, "linux.seccomp.syscalls[%zu]: cannot add a rule for %s",
                                       i, name);
        return 0;
}

static int add_syscall(scmp_filter_ctx ctx, size_t i, const struct spec_seccomp_syscall *sys,
                       uint32_t default_action)
{
        struct scmp_arg_cmp conds[6];
        unsigned counts[6] = {0};
        bool same_index = false;
        int r;

        if (sys->action == default_action) {
                /* libseccomp refuses such a rule; it changes nothing anyway. */
                log_debug("linux.seccomp.syscalls[%zu]: the default action, skipped", i);
                return 0;
        }

        STRV_FOREACH(name, sys->names)
        {
                int nr = seccomp_syscall_resolve_name(*name);
                if (nr == __NR_SCMP_ERROR) {
                        log_debug("linux.seccomp: syscall %s unknown to libseccomp, skipped",
                                  *name);
                        continue;
                }
                if (sys->n_args == 0) {
                        r = add_rule(ctx, i, *name, nr, sys->action, 0, NULL);
                        if (r < 0)
                                return r;
                        continue;
                }

                /* runc's semantics: conditions on distinct arguments are ANDed in one rule
                 * (at most 6 then: one per argument); when an argument index repeats,
                 * every condition becomes a rule of its own (ORed). */
                memset(counts, 0, sizeof counts);
                same_index = false;
                for (size_t k = 0; k < sys->n_args; k++)
                        if (++counts[sys->args[k].index] > 1)
                                same_index = true;
                if (!same_index) {
                        for (size_t k = 0; k < sys->n_args; k++)
                                conds[k] =
                                    SCMP_CMP(sys->args[k].index, (enum scmp_compare)sys->args[k].op,
                                             sys->args[k].value, sys->args[k].value_two);
                        r = add_rule(ctx, i, *name, nr, sys->action, (unsigned)sys->n_args, conds);
                        if (r < 0)
                                return r;
                        continue;
                }
                for (size_t k = 0; k < sys->n_args; k++) {
                        struct scmp_arg_cmp c =
                            SCMP_CMP(sys->args[k].index, (enum scmp_compare)sys->args[k].op,
                                     sys->args[k].value, sys->args[k].value_two);
                        r = add_rule(ctx, i, *name, nr, sys->action, 1, &c);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int syscall_filter_compile(const struct spec_seccomp *sc, void **ret)
{
        scmp_filter_ctx ctx;
        int r;

        ctx = seccomp_init(sc->default_action);
        if (!ctx)
                return log_error("linux.seccomp: cannot create the filter (seccomp_init)"), -ENOMEM;

        /* noNewPrivileges is the spec's business, not the filter's: libseccomp would set
         * PR_SET_NO_NEW_PRIVS on load by default. */
        r = set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, "the no_new_privs attribute");
        if (r < 0)
                goto fail;
        if (sc->flag_tsync &&
            (r = set_attr(ctx, SCMP_FLTATR_CTL_TSYNC, 1, "SECCOMP_FILTER_FLAG_TSYNC")) < 0)
                goto fail;
        if (sc->flag_log &&
            (r = set_attr(ctx, SCMP_FLTATR_CTL_LOG, 1, "SECCOMP_FILTER_FLAG_LOG")) < 0)
                goto fail;
        if (sc->flag_spec_allow &&
            (r = set_attr(ctx, SCMP_FLTATR_CTL_SSB, 1, "SECCOMP_FILTER_FLAG_SPEC_ALLOW")) < 0)
                goto fail;
#if HAVE_SCMP_WAITKILL
        if (sc->flag_wait_killable_recv &&
            (r = set_attr(ctx, SCMP_FLTATR_CTL_WAITKILL, 1,
                          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) < 0)
                goto fail;
#endif

        for (size_t i = 0; i < sc->n_architectures; i++) {
                r = seccomp_arch_add(ctx, sc->architectures[i]);
                if (r < 0 && r != -EEXIST) {
                        r = log_error_errno(r, "linux.seccomp.architectures[%zu]: cannot add it",
                                            i);
                        goto fail;
                }
        }

        for (size_t i = 0; i < sc->n_syscalls; i++) {
                r = add_syscall(ctx, i, &sc->syscalls[i], sc->default_action);
                if (r < 0)
                        goto fail;
        }

        *ret = ctx;
        return 0;
fail:
        seccomp_release(ctx);
        return r;
}

void syscall_filter_free(void *filter)
{
        if (filter)
                seccomp_release(filter);
}

/* The filter as prepared by the init before `start`: libseccomp's BPF program, generated at
 * create (seccomp_load() would generate it at start, ~10 ms for a default profile), and the
 * seccomp(2) flags libseccomp's attributes stand for. */
struct syscall_filter {
        struct sock_fprog prog;
        unsigned flags; /* SECCOMP_FILTER_FLAG_* */
};

/* The attributes syscall_filter_compile() sets, and what seccomp_load() adds for a filter with
 * SCMP_ACT_NOTIFY rules: NEW_LISTENER (plus TSYNC_ESRCH with TSYNC, which the kernel requires
 * with it); WAIT_KILLABLE_RECV is ours to pass (libseccomp < 2.6 does not know it). */
static unsigned filter_flags(const struct spec_seccomp *sc)
{
        return (sc->flag_tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0) |
               (sc->flag_log ? SECCOMP_FILTER_FLAG_LOG : 0) |
               (sc->flag_spec_allow ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0) |
               (sc->uses_notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0) |
               (sc->uses_notify && sc->flag_tsync ? SECCOMP_FILTER_FLAG_TSYNC_ESRCH : 0) |
               (sc->flag_wait_killable_recv ? SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0);
}

/* As libseccomp probes them: seccomp(SET_MODE_FILTER, flags, NULL) fails with EFAULT when the
 * kernel knows the flags, EINVAL when not. Checked at create, so the error shows there. */
static int check_kernel_flags(const struct spec_seccomp *sc)
{
        static const struct {
                unsigned flag;
                const char *name;
        } table[] = {
            {SECCOMP_FILTER_FLAG_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC"},
            {SECCOMP_FILTER_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG"},
            {SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
            {SECCOMP_FILTER_FLAG_NEW_LISTENER,
             "SCMP_ACT_NOTIFY (SECCOMP_FILTER_FLAG_NEW_LISTENER)"},
            {SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
             "SECCOMP_FILTER_FLAG_TSYNC with SCMP_ACT_NOTIFY (SECCOMP_FILTER_FLAG_TSYNC_ESRCH)"},
            {SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
        };
        unsigned flags = filter_flags(sc);

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) >= 0 || errno == EFAULT)
                return 0;
        for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
                unsigned f = table[i].flag;
                if (!(flags & f))
                        continue;
                /* the flags the kernel only takes together with f */
                if (f == SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
                        f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
                if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
                        f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EINVAL)
                        return log_error("linux.seccomp: %s is not supported by this kernel",
                                         table[i].name),
                               -EOPNOTSUPP;
        }
        return log_error_errno(errno, "linux.seccomp: the kernel refuses the filter flags 0x%x",
                               flags);
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *ret)
{
        _cleanup_close_ int fd = memfd_create("crunit-seccomp", MFD_CLOEXEC);
        struct stat st;
        int r;

        if (fd < 0)
                return log_error_errno(errno, "linux.seccomp: memfd_create");
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return log_error_errno(r, "linux.seccomp: cannot generate the filter");
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "linux.seccomp: fstat");
        size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
        if (n == 0 || n > BPF_MAXINSNS || (size_t)st.st_size % sizeof(struct sock_filter) != 0)
                return log_error("linux.seccomp: the filter has %zu instructions, the kernel "
                                 "takes at most %d",
                                 n, BPF_MAXINSNS),
                       -E2BIG;
        struct sock_filter *insns = malloc((size_t)st.st_size);
        if (!insns)
                return log_error_errno(ENOMEM, "linux.seccomp");
        ssize_t k = pread(fd, insns, (size_t)st.st_size, 0);
        if (k != (ssize_t)st.st_size) {
                free(insns);
                return log_error_errno(k < 0 ? errno : EIO,
                                       "linux.seccomp: cannot read the filter");
        }
        *ret = (struct sock_fprog){.len = (unsigned short)n, .filter = insns};
        return 0;
}

int syscall_filter_prepare(struct setup_ctx *c)
{
        const struct spec_seccomp *sc = c->spec->seccomp;
        struct syscall_filter *f;
        void *ctx = NULL;
        int r;

        if (!sc || c->seccomp_filter) /* none, or prepared by crunit already */
                return 0;
        if ((r = check_kernel_flags(sc)) < 0)
                return r;
        r = syscall_filter_compile(sc, &ctx);
        if (r < 0)
                return r;
        f = calloc(1, sizeof *f);
        if (!f) {
                syscall_filter_free(ctx);
                return log_error_errno(ENOMEM, "linux.seccomp");
        }
        r = export_bpf(ctx, &f->prog);
        syscall_filter_free(ctx);
        if (r < 0) {
                free(f);
                return r;
        }
        f->flags = filter_flags(sc);
        c->seccomp_filter = f;
        return 0;
}

/* linux.seccomp of `s` as JSON (the cache key's input), or NULL. */
static json_object *seccomp_json(const struct spec *s)
{
        json_object *l, *v;
        if (!s->json || !json_object_object_get_ex(s->json, "linux", &l) ||
            !json_object_object_get_ex(l, "seccomp", &v))
                return NULL;
        return v;
}

int syscall_filter_prepare_cached(const struct spec *s, int rootfd, void **ret)
{
        struct setup_ctx c = {.spec = s};
        _cleanup_free_ char *key = NULL;
        _cleanup_close_ int dirfd = -1;
        json_object *json = seccomp_json(s);
        void *bpf = NULL;
        size_t size = 0;
        uint64_t t0 = now_usec();
        int r;

        *ret = NULL;
        if (!s->seccomp)
                return 0;
        if ((r = check_kernel_flags(s->seccomp)) < 0)
                return r;
        /* Without a usable cache, the filter is compiled as if there were none. */
        if (json && (r = seccomp_cache_key(json, &key)) < 0)
                return r;
        if (key && rootfd >= 0 && seccomp_cache_open(rootfd, &dirfd) >= 0 &&
            (r = seccomp_cache_lookup(dirfd, key, &bpf, &size)) != 0) {
                if (r < 0)
                        return r;
                struct syscall_filter *f = calloc(1, sizeof *f);
                if (!f) {
                        free(bpf);
                        return log_error_errno(ENOMEM, "linux.seccomp");
                }
                f->prog = (struct sock_fprog){
                    .len = (unsigned short)(size / sizeof(struct sock_filter)), .filter = bpf};
                f->flags = filter_flags(s->seccomp);
                log_debug("linux.seccomp: cached filter loaded in %.1f ms",
                          (double)(now_usec() - t0) / 1000.0);
                *ret = f;
                return 0;
        }
        if ((r = syscall_filter_prepare(&c)) < 0)
                return r;
        struct syscall_filter *f = c.seccomp_filter;
        log_debug("linux.seccomp: filter compiled in %.1f ms", (double)(now_usec() - t0) / 1000.0);
        if (dirfd >= 0)
                (void)seccomp_cache_store(dirfd, key, f->prog.filter,
                                          f->prog.len * sizeof(struct sock_filter));
        *ret = f;
        return 0;
}

void syscall_filter_release(void *filter)
{
        struct setup_ctx c = {.seccomp_filter = filter};
        syscall_filter_done(&c);
}

int syscall_filter_load(struct setup_ctx *c)
{
        struct syscall_filter *f = c->seccomp_filter;

        if (!f)
                return 0;
        /* What seccomp_load() does with the same program and flags (no_new_privs off). With
         * TSYNC a positive result is a thread that could not be synchronized: we have none. */
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &f->prog);
        if (r < 0 || (r > 0 && !(f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)))
                return log_error_errno(r < 0 ? errno : ESRCH,
                                       "linux.seccomp: cannot load the filter");
        if (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) /* r: the listener fd */
                return seccomp_listener_send(c, (int)r);
        return 0;
}

void syscall_filter_done(struct setup_ctx *c)
{
        struct syscall_filter *f = c->seccomp_filter;

        if (f) {
                free(f->prog.filter);
                free(f);
                c->seccomp_filter = NULL;
        }
}
