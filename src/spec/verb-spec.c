/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* crunit spec [--bundle DIR] [--rootless]: writes a default config.json. */
#include <assert.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "../runtime/cli.h"
#include "../shared/log.h"
#include "spec.h"

static void usage(void)
{
        printf("Usage: crunit spec [OPTIONS]\n"
               "\n"
               "Create a new specification file (config.json) for a bundle.\n"
               "\n"
               "Options:\n"
               "  -b, --bundle DIR  path to the bundle directory (default: the current directory)\n"
               "      --rootless    generate a configuration for a rootless container\n"
               "  -h, --help        show this help\n");
}

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Creates a temporary file next to `path`; honours the umask like runc's 0666 WriteFile. */
static int open_tmp(const char *dir, char **ret_path)
{
        for (unsigned attempt = 0; attempt < 100; attempt++) {
                char *p;
                if (asprintf(&p, "%s/.config.json.%d.%u", dir, (int)getpid(), attempt) < 0)
                        return -ENOMEM;
                int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
                if (fd >= 0) {
                        *ret_path = p;
                        return fd;
                }
                int r = -errno;
                free(p);
                if (r != -EEXIST)
                        return r;
        }
        return -EEXIST;
}

/* Moves `tmp` to `path`, failing with -EEXIST rather than replacing an existing file. */
static int rename_noreplace(const char *tmp, const char *path)
{
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) >= 0)
                return 0;
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
                return -errno;
        /* File system without RENAME_NOREPLACE: link() does not replace either. */
        if (link(tmp, path) < 0)
                return -errno;
        (void)unlink(tmp);
        return 0;
}

static int write_spec(const char *bundle, bool rootless)
{
        _cleanup_json_ json_object *doc = NULL;
        _cleanup_free_ char *path = NULL, *tmp = NULL;
        _cleanup_close_ int fd = -1;
        const char *text;
        struct stat st;
        int r;

        if (asprintf(&path, "%s/config.json", bundle) < 0) {
                path = NULL;
                return log_error_errno(ENOMEM, "spec");
        }
        if (lstat(path, &st) >= 0)
                goto exists;
        if (errno != ENOENT)
                return log_error_errno(errno, "cannot access %s", path);

        doc = spec_default(rootless);
        if (!doc)
                return log_error_errno(ENOMEM, "cannot build the default configuration");
        text =
            json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!text)
                return log_error_errno(ENOMEM, "cannot format the default configuration");

        fd = open_tmp(bundle, &tmp);
        if (fd < 0)
                return log_error_errno(fd, "cannot create a temporary file in %s", bundle);

        r = write_all(fd, text, strlen(text));
        if (r >= 0)
                r = write_all(fd, "\n", 1);
        if (r >= 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r >= 0)
                r = rename_noreplace(tmp, path);
        if (r < 0) {
                (void)unlink(tmp);
                if (r == -EEXIST)
                        goto exists;
                return log_error_errno(r, "cannot write %s", path);
        }
        return 0;

exists:
        log_error("File config.json exists. Remove it first");
        return -EEXIST;
}

int verb_spec(int argc, char *argv[])
{
        enum { ARG_ROOTLESS = 0x100 };
        static const struct option options[] = {
            {"bundle", required_argument, NULL, 'b'},
            {"rootless", no_argument, NULL, ARG_ROOTLESS},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *bundle = ".";
        bool rootless = false;
        int c;

        assert(argc >= 1);
        assert(argv);

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, ":b:h", options, NULL)) >= 0) {
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                case ARG_ROOTLESS:
                        rootless = true;
                        break;
                case 'h':
                        usage();
                        return 0;
                case ':':
                        if (optopt > 0 && optopt < 0x100)
                                return usage_error("spec", "option '-%c' requires an argument",
                                                   optopt);
                        return usage_error("spec", "option '%s' requires an argument",
                                           argv[optind - 1]);
                default:
                        if (optopt > 0 && optopt < 0x100)
                                return usage_error("spec", "unknown option '-%c'", optopt);
                        return usage_error("spec", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return usage_error("spec", "unexpected argument '%s'", argv[optind]);
        if (bundle[0] == '\0')
                return usage_error("spec", "--bundle must not be empty");

        return write_spec(bundle, rootless);
}
