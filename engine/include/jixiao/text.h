/**
 * @file text.h
 * @brief Text helpers for the library's clients: display width and JSON string literals.
 *
 * The engine measures and escapes text in one place; a program that prints what the engine
 * returns (the jixiao CLI's tables and JSON) uses the same functions, so a column lines up and a
 * string reads back the same wherever it is printed.
 */
#ifndef JIXIAO_TEXT_H
#define JIXIAO_TEXT_H

#include <stddef.h>

#include "jixiao/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Display width of UTF-8 text in terminal columns: East Asian wide and full-width
 * characters (汉字, ，（）％) count 2, others 1, an invalid byte 1. A fixed table, not wcwidth():
 * the same in every locale. 0 for NULL.
 */
JX_API size_t jx_text_width(const char *s);

/** Room jx_json_escape() needs for n bytes of text: the worst case, every byte a control
 * character written as six (a backslash, u and four hex digits), and the NUL. */
#define JX_JSON_ROOM(n) (6 * (size_t)(n) + 1)

/**
 * @brief @p s[0..n) escaped for a JSON string literal (without its quotes) into @p dst,
 * NUL-terminated: the quote and the backslash escaped, control characters written as backslash
 * n, r, t, b, f or u00XX; every other byte (UTF-8) copied as it is, so text may be escaped in
 * pieces cut anywhere.
 * @param dst  room for at least JX_JSON_ROOM(n) bytes
 * @return the length written (excluding the NUL)
 */
JX_API size_t jx_json_escape(char *dst, const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_TEXT_H */
