/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdarg.h>
#include "macro.h"

/* crunit logging.
 *
 * Convention (as in systemd): a function that knows the cause of a failure logs it once,
 * with log_error_errno(), and returns the negative errno; its callers only propagate the
 * return value. That way every failure reaches the user as exactly one line.
 *
 * Output goes to stderr ("crunit: <msg>") or, with --log FILE, to that file; errors always
 * reach stderr too (engines read the log file, humans read stderr). --log-format json writes
 * runc's JSON lines: {"level":"error","msg":"…","time":"2026-11-23T13:12:00Z"}.
 * --log journald sends crunit's own diagnostics to the journal.
 *
 * Inside the container setup path (a child process), a sink installed with log_set_sink()
 * forwards messages to the parent crunit, which prints them. */

enum log_level {
        LOG_LEVEL_ERROR = 3,
        LOG_LEVEL_WARNING = 4,
        LOG_LEVEL_INFO = 6,
        LOG_LEVEL_DEBUG = 7,
};

enum log_format {
        LOG_FORMAT_TEXT,
        LOG_FORMAT_JSON,
};

typedef void (*log_sink_t)(enum log_level level, const char *msg, void *userdata);

int log_open(const char *path, enum log_format format); /* path NULL: stderr; "journald" */
void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);
void log_set_sink(log_sink_t sink, void *userdata);
/* --log journald: the container the messages are about (CONTAINER_ID=); NULL: none. */
void log_set_container_id(const char *id);

/* Always returns -abs(err) (or -EIO when err is 0), so it can be used as `return log_…`. */
int log_internal(enum log_level level, int err, const char *fmt, ...) _printf_(3, 4);
int log_internalv(enum log_level level, int err, const char *fmt, va_list ap) _printf_(3, 0);
/* Emits an already formatted message (e.g. one forwarded from the setup child). */
void log_emit(enum log_level level, const char *msg);

#define log_error(...) log_internal(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_info(...) log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)
/* The message gets ": <strerror(err)>" appended. */
#define log_error_errno(err, ...) log_internal(LOG_LEVEL_ERROR, (err), __VA_ARGS__)
#define log_warning_errno(err, ...) log_internal(LOG_LEVEL_WARNING, (err), __VA_ARGS__)
#define log_debug_errno(err, ...) log_internal(LOG_LEVEL_DEBUG, (err), __VA_ARGS__)
