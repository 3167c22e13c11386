/*
 * util.c - error-message formatting and UTF-8 helpers shared by the engine.
 */
#include "util_int.h"

#include <stdio.h>
#include <string.h>

size_t jx_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    if (len == 0) return 0;
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[0];
    size_t n;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, c &= 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return n;
}

size_t jx_utf8_clip(const char *s, size_t len, size_t max)
{
    if (len <= max) return len;
    size_t n = max;
    /* step back over continuation bytes so we end before a lead byte */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

int jx_copy_clip(char *dst, size_t cap, const char *src, size_t len)
{
    if (cap == 0) return len > 0;
    size_t n = jx_utf8_clip(src, len, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n < len;
}

void jx_vfmt_trunc(char *buf, size_t cap, const char *fmt, va_list ap)
{
    if (!buf || cap == 0) return;
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0) {
        buf[0] = '\0';
        return;
    }
    if ((size_t)n >= cap) {
        /* vsnprintf cut at a byte: drop a final character that lost its tail */
        size_t end = cap - 1, p = end;
        while (p > 0 && ((unsigned char)buf[p - 1] & 0xC0) == 0x80) p--;
        if (p > 0) {
            unsigned char lead = (unsigned char)buf[p - 1];
            size_t need = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
            if ((p - 1) + need > end) buf[p - 1] = '\0';
        }
    }
}

void jx_fmt_trunc(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jx_vfmt_trunc(buf, cap, fmt, ap);
    va_end(ap);
}

jx_err jx_msg(jx_errmsg *msg, jx_err err, const char *fmt, ...)
{
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        jx_vfmt_trunc(msg->text, sizeof msg->text, fmt, ap);
        va_end(ap);
    }
    return err;
}
