/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sd-notify-send LINE...: sends one datagram, the LINEs joined by newlines, to $NOTIFY_SOCKET.
 * A tiny static helper for the notify tests (busybox cannot send unix datagrams). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char *argv[])
{
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        char msg[4096] = "";
        size_t l = 0;

        if (!path || !*path || strlen(path) >= sizeof sa.sun_path) {
                fprintf(stderr, "sd-notify-send: NOTIFY_SOCKET is not set\n");
                return 2;
        }
        for (int i = 1; i < argc; i++)
                l += (size_t)snprintf(msg + l, sizeof msg - l, "%s\n", argv[i]);
        strcpy(sa.sun_path, path);
        if (path[0] == '@')
                sa.sun_path[0] = '\0';
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 ||
            sendto(fd, msg, l, 0, (struct sockaddr *)&sa,
                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path))) < 0) {
                perror("sd-notify-send");
                return 1;
        }
        return 0;
}
