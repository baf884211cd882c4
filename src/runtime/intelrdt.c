/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.intelRdt through resctrl; see intelrdt.h. */
#include "intelrdt.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/fs-util.h"
#include "shared/log.h"

bool intelrdt_available(void)
{
        _cleanup_close_ int fd = open(RESCTRL_PATH, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return fd >= 0 && fd_is_fs_type(fd, RDTGROUP_SUPER_MAGIC);
}

int intelrdt_open_root(int *ret_fd)
{
        _cleanup_close_ int fd = open(RESCTRL_PATH, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 && errno != ENOENT && errno != ENOTDIR)
                return log_error_errno(errno, "linux.intelRdt: cannot open %s", RESCTRL_PATH);
        if (fd < 0 || !fd_is_fs_type(fd, RDTGROUP_SUPER_MAGIC))
                return log_error("linux.intelRdt is set but resctrl is not mounted at %s (this "
                                 "CPU or kernel does not support Intel RDT, or it needs "
                                 "`mount -t resctrl resctrl %s`)",
                                 RESCTRL_PATH, RESCTRL_PATH),
                       -EOPNOTSUPP;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

const char *intelrdt_group_name(const struct spec_intel_rdt *rdt, const char *id)
{
        return rdt->clos_id ? rdt->clos_id : id;
}

/* Spans of text, not NUL-terminated: the schemata syntax is "RESOURCE:ID=VALUE;ID=VALUE". */
static void trim(const char **s, size_t *n)
{
        while (*n > 0 && isspace((unsigned char)**s))
                (*s)++, (*n)--;
        while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
                (*n)--;
}

struct line_view {
        const char *res, *body;
        size_t res_len, body_len;
};

static bool line_split(const char *line, size_t len, struct line_view *v)
{
        const char *colon = memchr(line, ':', len);
        if (!colon)
                return false;
        v->res = line;
        v->res_len = (size_t)(colon - line);
        trim(&v->res, &v->res_len);
        v->body = colon + 1;
        v->body_len = (size_t)(line + len - v->body);
        return v->res_len > 0;
}

static bool span_eq(const char *a, size_t al, const char *b, size_t bl)
{
        return al == bl && memcmp(a, b, al) == 0;
}

/* Calls fn(id, id_len, value, value_len) for each ID=VALUE of a line's body; false if one is
 * malformed or fn says stop. */
typedef bool (*token_fn)(const char *id, size_t id_len, const char *val, size_t val_len,
                         void *userdata);
static bool tokens_foreach(const struct line_view *v, token_fn fn, void *userdata)
{
        const char *p = v->body, *end = v->body + v->body_len;
        while (p < end) {
                const char *semi = memchr(p, ';', (size_t)(end - p));
                if (!semi)
                        semi = end;
                const char *tok = p;
                size_t tok_len = (size_t)(semi - p);
                p = semi + 1;
                trim(&tok, &tok_len);
                if (tok_len == 0)
                        continue;
                const char *eq = memchr(tok, '=', tok_len);
                if (!eq)
                        return false;
                const char *id = tok, *val = eq + 1;
                size_t id_len = (size_t)(eq - tok), val_len = (size_t)(tok + tok_len - val);
                trim(&id, &id_len);
                trim(&val, &val_len);
                if (id_len == 0 || val_len == 0 || !fn(id, id_len, val, val_len, userdata))
                        return false;
        }
        return true;
}

struct find_ctx {
        const char *id;
        size_t id_len;
        const char *val;
        size_t val_len;
        bool found;
};

static bool find_token(const char *id, size_t id_len, const char *val, size_t val_len, void *u)
{
        struct find_ctx *f = u;
        if (span_eq(id, id_len, f->id, f->id_len)) {
                f->val = val;
                f->val_len = val_len;
                f->found = true;
        }
        return true;
}

static bool line_find(const struct line_view *v, struct find_ctx *f)
{
        f->found = false;
        return tokens_foreach(v, find_token, f) && f->found;
}

static bool values_equal(const char *a, size_t al, const char *b, size_t bl)
{
        char x[64], y[64];
        if (span_eq(a, al, b, bl))
                return true;
        if (al >= sizeof x || bl >= sizeof y)
                return false;
        memcpy(x, a, al);
        x[al] = '\0';
        memcpy(y, b, bl);
        y[bl] = '\0';
        char *ex, *ey;
        errno = 0;
        unsigned long long nx = strtoull(x, &ex, 16), ny = strtoull(y, &ey, 16);
        return errno == 0 && *ex == '\0' && *ey == '\0' && nx == ny;
}

/* The line of `text` (the schemata file) for resource `res`. */
static bool existing_line(const char *text, const char *res, size_t res_len, struct line_view *ret)
{
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                struct line_view v;
                if (line_split(p, n, &v) && span_eq(v.res, v.res_len, res, res_len)) {
                        *ret = v;
                        return true;
                }
                p += n;
                if (*p == '\n')
                        p++;
        }
        return false;
}

struct match_ctx {
        const char *existing;
        char *const *lines[2]; /* first, last */
        size_t set, index;     /* the line being checked */
        const struct line_view *line;
};

/* Whether a later desired line sets the same resource and id. */
static bool overridden(const struct match_ctx *m, const char *id, size_t id_len)
{
        for (size_t set = m->set; set < 2; set++)
                for (size_t i = set == m->set ? m->index + 1 : 0; m->lines[set] && m->lines[set][i];
                     i++) {
                        struct line_view v;
                        struct find_ctx f = {.id = id, .id_len = id_len};
                        if (line_split(m->lines[set][i], strlen(m->lines[set][i]), &v) &&
                            span_eq(v.res, v.res_len, m->line->res, m->line->res_len) &&
                            line_find(&v, &f))
                                return true;
                }
        return false;
}

static bool match_token(const char *id, size_t id_len, const char *val, size_t val_len, void *u)
{
        struct match_ctx *m = u;
        struct line_view have;
        struct find_ctx f = {.id = id, .id_len = id_len};
        if (overridden(m, id, id_len))
                return true;
        return existing_line(m->existing, m->line->res, m->line->res_len, &have) &&
               line_find(&have, &f) && values_equal(val, val_len, f.val, f.val_len);
}

bool intelrdt_schemata_match(const char *existing, char *const *first, char *const *last)
{
        struct match_ctx m = {.existing = existing, .lines = {first, last}};
        for (m.set = 0; m.set < 2; m.set++)
                for (m.index = 0; m.lines[m.set] && m.lines[m.set][m.index]; m.index++) {
                        const char *l = m.lines[m.set][m.index];
                        struct line_view v;
                        if (!line_split(l, strlen(l), &v))
                                return false;
                        m.line = &v;
                        if (!tokens_foreach(&v, match_token, &m))
                                return false;
                }
        return true;
}

static int check_resources(int infofd, char *const *lines)
{
        for (char *const *l = lines; l && *l; l++) {
                struct line_view v;
                if (!line_split(*l, strlen(*l), &v))
                        return log_error("linux.intelRdt: \"%s\" is not a schemata line", *l);
                _cleanup_free_ char *res = strndup(v.res, v.res_len);
                if (!res)
                        return log_error_errno(ENOMEM, "linux.intelRdt");
                struct stat st;
                if (!resctrl_group_name_is_valid(res) ||
                    fstatat(infofd, res, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                        return log_error("linux.intelRdt: resctrl has no resource \"%s\" (no "
                                         "info/%s) for the schemata line \"%s\"",
                                         res, res, *l);
        }
        return 0;
}

static bool has_line(const char *text, const char *word)
{
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                if (span_eq(p, n, word, strlen(word)))
                        return true;
                p += n;
                if (*p == '\n')
                        p++;
        }
        return false;
}

int intelrdt_check(int rootfd, const struct spec_intel_rdt *rdt)
{
        assert(rdt);
        _cleanup_close_ int infofd =
            openat(rootfd, "info", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (infofd < 0)
                return log_error_errno(errno, "linux.intelRdt: cannot open resctrl's info");
        int r;
        if ((r = check_resources(infofd, rdt->schemata_first)) < 0 ||
            (r = check_resources(infofd, rdt->schemata_last)) < 0)
                return r;
        if (!rdt->enable_cmt && !rdt->enable_mbm)
                return 0;

        const char *field = rdt->enable_cmt ? "enableCMT" : "enableMBM";
        _cleanup_free_ char *features = NULL;
        _cleanup_close_ int monfd =
            openat(infofd, "L3_MON", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (monfd < 0)
                return log_error("linux.intelRdt.%s: resctrl offers no monitoring here (no "
                                 "info/L3_MON)",
                                 field);
        r = read_full_file_at(monfd, "mon_features", &features, NULL);
        if (r < 0)
                return log_error_errno(r,
                                       "linux.intelRdt.%s: cannot read "
                                       "info/L3_MON/mon_features",
                                       field);
        if (rdt->enable_cmt && !has_line(features, "llc_occupancy"))
                return log_error("linux.intelRdt.enableCMT: this CPU does not offer cache "
                                 "occupancy monitoring (no llc_occupancy in "
                                 "info/L3_MON/mon_features)");
        if (rdt->enable_mbm && !has_line(features, "mbm_total_bytes") &&
            !has_line(features, "mbm_local_bytes"))
                return log_error("linux.intelRdt.enableMBM: this CPU does not offer memory "
                                 "bandwidth monitoring (no mbm_total_bytes or mbm_local_bytes "
                                 "in info/L3_MON/mon_features)");
        return 0;
}

/* The kernel's reason for the last refused write (info/last_cmd_status), or "". */
static void last_cmd_status(int rootfd, char *buf, size_t size)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int infofd =
            openat(rootfd, "info", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        buf[0] = '\0';
        if (infofd < 0 || read_full_file_at(infofd, "last_cmd_status", &text, NULL) < 0)
                return;
        text[strcspn(text, "\n")] = '\0';
        snprintf(buf, size, ": %s", text);
}

static int write_lines(int fd, char *const *lines)
{
        size_t len = 0;
        for (char *const *l = lines; l && *l; l++)
                len += strlen(*l) + 1;
        if (len == 0)
                return 0;
        _cleanup_free_ char *buf = malloc(len + 1);
        if (!buf)
                return -ENOMEM;
        char *q = buf;
        for (char *const *l = lines; l && *l; l++)
                q = stpcpy(stpcpy(q, *l), "\n");
        return write_all(fd, buf, len); /* one write: the kernel applies it as a whole */
}

static int write_schemata(int rootfd, int groupfd, const char *name,
                          const struct spec_intel_rdt *rdt)
{
        /* O_CREAT|O_TRUNC as a shell's `>`: on resctrl the file exists and is written */
        _cleanup_close_ int fd = openat(
            groupfd, "schemata", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return log_error_errno(errno,
                                       "linux.intelRdt: cannot open the schemata of "
                                       "resctrl group %s",
                                       name);
        int r = write_lines(fd, rdt->schemata_first);
        if (r >= 0) /* the schemata field after l3CacheSchema/memBwSchema (runtime-spec) */
                r = write_lines(fd, rdt->schemata_last);
        if (r < 0) {
                char why[256];
                last_cmd_status(rootfd, why, sizeof why);
                return log_error_errno(r,
                                       "linux.intelRdt: resctrl refused the schemata for group "
                                       "%s%s",
                                       name, why);
        }
        return 0;
}

static int check_existing(int groupfd, const char *name, const struct spec_intel_rdt *rdt)
{
        _cleanup_free_ char *have = NULL;
        int r = read_full_file_at(groupfd, "schemata", &have, NULL);
        if (r < 0)
                return log_error_errno(r,
                                       "linux.intelRdt: cannot read the schemata of resctrl "
                                       "group %s",
                                       name);
        if (!intelrdt_schemata_match(have, rdt->schemata_first, rdt->schemata_last)) {
                for (char *c = have; *c; c++)
                        if (*c == '\n')
                                *c = ';';
                return log_error("linux.intelRdt: resctrl group %s already exists with other "
                                 "schemata (%s) than config.json's",
                                 name, have);
        }
        return 0;
}

static int write_task(int groupfd, const char *name, pid_t pid)
{
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%d\n", (int)pid), r = 0;
        /* O_APPEND|O_CREAT as a shell's `>>`; on resctrl the file exists */
        _cleanup_close_ int fd =
            openat(groupfd, "tasks", O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 || (r = write_all(fd, buf, (size_t)n)) < 0)
                return log_error_errno(fd < 0 ? errno : -r,
                                       "linux.intelRdt: cannot add pid %d to resctrl group %s",
                                       (int)pid, name);
        return 0;
}

int intelrdt_add_task(int rootfd, const char *name, pid_t pid)
{
        if (!resctrl_group_name_is_valid(name))
                return log_error("resctrl group \"%s\" in the state is not a group name", name);
        _cleanup_close_ int groupfd =
            openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (groupfd < 0)
                return log_error_errno(errno, "linux.intelRdt: cannot open resctrl group %s", name);
        return write_task(groupfd, name, pid);
}

int intelrdt_join(const char *name, pid_t pid)
{
        _cleanup_close_ int fd = -1;
        int r = intelrdt_open_root(&fd);
        return r < 0 ? r : intelrdt_add_task(fd, name, pid);
}

int intelrdt_apply(int rootfd, const struct spec_intel_rdt *rdt, const char *name, pid_t pid,
                   bool *ret_created)
{
        bool has_schemata = rdt->schemata_first || rdt->schemata_last, created = false;
        _cleanup_close_ int groupfd = -1;
        int r;

        assert(rdt && name && pid > 0 && ret_created);
        *ret_created = false;
        if (!resctrl_group_name_is_valid(name))
                return log_error("linux.intelRdt: \"%s\" cannot name a resctrl group: set "
                                 "linux.intelRdt.closID",
                                 name);
        /* A closID without schemata names a group set up beforehand: it must exist. */
        if (!rdt->clos_id || has_schemata) {
                if (mkdirat(rootfd, name, 0755) >= 0)
                        created = true;
                else if (errno != EEXIST)
                        return log_error_errno(errno,
                                               "linux.intelRdt: cannot create resctrl "
                                               "group %s%s",
                                               name,
                                               errno == ENOSPC ? " (no free CLOSID left)" : "");
        }
        groupfd = openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (groupfd < 0) {
                r = errno == ENOENT ? log_error("linux.intelRdt: resctrl group %s (closID) does "
                                                "not exist, and without schemata in "
                                                "config.json crunit does not create it",
                                                name)
                                    : log_error_errno(errno,
                                                      "linux.intelRdt: cannot open "
                                                      "resctrl group %s",
                                                      name);
                goto fail;
        }
        if (has_schemata) {
                r = created ? write_schemata(rootfd, groupfd, name, rdt)
                            : check_existing(groupfd, name, rdt);
                if (r < 0)
                        goto fail;
        }

        if ((r = write_task(groupfd, name, pid)) < 0)
                goto fail;
        log_debug("pid %d in resctrl group %s%s", (int)pid, name, created ? " (created)" : "");
        *ret_created = created;
        return 0;

fail:
        if (created)
                (void)unlinkat(rootfd, name, AT_REMOVEDIR);
        return r;
}

int intelrdt_remove(int rootfd, const char *name, bool only_if_empty)
{
        if (!resctrl_group_name_is_valid(name))
                return log_error("resctrl group \"%s\" in the state is not a group name", name);
        if (only_if_empty) {
                _cleanup_close_ int groupfd =
                    openat(rootfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_free_ char *tasks = NULL;
                if (groupfd < 0)
                        return errno == ENOENT ? 0
                                               : log_warning_errno(errno, "resctrl group %s", name);
                int r = read_full_file_at(groupfd, "tasks", &tasks, NULL);
                if (r < 0 && r != -ENOENT)
                        return log_warning_errno(r, "cannot read the tasks of resctrl group %s",
                                                 name);
                if (r >= 0 && tasks[strspn(tasks, " \t\n")] != '\0') {
                        log_debug("resctrl group %s still has tasks: kept", name);
                        return 0;
                }
        }
        /* rmdir of a resctrl group moves any task left in it back to the default group */
        if (unlinkat(rootfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return log_warning_errno(errno, "cannot remove resctrl group %s", name);
        return 0;
}

void intelrdt_delete_group(const char *name, bool only_if_empty)
{
        _cleanup_close_ int fd = open(RESCTRL_PATH, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !fd_is_fs_type(fd, RDTGROUP_SUPER_MAGIC)) {
                log_warning("cannot remove resctrl group %s: resctrl is no longer mounted at %s",
                            name, RESCTRL_PATH);
                return;
        }
        (void)intelrdt_remove(fd, name, only_if_empty);
}
