/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the config.json parser (spec-parse.c, spec-process.c, spec-linux.c).
 * Not part of the public interface (spec.h). */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "../shared/log.h"
#include "spec.h"

/* Logs "config.json: <message>" and evaluates to -EINVAL. `fmt` must be a string literal.
 * spec_source names the file ("config.json"; spec_load_process(): its path). */
extern const char *spec_source;
#define spec_error(fmt, ...) (log_error("%s: " fmt, spec_source, ##__VA_ARGS__), -EINVAL)

/* Field paths in messages ("process.rlimits[3].type") fit in this. */
#define SPEC_PATH_MAX 256
/* Formats a field path into `buf` (SPEC_PATH_MAX bytes, truncating) and returns `buf`. */
char *spec_field(char buf[static SPEC_PATH_MAX], const char *fmt, ...) _printf_(2, 3);
/* The required member `key` of the object at `path`, with its own path ("path.key") in
 * `field`; NULL, after an error naming it, when it is missing (callers return -EINVAL). */
json_object *spec_json_required(json_object *o, const char *path, const char *key,
                                char field[static SPEC_PATH_MAX]);
/* spec_json_required() and spec_json_string(): the required string member `key`. */
int spec_json_required_string(json_object *o, const char *path, const char *key,
                              char field[static SPEC_PATH_MAX], const char **ret);

/* Returns obj[key], or NULL when the key is absent or its value is JSON null. */
json_object *spec_json_get(json_object *obj, const char *key);
/* True for NULL, JSON null, "", [] and {}. */
bool spec_json_is_empty(json_object *v);
/* Logs (debug) every key of `obj` not in the NULL-terminated `known` list. `prefix` is the
 * field path of `obj` ("" for the top level). */
void spec_json_log_unknown(json_object *obj, const char *prefix, const char *const *known);
/* An object at `path` whose members are `known` (NULL-terminated): a non-object is an error,
 * members the runtime-spec does not define are logged at debug level and ignored. */
int spec_json_known_object(json_object *o, const char *path, const char *const known[]);

/* Type-checked accessors for a value `v` (not NULL) found at field path `path`. They log the
 * error and return -EINVAL on a type or range mismatch. */
int spec_json_object(json_object *v, const char *path);
int spec_json_array(json_object *v, const char *path);
/* Parses the JSON array `a` (field `path`) into a new C array of items of `size` bytes:
 * fn(element, "path[i]", &items[i], userdata) for each. *ret_items is set before the first
 * call, and *ret_n counts the items handed to fn so far, so that whoever frees a partly filled
 * array after an error frees exactly those. An empty array leaves both untouched. */
typedef int (*spec_item_fn)(json_object *e, const char *path, void *item, void *userdata);
int spec_json_array_items(json_object *a, const char *path, size_t size, void **ret_items,
                          size_t *ret_n, spec_item_fn fn, void *userdata);
int spec_json_string(json_object *v, const char *path, const char **ret);
int spec_json_strdup(json_object *v, const char *path, char **ret);
int spec_json_bool(json_object *v, const char *path, bool *ret);
int spec_json_int64(json_object *v, const char *path, int64_t min, int64_t max, int64_t *ret);
int spec_json_uint64(json_object *v, const char *path, uint64_t max, uint64_t *ret);
int spec_json_uint32(json_object *v, const char *path, uint32_t *ret);
/* An array of strings, copied into a NULL-terminated vector (an empty array gives a vector
 * with no element, never NULL). */
int spec_json_strv(json_object *v, const char *path, char ***ret);
/* Like spec_json_strv(), and every element must be an absolute path. */
int spec_json_path_strv(json_object *v, const char *path, char ***ret);

/* Lexically cleaned "base/rel" (or just `rel` when absolute): no ".", "..", "//" or trailing
 * "/" (like Go's filepath.Join / filepath.Clean). */
int spec_path_join(const char *base, const char *rel, char **ret);
/* `path` made absolute against the current directory, cleaned. */
int spec_path_absolute(const char *path, char **ret);

/* The sub-parsers, called by spec_parse(). */
int spec_parse_process(json_object *process, struct spec_process *p);
void spec_process_done(struct spec_process *p);
int spec_parse_linux(json_object *linux_obj, struct spec *s);
/* linux.seccomp (spec-seccomp.c). An empty object (no defaultAction, no syscalls) leaves
 * s->seccomp NULL, as runc does. */
int spec_parse_seccomp(json_object *seccomp, struct spec *s);
void spec_seccomp_free(struct spec_seccomp *sc);
/* linux.uidMappings and the like (spec-linux.c) */
int spec_parse_id_mappings(json_object *a, const char *path, struct spec_id_mapping **ret,
                           size_t *ret_n);
/* linux.devices (spec-devices.c) */
int spec_parse_devices(json_object *a, struct spec *s);
void spec_devices_free(struct spec *s);
/* spec-fields.c: process.scheduler/ioPriority/execCPUAffinity and
 * linux.personality/sysctl/timeOffsets (the latter after linux.namespaces is parsed). */
int spec_parse_process_fields(json_object *process, struct spec_process *p);
int spec_parse_linux_fields(json_object *linux_obj, struct spec *s);
/* linux.intelRdt (spec-intelrdt.c) */
int spec_parse_intel_rdt(json_object *v, struct spec *s);
void spec_intel_rdt_free(struct spec_intel_rdt *rdt);
