/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdlib.h>
#include <sys/capability.h>

#include "container.h"
#include "exec.h"
#include "verb-util.h"

static void exec_opts_done(struct exec_opts *o)
{
        strv_free(o->env);
        free(o->gids);
}

static void help(void)
{
        printf(
            "Usage: crunit exec [options] CONTAINER-ID [COMMAND [ARGS...]]\n\n"
            "Runs a new process in a created or running container: in all of its namespaces\n"
            "and cgroups, with its config.json process settings (seccomp included) unless\n"
            "overridden.\n\n"
            "  -p, --process FILE          an OCI process object (JSON) instead of COMMAND\n"
            "                              and the options below\n"
            "  -t, --tty                   allocate a pseudo-TTY\n"
            "      --console-socket SOCK   send the pty master to this unix socket\n"
            "  -d, --detach                return once the process has started\n"
            "      --pid-file FILE         write the process's PID there\n"
            "  -e, --env NAME=VALUE        set an environment variable (repeatable)\n"
            "      --cwd DIR               working directory (absolute, in the container)\n"
            "  -u, --user UID[:GID]        numeric user and group\n"
            "  -g, --additional-gids GID   an additional group (repeatable)\n"
            "  -c, --cap CAP               add a capability (repeatable)\n"
            "      --no-new-privs          set no_new_privs\n"
            "      --apparmor PROFILE      AppArmor profile of the process (host must run "
            "AppArmor)\n"
            "      --process-label LABEL   SELinux label of the process (host must run SELinux)\n"
            "      --preserve-fds N        pass N extra fds (from 3) to the process\n"
            "      --ignore-paused         exec even into a paused container\n");
}

static int parse_uint32(const char *s, uint32_t *ret)
{
        char *end;
        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || *end || v > UINT32_MAX - 1) /* (uid_t)-1 is no user */
                return -EINVAL;
        *ret = (uint32_t)v;
        return 0;
}

static int parse_user(const char *arg, struct exec_opts *o)
{
        _cleanup_free_ char *u = strdup(arg);
        uint32_t uid, gid;
        if (!u)
                return -ENOMEM;
        char *colon = strchr(u, ':');
        if (colon)
                *colon = '\0';
        if (parse_uint32(u, &uid) < 0 || (colon && parse_uint32(colon + 1, &gid) < 0))
                return usage_error("exec",
                                   "--user: \"%s\" is not a numeric UID[:GID] (user and group "
                                   "names are not resolved)",
                                   arg);
        o->has_uid = true;
        o->uid = uid;
        if (colon) {
                o->has_gid = true;
                o->gid = gid;
        }
        return 0;
}

static int parse_cap(const char *name, uint64_t *mask)
{
        cap_value_t cap;
        /* as config.json: CAP_NAME, upper case (cap_from_name() also takes numbers, lists) */
        bool ok = startswith(name, "CAP_") && name[4] != '\0';
        for (const char *c = name; ok && *c; c++)
                ok = (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
        if (!ok || cap_from_name(name, &cap) < 0 || cap < 0 || cap >= 64)
                return usage_error("exec", "--cap: unknown capability \"%s\"", name);
        *mask |= UINT64_C(1) << cap;
        return 0;
}

static int parse_options(int argc, char *argv[], struct exec_opts *o)
{
        enum {
                ARG_CONSOLE_SOCKET = 0x100,
                ARG_PID_FILE,
                ARG_CWD,
                ARG_NO_NEW_PRIVS,
                ARG_APPARMOR,
                ARG_PROCESS_LABEL,
                ARG_PRESERVE_FDS,
                ARG_IGNORE_PAUSED,
        };
        static const struct option options[] = {
            {"process", required_argument, NULL, 'p'},
            {"tty", no_argument, NULL, 't'},
            {"console-socket", required_argument, NULL, ARG_CONSOLE_SOCKET},
            {"detach", no_argument, NULL, 'd'},
            {"pid-file", required_argument, NULL, ARG_PID_FILE},
            {"env", required_argument, NULL, 'e'},
            {"cwd", required_argument, NULL, ARG_CWD},
            {"user", required_argument, NULL, 'u'},
            {"additional-gids", required_argument, NULL, 'g'},
            {"cap", required_argument, NULL, 'c'},
            {"no-new-privs", no_argument, NULL, ARG_NO_NEW_PRIVS},
            {"apparmor", required_argument, NULL, ARG_APPARMOR},
            {"process-label", required_argument, NULL, ARG_PROCESS_LABEL},
            {"preserve-fds", required_argument, NULL, ARG_PRESERVE_FDS},
            {"ignore-paused", no_argument, NULL, ARG_IGNORE_PAUSED},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        bool flags_used = false; /* options that make no sense with -p */
        int c, r;
        uint32_t u;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+p:tde:u:g:c:h", options, NULL)) >= 0) {
                switch (c) {
                case 'p':
                        o->process_path = optarg;
                        break;
                case 't':
                        o->tty = true;
                        break;
                case ARG_CONSOLE_SOCKET:
                        o->console_socket = optarg;
                        break;
                case 'd':
                        o->detach = true;
                        break;
                case ARG_PID_FILE:
                        o->pid_file = optarg;
                        break;
                case 'e':
                        if (!strchr(optarg, '=') || optarg[0] == '=')
                                return usage_error("exec", "--env: \"%s\" is not NAME=VALUE",
                                                   optarg);
                        if (strv_extend(&o->env, optarg) < 0)
                                return log_error_errno(ENOMEM, "exec");
                        flags_used = true;
                        break;
                case ARG_CWD:
                        if (optarg[0] != '/')
                                return usage_error("exec", "--cwd: \"%s\" is not an absolute path",
                                                   optarg);
                        o->cwd = optarg;
                        flags_used = true;
                        break;
                case 'u':
                        if ((r = parse_user(optarg, o)) < 0)
                                return r;
                        flags_used = true;
                        break;
                case 'g': {
                        if (parse_uint32(optarg, &u) < 0)
                                return usage_error("exec",
                                                   "--additional-gids: \"%s\" is not a numeric "
                                                   "GID",
                                                   optarg);
                        gid_t *g = reallocarray(o->gids, o->n_gids + 1, sizeof(gid_t));
                        if (!g)
                                return log_error_errno(ENOMEM, "exec");
                        g[o->n_gids++] = (gid_t)u;
                        o->gids = g;
                        flags_used = true;
                        break;
                }
                case 'c':
                        if ((r = parse_cap(optarg, &o->caps)) < 0)
                                return r;
                        flags_used = true;
                        break;
                case ARG_NO_NEW_PRIVS:
                        o->no_new_privs = true;
                        flags_used = true;
                        break;
                case ARG_APPARMOR:
                        o->apparmor = optarg[0] ? optarg : NULL;
                        flags_used = true;
                        break;
                case ARG_PROCESS_LABEL:
                        o->process_label = optarg[0] ? optarg : NULL;
                        flags_used = true;
                        break;
                case ARG_PRESERVE_FDS: {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (!*optarg || *end || n < 0 || n > 65536)
                                return usage_error("exec", "--preserve-fds: not a count: \"%s\"",
                                                   optarg);
                        o->preserve_fds = (int)n;
                        break;
                }
                case ARG_IGNORE_PAUSED:
                        o->ignore_paused = true;
                        break;
                case 'h':
                        help();
                        return 1;
                default:
                        return usage_error("exec", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return usage_error("exec", "a container id is required");
        o->id = argv[optind++];
        o->args = argv + optind;
        if (o->process_path) {
                if (optind < argc)
                        return usage_error("exec",
                                           "unexpected argument \"%s\": the command "
                                           "comes from --process",
                                           argv[optind]);
                if (flags_used)
                        return usage_error("exec", "--process cannot be combined with --env, "
                                                   "--cwd, --user, --additional-gids, --cap or "
                                                   "--no-new-privs");
        } else if (optind >= argc)
                return usage_error("exec", "a command is required (or --process FILE)");
        return 0;
}

int verb_exec(int argc, char *argv[])
{
        _cleanup_container_ struct container *c = NULL;
        struct exec_opts o = {0};
        int r = parse_options(argc, argv, &o);
        if (r == 0 && (r = container_open(o.id, false, false, &c)) >= 0)
                r = container_exec(c, &o);
        exec_opts_done(&o);
        return r > 0 && !o.id ? 0 : r; /* --help: 1 before an id */
}
