/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>

#include "bus/bus.h"
#include "cgroup.h"
#include "container.h"
#include "shared/log.h"

int container_cgroup(struct container *c, char **ret)
{
        if (c->state->unit && c->state->bus != BUS_NONE) {
                _cleanup_bus_ sd_bus *bus = NULL;
                if (bus_connect_systemd(c->state->bus == BUS_USER, false, &bus) >= 0 &&
                    bus_unit_control_group(bus, c->state->unit, ret) >= 0)
                        return 0;
        }
        int r = cgroup_of_pid(c->state->pid, ret);
        if (r < 0)
                return log_error_errno(r, "cannot find the cgroup of container \"%s\"", c->id);
        return 0;
}

static int freeze(struct container *c, bool on)
{
        int r;
        if (cgroup_is_unified()) {
                if (!c->state->unit || c->state->bus == BUS_NONE)
                        return log_error("container \"%s\" has no scope to %s", c->id,
                                         on ? "freeze" : "thaw"),
                               -EOPNOTSUPP;
                _cleanup_bus_ sd_bus *bus = NULL;
                if ((r = bus_connect_systemd(c->state->bus == BUS_USER, true, &bus)) < 0)
                        return r;
                return bus_freeze_unit(bus, c->state->unit, on);
        }
        _cleanup_free_ char *cg = NULL;
        if ((r = container_cgroup(c, &cg)) < 0)
                return r;
        return cgroup_v1_freeze(cg, on);
}

int container_pause(struct container *c)
{
        enum container_status st = container_status(c);
        if (st == STATUS_PAUSED)
                return log_error("container \"%s\" is already paused", c->id), -EBUSY;
        if (st != STATUS_RUNNING)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        return freeze(c, true);
}

int container_resume(struct container *c)
{
        if (container_status(c) != STATUS_PAUSED)
                return log_error("container \"%s\" is not paused", c->id), -EINVAL;
        return freeze(c, false);
}

void container_thaw_quiet(struct container *c)
{
        (void)freeze(c, false);
}
