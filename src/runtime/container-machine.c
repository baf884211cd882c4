/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container-machine.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "bus/bus-machine.h"
#include "bus/bus.h"
#include "container.h"
#include "shared/log.h"
#include "shared/macro.h"

#define MACHINE_ANNOTATION "org.crunit.machine"
#define MACHINE_ENV "CRUNIT_MACHINE"
/* In the state directory: create registered the container with machined. */
#define MACHINE_MARKER "machined"
#define MACHINED_TIMEOUT_USEC (2ULL * 1000 * 1000)

/* 1 true, 0 false, -EINVAL neither */
static int parse_bool(const char *s)
{
        static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
        static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}

int container_register_machine(struct container *c, bool scope_started)
{
        const char *env = getenv(MACHINE_ENV);
        json_object *v;

        if (c->state->annotations &&
            json_object_object_get_ex(c->state->annotations, MACHINE_ANNOTATION, &v)) {
                const char *s = json_object_get_string(v);
                int b = s ? parse_bool(s) : -EINVAL;
                if (b < 0)
                        return log_error("annotation %s: \"%s\" is not a boolean (true or false)",
                                         MACHINE_ANNOTATION, s ? s : ""),
                               -EINVAL;
                if (b == 0) {
                        log_debug("%s=%s: not registering with systemd-machined",
                                  MACHINE_ANNOTATION, s);
                        return 0;
                }
        }
        if (env && parse_bool(env) == 0) {
                log_debug("%s=%s: not registering with systemd-machined", MACHINE_ENV, env);
                return 0;
        }
        if (!scope_started || c->state->bus != BUS_SYSTEM || !c->state->unit)
                return 0; /* rootless, or no scope of ours: not a machine of the system */
        if (!machine_name_is_valid(c->id)) {
                log_debug("container id %s is not a valid machine name: not registering with "
                          "systemd-machined",
                          c->id);
                return 0;
        }
        if (bus_register_machine(c->id, c->state->pid, c->state->rootfs, MACHINED_TIMEOUT_USEC) >
            0) {
                int fd = openat(c->dirfd, MACHINE_MARKER,
                                O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
                if (fd < 0)
                        log_debug_errno(errno, "cannot create %s", MACHINE_MARKER);
                safe_close(fd);
        }
        return 0;
}

void container_machine_forget(struct container *c)
{
        if (c->dirfd < 0 || faccessat(c->dirfd, MACHINE_MARKER, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                return;
        bus_unregister_machine(c->id, MACHINED_TIMEOUT_USEC);
}
