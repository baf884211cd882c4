/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registering a container with systemd-machined over the D-Bus system bus. */
#include "bus-machine.h"

#include <errno.h>
#include <string.h>

#include "bus.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/proc-util.h"

#define MACHINED_DEST "org.freedesktop.machine1"
#define MACHINED_PATH "/org/freedesktop/machine1"
#define MACHINED_MANAGER "org.freedesktop.machine1.Manager"
#define MACHINE_NAME_MAX 64 /* HOST_NAME_MAX */

#define _cleanup_bus_error_ __attribute__((cleanup(sd_bus_error_free)))
#define _cleanup_bus_message_ __attribute__((cleanup(sd_bus_message_unrefp)))

bool machine_name_is_valid(const char *name)
{
        bool label_start = true, hyphen = false;
        size_t n = 0;

        if (!name || !*name)
                return false;
        for (const char *p = name; *p; p++, n++) {
                if (*p == '.') {
                        if (label_start || hyphen)
                                return false; /* empty label, or one ending in '-' */
                        label_start = true;
                        hyphen = false;
                } else if (*p == '-') {
                        if (label_start)
                                return false;
                        hyphen = true;
                } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                           (*p >= '0' && *p <= '9')) {
                        label_start = hyphen = false;
                } else
                        return false;
        }
        return !label_start && !hyphen && n <= MACHINE_NAME_MAX;
}

/* The errors that mean "machined is not there": no bus, nobody owns or can activate the name. */
static bool machined_absent(int r, const sd_bus_error *e)
{
        if (sd_bus_error_is_set(e))
                return sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                       sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
                       startswith(e->name, "org.freedesktop.DBus.Error.Spawn.") ||
                       sd_bus_error_has_name(e, "org.freedesktop.systemd1.NoSuchUnit") ||
                       sd_bus_error_has_name(e, "org.freedesktop.systemd1.UnitMasked");
        return r == -ENOENT || r == -ECONNREFUSED || r == -ENOTCONN || r == -ECONNRESET ||
               r == -EACCES || r == -EPERM || r == -ENXIO;
}

static int open_system_bus(uint64_t timeout_usec, sd_bus **ret)
{
        sd_bus *bus = NULL;
        int r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        (void)sd_bus_set_method_call_timeout(bus, timeout_usec);
        *ret = bus;
        return 0;
}

int bus_register_machine(const char *name, pid_t leader, const char *root_directory,
                         uint64_t timeout_usec)
{
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_bus_message_ sd_bus_message *m = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t t0 = now_usec();

        int r = open_system_bus(timeout_usec, &bus);
        if (r < 0) {
                log_debug_errno(r, "no D-Bus system bus: the container is not registered with "
                                   "systemd-machined");
                return 0;
        }
        r = sd_bus_message_new_method_call(bus, &m, MACHINED_DEST, MACHINED_PATH, MACHINED_MANAGER,
                                           "RegisterMachine");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', NULL, 0); /* no id: machined's choice */
        if (r >= 0)
                r = sd_bus_message_append(m, "ssus", "crunit", "container", (uint32_t)leader,
                                          root_directory ? root_directory : "");
        if (r < 0)
                return log_warning_errno(r, "cannot build the request to register machine %s",
                                         name);
        r = sd_bus_call(bus, m, timeout_usec, &error, NULL);
        if (r < 0 && machined_absent(r, &error)) {
                log_debug("systemd-machined is not available (%s): machine %s not registered",
                          sd_bus_error_is_set(&error) ? error.name : strerror(-r), name);
                return 0;
        }
        if (r < 0)
                return log_warning("systemd-machined refused to register machine %s: %s", name,
                                   sd_bus_error_is_set(&error) && error.message ? error.message
                                                                                : strerror(-r));
        log_debug("registered machine %s with systemd-machined in %.1f ms", name,
                  (double)(now_usec() - t0) / 1000.0);
        return 1;
}

void bus_unregister_machine(const char *name, uint64_t timeout_usec)
{
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t t0 = now_usec();

        int r = open_system_bus(timeout_usec, &bus);
        if (r < 0) {
                log_debug_errno(r, "no D-Bus system bus to unregister machine %s", name);
                return;
        }
        /* machined frees the machine before it reads its next message */
        r = sd_bus_call_method(bus, MACHINED_DEST, MACHINED_PATH, MACHINED_MANAGER,
                               "UnregisterMachine", &error, NULL, "s", name);
        if (r < 0 && !sd_bus_error_has_name(&error, "org.freedesktop.machine1.NoSuchMachine"))
                log_debug("cannot unregister machine %s: %s", name,
                          sd_bus_error_is_set(&error) && error.message ? error.message
                                                                       : strerror(-r));
        else
                log_debug("machine %s unregistered in %.1f ms", name,
                          (double)(now_usec() - t0) / 1000.0);
}
