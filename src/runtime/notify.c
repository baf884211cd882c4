/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "notify.h"

#include <assert.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/proc-util.h"
#include "spec/spec.h"

#define NOTIFY_MSG_MAX 4096 /* systemd's NOTIFY_BUFFER_MAX */

struct notify {
        int fd;      /* the container's socket, bound */
        int pidfd;   /* the container's init */
        pid_t pid;   /* the container's init, host PID: MAINPID */
        bool ready;  /* READY=1 forwarded */
        int stop[2]; /* foreground: a pipe that tells the thread to drain and quit */
        pthread_t thread;
        bool thread_started;
};

void notify_free(struct notify *n)
{
        if (!n)
                return;
        safe_close(n->fd);
        safe_close(n->pidfd);
        safe_close(n->stop[0]);
        safe_close(n->stop[1]);
        free(n);
}

static int spec_add_env(struct spec *s, const char *assignment)
{
        size_t n = 0, klen = strcspn(assignment, "=") + 1;
        char **env = s->process.env;
        for (; env && env[n]; n++)
                if (strncmp(env[n], assignment, klen) == 0) { /* replace the container's own */
                        char *d = strdup(assignment);
                        if (!d)
                                return -ENOMEM;
                        free(env[n]);
                        env[n] = d;
                        return 0;
                }
        env = realloc(env, (n + 2) * sizeof *env);
        if (!env)
                return -ENOMEM;
        s->process.env = env;
        if (!(env[n] = strdup(assignment)))
                return -ENOMEM;
        env[n + 1] = NULL;
        return 0;
}

static int spec_add_notify_mount(struct spec *s, const char *source)
{
        struct spec_mount *m = realloc(s->mounts, (s->n_mounts + 1) * sizeof *m);
        if (!m)
                return -ENOMEM;
        s->mounts = m;
        m = &s->mounts[s->n_mounts];
        *m = (struct spec_mount){};
        const char *opts[] = {"bind", "ro", "nosuid", "nodev", "noexec", NULL};
        if (!(m->destination = strdup(NOTIFY_SOCKET_DIR_IN_CONTAINER)) ||
            !(m->type = strdup("bind")) || !(m->source = strdup(source)) ||
            !(m->options = calloc(ARRAY_SIZE(opts), sizeof(char *)))) {
                s->n_mounts++; /* spec_free() frees what was allocated */
                return -ENOMEM;
        }
        s->n_mounts++;
        for (size_t i = 0; opts[i]; i++)
                if (!(m->options[i] = strdup(opts[i])))
                        return -ENOMEM;
        return 0;
}

int notify_setup_spec(struct spec *s, int dirfd, struct container_state *st)
{
        const char *host = getenv("NOTIFY_SOCKET");
        char p[FD_PATH_MAX];
        int r;
        if (!host || !*host)
                return 0;
        if (mkdirat(dirfd, NOTIFY_DIR, 0755) < 0)
                return log_error_errno(errno, "NOTIFY_SOCKET: cannot create %s", NOTIFY_DIR);
        _cleanup_close_ int nfd =
            openat(dirfd, NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0)
                return log_error_errno(errno, "NOTIFY_SOCKET: cannot open %s", NOTIFY_DIR);
        /* the directory is 0755 whatever the umask: the container's user must reach the socket */
        if (chmod(fd_path(nfd, p), 0755) < 0)
                return log_error_errno(errno, "NOTIFY_SOCKET: cannot set up %s", NOTIFY_DIR);
        _cleanup_free_ char *source = realpath(fd_path(nfd, p), NULL);
        if (!source)
                return log_error_errno(errno, "NOTIFY_SOCKET: cannot resolve %s", NOTIFY_DIR);
        if ((r = spec_add_notify_mount(s, source)) < 0 ||
            (r = spec_add_env(s, "NOTIFY_SOCKET=" NOTIFY_SOCKET_IN_CONTAINER)) < 0 ||
            !(st->notify_socket = strdup(host)))
                return log_error_errno(r < 0 ? r : -ENOMEM, "NOTIFY_SOCKET");
        log_debug("NOTIFY_SOCKET passthrough: %s/notify.sock (%s in the container) -> %s", source,
                  NOTIFY_SOCKET_IN_CONTAINER, host);
        return 0;
}

int notify_bind(struct container *c)
{
        char p[FD_PATH_MAX];
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        assert(c && c->state);
        if (!c->state->notify_socket)
                return 0;
        const char *host = getenv("NOTIFY_SOCKET");
        if ((!host || !*host) && setenv("NOTIFY_SOCKET", c->state->notify_socket, 1) < 0)
                return log_error_errno(errno, "NOTIFY_SOCKET");
        _cleanup_(notify_freep) struct notify *n = calloc(1, sizeof *n);
        if (!n)
                return log_error_errno(ENOMEM, "NOTIFY_SOCKET");
        n->fd = n->pidfd = n->stop[0] = n->stop[1] = -1;
        n->pid = c->state->pid;

        _cleanup_close_ int nfd =
            openat(c->dirfd, NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0)
                return log_error_errno(errno, "container \"%s\": cannot open its %s directory",
                                       c->id, NOTIFY_DIR);
        /* bound through /proc/self/fd: the state directory's path may not fit in sun_path */
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/notify.sock", fd_path(nfd, p));
        (void)unlinkat(nfd, "notify.sock", 0);
        n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (n->fd < 0 || bind(n->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
                return log_error_errno(errno, "container \"%s\": cannot bind its notify socket",
                                       c->id);
        /* any user of the container may notify, as with systemd's own socket */
        if (fchmodat(nfd, "notify.sock", 0777, 0) < 0)
                return log_error_errno(errno, "container \"%s\": notify socket", c->id);
        n->pidfd = pidfd_open_pid(n->pid);
        if (n->pidfd < 0)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        notify_free(c->notify);
        c->notify = TAKE_PTR(n);
        return 0;
}

/* Reads one datagram; closes any fds that came with it (a BARRIER=1 from the container: we are
 * done with what it sent before). 0 when there is nothing to read. */
static int recv_message(int fd, char *buf, size_t size)
{
        union {
                struct cmsghdr h;
                uint8_t buf[CMSG_SPACE(sizeof(int) * 16)];
        } control;
        struct iovec iov = {.iov_base = buf, .iov_len = size - 1};
        struct msghdr mh = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = &control,
            .msg_controllen = sizeof control,
        };
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
                        for (int *f = (int *)CMSG_DATA(cm);
                             (uint8_t *)f < (uint8_t *)cm + cm->cmsg_len; f++)
                                safe_close(*f);
        if ((size_t)n >= size) {
                log_warning("notify: dropped a message of the container longer than %zu bytes",
                            size - 1);
                return -EAGAIN;
        }
        buf[n] = '\0';
        return 1;
}

/* Forwards one message of the container: its lines but MAINPID= (a PID of its own namespace)
 * and BARRIER=1; READY=1 with MAINPID=<init> and a barrier. Returns 1 when READY=1 went out. */
static int forward_message(struct notify *n, char *msg)
{
        _cleanup_free_ char *out = malloc(strlen(msg) + 64);
        bool ready = false;
        size_t l = 0;
        char *save = NULL;
        if (!out)
                return -ENOMEM;
        for (char *line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (startswith(line, "MAINPID=") || streq(line, "BARRIER=1") ||
                    startswith(line, "FDSTORE") || !*line)
                        continue;
                if (streq(line, "READY=1"))
                        ready = true;
                l += sprintf(out + l, "%s\n", line);
        }
        if (ready && !n->ready)
                l += sprintf(out + l, "MAINPID=%d\n", (int)n->pid);
        if (l == 0)
                return 0;
        /* Once the init is the main PID, speak for it (NotifyAccess=main accepts only it);
         * libsystemd falls back to our own credentials if the kernel refuses. */
        int r = sd_pid_notify(n->ready ? n->pid : 0, 0, out);
        if (r < 0)
                return log_error_errno(r, "cannot forward the container's notification to %s",
                                       getenv("NOTIFY_SOCKET"));
        if (r == 0)
                return log_error("cannot forward the container's notification: NOTIFY_SOCKET is "
                                 "not set"),
                       -ENXIO;
        if (log_get_max_level() >= LOG_LEVEL_DEBUG) {
                out[l - 1] = '\0'; /* sent already */
                for (char *q = out; (q = strchr(q, '\n')); q++)
                        *q = ' ';
                log_debug("notify: forwarded %s", out);
        }
        if (ready && !n->ready) {
                n->ready = true;
                r = sd_notify_barrier(0, 5 * 1000000ULL);
                if (r < 0)
                        log_warning("sd_notify_barrier: %s (the service manager may not have seen "
                                    "READY=1 yet)",
                                    strerror(-r));
                return 1;
        }
        return 0;
}

static int drain(struct notify *n)
{
        char buf[NOTIFY_MSG_MAX + 1];
        int r;
        while ((r = recv_message(n->fd, buf, sizeof buf)) != 0) {
                if (r == -EAGAIN)
                        continue;
                if (r < 0)
                        return log_error_errno(r, "notify socket");
                if ((r = forward_message(n, buf)) < 0)
                        return r;
        }
        return 0;
}

int notify_wait_ready(struct container *c)
{
        struct notify *n = c->notify;
        if (!n)
                return 0;
        while (!n->ready) {
                struct pollfd p[2] = {{.fd = n->fd, .events = POLLIN},
                                      {.fd = n->pidfd, .events = POLLIN}};
                int r = poll(p, 2, -1);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return log_error_errno(errno, "notify socket");
                if ((r = drain(n)) < 0)
                        return r;
                if (!n->ready && (p[1].revents & POLLIN)) {
                        (void)drain(n); /* a last message sent right before it exited */
                        if (n->ready)
                                break;
                        return log_error("container \"%s\" exited before it sent READY=1 to "
                                         "$NOTIFY_SOCKET (" NOTIFY_SOCKET_IN_CONTAINER ")",
                                         c->id),
                               -EPROTO;
                }
        }
        return 0;
}

static void *forward_thread(void *userdata)
{
        struct notify *n = userdata;
        for (;;) {
                struct pollfd p[2] = {{.fd = n->fd, .events = POLLIN},
                                      {.fd = n->stop[0], .events = POLLIN}};
                int r = poll(p, 2, -1);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0 || drain(n) < 0 || p[1].revents)
                        break;
        }
        return NULL;
}

int notify_forward_start(struct container *c)
{
        struct notify *n = c->notify;
        if (!n)
                return 0;
        if (pipe2(n->stop, O_CLOEXEC) < 0)
                return log_error_errno(errno, "notify");
        int r = pthread_create(&n->thread, NULL, forward_thread, n);
        if (r != 0)
                return log_error_errno(r, "notify: cannot start the forwarding thread");
        n->thread_started = true;
        return 0;
}

int notify_forward_stop(struct container *c)
{
        struct notify *n = c->notify;
        if (!n || !n->thread_started)
                return 0;
        char b = 0;
        (void)write(n->stop[1], &b, 1);
        pthread_join(n->thread, NULL);
        n->thread_started = false;
        (void)drain(n);
        if (!n->ready)
                return log_error("container \"%s\" exited without sending READY=1 to "
                                 "$NOTIFY_SOCKET (" NOTIFY_SOCKET_IN_CONTAINER ")",
                                 c->id),
                       -EPROTO;
        return 0;
}
