/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <json-c/json_c_version.h>
#include <libmount/libmount.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cloned-binary.h"
#include "config.h"

struct globals arg_globals;

static const struct {
        const char *name;
        verb_fn fn;
        const char *summary;
} verbs[] = {
    {"spec", verb_spec, "create a new specification file (config.json)"},
    {"create", verb_create, "create a container"},
    {"start", verb_start, "start a created container"},
    {"run", verb_run, "create and run a container"},
    {"state", verb_state, "output the state of a container"},
    {"list", verb_list, "list containers started by crunit with the given root"},
    {"kill", verb_kill, "send a signal to the container's init process"},
    {"delete", verb_delete, "delete a container and everything it holds"},
    {"pause", verb_pause, "suspend all processes of a container"},
    {"resume", verb_resume, "resume all processes of a paused container"},
    {"ps", verb_ps, "list the processes of a container"},
    {"update", verb_update, "update the resource limits of a container"},
    {"logs", verb_logs, "print a container's output from the journal"},
    {"events", verb_events, "display container events: resource usage statistics, OOM kills"},
    {"features", verb_features, "show what crunit implements (runtime-spec features JSON)"},
    {"exec", verb_exec, "run a new process in a container"},
};

int usage_error(const char *verb, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return log_error("%s: %s (see: crunit %s --help)", verb, msg, verb);
}

static void print_version(void)
{
        const struct scmp_version *sv = seccomp_version();
        const char *mnt = NULL;
        mnt_get_library_version(&mnt);
        printf("crunit version %s\n"
               "spec: %s\n"
               "libsystemd: %s\n"
               "libseccomp: %u.%u.%u\n"
               "libcap: %s\n"
               "json-c: %s\n"
               "libmount: %s\n",
               CRUNIT_VERSION, OCI_SPEC_VERSION, LIBSYSTEMD_VERSION, sv->major, sv->minor,
               sv->micro, LIBCAP_VERSION, json_c_version(), mnt ? mnt : "?");
}

static void print_help(void)
{
        printf("crunit - an OCI container runtime whose containers are systemd scopes\n\n"
               "Usage: crunit [global options] COMMAND [options] [arguments]\n\n"
               "Commands:\n");
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
                printf("  %-8s %s\n", verbs[i].name, verbs[i].summary);
        printf("\nGlobal options:\n"
               "  --root DIR            state directory (default %s; rootless: "
               "$XDG_RUNTIME_DIR/crunit)\n"
               "  --log FILE            log to FILE instead of stderr (\"journald\": the journal)\n"
               "  --log-format FORMAT   text (default) or json\n"
               "  --debug               verbose logging\n"
               "  --systemd-cgroup      accepted for runc compatibility: crunit always uses "
               "systemd\n"
               "  -v, --version         print the version and the libraries in use\n"
               "  -h, --help            this help; COMMAND --help for a command's\n",
               CRUNIT_STATE_ROOT);
}

int main(int argc, char *argv[])
{
        enum {
                ARG_ROOT = 0x100,
                ARG_LOG,
                ARG_LOG_FORMAT,
                ARG_DEBUG,
                ARG_SYSTEMD_CGROUP,
                ARG_ROOTLESS,
                ARG_CRIU
        };
        static const struct option options[] = {
            {"root", required_argument, NULL, ARG_ROOT},
            {"log", required_argument, NULL, ARG_LOG},
            {"log-format", required_argument, NULL, ARG_LOG_FORMAT},
            {"debug", no_argument, NULL, ARG_DEBUG},
            {"systemd-cgroup", no_argument, NULL, ARG_SYSTEMD_CGROUP},
            {"rootless", required_argument, NULL, ARG_ROOTLESS},
            {"criu", required_argument, NULL, ARG_CRIU},
            {"version", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        const char *log_path = NULL;
        enum log_format log_format = LOG_FORMAT_TEXT;
        int c;

        arg_globals.rootless = geteuid() != 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+vh", options, NULL)) >= 0) {
                switch (c) {
                case ARG_ROOT:
                        arg_globals.root = optarg;
                        break;
                case ARG_LOG:
                        log_path = optarg;
                        break;
                case ARG_LOG_FORMAT:
                        if (streq(optarg, "json"))
                                log_format = LOG_FORMAT_JSON;
                        else if (!streq(optarg, "text")) {
                                log_error("--log-format: unknown format \"%s\" (text or json)",
                                          optarg);
                                return 1;
                        }
                        break;
                case ARG_DEBUG:
                        arg_globals.debug = true;
                        log_set_max_level(LOG_LEVEL_DEBUG);
                        break;
                case ARG_SYSTEMD_CGROUP:
                        arg_globals.systemd_cgroup = true;
                        break;
                case ARG_ROOTLESS:
                case ARG_CRIU:
                        break; /* runc compatibility: rootless is detected, criu is not used */
                case 'v':
                        print_version();
                        return 0;
                case 'h':
                        print_help();
                        return 0;
                default:
                        log_error("unknown global option \"%s\" (see: crunit --help)",
                                  argv[optind - 1]);
                        return 1;
                }
        }
        if (log_open(log_path, log_format) < 0)
                return 1;
        if (optind >= argc) {
                print_help();
                return 1;
        }
        const char *verb = argv[optind];
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
                if (streq(verbs[i].name, verb)) {
                        if (cloned_binary_wanted(verb) && cloned_binary_ensure(argv) < 0)
                                return 1;
                        int r = verbs[i].fn(argc - optind, argv + optind);
                        return r < 0 ? 1 : r;
                }
        log_error("unknown command \"%s\" (see: crunit --help)", verb);
        return 1;
}
