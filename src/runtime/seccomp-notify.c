/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "seccomp-notify.h"

#include <json-c/json.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "shared/log.h"
#include "sync.h"

int seccomp_listener_connect(const char *path, int *ret_fd)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        _cleanup_close_ int fd = -1;

        if (strlen(path) >= sizeof sa.sun_path)
                return log_error("linux.seccomp.listenerPath %s: too long for a unix socket", path),
                       -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return log_error_errno(errno, "linux.seccomp.listenerPath: socket");
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
                return log_error_errno(errno, "linux.seccomp.listenerPath: cannot connect to %s",
                                       path);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int seccomp_listener_handover(int sync_sock, const char *path, pid_t pid)
{
        _cleanup_close_ int fd = -1;
        int r = seccomp_listener_connect(path, &fd);
        if (r < 0)
                return r;
        r = sync_send(sync_sock, SYNC_SECCOMP_LISTENER, (int)pid, NULL, fd);
        if (r < 0)
                return log_error_errno(r, "the container's init died");
        return 0;
}

static json_object *payload(const struct setup_ctx *c)
{
        const struct spec *s = c->spec;
        json_object *o = json_object_new_object(), *st = json_object_new_object();
        json_object *fds = json_object_new_array();

        if (!o || !st || !fds) {
                json_object_put(o);
                json_object_put(st);
                json_object_put(fds);
                return NULL;
        }
        json_object_array_add(fds, json_object_new_string("seccompFd"));
        json_object_object_add(o, "ociVersion", json_object_new_string(s->oci_version));
        json_object_object_add(o, "fds", fds);
        json_object_object_add(o, "pid", json_object_new_int(c->host_pid));
        if (s->seccomp->listener_metadata)
                json_object_object_add(o, "metadata",
                                       json_object_new_string(s->seccomp->listener_metadata));
        json_object_object_add(st, "ociVersion", json_object_new_string(s->oci_version));
        json_object_object_add(st, "id", json_object_new_string(c->id));
        /* the init: `start` was asked for, the user's program not executed yet; an exec'd
         * process: the container's status (running, or created/paused), state.pid its init */
        const char *status = c->notify_status ? c->notify_status : "created";
        pid_t init_pid = c->notify_init_pid > 0 ? c->notify_init_pid : c->host_pid;
        json_object_object_add(st, "status", json_object_new_string(status));
        json_object_object_add(st, "pid", json_object_new_int(init_pid));
        json_object_object_add(st, "bundle", json_object_new_string(s->bundle));
        if (s->annotations)
                json_object_object_add(st, "annotations", json_object_get(s->annotations));
        json_object_object_add(o, "state", st);
        return o;
}

int seccomp_listener_send(struct setup_ctx *c, int notify_fd)
{
        _cleanup_close_ int fd = notify_fd, sock = c->seccomp_listener;
        json_object *o;
        int r;

        c->seccomp_listener = -1;
        if (sock < 0) /* crunit create/exec connects before the process is set up */
                return log_error("linux.seccomp: SCMP_ACT_NOTIFY: no connection to listenerPath "
                                 "%s",
                                 c->spec->seccomp->listener_path),
                       -ENOTCONN;
        o = payload(c);
        if (!o)
                return log_error_errno(ENOMEM, "linux.seccomp");
        r = send_fd(sock, fd, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
        if (r < 0)
                return log_error_errno(r, "linux.seccomp: cannot send the listener fd to %s",
                                       c->spec->seccomp->listener_path);
        return 0;
}
