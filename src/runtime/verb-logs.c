/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crunit logs: a container's stdout/stderr, read back from the journal (journal-stdio.h).
 *
 * Entries are matched by CONTAINER_ID=<id>, sent by the forwarder (_COMM=crunit-journal) as
 * the container's owner (_UID): that holds whatever the scope is called (cgroupsPath) and
 * after `delete` too. While the container exists, only entries since its creation are shown
 * (an id can be reused after delete); for a deleted one, every entry with its id. */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "bus/bus.h"
#include "container.h"
#include "journal-stdio.h"
#include "spec/spec.h"
#include "verb-util.h"

#define FOLLOW_POLL_USEC (200 * 1000ULL)
#define NO_SCOPE_GRACE_USEC (500 * 1000ULL)

static void journal_closep(sd_journal **j)
{
        if (*j)
                sd_journal_close(*j);
}

static uint64_t now_realtime_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* "2026-11-23T15:37:33[.123456789][Z]" (Z: UTC, else local time), "2026-11-23 15:37:33",
 * "2026-11-23", "@1700000000" (seconds since the epoch), or a duration ago: "10s", "5m",
 * "2h", "1d". */
static int parse_since(const char *s, uint64_t *ret)
{
        char *end;
        if (s[0] == '@') {
                unsigned long long v = strtoull(s + 1, &end, 10);
                if (end == s + 1 || *end)
                        return -EINVAL;
                *ret = v * 1000000ULL;
                return 0;
        }
        if (s[0] >= '0' && s[0] <= '9') {
                unsigned long long v = strtoull(s, &end, 10);
                uint64_t unit = 0;
                if (streq(end, "s"))
                        unit = 1;
                else if (streq(end, "m"))
                        unit = 60;
                else if (streq(end, "h"))
                        unit = 3600;
                else if (streq(end, "d"))
                        unit = 86400;
                if (unit) {
                        uint64_t ago = v * unit * 1000000ULL, now = now_realtime_usec();
                        *ret = ago < now ? now - ago : 0;
                        return 0;
                }
        }
        static const char *const formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"};
        for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
                struct tm tm = {.tm_isdst = -1};
                const char *p = strptime(s, formats[i], &tm);
                if (!p)
                        continue;
                uint64_t frac = 0, scale = 1000000;
                if (*p == '.') {
                        for (p++; *p >= '0' && *p <= '9'; p++)
                                if (scale > 1) {
                                        scale /= 10;
                                        frac += (uint64_t)(*p - '0') * scale;
                                }
                }
                time_t t;
                if (streq(p, "Z"))
                        t = timegm(&tm);
                else if (*p == '\0')
                        t = mktime(&tm);
                else
                        continue;
                if (t == (time_t)-1)
                        return -EINVAL;
                *ret = (uint64_t)t * 1000000ULL + frac;
                return 0;
        }
        return -EINVAL;
}

static void print_entry(sd_journal *j, bool timestamps, FILE **last)
{
        const void *d;
        size_t l;
        if (sd_journal_get_data(j, "MESSAGE", &d, &l) < 0)
                return;
        const void *pd;
        size_t pl;
        bool err = sd_journal_get_data(j, "PRIORITY", &pd, &pl) >= 0 && pl == 10 &&
                   memcmp(pd, "PRIORITY=3", 10) == 0;
        FILE *f = err ? stderr : stdout;
        if (*last && *last != f)
                fflush(*last);
        *last = f;
        if (timestamps) {
                uint64_t t;
                if (sd_journal_get_realtime_usec(j, &t) >= 0) {
                        time_t sec = (time_t)(t / 1000000);
                        struct tm tm;
                        char buf[64];
                        gmtime_r(&sec, &tm);
                        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
                        fprintf(f, "%s.%06lluZ ", buf, (unsigned long long)(t % 1000000));
                }
        }
        fwrite((const char *)d + 8, 1, l - 8, f);
        fputc('\n', f);
}

/* Prints entries from the current position on (the current one first when `have_current`)
 * that are not older than `since`. Returns how many, or a negative errno. */
static int print_entries(sd_journal *j, bool have_current, uint64_t since, bool timestamps,
                         FILE **last)
{
        int n = 0, r;
        for (;;) {
                if (have_current)
                        have_current = false;
                else if ((r = sd_journal_next(j)) < 0)
                        return log_error_errno(r, "cannot read the journal");
                else if (r == 0)
                        break;
                uint64_t t;
                if (since && sd_journal_get_realtime_usec(j, &t) >= 0 && t < since)
                        continue;
                print_entry(j, timestamps, last);
                n++;
        }
        if (*last)
                fflush(*last);
        return n;
}

/* -f: done once the container's processes are all gone: the init (the status), then the
 * scope, which holds the journal forwarder until journald has its last line. Without a scope
 * of its own (rootless without a manager, --keep-unit), a grace period for the forwarder. */
static bool container_finished(struct container *c, sd_bus **bus)
{
        static uint64_t stopped_at = 0;
        if (container_status(c) != STATUS_STOPPED)
                return false;
        if (!c->state->unit || c->state->bus == BUS_NONE || c->state->keep_unit) {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                uint64_t now = (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
                if (!stopped_at)
                        stopped_at = now;
                return now - stopped_at >= NO_SCOPE_GRACE_USEC;
        }
        if (!*bus && bus_connect_systemd(c->state->bus == BUS_USER, false, bus) < 0)
                return true;
        _cleanup_free_ char *st = NULL;
        int r = bus_unit_active_state(*bus, c->state->unit, &st);
        if (r < 0)
                return true; /* not loaded: gone */
        return !streq(st, "active") && !streq(st, "deactivating") && !streq(st, "activating") &&
               !streq(st, "reloading");
}

static uint64_t parse_created(const char *s)
{
        uint64_t t = 0;
        return s && parse_since(s, &t) >= 0 ? t : 0;
}

int verb_logs(int argc, char *argv[])
{
        enum { ARG_SINCE = 0x100 };
        static const struct option options[] = {
            {"follow", no_argument, NULL, 'f'},
            {"lines", required_argument, NULL, 'n'},
            {"since", required_argument, NULL, ARG_SINCE},
            {"timestamps", no_argument, NULL, 't'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        bool follow = false, timestamps = false;
        long lines = -1;
        uint64_t since = 0;
        const char *id = NULL;
        int c, r;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+fn:th", options, NULL)) >= 0) {
                switch (c) {
                case 'f':
                        follow = true;
                        break;
                case 'n': {
                        char *end;
                        lines = strtol(optarg, &end, 10);
                        if (*end || end == optarg || lines < 0)
                                return usage_error("logs", "--lines: not a count: \"%s\"", optarg);
                        break;
                }
                case ARG_SINCE:
                        if (parse_since(optarg, &since) < 0)
                                return usage_error("logs",
                                                   "--since: cannot parse \"%s\" (e.g. "
                                                   "2026-11-23T15:00:00Z, @1700000000, 10m)",
                                                   optarg);
                        break;
                case 't':
                        timestamps = true;
                        break;
                case 'h':
                        printf("Usage: crunit logs [options] CONTAINER-ID\n\n"
                               "The container's stdout/stderr from the journal (a detached "
                               "container with --stdio journald,\nthe default when crunit's "
                               "stdout is a terminal, /dev/null or the journal).\n\n"
                               "  -f, --follow       keep printing until the container has "
                               "exited\n"
                               "  -n, --lines N      only the last N lines\n"
                               "      --since TIME   from TIME on (2026-11-23T15:00:00Z, "
                               "\"2026-11-23 15:00:00\", @EPOCH, 10m)\n"
                               "  -t, --timestamps   prefix each line with its time (UTC)\n");
                        return 0;
                default:
                        return usage_error("logs", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        if ((r = expect_id("logs", argc, argv, optind, &id)) < 0)
                return r;
        if (!container_id_is_valid(id))
                return log_error("invalid container id \"%s\"", id);

        /* The container, if it (still) exists. */
        _cleanup_container_ struct container *ctr = NULL;
        struct stat st;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", state_root(), id);
        if (stat(path, &st) == 0 && (r = container_open(id, false, false, &ctr)) < 0)
                return r;
        uid_t owner = ctr ? ctr->state->owner : geteuid();
        if (ctr) {
                uint64_t created = parse_created(ctr->state->created);
                if (created > since)
                        since = created;
        } else
                follow = false; /* nothing left to wait for */

        __attribute__((cleanup(journal_closep))) sd_journal *j = NULL;
        if ((r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY)) < 0)
                return log_error_errno(r, "cannot open the journal");
        (void)sd_journal_set_data_threshold(j, 0);
        char m_id[256], m_uid[64];
        snprintf(m_id, sizeof m_id, "CONTAINER_ID=%s", id);
        snprintf(m_uid, sizeof m_uid, "_UID=%u", (unsigned)owner);
        if ((r = sd_journal_add_match(j, m_id, 0)) < 0 ||
            (r = sd_journal_add_match(j, "_COMM=" JOURNAL_FORWARDER_COMM, 0)) < 0 ||
            (r = sd_journal_add_match(j, m_uid, 0)) < 0)
                return log_error_errno(r, "cannot read the journal");

        if (!ctr) {
                if ((r = sd_journal_seek_head(j)) < 0 || (r = sd_journal_next(j)) < 0)
                        return log_error_errno(r, "cannot read the journal");
                if (r == 0)
                        return log_error("container \"%s\" does not exist and the journal has "
                                         "no output of it",
                                         id),
                               -ENOENT;
        }

        bool have_current = false;
        if (lines >= 0) {
                if ((r = sd_journal_seek_tail(j)) < 0)
                        return log_error_errno(r, "cannot read the journal");
                if (lines > 0) {
                        r = sd_journal_previous_skip(j, (uint64_t)lines);
                        have_current = r > 0;
                } else
                        r = sd_journal_previous(j); /* anchored on the last: print none */
        } else if (since)
                r = sd_journal_seek_realtime_usec(j, since);
        else
                r = sd_journal_seek_head(j);
        if (r < 0)
                return log_error_errno(r, "cannot read the journal");

        FILE *last = NULL;
        if ((r = print_entries(j, have_current, since, timestamps, &last)) < 0)
                return r;
        _cleanup_bus_ sd_bus *bus = NULL;
        while (follow) {
                bool done = container_finished(ctr, &bus);
                if (!done && (r = sd_journal_wait(j, FOLLOW_POLL_USEC)) < 0)
                        return log_error_errno(r, "cannot follow the journal");
                if (done)
                        (void)sd_journal_process(j);
                if ((r = print_entries(j, false, since, timestamps, &last)) < 0)
                        return r;
                if (done)
                        break;
        }
        return 0;
}
