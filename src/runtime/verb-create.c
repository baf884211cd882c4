/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdlib.h>

#include "container.h"
#include "journal-stdio.h"
#include "verb-create.h"
#include "verb-util.h"

int parse_create_options(const char *verb, int argc, char *argv[], struct create_opts *o,
                         bool *detach, bool *keep)
{
        enum {
                ARG_PID_FILE = 0x100,
                ARG_CONSOLE_SOCKET,
                ARG_NO_PIVOT,
                ARG_PRESERVE_FDS,
                ARG_NO_NEW_KEYRING,
                ARG_KEEP,
                ARG_NO_SUBREAPER,
                ARG_KEEP_UNIT,
                ARG_STDIO
        };
        const struct option options[] = {
            {"bundle", required_argument, NULL, 'b'},
            {"pid-file", required_argument, NULL, ARG_PID_FILE},
            {"console-socket", required_argument, NULL, ARG_CONSOLE_SOCKET},
            {"no-pivot", no_argument, NULL, ARG_NO_PIVOT},
            {"preserve-fds", required_argument, NULL, ARG_PRESERVE_FDS},
            {"no-new-keyring", no_argument, NULL, ARG_NO_NEW_KEYRING},
            {"no-subreaper", no_argument, NULL, ARG_NO_SUBREAPER},
            {"keep-unit", no_argument, NULL, ARG_KEEP_UNIT},
            {"stdio", required_argument, NULL, ARG_STDIO},
            {"detach", no_argument, NULL, detach ? 'd' : 0x1ff},
            {"keep", no_argument, NULL, keep ? ARG_KEEP : 0x1ff},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;
        *o = (struct create_opts){.bundle = "."};
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, detach ? "+b:dh" : "+b:h", options, NULL)) >= 0) {
                switch (c) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case ARG_PID_FILE:
                        o->pid_file = optarg;
                        break;
                case ARG_CONSOLE_SOCKET:
                        o->console_socket = optarg;
                        break;
                case ARG_NO_PIVOT:
                        o->no_pivot = true;
                        break;
                case ARG_PRESERVE_FDS: {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || n < 0 || n > 65536)
                                return usage_error(verb, "--preserve-fds: not a count: \"%s\"",
                                                   optarg);
                        o->preserve_fds = (int)n;
                        break;
                }
                case ARG_NO_NEW_KEYRING:
                case ARG_NO_SUBREAPER:
                        break; /* runc compatibility: crunit creates no session keyring */
                case ARG_KEEP_UNIT:
                        o->keep_unit = true;
                        break;
                case ARG_STDIO: {
                        int m = stdio_mode_from_string(optarg);
                        if (m < 0)
                                return usage_error(verb,
                                                   "--stdio: \"%s\" is not auto, inherit "
                                                   "or journald",
                                                   optarg);
                        o->stdio = m;
                        o->stdio_given = true;
                        break;
                }
                case 'd':
                        *detach = true;
                        break;
                case ARG_KEEP:
                        *keep = true;
                        break;
                case 'h':
                        printf("Usage: crunit %s [options] CONTAINER-ID\n\n"
                               "  -b, --bundle DIR          bundle directory (default: .)\n"
                               "      --pid-file FILE       write the container's PID there\n"
                               "      --console-socket SOCK send the pty master to this unix "
                               "socket\n"
                               "      --no-pivot            chroot instead of pivot_root\n"
                               "      --preserve-fds N      pass N extra fds (from 3) to the "
                               "container\n"
                               "      --keep-unit           no scope: stay in the service crunit "
                               "runs in\n"
                               "      --stdio MODE          the container's stdout/stderr: "
                               "auto (default), journald, inherit\n%s",
                               verb,
                               detach ? "  -d, --detach              do not wait for the "
                                        "container\n"
                                        "      --keep                keep the stopped container "
                                        "(no delete)\n"
                                      : "");
                        return 1; /* caller: done, exit 0 */
                default:
                        return usage_error(verb, "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        return expect_id(verb, argc, argv, optind, &o->id);
}

int verb_create(int argc, char *argv[])
{
        _cleanup_container_ struct container *c = NULL;
        struct create_opts o;
        int r = parse_create_options("create", argc, argv, &o, NULL, NULL);
        if (r != 0)
                return r > 0 ? 0 : r;
        return container_create(&o, &c);
}
