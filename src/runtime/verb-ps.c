/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "container.h"
#include "journal-stdio.h"
#include "shared/log.h"
#include "shared/proc-util.h"
#include "verb-util.h"

static int cmp_pid(const void *a, const void *b)
{
        pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
        return (x > y) - (x < y);
}

/* Runs ps with `args` and returns its whole stdout. */
static int run_ps(char **args, int nargs, char **ret)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return log_error_errno(errno, "ps: pipe");
        char **argv = calloc(nargs + 2, sizeof *argv);
        if (!argv)
                return log_error_errno(ENOMEM, "ps");
        argv[0] = (char *)"ps";
        for (int i = 0; i < nargs; i++)
                argv[i + 1] = args[i];
        pid_t pid = fork();
        if (pid < 0) {
                free(argv);
                return log_error_errno(errno, "ps: fork");
        }
        if (pid == 0) {
                if (dup2(p[1], STDOUT_FILENO) < 0)
                        _exit(127);
                execvp("ps", argv);
                _exit(127);
        }
        free(argv);
        close(p[1]);
        _cleanup_fclose_ FILE *f = fdopen(p[0], "re");
        char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);
        if (!f || !out) {
                if (!f)
                        close(p[0]);
                if (out)
                        fclose(out);
                free(buf);
                (void)waitpid(pid, NULL, 0);
                return log_error_errno(ENOMEM, "ps");
        }
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
                fwrite(chunk, 1, n, out);
        fclose(out);
        int status = 0;
        (void)waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                free(buf);
                return log_error("ps failed (exit status %d)",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)),
                       -EIO;
        }
        *ret = buf;
        return 0;
}

/* Field `idx` (0-based, whitespace separated) of `line` as a PID, or -1. */
static pid_t field_pid(const char *line, int idx)
{
        const char *s = line;
        for (int i = 0;; i++) {
                s += strspn(s, " \t");
                if (!*s)
                        return -1;
                if (i == idx)
                        return (pid_t)strtol(s, NULL, 10);
                s += strcspn(s, " \t");
        }
}

static int print_table(const pid_t *pids, size_t n, char **args, int nargs)
{
        static char *default_args[] = {(char *)"-ef"};
        _cleanup_free_ char *out = NULL;
        int r = run_ps(nargs > 0 ? args : default_args, nargs > 0 ? nargs : 1, &out);
        if (r < 0)
                return r;
        char *save = NULL, *header = strtok_r(out, "\n", &save);
        int idx = -1, i = 0;
        if (header) {
                _cleanup_free_ char *h = strdup(header);
                if (!h)
                        return log_error_errno(ENOMEM, "ps");
                for (char *s2 = NULL, *t = strtok_r(h, " \t", &s2); t;
                     t = strtok_r(NULL, " \t", &s2), i++)
                        if (streq(t, "PID")) {
                                idx = i;
                                break;
                        }
        }
        if (idx < 0)
                return log_error("couldn't find PID field in ps output"), -EINVAL;
        printf("%s\n", header);
        for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                pid_t pid = field_pid(l, idx);
                if (pid > 0 && bsearch(&pid, pids, n, sizeof *pids, cmp_pid))
                        printf("%s\n", l);
        }
        return 0;
}

int verb_ps(int argc, char *argv[])
{
        static const struct option options[] = {
            {"format", required_argument, NULL, 'f'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        _cleanup_container_ struct container *c = NULL;
        _cleanup_free_ char *cg = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        const char *format = "table";
        size_t n = 0;
        int opt, r;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+f:h", options, NULL)) >= 0) {
                switch (opt) {
                case 'f':
                        format = optarg;
                        break;
                case 'h':
                        printf("Usage: crunit ps [-f table|json] CONTAINER-ID [ps options]\n\n"
                               "Lists the processes of the container (its scope's cgroup).\n"
                               "  -f, --format FORMAT   table (default: ps's output, default "
                               "options -ef) or json (an array of PIDs)\n");
                        return 0;
                default:
                        return usage_error("ps", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        if (!streq(format, "table") && !streq(format, "json"))
                return usage_error("ps", "unknown format \"%s\" (table or json)", format);
        if (optind >= argc)
                return usage_error("ps", "a container id is required");
        if (streq(format, "json") && optind + 1 < argc)
                return usage_error("ps", "ps options cannot be used with --format json");
        if ((r = container_open(argv[optind], false, false, &c)) < 0)
                return r;
        if (container_status(c) == STATUS_STOPPED)
                return log_error("container \"%s\" is not running", c->id), -ESRCH;
        if ((r = container_cgroup(c, &cg)) < 0)
                return r;
        if ((r = cgroup_pids(cg, &pids, &n)) < 0)
                return log_error_errno(r, "cannot read the processes of cgroup %s", cg);
        for (size_t i = 0; i < n; i++) /* the journal forwarder is crunit's, not the container's */
                if (journal_forwarder_pid(pids[i])) {
                        memmove(pids + i, pids + i + 1, (n - i - 1) * sizeof *pids);
                        n--;
                        i--;
                }
        if (streq(format, "json")) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf(i ? ",%d" : "%d", (int)pids[i]);
                printf("]\n");
                return 0;
        }
        return print_table(pids, n, argv + optind + 1, argc - optind - 1);
}
