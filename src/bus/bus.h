/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

/* Everything crunit asks of systemd goes through here.
 *
 * We talk to the service manager directly on its private socket (/run/systemd/private, or
 * $XDG_RUNTIME_DIR/systemd/private for a user's manager) when we may, as systemctl does: no
 * dependency on dbus-daemon, one round trip less. Otherwise the system/user bus. */

enum bus_kind {
        BUS_NONE,
        BUS_SYSTEM,
        BUS_USER,
};

/* Connects to the system manager (user=false) or the caller's user manager. On failure returns
 * a negative errno and, when `log_failure`, logs a one-line error naming the cause. */
int bus_connect_systemd(bool user, bool log_failure, sd_bus **ret);

/* sd-bus.h provides the *p cleanup helpers */
#define _cleanup_bus_ __attribute__((cleanup(sd_bus_flush_close_unrefp)))

struct scope_params {
        const char *unit;        /* crunit-<id>.scope */
        const char *slice;       /* machine.slice */
        const char *description; /* "crunit container <id>" */
        pid_t pid;               /* the process to move into the scope */
        /* linux.resources (bus-resources.c); NULL: none */
        const struct spec_resources *resources;
        /* org.systemd.property.* annotations (bus-annotations.h), set after the others; NULL */
        const struct unit_properties *properties;
};

/* bus-resources.c: appends the cgroup properties for `res` (may be NULL) to an open a(sv)
 * container of StartTransientUnit, except those whose bit is set in `skip`. */
struct spec_resources;
int bus_append_resources(sd_bus_message *m, const struct spec_resources *res, uint64_t skip);
/* If `error` is systemd's "Cannot set property X, or unknown property" for one of those
 * properties not skipped yet: adds it to `skip`, warns naming it, returns 1 (retry). */
int bus_resources_skip_unknown(const sd_bus_error *error, uint64_t *skip);

/* StartTransientUnit for a scope holding p->pid, and waits for its job. A unit of that name
 * left inactive or failed by an earlier container is reset first; an active one is an error. */
int bus_start_scope(sd_bus *bus, const struct scope_params *p);
/* Stops a unit and waits for the job. A unit that does not exist is not an error. */
int bus_stop_unit(sd_bus *bus, const char *unit);
/* KillUnit(unit, "all", sig). -ENOENT if there is no such unit. */
int bus_kill_unit(sd_bus *bus, const char *unit, int sig);
/* A string property of a loaded unit; -ENOENT when the unit is not loaded. */
int bus_unit_property_string(sd_bus *bus, const char *unit, const char *interface,
                             const char *property, char **ret);
/* A uint64 ("t") property of a loaded unit; -ENOENT when it is not loaded. */
int bus_unit_property_u64(sd_bus *bus, const char *unit, const char *interface,
                          const char *property, uint64_t *ret);
/* ActiveState of a unit ("active", "inactive", …); -ENOENT when it is not loaded. */
int bus_unit_active_state(sd_bus *bus, const char *unit, char **ret);
/* bus-verbs.c (pause/resume/update/ps): FreezeUnit or ThawUnit (systemd >= 246, cgroup v2). */
int bus_freeze_unit(sd_bus *bus, const char *unit, bool freeze);
/* SetUnitProperties(unit, runtime=true, the properties of `res`); unknown ones are dropped
 * with a warning, as at StartTransientUnit. */
int bus_set_unit_resources(sd_bus *bus, const char *unit, const struct spec_resources *res);
/* The ControlGroup of a unit; -ENOENT when it is not loaded. Not logged. */
int bus_unit_control_group(sd_bus *bus, const char *unit, char **ret);
