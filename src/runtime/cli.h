/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include "../shared/log.h"

/* Global options (runc names), parsed in main.c before the verb. */
struct globals {
        const char *root; /* state directory root: --root, default /run/crunit
                             (rootless: $XDG_RUNTIME_DIR/crunit) */
        bool debug;
        bool rootless;       /* geteuid() != 0 */
        bool systemd_cgroup; /* --systemd-cgroup: accepted, systemd is always used */
};

extern struct globals arg_globals;

/* Every verb: argv[0] is the verb's name; options parsed with getopt_long (which must be
 * reset by the verb: optind = 0). Returns the process exit code (>= 0), or a negative errno
 * after having logged the cause (main() turns that into exit status 1). `--help`/`-h` prints
 * the verb's usage to stdout and returns 0. */
typedef int (*verb_fn)(int argc, char *argv[]);

int verb_spec(int argc, char *argv[]);
int verb_create(int argc, char *argv[]);
int verb_start(int argc, char *argv[]);
int verb_run(int argc, char *argv[]);
int verb_state(int argc, char *argv[]);
int verb_list(int argc, char *argv[]);
int verb_kill(int argc, char *argv[]);
int verb_delete(int argc, char *argv[]);
int verb_pause(int argc, char *argv[]);
int verb_resume(int argc, char *argv[]);
int verb_ps(int argc, char *argv[]);
int verb_update(int argc, char *argv[]);
int verb_logs(int argc, char *argv[]);   /* verb-logs.c */
int verb_events(int argc, char *argv[]); /* verb-events.c */
int verb_features(int argc, char *argv[]);
int verb_exec(int argc, char *argv[]); /* verb-exec.c */

/* Usage errors: logs "<verb>: <message>" plus a hint and returns -EINVAL. */
int usage_error(const char *verb, const char *fmt, ...) _printf_(2, 3);
