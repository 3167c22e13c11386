/*
 * text.c - the public text helpers (text.h): display width and JSON string literals.
 */
#include "jixiao/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/util_int.h"

size_t jx_text_width(const char *s)
{
    return s ? jx_utf8_width(s, strlen(s)) : 0;
}

/* Characters that act on a terminal or hide or reorder text: C0 controls (with keep_ws: but TAB,
 * LF and CR), DEL, C1 controls, and the bidirectional marks, embeddings, overrides and isolates. */
static bool hidden(uint32_t c, bool keep_ws)
{
    if (c < 0x20) return !(keep_ws && (c == '\t' || c == '\n' || c == '\r'));
    return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

size_t jx_text_visible(char *dst, const char *s, size_t n, bool keep_ws)
{
    char *o = dst;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = jx_utf8_decode(s + i, n - i, &cp);
        if (!k) { /* a stray byte: copied as it is */
            *o++ = s[i++];
            continue;
        }
        if (hidden(cp, keep_ws))
            o += snprintf(o, 7, cp < 0x80 ? "\\x%02X" : "\\u%04X", (unsigned)cp);
        else
            memcpy(o, s + i, k), o += k;
        i += k;
    }
    *o = '\0';
    return (size_t)(o - dst);
}

size_t jx_json_escape(char *dst, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = dst;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) { /* a character that hides or reorders text: escaped, the same text */
            if (c != 0xC2 && c != 0xD8 && c != 0xE2) { /* none starts with another byte */
                *o++ = (char)c;
                continue;
            }
            uint32_t cp;
            size_t k = jx_utf8_decode(s + i, n - i, &cp);
            if (k && hidden(cp, false)) {
                o += snprintf(o, 7, "\\u%04x", (unsigned)cp);
                i += k - 1;
            } else {
                *o++ = (char)c;
            }
            continue;
        }
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
