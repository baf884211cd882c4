/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.sysctl, linux.personality, linux.timeOffsets, process.scheduler, process.ioPriority,
 * process.execCPUAffinity: applied in the container's setup processes. */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <sys/personality.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER0), which glibc does not declare. */
struct crunit_sched_attr {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
};

#define IOPRIO_WHO_PROCESS 1

int fields_apply_process(struct setup_ctx *c)
{
        const struct spec_process *p = &c->spec->process;

        if (c->spec->has_personality && personality(c->spec->personality) < 0)
                return log_error_errno(errno, "cannot set linux.personality");
        if (p->has_scheduler) {
                struct crunit_sched_attr attr = {
                    .size = sizeof attr,
                    .sched_policy = (uint32_t)p->sched_policy,
                    .sched_flags = p->sched_flags,
                    .sched_nice = p->sched_nice,
                    .sched_priority = p->sched_priority,
                    .sched_runtime = p->sched_runtime,
                    .sched_deadline = p->sched_deadline,
                    .sched_period = p->sched_period,
                };
                if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
                        bool rt = p->sched_policy == SCHED_FIFO || p->sched_policy == SCHED_RR ||
                                  p->sched_policy == SCHED_DEADLINE;
                        /* With CONFIG_RT_GROUP_SCHED a new cgroup has no real-time budget. */
                        return log_error_errno(errno, "cannot set process.scheduler%s",
                                               rt && errno == EPERM
                                                   ? " (a real-time policy needs a real-time "
                                                     "budget, cpu.rt_runtime_us, in the "
                                                     "container's cgroup)"
                                                   : "");
                }
        }
        if (p->has_io_priority &&
            syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, p->io_priority) < 0)
                return log_error_errno(errno, "cannot set process.ioPriority");
        if (p->has_cpu_affinity &&
            sched_setaffinity(0, sizeof p->cpu_affinity, &p->cpu_affinity) < 0)
                return log_error_errno(errno, "cannot set process.execCPUAffinity");
        return 0;
}

static int open_sysctl(int procfd, const char *name)
{
        char path[PATH_MAX];
        struct open_how how = {
            .flags = O_WRONLY | O_CLOEXEC,
            /* NO_XDEV: the file is the proc mount's own, nothing mounted over it */
            .resolve =
                RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd;

        /* The parser refused names with "/", empty or ".." components. */
        if (snprintf(path, sizeof path, "sys/%s", name) >= (int)sizeof path)
                return -ENAMETOOLONG;
        for (char *s = path + 4; *s; s++)
                if (*s == '.')
                        *s = '/';
        do
                fd = (int)syscall(SYS_openat2, procfd, path, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN);
        return fd < 0 ? -errno : fd;
}

int sysctl_apply(struct setup_ctx *c)
{
        _cleanup_close_ int procfd = -1;
        struct statfs sfs;

        if (!c->spec->sysctl)
                return 0;
        procfd = open_in_root_nofollow(c->rootfd, "/proc", O_PATH | O_DIRECTORY, 0);
        if (procfd < 0)
                return log_error_errno(procfd, "linux.sysctl: cannot open the container's /proc");
        if (fstatfs(procfd, &sfs) < 0)
                return log_error_errno(errno, "linux.sysctl: cannot stat the container's /proc");
        if (sfs.f_type != PROC_SUPER_MAGIC)
                return log_error("linux.sysctl: the container's /proc is not a proc mount");

        json_object_object_foreach(c->spec->sysctl, name, value)
        {
                const char *str = json_object_get_string(value);
                _cleanup_close_ int fd = open_sysctl(procfd, name);
                if (fd < 0)
                        return log_error_errno(fd, "linux.sysctl: cannot open %s", name);
                int r = write_all(fd, str, strlen(str));
                if (r < 0)
                        return log_error_errno(r, "linux.sysctl: cannot set %s to \"%s\"", name,
                                               str);
        }
        return 0;
}

static int append_offset(char *buf, size_t size, const char *clock,
                         const struct spec_time_offset *o)
{
        size_t len = strlen(buf);
        if (!o->set)
                return 0;
        int k = snprintf(buf + len, size - len, "%s %" PRId64 " %" PRIu32 "\n", clock, o->secs,
                         o->nanosecs);
        return k < 0 || (size_t)k >= size - len ? -ENOBUFS : 0;
}

int ns_set_time_offsets(const struct spec *s)
{
        char buf[128] = "";

        if (!s->time_monotonic.set && !s->time_boottime.set)
                return 0;
        if (append_offset(buf, sizeof buf, "monotonic", &s->time_monotonic) < 0 ||
            append_offset(buf, sizeof buf, "boottime", &s->time_boottime) < 0)
                return log_error_errno(ENOBUFS, "linux.timeOffsets");
        /* One write: the kernel takes all lines at once, and only before a process entered the
         * namespace (stage 2, forked next). */
        _cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "linux.timeOffsets: cannot open timens_offsets");
        if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
                return log_error_errno(errno ? errno : EIO, "linux.timeOffsets: cannot write "
                                                            "timens_offsets");
        return 0;
}
