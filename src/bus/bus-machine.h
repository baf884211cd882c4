/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* systemd-machined (org.freedesktop.machine1 on the D-Bus system bus, bus-activated; Debian's
 * systemd-container): a container registered there shows up in `machinectl list`/`status`,
 * with its unit. RegisterMachine attaches the machine to the unit its leader is already in,
 * the container's scope; machined forgets it when that unit goes away. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* systemd's machine_name_is_valid(): a host name of at most 64 characters, labels of
 * [a-zA-Z0-9-] separated by single dots, no label beginning or ending with '-'. */
bool machine_name_is_valid(const char *name);

/* RegisterMachine(name, no id, service "crunit", class "container", leader, root_directory).
 * 1: registered. 0: skipped, machined is not there (no system bus, the name is not
 * activatable; logged at debug level only). Negative errno: machined refused (logged as a
 * warning, naming the cause). Calls time out after `timeout_usec`. */
int bus_register_machine(const char *name, pid_t leader, const char *root_directory,
                         uint64_t timeout_usec);

/* UnregisterMachine(name): machined forgets the machine at once (its unit is not touched).
 * A machine that is not there is fine. Failures are logged at debug level only. */
void bus_unregister_machine(const char *name, uint64_t timeout_usec);
