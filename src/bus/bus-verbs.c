/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>

#include "bus.h"
#include "shared/log.h"
#include "shared/macro.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

#define _cleanup_bus_error_ __attribute__((cleanup(sd_bus_error_free)))
#define _cleanup_bus_message_ __attribute__((cleanup(sd_bus_message_unrefp)))

int bus_freeze_unit(sd_bus *bus, const char *unit, bool freeze)
{
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        /* The reply comes when the unit's cgroup is frozen (thawed). */
        int r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER,
                                   freeze ? "FreezeUnit" : "ThawUnit", &error, NULL, "s", unit);
        if (r < 0)
                return log_error("systemd could not %s %s: %s", freeze ? "freeze" : "thaw", unit,
                                 error.message ? error.message : strerror(-r));
        return 0;
}

int bus_set_unit_resources(sd_bus *bus, const char *unit, const struct spec_resources *res)
{
        uint64_t skip = 0;
        assert(bus && unit);
        for (;;) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_bus_message_ sd_bus_message *m = NULL;
                int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                                       "SetUnitProperties");
                if (r >= 0)
                        r = sd_bus_message_append(m, "sb", unit, 1);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(sv)");
                if (r >= 0)
                        r = bus_append_resources(m, res, skip);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r < 0)
                        return log_error_errno(r, "cannot build the request for %s", unit);
                r = sd_bus_call(bus, m, 0, &error, NULL);
                if (r >= 0)
                        return 0;
                if (sd_bus_error_is_set(&error) && bus_resources_skip_unknown(&error, &skip))
                        continue;
                return log_error("systemd refused to update %s: %s", unit,
                                 error.message ? error.message : strerror(-r));
        }
}

int bus_unit_control_group(sd_bus *bus, const char *unit, char **ret)
{
        int r = bus_unit_property_string(bus, unit, "org.freedesktop.systemd1.Scope",
                                         "ControlGroup", ret);
        if (r >= 0 && **ret == '\0') {
                free(*ret);
                *ret = NULL;
                return -ENOENT;
        }
        return r;
}
