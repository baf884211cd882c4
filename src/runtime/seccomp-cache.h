/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A cache of compiled linux.seccomp filters (libseccomp's BPF output), in
 * <state root>/.seccomp-cache/: compiling podman's default profile costs more than the rest of
 * `crunit run`. An entry is found by a hash of its key but only used when the key stored in it
 * equals the wanted key byte for byte, so a hash collision is a miss, never a wrong filter.
 * The key is the exact input of the compilation: linux.seccomp as JSON text, the native
 * architecture, libseccomp's version and API level, the kernel release and crunit's version.
 * Errors of the cache are never fatal: a bad entry is a miss (and gets replaced). */

#include <stddef.h>

#include <json-c/json.h>

#define SECCOMP_CACHE_DIR ".seccomp-cache"
#define SECCOMP_CACHE_MAX_ENTRIES 64
#define SECCOMP_CACHE_MAX_FILE (4U << 20)

/* The key text for linux.seccomp given as JSON (newly allocated). */
int seccomp_cache_key(json_object *seccomp, char **ret);
/* FNV-1a 64 of `key`, the entry's file name (16 hex digits): for naming only. */
void seccomp_cache_name(const char *key, char ret[static 17]);

/* Opens (creating it) the cache directory below the state root `rootfd`: 0700, owned by us. */
int seccomp_cache_open(int rootfd, int *ret_dirfd);
/* 1 and the BPF program (malloc'ed, `*ret_size` bytes) on a hit, 0 on a miss (or a bad
 * entry), a negative errno on allocation failure only. */
int seccomp_cache_lookup(int dirfd, const char *key, void **ret_bpf, size_t *ret_size);
/* Stores an entry (atomically: temporary file + rename), evicting the oldest ones beyond
 * SECCOMP_CACHE_MAX_ENTRIES. */
int seccomp_cache_store(int dirfd, const char *key, const void *bpf, size_t size);
