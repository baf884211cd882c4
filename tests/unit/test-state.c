/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/runtime/state.c and the process helpers it relies on. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../../src/runtime/state.h"
#include "../../src/shared/fs-util.h"
#include "../../src/shared/log.h"
#include "../../src/shared/proc-util.h"
#include "tests.h"

static void test_signals(void)
{
        CHECK(signal_from_string("TERM") == SIGTERM);
        CHECK(signal_from_string("SIGKILL") == SIGKILL);
        CHECK(signal_from_string("sigusr1") == SIGUSR1);
        CHECK(signal_from_string("9") == 9);
        CHECK(signal_from_string("RTMIN") == SIGRTMIN);
        CHECK(signal_from_string("RTMIN+2") == SIGRTMIN + 2);
        CHECK(signal_from_string("SIGRTMAX-1") == SIGRTMAX - 1);
        CHECK(signal_from_string("0") < 0);
        CHECK(signal_from_string("65") < 0);
        CHECK(signal_from_string("NOPE") < 0);
        CHECK(signal_from_string("") < 0);
        CHECK(signal_from_string("RTMIN-1") < 0);
}

static void test_roundtrip_and_status(const char *root)
{
        _cleanup_close_ int rootfd = -1, dirfd = -1, dirfd2 = -1;
        CHECK(state_root_open(root, true, &rootfd) == 0);
        CHECK(state_dir_create(rootfd, "c1", &dirfd) == 0);
        CHECK(state_dir_create(rootfd, "c1", &dirfd2) == -EEXIST);

        /* no state.json yet: a stopped husk, as after a crash during create */
        _cleanup_state_ struct container_state *husk = NULL;
        CHECK(state_load(dirfd, "c1", &husk) == 0);
        CHECK(husk && husk->pid == 0);
        CHECK(husk && state_status(dirfd, husk) == STATUS_STOPPED);

        /* a live process of ours stands in for a container's init */
        pid_t child = fork();
        if (child == 0) {
                pause();
                _exit(0);
        }
        struct container_state s = {.id = "c1",
                                    .pid = child,
                                    .bundle = "/b",
                                    .rootfs = "/b/r",
                                    .created = "2026-01-01T00:00:00.000000000Z",
                                    .owner = 0,
                                    .unit = "crunit-c1.scope",
                                    .bus = 1,
                                    .oci_version = "1.2.0"};
        CHECK(proc_stat(child, &s.pid_start_time, NULL) == 0);
        CHECK(state_save(dirfd, &s) == 0);

        _cleanup_state_ struct container_state *l = NULL;
        CHECK(state_load(dirfd, "c1", &l) == 0);
        CHECK(l && l->pid == child && l->pid_start_time == s.pid_start_time);
        CHECK_STREQ(l ? l->unit : NULL, "crunit-c1.scope");
        CHECK_STREQ(l ? l->bundle : NULL, "/b");
        CHECK(l && state_status(dirfd, l) == STATUS_RUNNING);
        CHECK(mkfifoat(dirfd, EXEC_FIFO, 0600) == 0);
        CHECK(l && state_status(dirfd, l) == STATUS_CREATED);
        CHECK(unlinkat(dirfd, EXEC_FIFO, 0) == 0);

        /* a different start time: the PID was reused by someone else */
        if (l) {
                l->pid_start_time++;
                CHECK(state_status(dirfd, l) == STATUS_STOPPED);
                l->pid_start_time--;
        }
        /* a zombie is not running */
        kill(child, SIGKILL);
        siginfo_t si;
        waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT);
        CHECK(l && state_status(dirfd, l) == STATUS_STOPPED);
        waitpid(child, NULL, 0);
        CHECK(l && state_status(dirfd, l) == STATUS_STOPPED);

        json_object *o = state_to_json(l, STATUS_STOPPED);
        json_object *v;
        CHECK(json_object_object_get_ex(o, "status", &v) &&
              streq(json_object_get_string(v), "stopped"));
        CHECK(json_object_object_get_ex(o, "pid", &v) && json_object_get_int(v) == 0);
        json_object_put(o);

        /* a corrupt state file is an error, not a crash */
        CHECK(write_file_atomic_at(dirfd, STATE_FILE, "{not json", 0600) == 0);
        _cleanup_state_ struct container_state *bad = NULL;
        CHECK(state_load(dirfd, "c1", &bad) < 0);

        CHECK(state_dir_remove(rootfd, "c1") == 0);
        CHECK(faccessat(rootfd, "c1", F_OK, 0) < 0 && errno == ENOENT);
}

int main(void)
{
        char root[] = "/tmp/crunit-test-state.XXXXXX";
        log_set_max_level(0);
        test_signals();
        if (!mkdtemp(root)) {
                perror("mkdtemp");
                return 1;
        }
        test_roundtrip_and_status(root);
        rmdir(root);
        return TEST_RESULT();
}
