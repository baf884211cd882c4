#!/usr/bin/python3
# notify-receiver.py SOCKET OUT: a stand-in for the service manager's $NOTIFY_SOCKET. Appends
# every datagram to OUT as one line ("\n" -> "|") and closes the fds that come with it (which is
# what answers an sd_notify_barrier()).
import array
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out + ".ready", "w"):
    pass
with open(out, "a", buffering=1) as f:
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
        for level, typ, data in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
                for fd in fds:
                    os.close(fd)
        f.write(msg.decode(errors="replace").strip("\n").replace("\n", "|") + "\n")
