/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* OCI hooks (runtime-spec config.md#posix-platform-hooks): each hook is fork+execve'd with
 * exactly its args (args[0] is argv[0]) and env, the container's state JSON on stdin, its
 * stdout and stderr on crunit's stderr, and no other fd. A timeout kills the hook's process
 * group with SIGKILL.
 *
 * Where they run (runtime.md, lifecycle):
 *   prestart, createRuntime  the parent crunit (`create`), at SYNC_HOOKS: the namespaces and
 *                            mounts exist, pivot_root has not happened yet (status "creating")
 *   createContainer          the container's init, right after them, before pivot_root; the
 *                            path resolves in the runtime's mount tree (status "creating")
 *   startContainer           the init, after `start` opened exec.fifo, before the exec; the path
 *                            resolves in the container (status "created")
 *   poststart                `start`/`run`, once the init is past the startContainer hooks
 *                            (status "running"); a failure is a warning
 *   poststop                 `delete`, after the container stopped, before its state is
 *                            removed (status "stopped"); a failure is a warning */

#include <stdbool.h>

#include "spec/spec.h"
#include "state.h"

static inline bool hooks_have(const struct spec_hooks *h, enum spec_hook_kind kind)
{
        return h && h->n[kind] > 0;
}

/* A read-only, O_CLOEXEC memfd holding the OCI state JSON of `st` (state_to_json()) with
 * "status" set to `status` and "pid" to st->pid: the hooks' stdin. Logs its failure. */
int hooks_state_fd(const struct container_state *st, const char *status, int *ret_fd);

/* Runs the hooks of `kind` in order; stdin is `state_fd` (rewound for each), the working
 * directory `cwd` (NULL: the current one). The first failure is logged as one error naming the
 * hook and returned (the remaining hooks do not run), unless `warn_only`: then each failure is
 * a warning, the remaining hooks run anyway and 0 is returned. */
int hooks_run(const struct spec_hooks *h, enum spec_hook_kind kind, int state_fd, const char *cwd,
              bool warn_only);
