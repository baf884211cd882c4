/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "state.h"

#include <assert.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup.h"
#include "config.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "shared/proc-util.h"

void container_state_free(struct container_state *s)
{
        if (!s)
                return;
        free(s->id);
        free(s->bundle);
        free(s->rootfs);
        free(s->created);
        free(s->unit);
        free(s->oci_version);
        free(s->notify_socket);
        free(s->rdt_group);
        json_object_put(s->annotations);
        json_object_put(s->hooks);
        free(s);
}

const char *status_to_string(enum container_status s)
{
        switch (s) {
        case STATUS_CREATED:
                return "created";
        case STATUS_RUNNING:
                return "running";
        case STATUS_PAUSED:
                return "paused";
        default:
                return "stopped";
        }
}

char *now_rfc3339(void)
{
        struct timespec ts;
        struct tm tm;
        char buf[64];
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t l = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + l, sizeof buf - l, ".%09ldZ", ts.tv_nsec);
        return strdup(buf);
}

int state_root_open(const char *root, bool create, int *ret_fd)
{
        if (create) {
                int r = mkdir_p(root, 0700);
                if (r < 0)
                        return log_error_errno(r, "cannot create state directory %s", root);
        }
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno; /* callers decide: for list, a missing root is "no containers" */
        *ret_fd = fd;
        return 0;
}

static int lock_dir(int fd, const char *id)
{
        while (flock(fd, LOCK_EX) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "cannot lock container %s", id);
        return 0;
}

int state_dir_create(int rootfd, const char *id, int *ret_dirfd)
{
        if (mkdirat(rootfd, id, 0711) < 0) {
                if (errno == EEXIST)
                        return log_error("container \"%s\" already exists", id), -EEXIST;
                return log_error_errno(errno, "cannot create the state of container %s", id);
        }
        int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return log_error_errno(errno, "cannot open the state of container %s", id);
        int r = lock_dir(fd, id);
        if (r < 0) {
                safe_close(fd);
                return r;
        }
        *ret_dirfd = fd;
        return 0;
}

int state_dir_open(int rootfd, const char *id, bool lock, int *ret_dirfd)
{
        int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                if (errno == ENOENT)
                        return log_error("container \"%s\" does not exist", id), -ENOENT;
                return log_error_errno(errno, "cannot open the state of container %s", id);
        }
        if (lock) {
                int r = lock_dir(fd, id);
                if (r < 0) {
                        safe_close(fd);
                        return r;
                }
                /* It may have been deleted while we waited for the lock. */
                struct stat st;
                if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
                        safe_close(fd);
                        return log_error("container \"%s\" does not exist", id), -ENOENT;
                }
        }
        *ret_dirfd = fd;
        return 0;
}

static void add_string(json_object *o, const char *k, const char *v)
{
        json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

int state_save(int dirfd, const struct container_state *s)
{
        json_object *o = json_object_new_object();
        if (!o)
                return log_error_errno(ENOMEM, "cannot save container state");
        add_string(o, "id", s->id);
        json_object_object_add(o, "pid", json_object_new_int64(s->pid));
        json_object_object_add(o, "pid_start_time", json_object_new_uint64(s->pid_start_time));
        add_string(o, "bundle", s->bundle);
        add_string(o, "rootfs", s->rootfs);
        add_string(o, "created", s->created);
        json_object_object_add(o, "owner", json_object_new_int64(s->owner));
        if (s->unit)
                add_string(o, "unit", s->unit);
        json_object_object_add(o, "bus", json_object_new_int(s->bus));
        add_string(o, "ociVersion", s->oci_version);
        if (s->annotations)
                json_object_object_add(o, "annotations", json_object_get(s->annotations));
        if (s->hooks)
                json_object_object_add(o, "hooks", json_object_get(s->hooks));
        if (s->notify_socket)
                add_string(o, "notifySocket", s->notify_socket);
        if (s->keep_unit)
                json_object_object_add(o, "keepUnit", json_object_new_boolean(true));
        if (s->rdt_group) {
                add_string(o, "intelRdtGroup", s->rdt_group);
                json_object_object_add(o, "intelRdtGroupCreated",
                                       json_object_new_boolean(s->rdt_group_created));
                json_object_object_add(o, "intelRdtGroupShared",
                                       json_object_new_boolean(s->rdt_group_shared));
        }
        int r = write_file_atomic_at(
            dirfd, STATE_FILE, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
        json_object_put(o);
        if (r < 0)
                return log_error_errno(r, "cannot write the state of container %s", s->id);
        return 0;
}

static char *dup_field(json_object *o, const char *k)
{
        json_object *v;
        if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return strdup(json_object_get_string(v));
}

int state_load(int dirfd, const char *id, struct container_state **ret)
{
        _cleanup_state_ struct container_state *s = calloc(1, sizeof *s);
        _cleanup_free_ char *text = NULL;
        if (!s || !(s->id = strdup(id)))
                return log_error_errno(ENOMEM, "cannot load container state");

        int r = read_full_file_at(dirfd, STATE_FILE, &text, NULL);
        if (r == -ENOENT) { /* crunit died before it wrote anything: a stopped husk */
                *ret = TAKE_PTR(s);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "cannot read the state of container %s", id);
        json_object *o = json_tokener_parse(text);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return -EBADMSG; /* the caller says what to make of it */
        }
        json_object *v;
        if (json_object_object_get_ex(o, "pid", &v))
                s->pid = (pid_t)json_object_get_int64(v);
        if (json_object_object_get_ex(o, "pid_start_time", &v))
                s->pid_start_time = json_object_get_uint64(v);
        if (json_object_object_get_ex(o, "owner", &v))
                s->owner = (uid_t)json_object_get_int64(v);
        if (json_object_object_get_ex(o, "bus", &v))
                s->bus = json_object_get_int(v);
        if (json_object_object_get_ex(o, "annotations", &v))
                s->annotations = json_object_get(v);
        if (json_object_object_get_ex(o, "hooks", &v))
                s->hooks = json_object_get(v);
        s->bundle = dup_field(o, "bundle");
        s->rootfs = dup_field(o, "rootfs");
        s->created = dup_field(o, "created");
        s->unit = dup_field(o, "unit");
        s->oci_version = dup_field(o, "ociVersion");
        s->notify_socket = dup_field(o, "notifySocket");
        if (json_object_object_get_ex(o, "keepUnit", &v))
                s->keep_unit = json_object_get_boolean(v);
        s->rdt_group = dup_field(o, "intelRdtGroup");
        if (json_object_object_get_ex(o, "intelRdtGroupCreated", &v))
                s->rdt_group_created = json_object_get_boolean(v);
        if (json_object_object_get_ex(o, "intelRdtGroupShared", &v))
                s->rdt_group_shared = json_object_get_boolean(v);
        json_object_put(o);
        *ret = TAKE_PTR(s);
        return 0;
}

enum container_status state_status(int dirfd, const struct container_state *s)
{
        uint64_t start_time;
        bool zombie;
        if (s->pid <= 0)
                return STATUS_STOPPED;
        if (proc_stat(s->pid, &start_time, &zombie) < 0 || zombie ||
            start_time != s->pid_start_time)
                return STATUS_STOPPED;
        if (faccessat(dirfd, EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return STATUS_CREATED;
        if (cgroup_pid_frozen(s->pid) > 0)
                return STATUS_PAUSED;
        return STATUS_RUNNING;
}

json_object *state_to_json(const struct container_state *s, enum container_status st)
{
        json_object *o = json_object_new_object();
        add_string(o, "ociVersion", s->oci_version ? s->oci_version : OCI_SPEC_VERSION);
        add_string(o, "id", s->id);
        json_object_object_add(o, "pid", json_object_new_int64(st == STATUS_STOPPED ? 0 : s->pid));
        add_string(o, "status", status_to_string(st));
        add_string(o, "bundle", s->bundle);
        add_string(o, "rootfs", s->rootfs);
        add_string(o, "created", s->created ? s->created : "0001-01-01T00:00:00Z");
        struct passwd *pw = getpwuid(s->owner);
        add_string(o, "owner", pw ? pw->pw_name : "");
        if (s->unit)
                add_string(o, "systemdUnit", s->unit);
        if (s->annotations && json_object_object_length(s->annotations) > 0)
                json_object_object_add(o, "annotations", json_object_get(s->annotations));
        return o;
}

int state_dir_remove(int rootfd, const char *id)
{
        int r = rm_rf_at(rootfd, id);
        if (r < 0)
                return log_error_errno(r, "cannot remove the state of container %s", id);
        return 0;
}

int write_pid_file(const char *path, pid_t pid)
{
        _cleanup_free_ char *d = strdup(path), *b = strdup(path);
        char buf[32];
        if (!d || !b)
                return log_error_errno(ENOMEM, "--pid-file");
        _cleanup_close_ int dfd = open(dirname(d), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return log_error_errno(errno, "--pid-file %s", path);
        snprintf(buf, sizeof buf, "%d", (int)pid);
        int r = write_file_atomic_at(dfd, basename(b), buf, 0644);
        if (r < 0)
                return log_error_errno(r, "cannot write --pid-file %s", path);
        return 0;
}
