/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "bus.h"
#include "shared/log.h"
#include "shared/macro.h"

static int connect_private(const char *socket_path, sd_bus **ret)
{
        sd_bus *bus = NULL;
        _cleanup_free_ char *address = NULL;
        struct stat st;

        /* sd_bus_start() is asynchronous for unix sockets; check the socket first so that a
         * missing manager is reported as such, not as a failure of the first call. */
        if (stat(socket_path, &st) < 0)
                return -errno;
        if (!S_ISSOCK(st.st_mode))
                return -ENOTSOCK;
        if (st.st_uid != geteuid())
                return -EPERM;
        if (asprintf(&address, "unix:path=%s", socket_path) < 0)
                return -ENOMEM;
        int r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int bus_connect_systemd(bool user, bool log_failure, sd_bus **ret)
{
        char path[4096];
        int r;

        assert(ret);
        if (user) {
                const char *rt = getenv("XDG_RUNTIME_DIR");
                if (!rt || !*rt) {
                        if (log_failure)
                                log_error("cannot reach the user's systemd instance: "
                                          "XDG_RUNTIME_DIR is not set");
                        return -ENXIO;
                }
                snprintf(path, sizeof path, "%s/systemd/private", rt);
        } else
                snprintf(path, sizeof path, "/run/systemd/private");

        r = connect_private(path, ret);
        if (r >= 0)
                return 0;
        int k = user ? sd_bus_open_user(ret) : sd_bus_open_system(ret);
        if (k >= 0) {
                /* The bus is there; is the manager? A cheap call tells. */
                sd_bus_error e = SD_BUS_ERROR_NULL;
                k = sd_bus_call_method(*ret, "org.freedesktop.systemd1",
                                       "/org/freedesktop/systemd1", "org.freedesktop.DBus.Peer",
                                       "Ping", &e, NULL, "");
                sd_bus_error_free(&e);
                if (k >= 0)
                        return 0;
                *ret = sd_bus_flush_close_unref(*ret);
        }
        if (log_failure)
                log_error_errno(r, "cannot connect to %s (is systemd running%s?): %s",
                                user ? "the user's systemd instance" : "systemd",
                                user ? " for this user" : " as PID 1", path);
        return r;
}
