/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/spec: default spec, config.json parsing and validation, container ids. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../../src/shared/log.h"
#include "../../src/spec/spec.h"
#include "tests.h"

static char last_error[2048];
static unsigned n_errors;

static void sink(enum log_level level, const char *msg, void *userdata)
{
        (void)userdata;
        if (level <= LOG_LEVEL_ERROR) {
                snprintf(last_error, sizeof last_error, "%s", msg);
                n_errors++;
        }
}

/* Sets (value != NULL, a JSON text) or deletes (value == NULL) the property at a dotted path
 * ("process.rlimits.0.soft"); intermediate objects are created. */
static void set_path(json_object *doc, const char *path, const char *value)
{
        char buf[256], *save = NULL;
        json_object *cur = doc;

        snprintf(buf, sizeof buf, "%s", path);
        for (char *tok = strtok_r(buf, ".", &save); tok;) {
                char *next = strtok_r(NULL, ".", &save);
                bool array = json_object_is_type(cur, json_type_array);
                size_t idx = array ? strtoul(tok, NULL, 10) : 0;

                if (!next) {
                        json_object *v = value ? json_tokener_parse(value) : NULL;
                        if (value && !v && !streq(value, "null")) {
                                fprintf(stderr, "bad test JSON: %s\n", value);
                                abort();
                        }
                        if (array && !value)
                                json_object_array_del_idx(cur, idx, 1);
                        else if (array)
                                json_object_array_put_idx(cur, idx, v);
                        else if (!value)
                                json_object_object_del(cur, tok);
                        else
                                json_object_object_add(cur, tok, v);
                        return;
                }

                json_object *child = NULL;
                if (array)
                        child = json_object_array_get_idx(cur, idx);
                else if (!json_object_object_get_ex(cur, tok, &child) || !child) {
                        child = json_object_new_object();
                        json_object_object_add(cur, tok, child);
                }
                if (!child) {
                        fprintf(stderr, "bad test path: %s\n", path);
                        abort();
                }
                cur = child;
                tok = next;
        }
}

/* Parses the default spec with up to two modifications applied. */
static int parse_modified(const char *path, const char *value, const char *path2,
                          const char *value2, struct spec **ret)
{
        _cleanup_json_ json_object *doc = spec_default(false);
        struct spec *s = NULL;

        if (!doc)
                abort();
        if (path)
                set_path(doc, path, value);
        if (path2)
                set_path(doc, path2, value2);
        last_error[0] = '\0';
        n_errors = 0;
        int r = spec_parse(doc, "/bundle", &s);
        if (ret)
                *ret = s;
        else
                spec_free(s);
        return r;
}

static void check_fail2(int line, const char *path, const char *value, const char *path2,
                        const char *value2, const char *expect)
{
        struct spec *s = NULL;
        int r = parse_modified(path, value, path2, value2, &s);
        bool ok = r == -EINVAL && !s && n_errors == 1 && startswith(last_error, "config.json: ") &&
                  !strchr(last_error, '\n') && (!expect || strstr(last_error, expect));
        if (!ok) {
                fprintf(stderr, "%s:%d: expected failure for %s=%s: r=%d errors=%u msg=\"%s\"\n",
                        __FILE__, line, path, value ? value : "(deleted)", r, n_errors, last_error);
                failures++;
        }
        spec_free(s);
}

#define FAIL(path, value, expect) check_fail2(__LINE__, path, value, NULL, NULL, expect)
#define FAIL2(p1, v1, p2, v2, expect) check_fail2(__LINE__, p1, v1, p2, v2, expect)

static void check_ok2(int line, const char *path, const char *value, const char *path2,
                      const char *value2)
{
        int r = parse_modified(path, value, path2, value2, NULL);
        if (r < 0) {
                fprintf(stderr, "%s:%d: expected success for %s=%s: r=%d msg=\"%s\"\n", __FILE__,
                        line, path, value ? value : "(deleted)", r, last_error);
                failures++;
        }
}

#define OK(path, value) check_ok2(__LINE__, path, value, NULL, NULL)
#define OK2(p1, v1, p2, v2) check_ok2(__LINE__, p1, v1, p2, v2)

static uint64_t cap_bit(const char *name)
{
        cap_value_t c;
        if (cap_from_name(name, &c) < 0)
                abort();
        return UINT64_C(1) << c;
}

static void check_default_contents(const struct spec *s)
{
        uint64_t caps =
            cap_bit("CAP_AUDIT_WRITE") | cap_bit("CAP_KILL") | cap_bit("CAP_NET_BIND_SERVICE");

        CHECK_STREQ(s->oci_version, "1.2.0");
        CHECK_STREQ(s->bundle, "/bundle");
        CHECK_STREQ(s->root_path, "/bundle/rootfs");
        CHECK(s->root_readonly);
        CHECK_STREQ(s->hostname, "crunit");
        CHECK(!s->domainname);
        CHECK(s->n_mounts == 7);
        if (s->n_mounts == 7) {
                CHECK_STREQ(s->mounts[0].destination, "/proc");
                CHECK_STREQ(s->mounts[0].type, "proc");
                CHECK_STREQ(s->mounts[0].source, "proc");
                CHECK(!s->mounts[0].options);
                CHECK_STREQ(s->mounts[1].destination, "/dev");
                CHECK(strv_length(s->mounts[1].options) == 4);
                CHECK_STREQ(s->mounts[6].destination, "/sys/fs/cgroup");
                CHECK_STREQ(s->mounts[6].type, "cgroup");
                CHECK(strv_contains(s->mounts[6].options, "ro"));
        }

        CHECK(s->has_process);
        CHECK(s->process.terminal);
        CHECK(s->process.uid == 0 && s->process.gid == 0);
        CHECK(s->process.n_additional_gids == 0);
        CHECK(!s->process.has_umask);
        CHECK(strv_length(s->process.args) == 1);
        CHECK_STREQ(s->process.args[0], "sh");
        CHECK(strv_length(s->process.env) == 2);
        CHECK_STREQ(s->process.env[1], "TERM=xterm");
        CHECK_STREQ(s->process.cwd, "/");
        CHECK(s->process.has_caps);
        CHECK(s->process.caps.bounding == caps);
        CHECK(s->process.caps.effective == caps);
        CHECK(s->process.caps.permitted == caps);
        CHECK(s->process.caps.inheritable == 0);
        CHECK(s->process.caps.ambient == 0);
        CHECK(s->process.n_rlimits == 1);
        if (s->process.n_rlimits == 1) {
                CHECK(s->process.rlimits[0].resource == RLIMIT_NOFILE);
                CHECK(s->process.rlimits[0].soft == 1024);
                CHECK(s->process.rlimits[0].hard == 1024);
        }
        CHECK(s->process.no_new_privileges);
        CHECK(!s->process.has_oom_score_adj);

        CHECK(spec_find_namespace(s, CLONE_NEWPID));
        CHECK(spec_find_namespace(s, CLONE_NEWNET));
        CHECK(spec_find_namespace(s, CLONE_NEWIPC));
        CHECK(spec_find_namespace(s, CLONE_NEWUTS));
        CHECK(spec_find_namespace(s, CLONE_NEWNS));
        CHECK(spec_find_namespace(s, CLONE_NEWCGROUP));
        CHECK(!spec_find_namespace(s, CLONE_NEWTIME));
        CHECK(strv_length(s->masked_paths) == 10);
        CHECK(strv_contains(s->masked_paths, "/proc/kcore"));
        CHECK(strv_contains(s->masked_paths, "/proc/scsi"));
        CHECK(strv_length(s->readonly_paths) == 5);
        CHECK(strv_contains(s->readonly_paths, "/proc/sysrq-trigger"));
        CHECK(s->rootfs_propagation == 0);
        CHECK(!s->cgroups_path);
        CHECK(!s->annotations);
        CHECK(!spec_annotation(s, "foo"));
        CHECK(s->json);
}

static void test_default(void)
{
        _cleanup_json_ json_object *doc = spec_default(false), *reparsed = NULL;
        _cleanup_spec_ struct spec *s = NULL, *s2 = NULL;
        json_object *linux_obj;

        CHECK(doc);
        if (!doc)
                return;
        CHECK(json_object_object_get_ex(doc, "linux", &linux_obj));
        CHECK(!json_object_object_get_ex(linux_obj, "resources", NULL));
        CHECK(!json_object_object_get_ex(linux_obj, "uidMappings", NULL));

        CHECK(spec_parse(doc, "/bundle", &s) == 0);
        if (s) {
                check_default_contents(s);
                CHECK(!spec_find_namespace(s, CLONE_NEWUSER));
                CHECK(s->n_mounts == 7 && strv_contains(s->mounts[2].options, "gid=5"));
                CHECK(s->n_mounts == 7 && streq_ptr(s->mounts[5].type, "sysfs"));
        }

        /* Through text and back, as `crunit spec` writes it. */
        const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
        CHECK(text && strstr(text, "\"/proc/sysrq-trigger\""));
        reparsed = json_tokener_parse(text);
        CHECK(reparsed);
        if (reparsed) {
                CHECK(spec_parse(reparsed, "/bundle", &s2) == 0);
                if (s2)
                        check_default_contents(s2);
        }
}

static void test_default_rootless(void)
{
        _cleanup_json_ json_object *doc = spec_default(true);
        _cleanup_spec_ struct spec *s = NULL;

        CHECK(doc);
        if (!doc)
                return;
        CHECK(spec_parse(doc, "/bundle", &s) == 0);
        if (!s)
                return;

        check_default_contents(s);
        const struct spec_namespace *userns = spec_find_namespace(s, CLONE_NEWUSER);
        CHECK(userns && !userns->path);
        CHECK(s->n_namespaces == 7);
        CHECK(s->n_uid_mappings == 1 && s->n_gid_mappings == 1);
        if (s->n_uid_mappings == 1 && s->n_gid_mappings == 1) {
                CHECK(s->uid_mappings[0].container_id == 0);
                CHECK(s->uid_mappings[0].host_id == geteuid());
                CHECK(s->uid_mappings[0].size == 1);
                CHECK(s->gid_mappings[0].container_id == 0);
                CHECK(s->gid_mappings[0].host_id == getegid());
                CHECK(s->gid_mappings[0].size == 1);
        }
        for (size_t i = 0; i < s->n_mounts; i++) {
                STRV_FOREACH(o, s->mounts[i].options)
                {
                        CHECK(!startswith(*o, "uid="));
                        CHECK(!startswith(*o, "gid="));
                }
                CHECK(!streq_ptr(s->mounts[i].type, "sysfs"));
        }
        if (s->n_mounts == 7) {
                CHECK(strv_length(s->mounts[2].options) == 5); /* devpts without gid=5 */
                CHECK_STREQ(s->mounts[5].destination, "/sys");
                CHECK_STREQ(s->mounts[5].type, "none");
                CHECK_STREQ(s->mounts[5].source, "/sys");
                CHECK(strv_length(s->mounts[5].options) == 5);
                CHECK_STREQ(s->mounts[5].options[0], "rbind");
                CHECK(strv_contains(s->mounts[5].options, "ro"));
        }
}

static void test_errors(void)
{
        /* ociVersion */
        FAIL("ociVersion", NULL, "ociVersion is required");
        FAIL("ociVersion", "1", "ociVersion must be a string");
        FAIL("ociVersion", "\"2.0.0\"", "\"2.0.0\"");
        FAIL("ociVersion", "\"1.4.0\"", "\"1.4.0\"");
        FAIL("ociVersion", "\"1.10.0\"", NULL);
        FAIL("ociVersion", "\"1.0\"", NULL);
        FAIL("ociVersion", "\"1.0.\"", NULL);
        FAIL("ociVersion", "\"1.0.0-\"", NULL);
        FAIL("ociVersion", "\"0.6.0\"", NULL);
        FAIL("ociVersion", "\"\"", NULL);

        /* root */
        FAIL("root", NULL, "root.path is required");
        FAIL("root.path", NULL, "root.path is required");
        FAIL("root.path", "5", "root.path must be a string");
        FAIL("root.path", "\"\"", "root.path");
        FAIL("root.readonly", "\"yes\"", "root.readonly must be a boolean");
        FAIL("root", "\"rootfs\"", "root must be an object");

        /* mounts */
        FAIL("mounts", "\"x\"", "mounts must be an array");
        FAIL("mounts.0", "\"x\"", "mounts[0] must be an object");
        FAIL("mounts.0.destination", NULL, "mounts[0].destination is required");
        FAIL("mounts.1.destination", "\"dev\"", "mounts[1].destination must be an absolute path");
        FAIL("mounts.1.destination", "7", "mounts[1].destination must be a string");
        FAIL("mounts.1.options", "\"ro\"", "mounts[1].options must be an array");
        FAIL("mounts.1.options.0", "1", "mounts[1].options[0] must be a string");
        FAIL("mounts.1.type", "true", "mounts[1].type");
        FAIL("mounts.1.source", "[]", "mounts[1].source");
        FAIL("mounts.1.uidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]",
             "mounts[1]: uidMappings and gidMappings go together");
        FAIL("mounts.1.gidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]",
             "mounts[1]: uidMappings and gidMappings go together");
        FAIL("mounts.1.uidMappings", "[{\"containerID\":0,\"hostID\":1000}]",
             "mounts[1].uidMappings[0].size is required");

        /* process */
        FAIL("process", "[]", "process must be an object");
        FAIL("process.args", NULL, "process.args must be a non-empty array of strings");
        FAIL("process.args", "[]", "process.args must be a non-empty array of strings");
        FAIL("process.args", "\"sh\"", "process.args must be a non-empty array of strings");
        FAIL("process.args", "[\"sh\", 1]", "process.args[1] must be a string");
        FAIL("process.args", "[\"sh\", null]", "process.args[1] must be a string");
        FAIL("process.env", "[\"FOO\"]", "process.env[0]");
        FAIL("process.env", "[\"=x\"]", "process.env[0]");
        FAIL("process.env", "[1]", "process.env[0] must be a string");
        FAIL("process.env", "{}", "process.env must be an array");
        FAIL("process.cwd", NULL, "process.cwd is required");
        FAIL("process.cwd", "\"tmp\"", "process.cwd must be an absolute path");
        FAIL("process.cwd", "\"\"", "process.cwd must be an absolute path");
        FAIL("process.terminal", "\"true\"", "process.terminal must be a boolean");
        FAIL("process.terminal", "1", "process.terminal must be a boolean");
        FAIL("process.consoleSize", "{\"height\": 10}", "process.consoleSize.width is required");
        FAIL("process.consoleSize", "{\"height\": 10, \"width\": -1}",
             "process.consoleSize.width must be an integer");
        FAIL("process.consoleSize", "{\"height\": 70000, \"width\": 80}",
             "process.consoleSize.height");
        FAIL("process.consoleSize", "5", "process.consoleSize must be an object");
        FAIL("process.user", "0", "process.user must be an object");
        FAIL("process.user.uid", "-1", "process.user.uid must be an integer");
        FAIL("process.user.uid", "\"0\"", "process.user.uid must be an integer");
        FAIL("process.user.uid", "4294967296", "process.user.uid must be an integer");
        /* (uid_t)-1 would mean "unchanged" to setresuid(): the process would stay root */
        FAIL("process.user.uid", "4294967295", "between 0 and 4294967294");
        FAIL("process.user.gid", "4294967295", "between 0 and 4294967294");
        FAIL("process.capabilities",
             "{\"ambient\":[\"CAP_NET_RAW\"],\"permitted\":[\"CAP_NET_RAW\"]}",
             "process.capabilities.ambient: CAP_NET_RAW is not also in");
        FAIL("process.user.uid", "18446744073709551616", "process.user.uid");
        FAIL("process.user.gid", "1.5", "process.user.gid must be an integer");
        FAIL("process.user.gid", "true", "process.user.gid must be an integer");
        FAIL("process.user.umask", "4096", "process.user.umask");
        FAIL("process.user.umask", "\"022\"", "process.user.umask");
        FAIL("process.user.additionalGids", "[\"1\"]", "process.user.additionalGids[0]");
        FAIL("process.user.additionalGids", "[1, -2]", "process.user.additionalGids[1]");
        FAIL("process.user.additionalGids", "1", "process.user.additionalGids must be an array");

        FAIL("process.capabilities", "[]", "process.capabilities must be an object");
        FAIL("process.capabilities.bounding", "[\"CAP_FOO\"]",
             "process.capabilities.bounding[0]: unknown capability \"CAP_FOO\"");
        FAIL("process.capabilities.effective", "[\"CAP_KILL\", \"chown\"]",
             "process.capabilities.effective[1]: unknown capability \"chown\"");
        FAIL("process.capabilities.permitted", "[\"12\"]", "unknown capability");
        FAIL("process.capabilities.permitted", "[\"CAP_\"]", "unknown capability");
        FAIL("process.capabilities.permitted", "[\"CAP_KILL,CAP_CHOWN\"]", "unknown capability");
        FAIL("process.capabilities.inheritable", "\"CAP_KILL\"",
             "process.capabilities.inheritable must be an array");
        FAIL("process.capabilities.ambient", "[1]", "process.capabilities.ambient[0]");

        FAIL("process.rlimits", "{}", "process.rlimits must be an array");
        FAIL("process.rlimits.0", "1", "process.rlimits[0] must be an object");
        FAIL("process.rlimits.0.type", "\"RLIMIT_FOO\"",
             "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
        FAIL("process.rlimits.0.type", NULL, "process.rlimits[0].type is required");
        FAIL("process.rlimits.0.soft", "2000", "process.rlimits[0]: soft limit 2000");
        FAIL("process.rlimits.0.soft", "\"1\"", "process.rlimits[0].soft must be an integer");
        FAIL("process.rlimits.0.soft", NULL, "process.rlimits[0].soft is required");
        FAIL("process.rlimits.0.hard", "-1", "process.rlimits[0].hard must be an integer");
        FAIL("process.rlimits",
             "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1},"
             " {\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":2}]",
             "process.rlimits[1]: duplicate rlimit");

        FAIL("process.noNewPrivileges", "1", "process.noNewPrivileges must be a boolean");
        FAIL("process.oomScoreAdj", "1001", "process.oomScoreAdj must be an integer between");
        FAIL("process.oomScoreAdj", "-1001", "process.oomScoreAdj");
        FAIL("process.oomScoreAdj", "\"5\"", "process.oomScoreAdj");
        FAIL("process.oomScoreAdj", "9223372036854775808", "process.oomScoreAdj");
        /* labels parse; whether the host runs that LSM is checked at create */
        OK("process.apparmorProfile", "\"docker-default\"");
        FAIL("process.apparmorProfile", "1", "process.apparmorProfile must be a string");
        OK("process.selinuxLabel", "\"system_u:system_r:container_t:s0\"");
        FAIL("process.selinuxLabel", "[]", "process.selinuxLabel must be a string");

        /* hostname, domainname */
        FAIL("hostname", "5", "hostname must be a string");
        FAIL("domainname", "[]", "domainname must be a string");

        /* hooks */
        FAIL("hooks", "{\"prestart\":[{\"args\":[]}]}", "hooks.prestart[0].path is required");
        FAIL("hooks", "{\"poststop\":[{\"path\":\"bin/true\"}]}",
             "hooks.poststop[0].path must be an absolute path");
        FAIL("hooks", "{\"poststart\":[{\"path\":\"/x\"},{\"path\":\"/x\",\"timeout\":0}]}",
             "hooks.poststart[1].timeout must be an integer between 1 and");
        FAIL("hooks", "{\"createContainer\":[{\"path\":\"/x\",\"timeout\":\"1\"}]}",
             "hooks.createContainer[0].timeout must be an integer");
        FAIL("hooks", "{\"startContainer\":[{\"path\":\"/x\",\"args\":[1]}]}",
             "hooks.startContainer[0].args");
        FAIL("hooks", "{\"createRuntime\":[{\"path\":\"/x\",\"env\":\"A=1\"}]}",
             "hooks.createRuntime[0].env");
        FAIL("hooks", "{\"createRuntime\":[5]}", "hooks.createRuntime[0] must be an object");
        FAIL("hooks", "[]", "hooks must be an object");
        FAIL("hooks", "{\"createRuntime\":\"x\"}", "hooks.createRuntime must be an array");

        /* annotations */
        FAIL("annotations", "{\"a\":\"b\",\"c\":1}", "annotations.\"c\" must be a string");
        FAIL("annotations", "[]", "annotations must be an object");

        /* linux */
        FAIL("linux", "\"x\"", "linux must be an object");
        FAIL("linux.namespaces", "\"pid\"", "linux.namespaces must be an array");
        FAIL("linux.namespaces.0", "{}", "linux.namespaces[0].type is required");
        FAIL("linux.namespaces.0", "{\"type\":\"foo\"}",
             "linux.namespaces[0].type: unknown namespace type \"foo\"");
        FAIL("linux.namespaces.0", "{\"type\":\"NET\"}", "unknown namespace type");
        FAIL("linux.namespaces.0", "{\"type\":\"pid\",\"path\":\"proc/1/ns/pid\"}",
             "linux.namespaces[0].path must be an absolute path");
        FAIL("linux.namespaces.0", "{\"type\":\"pid\",\"path\":5}", "linux.namespaces[0].path");
        FAIL("linux.namespaces.1", "{\"type\":\"pid\"}",
             "linux.namespaces[1]: duplicate namespace type");
        FAIL("linux.namespaces.2", "{\"type\":\"network\",\"path\":\"/run/netns/x\"}",
             "duplicate namespace type");

        FAIL("linux.uidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]",
             "linux.uidMappings given but no user namespace");
        FAIL("linux.gidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]",
             "linux.gidMappings given but no user namespace");
        FAIL("linux.namespaces.6", "{\"type\":\"user\"}", "linux.uidMappings");
        FAIL2("linux.namespaces.6", "{\"type\":\"user\"}", "linux.uidMappings",
              "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]", "linux.gidMappings");
        FAIL2("linux.namespaces.6", "{\"type\":\"user\"}", "linux.uidMappings", "[]",
              "linux.uidMappings");
        FAIL2("linux.namespaces.6", "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}",
              "linux.uidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]",
              "not supported yet");
        FAIL("linux.uidMappings", "[{\"containerID\":0,\"hostID\":1000,\"size\":0}]",
             "linux.uidMappings[0].size must not be 0");
        FAIL("linux.uidMappings", "[{\"containerID\":-1,\"hostID\":1000,\"size\":1}]",
             "linux.uidMappings[0].containerID must be an integer");
        FAIL("linux.uidMappings", "[{\"containerID\":0,\"size\":1}]",
             "linux.uidMappings[0].hostID is required");
        FAIL("linux.gidMappings", "[{\"containerID\":4294967295,\"hostID\":1000,\"size\":2}]",
             "linux.gidMappings[0]");
        FAIL("linux.gidMappings", "{}", "linux.gidMappings must be an array");
        FAIL("linux.gidMappings", "[1]", "linux.gidMappings[0] must be an object");

        FAIL("linux.maskedPaths", "[\"proc/kcore\"]", "linux.maskedPaths[0] must be an absolute");
        FAIL("linux.maskedPaths", "\"/proc/kcore\"", "linux.maskedPaths must be an array");
        FAIL("linux.readonlyPaths", "[\"/proc/sys\", 1]",
             "linux.readonlyPaths[1] must be a string");
        FAIL("linux.rootfsPropagation", "\"foo\"", "linux.rootfsPropagation: unknown");
        FAIL("linux.rootfsPropagation", "\"SHARED\"", "linux.rootfsPropagation");
        FAIL("linux.rootfsPropagation", "1", "linux.rootfsPropagation must be a string");
        FAIL("linux.cgroupsPath", "1", "linux.cgroupsPath must be a string");
        OK("linux.mountLabel", "\"system_u:object_r:container_file_t:s0\"");
        FAIL("linux.mountLabel", "7", "linux.mountLabel must be a string");

        FAIL("linux.resources", "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}",
             "config.json: linux.resources.hugepageLimits is not supported yet");
        FAIL("linux.resources", "{\"memory\":{\"kernel\":1}}",
             "linux.resources.memory.kernel is not supported yet");
        FAIL("linux.devices",
             "[{\"path\":\"/dev/fuse\",\"type\":\"x\",\"major\":10,\"minor\":229}]",
             "linux.devices[0].type: unknown device type \"x\" (c, b, u or p)");
        FAIL("linux.devices",
             "[{\"path\":\"/dev/../etc/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]",
             "linux.devices[0].path is not a clean path to a file: \"/dev/../etc/x\"");
        FAIL("linux.devices", "[{\"path\":\"dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]",
             "linux.devices[0].path must be an absolute path: \"dev/x\"");
        FAIL("linux.devices", "[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":3}]",
             "linux.devices[0].major is required");
        FAIL("linux.devices",
             "[{\"path\":\"/dev/x\",\"type\":\"b\",\"major\":1,\"minor\":3,"
             "\"fileMode\":70000}]",
             "linux.devices[0].fileMode: 0210560 is not a file mode (at most 07777)");
        FAIL("linux.devices",
             "[{\"path\":\"/dev/x\",\"type\":\"p\"},{\"path\":\"/dev/x\",\"type\":\"p\"}]",
             "linux.devices[1].path: /dev/x is already linux.devices[0]");
        FAIL("linux.intelRdt", "{\"closID\":\"a/b\"}",
             "linux.intelRdt.closID \"a/b\" is not a valid resctrl group name");
        FAIL("linux.intelRdt", "{\"closID\":\"..\"}", "linux.intelRdt.closID \"..\" is not");
        FAIL("linux.intelRdt", "{\"closID\":\"info\"}", "linux.intelRdt.closID \"info\" is not");
        FAIL("linux.intelRdt", "{\"memBwSchema\":\"L3:0=f\"}",
             "linux.intelRdt.memBwSchema must be one line starting with \"MB:\"");
        FAIL("linux.intelRdt", "{\"l3CacheSchema\":\"L3 0=f\"}",
             "linux.intelRdt.l3CacheSchema: \"L3 0=f\" is not a schemata line");
        FAIL("linux.intelRdt", "{\"schemata\":[\"L3:0=f\",1]}",
             "linux.intelRdt.schemata[1] must be a string");
        FAIL("linux.intelRdt", "{\"enableCMT\":1}", "linux.intelRdt.enableCMT");
        FAIL("linux.intelRdt", "{\"enableMonitoring\":true}",
             "linux.intelRdt.enableMonitoring (a per-container resctrl monitoring group) is not "
             "supported yet");
        FAIL("linux.memoryPolicy", "{\"mode\":\"MPOL_BIND\"}", "linux.memoryPolicy is not");
        FAIL("linux.netDevices", "{\"eth0\":{}}", "linux.netDevices is not supported yet");
}

static void test_accepted(void)
{
        struct spec *s = NULL;

        OK("ociVersion", "\"1.0.0\"");
        OK("ociVersion", "\"1.0.2-dev\"");
        OK("ociVersion", "\"1.1.0\"");
        OK("ociVersion", "\"1.1.0-rc.1\"");
        OK("ociVersion", "\"1.3.0\"");
        OK("ociVersion", "\"1.2.1+dev\"");
        OK("foo", "{\"bar\":1}");
        OK("solaris", "{\"milestone\":\"x\"}");
        OK("windows", "{\"layerFolders\":[]}");
        OK("vm", "{}");
        OK("zos", "{}");
        OK("process.commandLine", "\"cmd.exe\"");
        OK("process.user.username", "\"root\"");
        OK("process.unknown", "1");
        OK("process.apparmorProfile", "\"\"");
        OK("process.selinuxLabel", "\"\"");
        OK("process.env", "[]");
        OK("process.env", "[\"A=\"]");
        OK("process.env", NULL);
        OK("process.capabilities", "{}");
        OK("process.rlimits", "[]");
        OK("process.scheduler", "null");
        OK("process", NULL);
        OK("hooks", "{}");
        OK("hooks", "{\"prestart\":[],\"poststop\":[],\"unknown\":[1]}");
        OK("annotations", "{}");
        OK("mounts", "[]");
        OK("mounts", NULL);
        OK("linux", NULL);
        OK("linux.resources", "{}");
        OK("linux.intelRdt", "{}");
        OK("linux.intelRdt", "{\"closID\":\"g\",\"schemata\":\"L3:0=f\\nMB:0=20\"}");
        OK("linux.resources", "null");
        OK("linux.resources", "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
        OK("linux.devices", "[]");
        OK("linux.seccomp", "null");
        OK("linux.sysctl", "{}");
        OK("linux.netDevices", "{}");
        OK("linux.mountLabel", "\"\"");
        OK("linux.rootfsPropagation", "\"\"");
        OK("linux.unknown", "true");
        OK("linux.uidMappings", "[]");
        OK("linux.namespaces", "[]");
        OK("linux.namespaces.0", "{\"type\":\"pid\",\"path\":\"\"}");
        OK("linux.namespaces.6", "{\"type\":\"time\"}");
        OK("linux.namespaces.6", "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}");
        OK2("process.rlimits.0.soft", "18446744073709551615", "process.rlimits.0.hard",
            "18446744073709551615");
        OK("process.oomScoreAdj", "-1000");
        OK("process.user.umask", "511");

        CHECK(parse_modified("linux.namespaces.6", "{\"type\":\"user\"}", "linux.uidMappings",
                             "[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]", NULL) < 0);

        /* Values land where they should. */
        CHECK(parse_modified("linux.rootfsPropagation", "\"rslave\"", "process.oomScoreAdj", "-500",
                             &s) == 0);
        if (s) {
                CHECK(s->rootfs_propagation == (MS_SLAVE | MS_REC));
                CHECK(s->process.has_oom_score_adj && s->process.oom_score_adj == -500);
                spec_free(s);
                s = NULL;
        }
        CHECK(parse_modified("linux.rootfsPropagation", "\"private\"", NULL, NULL, &s) == 0);
        if (s) {
                CHECK(s->rootfs_propagation == MS_PRIVATE);
                spec_free(s);
                s = NULL;
        }

        CHECK(parse_modified("annotations", "{\"org.example\":\"v\",\"empty\":\"\"}",
                             "linux.cgroupsPath", "\"system.slice:crunit:abc\"", &s) == 0);
        if (s) {
                CHECK_STREQ(spec_annotation(s, "org.example"), "v");
                CHECK_STREQ(spec_annotation(s, "empty"), "");
                CHECK(!spec_annotation(s, "missing"));
                CHECK_STREQ(s->cgroups_path, "system.slice:crunit:abc");
                spec_free(s);
                s = NULL;
        }

        CHECK(parse_modified("process.user",
                             "{\"uid\":1000,\"gid\":100,\"umask\":18,"
                             "\"additionalGids\":[5,4294967294]}",
                             "process.consoleSize", "{\"height\":24,\"width\":80}", &s) == 0);
        if (s) {
                CHECK(s->process.uid == 1000 && s->process.gid == 100);
                CHECK(s->process.has_umask && s->process.umask == 022);
                CHECK(s->process.n_additional_gids == 2);
                CHECK(s->process.n_additional_gids == 2 &&
                      s->process.additional_gids[1] == 4294967294u);
                CHECK(s->process.console_height == 24 && s->process.console_width == 80);
                spec_free(s);
                s = NULL;
        }

        CHECK(parse_modified("process.capabilities",
                             "{\"ambient\":[\"CAP_SYS_ADMIN\"],\"inheritable\":[\"CAP_CHOWN\","
                             "\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_SYS_ADMIN\"]}",
                             "process.rlimits",
                             "[{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":18446744073709551615},"
                             " {\"type\":\"RLIMIT_RTTIME\",\"soft\":1,\"hard\":2}]",
                             &s) == 0);
        if (s) {
                CHECK(s->process.caps.ambient == cap_bit("CAP_SYS_ADMIN"));
                CHECK(s->process.caps.inheritable ==
                      (cap_bit("CAP_CHOWN") | cap_bit("CAP_SYS_ADMIN")));
                CHECK(s->process.caps.bounding == 0);
                CHECK(s->process.n_rlimits == 2);
                if (s->process.n_rlimits == 2) {
                        CHECK(s->process.rlimits[0].resource == RLIMIT_CORE);
                        CHECK(s->process.rlimits[0].hard == UINT64_MAX);
                        CHECK(s->process.rlimits[1].resource == RLIMIT_RTTIME);
                }
                spec_free(s);
                s = NULL;
        }

        CHECK(parse_modified("linux.namespaces.0", "{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}",
                             "process", NULL, &s) == 0);
        if (s) {
                const struct spec_namespace *ns = spec_find_namespace(s, CLONE_NEWPID);
                CHECK(ns && streq_ptr(ns->path, "/proc/1/ns/pid"));
                CHECK(!s->has_process);
                spec_free(s);
                s = NULL;
        }

        /* Paths are resolved against the bundle. */
        CHECK(parse_modified("root.path", "\"../rootfs/./x/\"", "mounts.0",
                             "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"data/\"}",
                             &s) == 0);
        if (s) {
                CHECK_STREQ(s->root_path, "/rootfs/x");
                CHECK_STREQ(s->mounts[0].source, "/bundle/data");
                spec_free(s);
                s = NULL;
        }
        CHECK(parse_modified("root.path", "\"/srv/root//fs\"", "mounts.0",
                             "{\"destination\":\"/data\",\"source\":\"d\","
                             "\"options\":[\"rbind\",\"ro\"]}",
                             &s) == 0);
        if (s) {
                CHECK_STREQ(s->root_path, "/srv/root/fs");
                CHECK_STREQ(s->mounts[0].source, "/bundle/d");
                CHECK(!s->mounts[0].type);
                CHECK_STREQ(s->mounts[1].source, "tmpfs"); /* not a bind mount: untouched */
                spec_free(s);
                s = NULL;
        }
        CHECK(parse_modified("root.path", "\"../../..\"", NULL, NULL, &s) == 0);
        if (s) {
                CHECK_STREQ(s->root_path, "/");
                spec_free(s);
                s = NULL;
        }

        /* Not an object at all. */
        _cleanup_json_ json_object *arr = json_object_new_array();
        n_errors = 0;
        CHECK(spec_parse(arr, "/bundle", &s) == -EINVAL);
        CHECK(n_errors == 1 && startswith(last_error, "config.json: "));
}

static int write_file(const char *dir, const char *name, const char *content)
{
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        size_t len = strlen(content);
        if (write(fd, content, len) != (ssize_t)len)
                return -EIO;
        return 0;
}

static void test_load(void)
{
        char dir[] = "/tmp/test-spec.XXXXXX", expected[4096];
        _cleanup_free_ char *cwd = getcwd(NULL, 0);
        struct spec *s = NULL;

        if (!mkdtemp(dir)) {
                CHECK(!"mkdtemp");
                return;
        }

        /* Missing config.json. */
        n_errors = 0;
        CHECK(spec_load(dir, &s) == -ENOENT);
        snprintf(expected, sizeof expected, "cannot open %s/config.json: No such file or directory",
                 dir);
        CHECK_STREQ(last_error, expected);
        CHECK(n_errors == 1);

        static const struct {
                const char *text;
                const char *expect;
        } bad[] = {
            {"", "config.json: invalid JSON: unexpected end of data at offset 0"},
            {"   \n", "config.json: invalid JSON: "},
            {"{\"ociVersion\": ", "config.json: invalid JSON: "},
            {"{\"ociVersion\": \"1.2.0\",}", "config.json: invalid JSON: "},
            {"{\"ociVersion\" \"1.2.0\"}", "at offset 14"},
            {"{} {}", "config.json: invalid JSON: unexpected character at offset 3"},
            {"{}x", "config.json: invalid JSON: unexpected character at offset 2"},
            {"[1]", "config.json: the document must be a JSON object"},
            {"42", "config.json: "},
            {"{}", "config.json: ociVersion is required"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                CHECK(write_file(dir, "config.json", bad[i].text) == 0);
                n_errors = 0;
                last_error[0] = '\0';
                int r = spec_load(dir, &s);
                if (r != -EINVAL || n_errors != 1 || !strstr(last_error, bad[i].expect) ||
                    strchr(last_error, '\n')) {
                        fprintf(stderr, "%s:%d: bad[%zu]: r=%d errors=%u msg=\"%s\"\n", __FILE__,
                                __LINE__, i, r, n_errors, last_error);
                        failures++;
                }
        }

        /* A good one, loaded through a relative bundle path. */
        _cleanup_json_ json_object *doc = spec_default(false);
        CHECK(doc);
        CHECK(write_file(dir, "config.json",
                         json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY)) == 0);
        CHECK(chdir("/tmp") == 0);
        char rel[64];
        snprintf(rel, sizeof rel, "./%s/", dir + strlen("/tmp/"));
        CHECK(spec_load(rel, &s) == 0);
        if (s) {
                CHECK_STREQ(s->bundle, dir);
                snprintf(expected, sizeof expected, "%s/rootfs", dir);
                CHECK_STREQ(s->root_path, expected);
                spec_free(s);
                s = NULL;
        }
        CHECK(cwd && chdir(cwd) == 0);

        snprintf(expected, sizeof expected, "%s/config.json", dir);
        CHECK(unlink(expected) == 0);
        CHECK(rmdir(dir) == 0);
}

static void test_ids(void)
{
        static const char *const valid[] = {
            "a",  "A",  "0", "abc",  "my-container", "my_container.1",
            "+x", "-x", "_", "a..b", "a.",           "x+y-z_w.v",
        };
        static const char *const invalid[] = {
            "",    ".",    "..",  ".hidden", "a/b", "/",  "../x",
            "a b", "a\tb", "a:b", "é",       "a\n", "a*", "a@b",
        };
        char buf[200];

        for (size_t i = 0; i < ARRAY_SIZE(valid); i++)
                if (!container_id_is_valid(valid[i])) {
                        fprintf(stderr, "%s:%d: \"%s\" should be valid\n", __FILE__, __LINE__,
                                valid[i]);
                        failures++;
                }
        for (size_t i = 0; i < ARRAY_SIZE(invalid); i++)
                if (container_id_is_valid(invalid[i])) {
                        fprintf(stderr, "%s:%d: \"%s\" should be invalid\n", __FILE__, __LINE__,
                                invalid[i]);
                        failures++;
                }
        CHECK(!container_id_is_valid(NULL));

        memset(buf, 'a', 128);
        buf[128] = '\0';
        CHECK(container_id_is_valid(buf));
        buf[128] = 'a';
        buf[129] = '\0';
        CHECK(!container_id_is_valid(buf));
}

static void test_hooks(void)
{
        struct spec *s = NULL;
        int r = parse_modified(
            "hooks",
            "{\"prestart\":[{\"path\":\"/p\"}],"
            "\"createRuntime\":[{\"path\":\"/a\",\"args\":[\"a0\",\"x\"],\"env\":[\"E=1\"],"
            "\"timeout\":5},{\"path\":\"/b\"}],"
            "\"poststop\":[{\"path\":\"/c\",\"args\":[],\"env\":[]}],\"future\":[1]}",
            NULL, NULL, &s);
        CHECK(r == 0 && s);
        if (!s)
                return;
        CHECK(s->hooks.n[SPEC_HOOK_PRESTART] == 1 && s->hooks.n[SPEC_HOOK_CREATE_RUNTIME] == 2);
        CHECK(s->hooks.n[SPEC_HOOK_CREATE_CONTAINER] == 0 && s->hooks.n[SPEC_HOOK_POSTSTOP] == 1);
        const struct spec_hook *h = &s->hooks.list[SPEC_HOOK_CREATE_RUNTIME][0];
        CHECK(streq(h->path, "/a") && h->timeout == 5 && strv_length(h->args) == 2 &&
              streq(h->args[1], "x") && strv_length(h->env) == 1 && streq(h->env[0], "E=1"));
        h = &s->hooks.list[SPEC_HOOK_CREATE_RUNTIME][1];
        CHECK(streq(h->path, "/b") && h->timeout == 0 && !h->args && !h->env);
        h = &s->hooks.list[SPEC_HOOK_POSTSTOP][0];
        CHECK(h->args && !h->args[0] && h->env && !h->env[0]);
        CHECK(s->hooks_json && json_object_is_type(s->hooks_json, json_type_object));
        CHECK(streq(spec_hook_kind_to_string(SPEC_HOOK_START_CONTAINER), "startContainer"));
        spec_free(s);

        struct spec_hooks none;
        CHECK(spec_parse_hooks(NULL, &none) == 0 && none.n[SPEC_HOOK_POSTSTART] == 0);
        spec_hooks_done(&none);
}

/* linux.sysctl, linux.personality, linux.timeOffsets, process.scheduler, process.ioPriority,
 * process.execCPUAffinity (spec-fields.c). */
static void test_fields(void)
{
        struct spec *s = NULL;

        /* process.scheduler */
        FAIL("process.scheduler", "{}", "process.scheduler.policy is required");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_FOO\"}",
             "process.scheduler.policy: unknown policy \"SCHED_FOO\"");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_ISO\"}", "not supported by Linux");
        FAIL("process.scheduler", "{\"policy\":1}", "process.scheduler.policy");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"nice\":20}",
             "process.scheduler.nice");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"nice\":-21}",
             "process.scheduler.nice");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_BATCH\",\"priority\":1}",
             "process.scheduler.priority can only be given for SCHED_FIFO and SCHED_RR");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_FIFO\",\"priority\":100}",
             "process.scheduler.priority");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_RR\",\"runtime\":1000}",
             "process.scheduler.runtime can only be given for SCHED_DEADLINE");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"period\":1}",
             "process.scheduler.period can only be given for SCHED_DEADLINE");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_FOO\"]}",
             "process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_FOO\"");
        FAIL("process.scheduler", "{\"policy\":\"SCHED_OTHER\",\"flags\":\"x\"}",
             "process.scheduler.flags");
        OK("process.scheduler", "{\"policy\":\"SCHED_FIFO\",\"priority\":10}");
        OK("process.scheduler", "{\"policy\":\"SCHED_BATCH\",\"priority\":0,\"runtime\":0}");
        int r = parse_modified("process.scheduler",
                               "{\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,"
                               "\"deadline\":20000000,\"period\":30000000,"
                               "\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\",\"SCHED_FLAG_RECLAIM\"]}",
                               NULL, NULL, &s);
        CHECK(r == 0 && s);
        if (s) {
                const struct spec_process *p = &s->process;
                CHECK(p->has_scheduler && p->sched_policy == 6 && p->sched_flags == 0x3);
                CHECK(p->sched_runtime == 10000000 && p->sched_deadline == 20000000 &&
                      p->sched_period == 30000000);
                CHECK(!p->has_io_priority && !p->has_cpu_affinity);
                CHECK(!s->has_personality && !s->sysctl && !s->time_boottime.set);
        }
        spec_free(s);
        r = parse_modified("process.scheduler", "{\"policy\":\"SCHED_BATCH\",\"nice\":5}", NULL,
                           NULL, &s);
        CHECK(r == 0 && s && s->process.sched_policy == SCHED_BATCH && s->process.sched_nice == 5);
        spec_free(s);

        /* process.ioPriority */
        FAIL("process.ioPriority", "{}", "process.ioPriority.class is required");
        FAIL("process.ioPriority", "{\"class\":\"IOPRIO_CLASS_NONE\"}",
             "process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"");
        FAIL("process.ioPriority", "{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}",
             "process.ioPriority.priority");
        FAIL("process.ioPriority", "{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":-1}",
             "process.ioPriority.priority");
        FAIL("process.ioPriority", "[]", "process.ioPriority must be an object");
        OK("process.ioPriority", "{\"class\":\"IOPRIO_CLASS_IDLE\"}");
        r = parse_modified("process.ioPriority", "{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":6}",
                           NULL, NULL, &s);
        CHECK(r == 0 && s && s->process.has_io_priority && s->process.io_priority == (2 << 13 | 6));
        spec_free(s);

        /* process.execCPUAffinity */
        FAIL("process.execCPUAffinity", "{\"initial\":\"x\"}", "process.execCPUAffinity.initial");
        FAIL("process.execCPUAffinity", "{\"final\":\"3-1\"}", "process.execCPUAffinity.final");
        FAIL("process.execCPUAffinity", "{\"final\":\"\"}",
             "process.execCPUAffinity.final must name at least one CPU");
        FAIL("process.execCPUAffinity", "{\"final\":0}", "process.execCPUAffinity.final");
        OK("process.execCPUAffinity", "{}");
        r = parse_modified("process.execCPUAffinity", "{\"initial\":\"0-3\",\"final\":\"1,5\"}",
                           NULL, NULL, &s);
        CHECK(r == 0 && s && s->process.has_cpu_affinity);
        if (s)
                CHECK(CPU_COUNT(&s->process.cpu_affinity) == 2 &&
                      CPU_ISSET(1, &s->process.cpu_affinity) &&
                      CPU_ISSET(5, &s->process.cpu_affinity));
        spec_free(s);
        r = parse_modified("process.execCPUAffinity", "{\"initial\":\"0-3\"}", NULL, NULL, &s);
        CHECK(r == 0 && s && s->process.has_cpu_affinity &&
              CPU_COUNT(&s->process.cpu_affinity) == 4);
        spec_free(s);

        /* linux.personality */
        FAIL("linux.personality", "{}", "linux.personality.domain is required");
        FAIL("linux.personality", "{\"domain\":\"LINUX64\"}",
             "linux.personality.domain: unknown domain \"LINUX64\"");
        FAIL("linux.personality", "{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}",
             "linux.personality.flags is not supported yet");
        FAIL("linux.personality", "{\"domain\":\"LINUX\",\"flags\":\"x\"}",
             "linux.personality.flags");
        OK("linux.personality", "{\"domain\":\"LINUX\",\"flags\":[]}");
        r = parse_modified("linux.personality", "{\"domain\":\"LINUX32\"}", NULL, NULL, &s);
        CHECK(r == 0 && s && s->has_personality && s->personality == 0x0008);
        spec_free(s);

        /* linux.sysctl: only namespaced sysctls, with their namespace */
        FAIL("linux.sysctl", "{\"vm.swappiness\":\"10\"}",
             "config.json: linux.sysctl: \"vm.swappiness\" is not namespaced: refusing to "
             "change it for the host");
        FAIL("linux.sysctl", "{\"kernel.pid_max\":\"10\"}", "is not namespaced");
        FAIL("linux.sysctl", "{\"net.ipv4.ip_forward\":1}", "linux.sysctl.net.ipv4.ip_forward");
        FAIL("linux.sysctl", "{\"net.ipv4.ip_forward\":null}", "linux.sysctl.net.ipv4.ip_forward");
        FAIL("linux.sysctl", "{\"net/ipv4/ip_forward\":\"1\"}", "linux.sysctl: invalid name");
        FAIL("linux.sysctl", "{\"net.ipv4..ip_forward\":\"1\"}", "linux.sysctl: invalid name");
        FAIL("linux.sysctl", "{\"net...\":\"1\"}", "linux.sysctl: invalid name");
        FAIL("linux.sysctl", "{\"net.ipv4.\":\"1\"}", "linux.sysctl: invalid name");
        FAIL("linux.sysctl", "{\"\":\"1\"}", "linux.sysctl: invalid name");
        FAIL("linux.sysctl", "[]", "linux.sysctl must be an object");
        FAIL2("linux.namespaces", "[{\"type\":\"mount\"}]", "linux.sysctl",
              "{\"net.ipv4.ip_forward\":\"1\"}",
              "\"net.ipv4.ip_forward\" needs a network namespace");
        FAIL2("linux.namespaces", "[{\"type\":\"mount\"}]", "linux.sysctl",
              "{\"kernel.shmmax\":\"1\"}", "\"kernel.shmmax\" needs an ipc namespace");
        FAIL2("linux.namespaces", "[{\"type\":\"mount\"}]", "linux.sysctl",
              "{\"fs.mqueue.msg_max\":\"1\"}", "needs an ipc namespace");
        FAIL2("linux.namespaces", "[{\"type\":\"mount\"}]", "linux.sysctl",
              "{\"kernel.hostname\":\"x\"}", "\"kernel.hostname\" needs a uts namespace");
        FAIL2("linux.namespaces", "[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"}]",
              "linux.sysctl", "{\"net.ipv4.ip_forward\":\"1\"}",
              "would change the host's network namespace");
        OK("linux.sysctl", "{\"kernel.msgmax\":\"8192\",\"kernel.sem\":\"250 32000 32 128\","
                           "\"fs.mqueue.queues_max\":\"100\",\"kernel.domainname\":\"x\"}");
        r = parse_modified("linux.sysctl",
                           "{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmax\":\"4096\"}", NULL, NULL,
                           &s);
        CHECK(r == 0 && s && s->sysctl && json_object_object_length(s->sysctl) == 2);
        spec_free(s);

        /* linux.timeOffsets: a new time namespace */
        FAIL("linux.timeOffsets", "{\"monotonic\":{\"secs\":1}}",
             "linux.timeOffsets needs a new time namespace");
        FAIL2("linux.namespaces.6", "{\"type\":\"time\",\"path\":\"/proc/1/ns/time\"}",
              "linux.timeOffsets", "{\"boottime\":{\"secs\":1}}",
              "linux.timeOffsets needs a new time namespace");
        FAIL2("linux.namespaces.6", "{\"type\":\"time\"}", "linux.timeOffsets",
              "{\"boottime\":{\"secs\":\"1\"}}", "linux.timeOffsets.boottime.secs");
        FAIL2("linux.namespaces.6", "{\"type\":\"time\"}", "linux.timeOffsets",
              "{\"monotonic\":{\"nanosecs\":1000000000}}", "linux.timeOffsets.monotonic.nanosecs");
        FAIL2("linux.namespaces.6", "{\"type\":\"time\"}", "linux.timeOffsets", "{\"boottime\":1}",
              "linux.timeOffsets.boottime must be an object");
        OK("linux.timeOffsets", "{}");
        r = parse_modified("linux.namespaces.6", "{\"type\":\"time\"}", "linux.timeOffsets",
                           "{\"boottime\":{\"secs\":86400},\"monotonic\":{\"secs\":-5,"
                           "\"nanosecs\":7}}",
                           &s);
        CHECK(r == 0 && s);
        if (s)
                CHECK(s->time_boottime.set && s->time_boottime.secs == 86400 &&
                      s->time_monotonic.set && s->time_monotonic.secs == -5 &&
                      s->time_monotonic.nanosecs == 7);
        spec_free(s);
}

int main(void)
{
        log_set_sink(sink, NULL);

        test_default();
        test_default_rootless();
        test_errors();
        test_accepted();
        test_load();
        test_ids();
        test_hooks();
        test_fields();

        if (failures > 0) {
                fprintf(stderr, "test-spec: %u check(s) failed\n", failures);
                return EXIT_FAILURE;
        }
        printf("test-spec: all checks passed\n");
        return EXIT_SUCCESS;
}
