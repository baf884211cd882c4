#!/usr/bin/python3
"""seccomp-agent.py SOCKET OUT [REPLY...] - a tiny seccomp notify agent for the tests.

Listens on the unix socket SOCKET, accepts one connection, receives the listener fd and
the ContainerProcessState JSON (SCM_RIGHTS + payload, runtime-spec runtime.md), writes the
JSON to OUT, then answers notifications in turn with REPLY: "continue" or an errno number
(the syscall then fails with it); the last REPLY repeats. Each notification is logged to
OUT.log as "<syscall nr> <reply>". Exits when the container's filter is gone."""
import fcntl
import json
import os
import socket
import struct
import sys

# linux/seccomp.h: SECCOMP_IOWR(0, struct seccomp_notif) and (1, struct seccomp_notif_resp)
NOTIF_SIZE = 80   # id u64, pid u32, flags u32, data: nr s32, arch u32, ip u64, args u64[6]
RESP_SIZE = 24    # id u64, val s64, error s32, flags u32
IOC_RECV = (3 << 30) | (NOTIF_SIZE << 16) | (ord('!') << 8) | 0
IOC_SEND = (3 << 30) | (RESP_SIZE << 16) | (ord('!') << 8) | 1
FLAG_CONTINUE = 1


def main():
    path, out = sys.argv[1], sys.argv[2]
    replies = sys.argv[3:] or ["continue"]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    open(out + ".ready", "w").close()
    conn, _ = srv.accept()
    msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
    state = json.loads(msg)
    state["_nfds"] = len(fds)
    with open(out + ".tmp", "w") as f:
        json.dump(state, f)
    os.rename(out + ".tmp", out)
    conn.close()
    if len(fds) != 1:
        sys.exit("expected one fd, got %d" % len(fds))
    fd = fds[0]
    log = open(out + ".log", "w", buffering=1)
    n = 0
    while True:
        buf = bytearray(NOTIF_SIZE)
        try:
            fcntl.ioctl(fd, IOC_RECV, buf, True)
        except OSError as e:
            log.write("end %s\n" % e.errno)
            return
        nid, _pid, _flags, nr = struct.unpack_from("=QIIi", buf)
        reply = replies[min(n, len(replies) - 1)]
        n += 1
        if reply == "continue":
            resp = struct.pack("=QqiI", nid, 0, 0, FLAG_CONTINUE)
        else:
            resp = struct.pack("=QqiI", nid, 0, -int(reply), 0)
        log.write("%d %s\n" % (nr, reply))
        try:
            fcntl.ioctl(fd, IOC_SEND, resp)
        except OSError as e:
            log.write("send failed %s\n" % e.errno)


if __name__ == "__main__":
    main()
