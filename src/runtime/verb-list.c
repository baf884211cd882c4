/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>

#include "container.h"
#include "shared/log.h"
#include "spec/spec.h"
#include "verb-util.h"

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids below the state root, sorted. */
static int list_ids(int rootfd, char ***ret)
{
        _cleanup_strv_free_ char **ids = NULL;
        int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                safe_close(fd);
                return log_error_errno(errno, "cannot read %s", state_root());
        }
        struct dirent *de;
        while ((de = readdir(d)))
                if (de->d_type == DT_DIR && container_id_is_valid(de->d_name) &&
                    strv_extend(&ids, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
        closedir(d);
        if (ids)
                qsort(ids, strv_length(ids), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(ids);
        return 0;
}

int verb_list(int argc, char *argv[])
{
        static const struct option options[] = {
            {"format", required_argument, NULL, 'f'},
            {"quiet", no_argument, NULL, 'q'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        bool json = false, quiet = false;
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+f:qh", options, NULL)) >= 0) {
                switch (opt) {
                case 'f':
                        if (streq(optarg, "json"))
                                json = true;
                        else if (!streq(optarg, "table"))
                                return usage_error("list",
                                                   "--format: \"%s\" is neither table "
                                                   "nor json",
                                                   optarg);
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'h':
                        printf("Usage: crunit list [--format table|json] [--quiet]\n");
                        return 0;
                default:
                        return usage_error("list", "unknown option \"%s\"", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return usage_error("list", "unexpected argument \"%s\"", argv[optind]);

        _cleanup_strv_free_ char **ids = NULL;
        _cleanup_close_ int rootfd = -1;
        int r = state_root_open(state_root(), false, &rootfd);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "cannot open %s", state_root());
        if (rootfd >= 0 && (r = list_ids(rootfd, &ids)) < 0)
                return r;

        json_object *array = json_object_new_array();
        if (!json && !quiet)
                printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE",
                       "CREATED", "OWNER");
        STRV_FOREACH(id, ids)
        {
                _cleanup_close_ int dirfd = -1;
                _cleanup_state_ struct container_state *s = NULL;
                dirfd = openat(rootfd, *id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (dirfd < 0 || state_load(dirfd, *id, &s) < 0)
                        continue; /* deleted meanwhile, or unreadable: not listable */
                enum container_status st = state_status(dirfd, s);
                if (quiet) {
                        puts(*id);
                        continue;
                }
                json_object *o = state_to_json(s, st);
                if (json) {
                        json_object_array_add(array, o);
                        continue;
                }
                json_object *v;
                json_object_object_get_ex(o, "owner", &v);
                printf("%-12s %-8d %-10s %-40s %-31s %s\n", *id,
                       st == STATUS_STOPPED ? 0 : (int)s->pid, status_to_string(st),
                       s->bundle ? s->bundle : "", s->created ? s->created : "",
                       json_object_get_string(v));
                json_object_put(o);
        }
        if (json)
                puts(json_object_to_json_string_ext(array, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(array);
        return 0;
}
