/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/macro.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define FREEZER_ROOT "/sys/fs/cgroup/freezer"

bool cgroup_is_unified(void)
{
        struct statfs fs;
        return statfs(CGROUP_ROOT, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* The path of `pid` in the hierarchy whose controller list is `controllers` ("" for the v2
 * line "0::/…", "name=systemd", "freezer"). */
int pid_cgroup_line(pid_t pid, const char *controllers, char **ret)
{
        char path[64], line[4096];
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        while (fgets(line, sizeof line, f)) {
                char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
                if (!b)
                        continue;
                *b = '\0';
                bool match = false;
                if (*controllers == '\0')
                        match = a[1] == '\0' && strncmp(line, "0:", 2) == 0;
                else
                        for (char *save = NULL, *t = strtok_r(a + 1, ",", &save); t;
                             t = strtok_r(NULL, ",", &save))
                                if (streq(t, controllers))
                                        match = true;
                if (!match)
                        continue;
                b[1 + strcspn(b + 1, "\n")] = '\0';
                if (!(*ret = strdup(b + 1)))
                        return -ENOMEM;
                return 0;
        }
        return -ENOENT;
}

int cgroup_of_pid(pid_t pid, char **ret)
{
        return pid_cgroup_line(pid, cgroup_is_unified() ? "" : "name=systemd", ret);
}

static int read_line(const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return 0;
}

int cgroup_pid_frozen(pid_t pid)
{
        _cleanup_free_ char *cg = NULL;
        char path[4200], buf[512];
        bool unified = cgroup_is_unified();
        int r = pid_cgroup_line(pid, unified ? "" : "freezer", &cg);
        if (r < 0)
                return r;
        if (unified) {
                snprintf(path, sizeof path, CGROUP_ROOT "%s/cgroup.events", cg);
                if ((r = read_line(path, buf, sizeof buf)) < 0)
                        return r;
                return strstr(buf, "frozen 1") != NULL;
        }
        if (streq(cg, "/"))
                return 0;
        snprintf(path, sizeof path, FREEZER_ROOT "%s/freezer.state", cg);
        if ((r = read_line(path, buf, sizeof buf)) < 0)
                return r;
        return startswith(buf, "FROZEN") || startswith(buf, "FREEZING");
}

/* Moves every process of dir `from`/cgroup.procs into `to`/cgroup.procs, until none is left
 * to move (a fork may race with the first pass). */
static int move_procs(const char *from, const char *to)
{
        char path[4300], p[4300];
        if (snprintf(path, sizeof path, "%s/cgroup.procs", to) >= (int)sizeof path ||
            snprintf(p, sizeof p, "%s/cgroup.procs", from) >= (int)sizeof p)
                return -ENAMETOOLONG;
        for (int pass = 0; pass < 10; pass++) {
                _cleanup_free_ char *procs = NULL;
                int r = read_full_file(p, &procs, NULL);
                if (r < 0)
                        return r;
                bool moved = false;
                for (char *save = NULL, *t = strtok_r(procs, "\n", &save); t;
                     t = strtok_r(NULL, "\n", &save)) {
                        r = write_string_file(path, t);
                        if (r < 0 && r != -ESRCH)
                                return r;
                        moved = true;
                }
                if (!moved)
                        return 0;
        }
        return 0;
}

int cgroup_v1_freeze(const char *cg, bool freeze)
{
        char dir[4200], sysdir[4200], state[4300], buf[64];
        snprintf(dir, sizeof dir, FREEZER_ROOT "%s", cg);
        snprintf(state, sizeof state, "%s/freezer.state", dir);
        int r;
        if (freeze) {
                if ((r = mkdir_p(dir, 0755)) < 0)
                        return log_error_errno(r, "cannot create the freezer cgroup %s", dir);
                snprintf(sysdir, sizeof sysdir, CGROUP_ROOT "/systemd%s", cg);
                /* The processes may have been moved there by an earlier pause already; those
                 * forked since are not. */
                if ((r = move_procs(sysdir, dir)) < 0)
                        return log_error_errno(r, "cannot move the processes of %s into %s", cg,
                                               dir);
        }
        if ((r = write_string_file(state, freeze ? "FROZEN" : "THAWED")) < 0)
                return log_error_errno(r, "cannot write %s", state);
        for (int i = 0; i < 1000; i++) {
                if ((r = read_line(state, buf, sizeof buf)) < 0)
                        return log_error_errno(r, "cannot read %s", state);
                if (startswith(buf, "FROZEN") && freeze)
                        return 0;
                if (startswith(buf, "THAWED") && !freeze) {
                        /* Back to the root of the freezer hierarchy, where they came from; the
                         * cgroup exists only while paused, so nothing is left behind. */
                        if ((r = move_procs(dir, FREEZER_ROOT)) < 0)
                                log_debug("cannot move the processes of %s back: %s", dir,
                                          strerror(-r));
                        for (int j = 0; j < 100 && rmdir(dir) < 0 && errno == EBUSY; j++) {
                                struct timespec ts = {0, 10 * 1000 * 1000};
                                nanosleep(&ts, NULL);
                        }
                        return 0;
                }
                if (freeze) /* a task in an uninterruptible sleep: ask again */
                        (void)write_string_file(state, "FROZEN");
                struct timespec ts = {0, 10 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
        return log_error("%s did not become %s within 10s", state, freeze ? "FROZEN" : "THAWED"),
               -ETIMEDOUT;
}

static int cmp_pid(const void *a, const void *b)
{
        pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
        return (x > y) - (x < y);
}

static int collect(const char *dir, pid_t **pids, size_t *n, size_t *cap)
{
        char path[4200];
        _cleanup_free_ char *procs = NULL;
        snprintf(path, sizeof path, "%s/cgroup.procs", dir);
        int r = read_full_file(path, &procs, NULL);
        if (r < 0)
                return r;
        for (char *save = NULL, *t = strtok_r(procs, "\n", &save); t;
             t = strtok_r(NULL, "\n", &save)) {
                if (*n == *cap) {
                        size_t c = *cap ? *cap * 2 : 16;
                        pid_t *p = realloc(*pids, c * sizeof *p);
                        if (!p)
                                return -ENOMEM;
                        *pids = p;
                        *cap = c;
                }
                (*pids)[(*n)++] = (pid_t)atoi(t);
        }
        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        struct dirent *de;
        r = 0;
        while (r >= 0 && (de = readdir(d)))
                if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                        r = collect(path, pids, n, cap);
                        if (r == -ENOENT) /* removed meanwhile */
                                r = 0;
                }
        closedir(d);
        return r;
}

int cgroup_pids(const char *cg, pid_t **ret, size_t *ret_n)
{
        char dir[4200];
        pid_t *pids = NULL;
        size_t n = 0, cap = 0;
        snprintf(dir, sizeof dir, "%s%s",
                 cgroup_is_unified() ? CGROUP_ROOT : CGROUP_ROOT "/systemd", cg);
        int r = collect(dir, &pids, &n, &cap);
        if (r < 0) {
                free(pids);
                return r;
        }
        if (n > 0)
                qsort(pids, n, sizeof *pids, cmp_pid);
        *ret = pids;
        *ret_n = n;
        return 0;
}
