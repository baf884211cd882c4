/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "signals.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "shared/log.h"
#include "shared/proc-util.h"
#include "terminal.h"

int signals_block_all(sigset_t *old)
{
        sigset_t all;
        sigfillset(&all);
        if (sigprocmask(SIG_BLOCK, &all, old) < 0)
                return log_error_errno(errno, "sigprocmask");
        return 0;
}

int forward_signals_and_wait(pid_t pid, int pidfd, int pty_master)
{
        sigset_t all;
        struct terminal_proxy *tp = NULL;
        sigfillset(&all);
        _cleanup_close_ int sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return log_error_errno(errno, "signalfd");
        if (pty_master >= 0 && terminal_proxy_start(pty_master, &tp) < 0)
                return log_error_errno(ENOMEM, "terminal");

        int code = -1;
        while (code < 0) {
                struct pollfd fds[4] = {{.fd = sfd, .events = POLLIN},
                                        {.fd = pidfd, .events = POLLIN}};
                int n = 2;
                if (tp)
                        terminal_proxy_fill_pollfds(tp, fds, &n);
                if (poll(fds, (nfds_t)n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        code = log_error_errno(errno, "poll");
                        break;
                }
                if (fds[0].revents) {
                        struct signalfd_siginfo si;
                        while (read(sfd, &si, sizeof si) == sizeof si) {
                                int sig = (int)si.ssi_signo;
                                if (sig == SIGCHLD || sig == SIGURG)
                                        continue;
                                if (sig == SIGWINCH && tp) {
                                        terminal_proxy_resize(tp);
                                        continue;
                                }
                                (void)pidfd_signal(pidfd, sig);
                        }
                }
                if (tp && terminal_proxy_handle(tp, fds + 2, n - 2) == -EPIPE) {
                        /* the pty hung up: nothing more to copy, keep waiting for the init */
                        terminal_proxy_stop(tp);
                        tp = NULL;
                }
                if (fds[1].revents)
                        code = wait_for_child(pid);
        }
        terminal_proxy_stop(tp);
        return code;
}
