/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container in systemd-machined (`machinectl list`, `machinectl status ID`): registered by
 * create once its init is in the scope, forgotten when delete stops the scope. Only for a
 * system container with a scope and an id that is a valid machine name; skipped when machined
 * is not there. Opt-out: the annotation org.crunit.machine=false in config.json, or
 * CRUNIT_MACHINE=0 in crunit's environment. */

#include <stdbool.h>

struct container;

/* After the init is in its scope (`scope_started`). Negative (logged) only for an annotation
 * org.crunit.machine that is not a boolean; machined's own failures are warnings. */
int container_register_machine(struct container *c, bool scope_started);
/* delete: unregisters the machine, if create registered one (machined would drop it once it
 * learns that the scope stopped, a moment after delete returned). */
void container_machine_forget(struct container *c);
