/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: config.json bytes → json-c → spec_parse() (every parser and validator of
 * src/spec), and the container id check. Built by `meson setup -Dfuzz=true` with clang (see
 * README, "Fuzzing"); the seed corpus is tests/fuzz/corpus. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shared/log.h"
#include "spec/spec.h"

static void drop_log(enum log_level level, const char *msg, void *userdata)
{
        (void)level;
        (void)msg;
        (void)userdata;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static bool initialized;
        if (!initialized) {
                log_set_sink(drop_log, NULL); /* every rejected input logs one line */
                initialized = true;
        }
        if (size > 1024 * 1024)
                return 0;

        json_tokener *tok = json_tokener_new_ex(64);
        if (!tok)
                return 0;
        json_object *doc = json_tokener_parse_ex(tok, (const char *)data, (int)size);
        json_tokener_free(tok);
        if (doc) {
                struct spec *s = NULL;
                if (spec_parse(doc, "/fuzz-bundle", &s) >= 0) {
                        /* what the runtime looks at after parsing */
                        (void)spec_find_namespace(s, 0);
                        (void)spec_annotation(s, "org.opencontainers.image.os");
                        spec_free(s);
                }
                json_object_put(doc);
        }

        /* The container id check, on the same bytes as a C string. */
        char id[300];
        size_t n = size < sizeof id - 1 ? size : sizeof id - 1;
        memcpy(id, data, n);
        id[n] = 0;
        (void)container_id_is_valid(id);
        return 0;
}
