/*
 * text.c - the public text helpers (text.h): display width and JSON string literals.
 */
#include "jixiao/text.h"

#include <string.h>

#include "util/util_int.h"

size_t jx_text_width(const char *s)
{
    return s ? jx_utf8_width(s, strlen(s)) : 0;
}

size_t jx_json_escape(char *dst, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = dst;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o = '\0';
    return (size_t)(o - dst);
}
