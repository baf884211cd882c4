/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "spec.h"

#define CONTAINER_ID_MAX 128

static bool id_char_ok(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '+' || c == '-' || c == '.';
}

/* ^[a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*$, 1..128 bytes: no "/", and no "." or ".." since the first
 * character cannot be a dot. */
bool container_id_is_valid(const char *id)
{
        size_t n = 0;

        if (!id || id[0] == '\0' || id[0] == '.')
                return false;
        for (; id[n]; n++)
                if (n >= CONTAINER_ID_MAX || !id_char_ok(id[n]))
                        return false;
        return true;
}
