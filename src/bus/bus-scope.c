/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <time.h>

#include "bus-annotations.h"
#include "bus.h"
#include "shared/log.h"
#include "shared/proc-util.h"
#include "shared/macro.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_TIMEOUT_USEC (30ULL * 1000000ULL)

#define _cleanup_bus_error_ __attribute__((cleanup(sd_bus_error_free)))
#define _cleanup_bus_message_ __attribute__((cleanup(sd_bus_message_unrefp)))
#define _cleanup_bus_slot_ __attribute__((cleanup(sd_bus_slot_unrefp)))

/* --- waiting for a job, as systemd's own bus_wait_for_jobs() does --------------------- */

struct job_wait {
        const char *path; /* the job we wait for; NULL until the method call returned */
        char *result;     /* "done", "failed", "canceled", "timeout", "dependency", "skipped" */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
        struct job_wait *w = userdata;
        uint32_t id;
        const char *path, *unit, *result;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->path && streq(path, w->path) && !w->result)
                w->result = strdup(result);
        return 0;
}

static int wait_for_job(sd_bus *bus, struct job_wait *w, const char *what, const char *unit)
{
        uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
        while (!w->result) {
                int r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return log_error_errno(r,
                                               "lost the connection to systemd while waiting "
                                               "for %s of %s",
                                               what, unit);
                if (r > 0)
                        continue;
                uint64_t now = now_usec();
                if (now >= deadline)
                        return log_error("timed out after %llus waiting for systemd to %s %s",
                                         (unsigned long long)(JOB_TIMEOUT_USEC / 1000000ULL), what,
                                         unit);
                r = sd_bus_wait(bus, deadline - now);
                if (r < 0 && r != -EINTR)
                        return log_error_errno(r, "waiting for systemd to %s %s", what, unit);
        }
        return 0;
}

/* Calls a Manager method that returns a job path, and waits for that job. */
static int call_and_wait(sd_bus *bus, sd_bus_message *call, const char *what, const char *unit,
                         sd_bus_error *error, char **ret_result)
{
        _cleanup_bus_slot_ sd_bus_slot *slot = NULL;
        _cleanup_bus_message_ sd_bus_message *reply = NULL;
        struct job_wait w = {};
        const char *job;

        /* Subscribe before the call, so the JobRemoved signal cannot be missed. */
        int r = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                                    on_job_removed, &w);
        if (r < 0)
                return log_error_errno(r, "cannot subscribe to systemd job signals");
        r = sd_bus_call(bus, call, JOB_TIMEOUT_USEC, error, &reply);
        if (r < 0 && !sd_bus_error_is_set(error))
                return log_error_errno(r, "cannot talk to systemd to %s %s", what, unit);
        if (r < 0)
                return r; /* the caller interprets `error` */
        r = sd_bus_message_read(reply, "o", &job);
        if (r < 0)
                return log_error_errno(r, "bad reply from systemd to %s %s", what, unit);
        w.path = job;
        r = wait_for_job(bus, &w, what, unit);
        if (r < 0)
                return r;
        *ret_result = w.result;
        return 0;
}

/* GetUnit: the object path of a loaded unit; -ENOENT when it is not loaded. */
static int unit_object_path(sd_bus *bus, const char *unit, char **ret)
{
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_bus_message_ sd_bus_message *reply = NULL;
        const char *path;

        int r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &error, &reply,
                                   "s", unit);
        if (r < 0)
                return sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit")
                           ? -ENOENT
                           : r;
        if ((r = sd_bus_message_read(reply, "o", &path)) < 0)
                return r;
        *ret = strdup(path);
        return *ret ? 0 : -ENOMEM;
}

int bus_unit_property_string(sd_bus *bus, const char *unit, const char *interface,
                             const char *property, char **ret)
{
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r = unit_object_path(bus, unit, &path);
        if (r < 0)
                return r;
        return sd_bus_get_property_string(bus, SD_DEST, path, interface, property, &error, ret);
}

int bus_unit_property_u64(sd_bus *bus, const char *unit, const char *interface,
                          const char *property, uint64_t *ret)
{
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r = unit_object_path(bus, unit, &path);
        if (r < 0)
                return r;
        return sd_bus_get_property_trivial(bus, SD_DEST, path, interface, property, &error, 't',
                                           ret);
}

int bus_unit_active_state(sd_bus *bus, const char *unit, char **ret)
{
        return bus_unit_property_string(bus, unit, "org.freedesktop.systemd1.Unit", "ActiveState",
                                        ret);
}

static int append_scope_properties(sd_bus_message *m, const struct scope_params *p, uint64_t skip)
{
        int r = sd_bus_message_append(m, "ss", p->unit, "fail");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s",
                                  p->description, "Slice", "s", p->slice, "Delegate", "b", 1,
                                  "CollectMode", "s", "inactive-or-failed", "MemoryAccounting", "b",
                                  1, "TasksAccounting", "b", 1, "CPUAccounting", "b", 1,
                                  "TimeoutStopUSec", "t", (uint64_t)10 * 1000000);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)p->pid);
        if (r < 0)
                return r;
        r = bus_append_resources(m, p->resources, skip);
        if (r >= 0)
                r = bus_append_unit_properties(m, p->properties);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return sd_bus_message_append(m, "a(sa(sv))", 0);
}

/* A unit of our name exists: if it is a leftover (inactive/failed, not yet collected), clear
 * it and report that a retry may succeed; if it is alive, that is the user's problem. */
static int clear_stale_unit(sd_bus *bus, const char *unit)
{
        _cleanup_free_ char *state = NULL;
        int r = bus_unit_active_state(bus, unit, &state);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "cannot query %s", unit);
        if (streq(state, "failed") || streq(state, "inactive")) {
                (void)sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL,
                                         NULL, "s", unit);
                return 0;
        }
        if (streq(state, "deactivating")) /* being stopped right now; will be collected */
                return 0;
        return log_error("%s already exists and is %s (a container of that name that crunit "
                         "does not know? stop it with: systemctl stop %s)",
                         unit, state, unit);
}

int bus_start_scope(sd_bus *bus, const struct scope_params *p)
{
        assert(bus);
        assert(p && p->unit && p->slice && p->pid > 0);

        uint64_t deadline = now_usec() + 5 * 1000000ULL;
        uint64_t skip = 0; /* resource properties this systemd does not know */
        for (;;) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_bus_message_ sd_bus_message *m = NULL;
                _cleanup_free_ char *result = NULL;

                int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                                       "StartTransientUnit");
                if (r >= 0)
                        r = append_scope_properties(m, p, skip);
                if (r < 0)
                        return log_error_errno(r, "cannot build the request for %s", p->unit);

                r = call_and_wait(bus, m, "start", p->unit, &error, &result);
                if (r < 0 && sd_bus_error_is_set(&error)) {
                        if ((r = unit_properties_explain_error(p->properties, &error, p->unit)) < 0)
                                return r;
                        if (bus_resources_skip_unknown(&error, &skip))
                                continue;
                        if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists") &&
                            now_usec() < deadline) {
                                r = clear_stale_unit(bus, p->unit);
                                if (r < 0)
                                        return r;
                                struct timespec ts = {0, 10 * 1000 * 1000};
                                nanosleep(&ts, NULL);
                                continue;
                        }
                        return log_error("systemd refused to create %s: %s", p->unit,
                                         error.message ? error.message : error.name);
                }
                if (r < 0)
                        return r;
                if (!streq(result, "done"))
                        return log_error("systemd could not start %s: job %s", p->unit, result);
                return 0;
        }
}

int bus_stop_unit(sd_bus *bus, const char *unit)
{
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_bus_message_ sd_bus_message *m = NULL;
        _cleanup_free_ char *result = NULL;

        int r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", unit, "replace");
        if (r < 0)
                return log_error_errno(r, "cannot build the request to stop %s", unit);
        r = call_and_wait(bus, m, "stop", unit, &error, &result);
        if (r < 0 && sd_bus_error_is_set(&error)) {
                if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
                        return 0;
                return log_error("systemd refused to stop %s: %s", unit,
                                 error.message ? error.message : error.name);
        }
        if (r < 0)
                return r;
        if (!streq(result, "done"))
                return log_error("systemd could not stop %s: job %s", unit, result);
        return 0;
}

int bus_kill_unit(sd_bus *bus, const char *unit, int sig)
{
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "KillUnit", &error, NULL,
                                   "ssi", unit, "all", sig);
        if (r < 0) {
                if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
                        return -ENOENT;
                return log_error("systemd refused to signal %s: %s", unit,
                                 error.message ? error.message : error.name);
        }
        return 0;
}
