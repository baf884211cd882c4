/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration written by `crunit spec`: runc 1.2's `runc spec`, minus linux.resources. */
#include <inttypes.h>
#include <stdio.h>

#include "spec.h"

static const char default_spec[] =
    "{"
    "  \"ociVersion\": \"1.2.0\","
    "  \"process\": {"
    "    \"terminal\": true,"
    "    \"user\": { \"uid\": 0, \"gid\": 0 },"
    "    \"args\": [ \"sh\" ],"
    "    \"env\": ["
    "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "      \"TERM=xterm\""
    "    ],"
    "    \"cwd\": \"/\","
    "    \"capabilities\": {"
    "      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],"
    "      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],"
    "      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]"
    "    },"
    "    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],"
    "    \"noNewPrivileges\": true"
    "  },"
    "  \"root\": { \"path\": \"rootfs\", \"readonly\": true },"
    "  \"hostname\": \"crunit\","
    "  \"mounts\": ["
    "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },"
    "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },"
    "    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
    "      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\","
    "                   \"mode=0620\", \"gid=5\" ] },"
    "    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
    "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },"
    "    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
    "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },"
    "    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
    "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },"
    "    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
    "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }"
    "  ],"
    "  \"linux\": {"
    "    \"namespaces\": ["
    "      { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },"
    "      { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }"
    "    ],"
    "    \"maskedPaths\": ["
    "      \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
    "      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
    "      \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\""
    "    ],"
    "    \"readonlyPaths\": ["
    "      \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\""
    "    ]"
    "  }"
    "}";

static const char rootless_sys_mount[] =
    "{ \"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\","
    "  \"options\": [ \"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] }";

static json_object *id_mapping(uint32_t id)
{
        char buf[128];

        snprintf(buf, sizeof buf,
                 "[ { \"containerID\": 0, \"hostID\": %" PRIu32 ", \"size\": 1 } ]", id);
        return json_tokener_parse(buf);
}

/* Drops "uid=…"/"gid=…" options (the mapped ids may not exist in the user namespace). */
static int drop_id_options(json_object *mount)
{
        json_object *options, *kept;

        if (!json_object_object_get_ex(mount, "options", &options))
                return 0;
        kept = json_object_new_array();
        if (!kept)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(options); i++) {
                json_object *o = json_object_array_get_idx(options, i);
                const char *s = json_object_get_string(o);
                if (startswith(s, "uid=") || startswith(s, "gid="))
                        continue;
                if (json_object_array_add(kept, json_object_get(o)) < 0) {
                        json_object_put(o);
                        json_object_put(kept);
                        return -ENOMEM;
                }
        }
        if (json_object_object_add(mount, "options", kept) < 0) {
                json_object_put(kept);
                return -ENOMEM;
        }
        return 0;
}

static int make_rootless(json_object *doc)
{
        json_object *linux_obj, *namespaces, *mounts, *ns;
        int r;

        if (!json_object_object_get_ex(doc, "linux", &linux_obj) ||
            !json_object_object_get_ex(linux_obj, "namespaces", &namespaces) ||
            !json_object_object_get_ex(doc, "mounts", &mounts))
                return -EINVAL;

        ns = json_tokener_parse("{ \"type\": \"user\" }");
        if (!ns || json_object_array_add(namespaces, ns) < 0) {
                json_object_put(ns);
                return -ENOMEM;
        }

        json_object *uid_map = id_mapping(geteuid());
        if (!uid_map || json_object_object_add(linux_obj, "uidMappings", uid_map) < 0) {
                json_object_put(uid_map);
                return -ENOMEM;
        }
        json_object *gid_map = id_mapping(getegid());
        if (!gid_map || json_object_object_add(linux_obj, "gidMappings", gid_map) < 0) {
                json_object_put(gid_map);
                return -ENOMEM;
        }

        for (size_t i = 0; i < json_object_array_length(mounts); i++) {
                json_object *m = json_object_array_get_idx(mounts, i), *type;

                r = drop_id_options(m);
                if (r < 0)
                        return r;

                if (json_object_object_get_ex(m, "type", &type) &&
                    streq(json_object_get_string(type), "sysfs")) {
                        json_object *sys = json_tokener_parse(rootless_sys_mount);
                        if (!sys || json_object_array_put_idx(mounts, i, sys) < 0) {
                                json_object_put(sys);
                                return -ENOMEM;
                        }
                }
        }
        return 0;
}

json_object *spec_default(bool rootless)
{
        _cleanup_json_ json_object *doc = json_tokener_parse(default_spec);

        if (!doc)
                return NULL;
        if (rootless && make_rootless(doc) < 0)
                return NULL;
        return TAKE_PTR(doc);
}
