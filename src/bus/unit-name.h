/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Unit names for containers.
 *
 * linux.cgroupsPath follows runc's systemd convention "slice:prefix:name":
 *   ""                        → crunit-<id>.scope in machine.slice
 *   "machine.slice:libpod:ID" → libpod-ID.scope in machine.slice
 *   ":crunit:ID"              → crunit-ID.scope in machine.slice (empty slice: the default)
 * Characters a unit name cannot hold are escaped the way systemd does ("+" → "\x2b"). */

#define CRUNIT_DEFAULT_SLICE "machine.slice"
#define CRUNIT_DEFAULT_PREFIX "crunit"

int unit_name_escape(const char *s, char **ret);
/* Returns the slice and the scope name for a container. Fails with a one-line error on a
 * malformed cgroupsPath or a name too long for a unit. */
int container_unit_names(const char *cgroups_path, const char *id, char **ret_slice,
                         char **ret_unit);
