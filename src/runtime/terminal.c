/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>

#include "linux.h"
#include "shared/fs-util.h"
#include "shared/log.h"
#include "sync.h"

/* ---- container side -------------------------------------------------------------------- */

int terminal_setup(struct setup_ctx *c)
{
        char p[FD_PATH_MAX];
        /* The pty comes from the container's own devpts instance. Whatever the rootfs put at
         * that path, only a pty multiplexer (5:2) is opened for reading and writing. */
        _cleanup_close_ int ptmx = open_in_root(c->rootfd, "/dev/pts/ptmx", O_PATH, 0);
        if (ptmx < 0)
                ptmx = open_in_root(c->rootfd, "/dev/ptmx", O_PATH, 0);
        if (ptmx < 0)
                return log_error_errno(ptmx, "terminal: cannot open /dev/pts/ptmx in the "
                                             "container (is devpts mounted?)");
        if (!fd_is_char_device(ptmx, 5, 2))
                return log_error("terminal: /dev/pts/ptmx in the container is not the pty "
                                 "multiplexer (device 5:2)");
        int master = open(fd_path(ptmx, p), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return log_error_errno(errno, "terminal: cannot open /dev/pts/ptmx in the "
                                              "container");
        c->pty_master = master;
        if (unlockpt(master) < 0)
                return log_error_errno(errno, "terminal: unlockpt");
        c->pty_slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (c->pty_slave < 0)
                return log_error_errno(errno, "terminal: cannot open the pty's peer");
        const struct spec_process *pr = &c->spec->process;
        if (pr->console_height || pr->console_width) {
                struct winsize ws = {.ws_row = (unsigned short)pr->console_height,
                                     .ws_col = (unsigned short)pr->console_width};
                (void)ioctl(c->pty_slave, TIOCSWINSZ, &ws);
        }
        if (!c->dev_mounted)
                return 0;
        /* /dev/console is mounted over, so it must be exactly that file: no symlink anywhere
         * on the way (CVE-2025-52565), created by us or already a plain file or the console. */
        _cleanup_close_ int console = open_in_root_nofollow(c->rootfd, "/dev/console", O_PATH, 0);
        if (console == -ENOENT) {
                int f = open_in_root_nofollow(c->rootfd, "/dev/console",
                                              O_CREAT | O_EXCL | O_WRONLY | O_NOCTTY, 0644);
                if (f < 0 && f != -EEXIST)
                        return log_error_errno(f, "terminal: cannot create /dev/console");
                safe_close(f);
                console = open_in_root_nofollow(c->rootfd, "/dev/console", O_PATH, 0);
        }
        if (console == -ELOOP)
                return log_error("terminal: /dev/console in the container is a symlink or goes "
                                 "through one: refusing to mount the terminal there");
        if (console < 0)
                return log_error_errno(console, "terminal: cannot create /dev/console");
        struct stat st;
        if (fstat(console, &st) < 0)
                return log_error_errno(errno, "terminal: cannot stat /dev/console");
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
                return log_error("terminal: /dev/console in the container is not a file or a "
                                 "character device: refusing to mount the terminal there");
        char slave_path[FD_PATH_MAX];
        fd_path(c->pty_slave, slave_path);
        if (mount(slave_path, fd_path(console, p), NULL, MS_BIND, NULL) < 0)
                return log_error_errno(errno, "terminal: cannot bind the pty to /dev/console");
        return 0;
}

int terminal_attach(struct setup_ctx *c)
{
        if (c->pty_slave < 0)
                return 0;
        if (getsid(0) != getpid() && setsid() < 0)
                return log_error_errno(errno, "terminal: setsid");
        if (ioctl(c->pty_slave, TIOCSCTTY, 0) < 0)
                return log_error_errno(errno, "terminal: cannot make the pty the controlling "
                                              "terminal");
        for (int i = 0; i < 3; i++)
                if (dup2(c->pty_slave, i) < 0)
                        return log_error_errno(errno, "terminal: dup2");
        c->pty_slave = safe_close(c->pty_slave);
        return 0;
}

/* ---- parent side ----------------------------------------------------------------------- */

int terminal_send_to_socket(const char *socket_path, int master)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        if (strlen(socket_path) >= sizeof sa.sun_path)
                return log_error("--console-socket: path too long: %s", socket_path);
        strcpy(sa.sun_path, socket_path);
        _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0)
                return log_error_errno(errno, "--console-socket: socket");
        if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
                return log_error_errno(errno, "--console-socket: cannot connect to %s",
                                       socket_path);
        int r = send_fd(s, master, "/dev/ptmx");
        if (r < 0)
                return log_error_errno(r, "--console-socket: cannot send the pty to %s",
                                       socket_path);
        return 0;
}

struct terminal_proxy {
        int master;
        bool raw;
        bool stdin_open;
        struct termios saved;
};

static void copy_once(int from, int to, bool *open)
{
        char buf[8192];
        ssize_t n = read(from, buf, sizeof buf);
        if (n <= 0) {
                if (n == 0 || (errno != EAGAIN && errno != EINTR))
                        *open = false;
                return;
        }
        (void)write_all(to, buf, (size_t)n);
}

int terminal_proxy_start(int master, struct terminal_proxy **ret)
{
        struct terminal_proxy *p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->master = master;
        p->stdin_open = true;
        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &p->saved) == 0) {
                struct termios raw = p->saved;
                cfmakeraw(&raw); /* the container's pty does the line discipline */
                if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
                        p->raw = true;
        }
        terminal_proxy_resize(p);
        *ret = p;
        return 0;
}

int terminal_proxy_fill_pollfds(struct terminal_proxy *p, struct pollfd *fds, int *n)
{
        fds[(*n)++] = (struct pollfd){.fd = p->master, .events = POLLIN};
        fds[(*n)++] = (struct pollfd){.fd = p->stdin_open ? STDIN_FILENO : -1, .events = POLLIN};
        return 0;
}

int terminal_proxy_handle(struct terminal_proxy *p, struct pollfd *fds, int n)
{
        for (int i = 0; i < n; i++) {
                if (fds[i].fd == p->master && (fds[i].revents & (POLLIN | POLLHUP))) {
                        bool open = true;
                        copy_once(p->master, STDOUT_FILENO, &open);
                        if (!open)
                                return -EPIPE;
                } else if (fds[i].fd == STDIN_FILENO && fds[i].revents) {
                        copy_once(STDIN_FILENO, p->master, &p->stdin_open);
                        if (!p->stdin_open && !p->raw) {
                                /* stdin is a file or pipe that ended: pass an EOF (^D) on */
                                char eof = 4;
                                (void)write_all(p->master, &eof, 1);
                        }
                }
        }
        return 0;
}

void terminal_proxy_resize(struct terminal_proxy *p)
{
        struct winsize ws;
        if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                (void)ioctl(p->master, TIOCSWINSZ, &ws);
}

void terminal_proxy_stop(struct terminal_proxy *p)
{
        if (!p)
                return;
        /* drain what the container wrote before it exited */
        int fl = fcntl(p->master, F_GETFL);
        if (fl >= 0)
                (void)fcntl(p->master, F_SETFL, fl | O_NONBLOCK);
        char buf[8192];
        ssize_t n;
        while ((n = read(p->master, buf, sizeof buf)) > 0)
                (void)write_all(STDOUT_FILENO, buf, (size_t)n);
        if (p->raw)
                (void)tcsetattr(STDIN_FILENO, TCSANOW, &p->saved);
        free(p);
}
