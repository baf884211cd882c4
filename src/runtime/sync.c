/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sync.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "shared/log.h"
#include "shared/macro.h"

static int send_with_fd(int sock, const void *buf, size_t len, int fd)
{
        struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = {};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        if (fd >= 0) {
                mh.msg_control = control.buf;
                mh.msg_controllen = sizeof control.buf;
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        ssize_t n;
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : 0;
}

int send_fd(int sock, int fd, const char *data)
{
        return send_with_fd(sock, data, strlen(data), fd);
}

int sync_send(int sock, enum sync_type type, int value, const char *text, int fd)
{
        struct sync_msg m = {.type = type, .value = value};
        if (text)
                snprintf(m.text, sizeof m.text, "%s", text);
        /* send only the used part of text */
        size_t len = offsetof(struct sync_msg, text) + strlen(m.text) + 1;
        return send_with_fd(sock, &m, len, fd);
}

int sync_recv(int sock, struct sync_msg *m, int *ret_fd)
{
        struct iovec iov = {.iov_base = m, .iov_len = sizeof *m};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf};
        ssize_t n;
        memset(m, 0, sizeof *m);
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return -EPIPE;
        int fd = -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        if ((size_t)n < offsetof(struct sync_msg, text)) {
                safe_close(fd);
                return -EBADMSG;
        }
        m->text[sizeof m->text - 1] = 0;
        if (ret_fd)
                *ret_fd = fd;
        else
                safe_close(fd);
        return 0;
}

int sync_expect(int sock, enum sync_type type, struct sync_msg *m, int *ret_fd)
{
        for (;;) {
                int r = sync_recv(sock, m, ret_fd);
                if (r < 0)
                        return r;
                if (m->type == SYNC_LOG) { /* a warning from the setup path: pass it on */
                        log_emit((enum log_level)m->value, m->text);
                        continue;
                }
                if (m->type == type)
                        return 0;
                if (m->type == SYNC_ERROR) {
                        log_emit(LOG_LEVEL_ERROR, m->text);
                        return -ECANCELED; /* already reported */
                }
                return -EBADMSG;
        }
}
