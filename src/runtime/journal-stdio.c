/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A detached container's stdout/stderr in the journal: the policy and the forwarder. See
 * journal-stdio.h. */
#include "journal-stdio.h"

#include <assert.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "linux.h"
#include "shared/log.h"
#include "spec/spec.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_STDOUT "/run/systemd/journal/stdout"
/* journald's default LineMax=: a longer line is sent in pieces of this size. */
#define LINE_MAX_BYTES (48 * 1024)
/* How long the forwarder waits for journald to take in its last message. */
#define SYNC_TIMEOUT_USEC (3 * 1000000ULL)

int stdio_mode_from_string(const char *s)
{
        if (streq(s, "auto"))
                return STDIO_AUTO;
        if (streq(s, "inherit"))
                return STDIO_INHERIT;
        if (streq(s, "journald"))
                return STDIO_JOURNALD;
        return -EINVAL;
}

/* A journal stream socket: connected to journald's stdout socket. */
static bool fd_is_journal_stream(int fd)
{
        struct sockaddr_un sa = {};
        socklen_t len = sizeof sa;
        if (getpeername(fd, (struct sockaddr *)&sa, &len) < 0 || sa.sun_family != AF_UNIX ||
            len <= offsetof(struct sockaddr_un, sun_path))
                return false;
        size_t n = len - offsetof(struct sockaddr_un, sun_path);
        return n >= strlen(JOURNAL_STDOUT) && strncmp(sa.sun_path, JOURNAL_STDOUT, n) == 0 &&
               strnlen(sa.sun_path, n) == strlen(JOURNAL_STDOUT);
}

/* auto: does whoever started us want the container's output on fd 1? Not when it is a
 * terminal (a detached container must not write into a shell), /dev/null, closed, or already
 * the journal. */
static bool stdout_wants_journal(void)
{
        struct stat st;
        if (fstat(STDOUT_FILENO, &st) < 0)
                return errno == EBADF;
        if (S_ISCHR(st.st_mode))
                return isatty(STDOUT_FILENO) || st.st_rdev == makedev(1, 3);
        if (S_ISSOCK(st.st_mode))
                return fd_is_journal_stream(STDOUT_FILENO);
        return false;
}

int stdio_resolve(enum stdio_mode flag, bool flag_given, const struct spec *s, bool foreground,
                  bool *ret_journald)
{
        enum stdio_mode mode = flag;
        const char *from = "--stdio";
        json_object *v = NULL;

        assert(s && ret_journald);
        *ret_journald = false;
        if (s->annotations && json_object_object_get_ex(s->annotations, STDIO_ANNOTATION, &v)) {
                const char *a = json_object_get_string(v);
                int m = json_object_is_type(v, json_type_string) ? stdio_mode_from_string(a) : -1;
                if (m < 0)
                        return log_error("config.json: annotations.\"%s\": \"%s\" is not auto, "
                                         "inherit or journald",
                                         STDIO_ANNOTATION, a ? a : "");
                if (!flag_given) {
                        mode = (enum stdio_mode)m;
                        from = "annotation " STDIO_ANNOTATION;
                }
        }
        if (mode == STDIO_INHERIT)
                return 0;
        if (foreground) {
                /* the annotation describes the detached case; the flag is a contradiction */
                if (flag_given && mode == STDIO_JOURNALD)
                        return log_error("--stdio journald: a foreground run gives the "
                                         "container its own stdout/stderr; use run -d or "
                                         "create");
                return 0;
        }
        if (s->process.terminal) {
                if (mode == STDIO_JOURNALD)
                        return log_error("%s journald: process.terminal is true, the "
                                         "container's output goes to its console",
                                         from);
                return 0;
        }
        bool journal_up = access(JOURNAL_SOCKET, W_OK) == 0;
        if (mode == STDIO_JOURNALD) {
                if (!journal_up)
                        return log_error_errno(errno,
                                               "%s journald: the journal is not "
                                               "available (" JOURNAL_SOCKET ")",
                                               from);
                *ret_journald = true;
                return 0;
        }
        *ret_journald = journal_up && stdout_wants_journal();
        return 0;
}

/* ---- the forwarder ---- */

struct stream {
        int fd;
        int priority;
        size_t len;
        char buf[sizeof "MESSAGE=" - 1 + LINE_MAX_BYTES];
};

#define MSG_PREFIX (sizeof "MESSAGE=" - 1)

static bool sent_any = false;

/* `msg` is "MESSAGE=" followed by n bytes of the line. */
static void send_line(const char *id, int priority, char *msg, size_t n)
{
        char prio[16], ident[256], cid[256], cname[256];
        snprintf(prio, sizeof prio, "PRIORITY=%d", priority);
        snprintf(ident, sizeof ident, "SYSLOG_IDENTIFIER=%s", id);
        snprintf(cid, sizeof cid, "CONTAINER_ID=%s", id);
        snprintf(cname, sizeof cname, "CONTAINER_NAME=%s", id);
        struct iovec iov[] = {
            {.iov_base = msg, .iov_len = MSG_PREFIX + n},
            {.iov_base = prio, .iov_len = strlen(prio)},
            {.iov_base = ident, .iov_len = strlen(ident)},
            {.iov_base = cid, .iov_len = strlen(cid)},
            {.iov_base = cname, .iov_len = strlen(cname)},
        };
        (void)sd_journal_sendv(iov, ARRAY_SIZE(iov));
        sent_any = true;
}

/* Sends the complete lines in the buffer, and the rest too when `flush` (EOF) or when the
 * buffer is full. Each line gets "MESSAGE=" written right before it, over bytes already sent. */
static void send_lines(const char *id, struct stream *s, bool flush)
{
        char *data = s->buf + MSG_PREFIX;
        size_t start = 0;
        char *nl;
        while ((nl = memchr(data + start, '\n', s->len - start))) {
                size_t n = (size_t)(nl - (data + start));
                memcpy(data + start - MSG_PREFIX, "MESSAGE=", MSG_PREFIX);
                send_line(id, s->priority, data + start - MSG_PREFIX, n);
                start += n + 1;
        }
        if (start > 0) {
                memmove(data, data + start, s->len - start);
                s->len -= start;
                memcpy(s->buf, "MESSAGE=", MSG_PREFIX);
        }
        if ((flush || s->len == LINE_MAX_BYTES) && s->len > 0) {
                send_line(id, s->priority, s->buf, s->len);
                s->len = 0;
        }
}

static uint64_t now_mono_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* Waits until journald has processed everything we sent, so that we are still alive (and in
 * the scope) when it reads our cgroup for _SYSTEMD_UNIT. journald reads its native socket one
 * datagram at a time and fully processes each before taking the next; datagrams from all
 * senders queue in order. So we send an empty datagram (journald ignores it) after our last
 * message, from a socket of our own, and wait until journald has dequeued it: the kernel
 * charges a unix datagram to its sender's send buffer until the receiver takes it, which
 * SIOCOUTQ reports. libsystemd has no call for this. */
static void journal_sync(void)
{
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET};
        if (fd < 0 || sendto(fd, "", 0, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof sa) < 0)
                return;
        uint64_t deadline = now_mono_usec() + SYNC_TIMEOUT_USEC;
        for (unsigned i = 0;; i++) {
                int q = 0;
                if (ioctl(fd, SIOCOUTQ, &q) < 0 || q == 0)
                        return;
                if (now_mono_usec() > deadline) {
                        log_warning("journald did not take in the container's last output "
                                    "within %llus",
                                    (unsigned long long)(SYNC_TIMEOUT_USEC / 1000000));
                        return;
                }
                struct timespec ts = {.tv_nsec = i < 20 ? 500000 : 10000000};
                nanosleep(&ts, NULL);
        }
}

static void close_all_but(int a, int b)
{
        int lo = a < b ? a : b, hi = a < b ? b : a;
        if (lo > 3)
                (void)syscall(SYS_close_range, 3, lo - 1, 0);
        if (hi > lo + 1)
                (void)syscall(SYS_close_range, lo + 1, hi - 1, 0);
        (void)syscall(SYS_close_range, hi + 1, ~0U, 0);
}

static _noreturn_ void forwarder_main(const char *id, int out_fd, int err_fd)
{
        static struct stream streams[2];
        streams[0].fd = out_fd;
        streams[0].priority = 6; /* LOG_INFO */
        streams[1].fd = err_fd;
        streams[1].priority = 3; /* LOG_ERR */
        for (size_t i = 0; i < 2; i++)
                memcpy(streams[i].buf, "MESSAGE=", MSG_PREFIX);

        /* Our own diagnostics: the journal, without CONTAINER_ID (not container output). */
        log_set_sink(NULL, NULL);
        log_set_container_id(NULL);
        (void)log_open("journald", LOG_FORMAT_TEXT);

        /* Outlive the container: a stop (SIGTERM to the whole scope) ends it, and with it the
         * writers; we exit at EOF, once the last line is in the journal. */
        struct sigaction sa = {.sa_handler = SIG_IGN};
        const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2};
        for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
                sigaction(sigs[i], &sa, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        (void)prctl(PR_SET_PDEATHSIG, 0);
        (void)prctl(PR_SET_NAME, JOURNAL_FORWARDER_COMM);
        (void)setsid();
        /* Neither crunit's terminal nor anything else of the caller's stays open here. */
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
                for (int fd = 0; fd < 3; fd++)
                        (void)dup2(null, fd);
                if (null > 2)
                        close(null);
        }
        close_all_but(out_fd, err_fd);
        /* The memory cgroup's OOM killer picks the container's processes, not its logger (a
         * few pages). Not possible rootless: then it is an ordinary process of the scope. */
        int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (oom >= 0) {
                (void)!write(oom, "-1000", 5);
                close(oom);
        }
        /* It only reads pipes and writes to journald's (world-writable) socket: no
         * capabilities. It stays uid 0 (or the owner): _UID= is what `crunit logs` trusts. */
        cap_t none_caps = cap_init();
        if (none_caps && cap_set_proc(none_caps) < 0)
                log_warning_errno(errno,
                                  "container %s: cannot drop the journal forwarder's "
                                  "capabilities",
                                  id);
        if (none_caps)
                cap_free(none_caps);
        (void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

        struct pollfd p[2] = {{.fd = out_fd, .events = POLLIN}, {.fd = err_fd, .events = POLLIN}};
        int open_streams = 2;
        while (open_streams > 0) {
                int r = poll(p, 2, -1);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        log_error_errno(errno, "container %s: poll", id);
                        break;
                }
                for (size_t i = 0; i < 2; i++) {
                        if (p[i].fd < 0 || !p[i].revents)
                                continue;
                        struct stream *s = &streams[i];
                        ssize_t n =
                            read(s->fd, s->buf + MSG_PREFIX + s->len, LINE_MAX_BYTES - s->len);
                        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                                continue;
                        if (n <= 0) {
                                send_lines(id, s, true);
                                close(s->fd);
                                p[i].fd = -1;
                                open_streams--;
                                continue;
                        }
                        s->len += (size_t)n;
                        send_lines(id, s, false);
                }
        }
        for (size_t i = 0; i < 2; i++)
                send_lines(id, &streams[i], true);
        if (sent_any)
                journal_sync();
        _exit(0);
}

/* pipe2() may hand out 0..2 when crunit was started with them closed. */
static int fd_above_stdio(int fd)
{
        if (fd < 0 || fd > 2)
                return fd;
        int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        int saved = errno;
        close(fd);
        errno = saved;
        return n;
}

int journal_stdio_start(struct setup_ctx *c)
{
        int out[2] = {-1, -1}, err[2] = {-1, -1};
        int r = 0;

        if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
                r = log_error_errno(errno, "cannot create the pipes for the journal");
                goto done;
        }
        for (size_t i = 0; i < 2; i++) {
                out[i] = fd_above_stdio(out[i]);
                err[i] = fd_above_stdio(err[i]);
                if (out[i] < 0 || err[i] < 0) {
                        r = log_error_errno(errno, "cannot create the pipes for the journal");
                        goto done;
                }
        }
        pid_t pid = fork();
        if (pid < 0) {
                r = log_error_errno(errno, "cannot fork the journal forwarder");
                goto done;
        }
        if (pid == 0) {
                close(out[1]);
                close(err[1]);
                forwarder_main(c->id, out[0], err[0]);
        }
        if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
                r = log_error_errno(errno, "cannot connect the container's stdout/stderr to "
                                           "the journal");
done:
        for (size_t i = 0; i < 2; i++) {
                safe_close(out[i]);
                safe_close(err[i]);
        }
        return r;
}

bool journal_forwarder_pid(pid_t pid)
{
        char path[64], comm[32] = "";
        struct stat a, b;
        snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f || !fgets(comm, sizeof comm, f))
                return false;
        comm[strcspn(comm, "\n")] = 0;
        if (!streq(comm, JOURNAL_FORWARDER_COMM))
                return false;
        /* a container process in a pid namespace of its own is never the forwarder */
        snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
        return stat(path, &a) == 0 && stat("/proc/self/ns/pid", &b) == 0 && a.st_ino == b.st_ino &&
               a.st_dev == b.st_dev;
}
