/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <systemd/sd-journal.h>
#include <syslog.h>
#include <time.h>

static enum log_level max_level = LOG_LEVEL_WARNING;
static enum log_format format = LOG_FORMAT_TEXT;
static int log_fd = -1;         /* --log FILE */
static bool to_journal = false; /* --log journald */
static log_sink_t sink = NULL;
static void *sink_userdata = NULL;
static const char *container_id = NULL; /* CONTAINER_ID= of journal entries */

void log_set_container_id(const char *id)
{
        container_id = id;
}

int log_open(const char *path, enum log_format fmt)
{
        format = fmt;
        if (!path)
                return 0;
        if (streq(path, "journald")) {
                to_journal = true;
                return 0;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return log_error_errno(errno, "cannot open log file %s", path);
        safe_close(log_fd);
        log_fd = fd;
        return 0;
}

void log_set_max_level(enum log_level level)
{
        max_level = level;
}

enum log_level log_get_max_level(void)
{
        return max_level;
}

void log_set_sink(log_sink_t s, void *userdata)
{
        sink = s;
        sink_userdata = userdata;
}

static const char *level_name(enum log_level level)
{
        switch (level) {
        case LOG_LEVEL_ERROR:
                return "error";
        case LOG_LEVEL_WARNING:
                return "warning";
        case LOG_LEVEL_INFO:
                return "info";
        default:
                return "debug";
        }
}

static void write_all_fd(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return;
                }
                buf += n;
                len -= (size_t)n;
        }
}

static void emit_line(int fd, enum log_level level, const char *msg)
{
        if (format == LOG_FORMAT_JSON) {
                char ts[64];
                struct timespec now;
                struct tm tm;
                clock_gettime(CLOCK_REALTIME, &now);
                gmtime_r(&now.tv_sec, &tm);
                size_t l = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
                snprintf(ts + l, sizeof ts - l, ".%09ldZ", now.tv_nsec);

                json_object *o = json_object_new_object();
                json_object_object_add(o, "level", json_object_new_string(level_name(level)));
                json_object_object_add(o, "msg", json_object_new_string(msg));
                json_object_object_add(o, "time", json_object_new_string(ts));
                const char *s = json_object_to_json_string_ext(
                    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
                write_all_fd(fd, s, strlen(s));
                write_all_fd(fd, "\n", 1);
                json_object_put(o);
                return;
        }
        char line[4096];
        int n = snprintf(line, sizeof line, "crunit: %s%s\n",
                         level == LOG_LEVEL_WARNING ? "warning: " : "", msg);
        if (n > 0)
                write_all_fd(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void log_emit(enum log_level level, const char *msg)
{
        if (level > max_level)
                return;
        if (sink) {
                sink(level, msg, sink_userdata);
                return;
        }
        if (to_journal && container_id)
                sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", (int)level,
                                "SYSLOG_IDENTIFIER=crunit", "CONTAINER_ID=%s", container_id, NULL);
        else if (to_journal)
                sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", (int)level,
                                "SYSLOG_IDENTIFIER=crunit", NULL);
        if (log_fd >= 0)
                emit_line(log_fd, level, msg);
        /* stderr gets everything when there is no other destination, and errors always. */
        if ((log_fd < 0 && !to_journal) || level <= LOG_LEVEL_ERROR) {
                enum log_format saved = format;
                if (log_fd >= 0)
                        format = LOG_FORMAT_TEXT; /* the JSON went to the file */
                emit_line(STDERR_FILENO, level, msg);
                format = saved;
        }
}

int log_internalv(enum log_level level, int err, const char *fmt, va_list ap)
{
        err = err < 0 ? -err : err;
        int saved = errno;
        if (level <= max_level) {
                char msg[2048];
                int n = vsnprintf(msg, sizeof msg, fmt, ap);
                if (err > 0 && n >= 0 && (size_t)n < sizeof msg)
                        snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(err));
                log_emit(level, msg);
        }
        errno = saved;
        return err > 0 ? -err : -EIO;
}

int log_internal(enum log_level level, int err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = log_internalv(level, err, fmt, ap);
        va_end(ap);
        return r;
}
