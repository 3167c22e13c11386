/**
 * @file text.h
 * @brief Text helpers for the library's clients: display width, JSON string literals and numbers.
 *
 * The engine measures and escapes text in one place; a program that prints what the engine
 * returns (the jixiao CLI's tables and JSON) uses the same functions, so a column lines up and a
 * string reads back the same wherever it is printed.
 */
#ifndef JIXIAO_TEXT_H
#define JIXIAO_TEXT_H

#include <stdbool.h>
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

/** Room jx_text_visible() needs for n bytes of text (a control byte written as six). */
#define JX_VISIBLE_ROOM(n) (6 * (size_t)(n) + 1)

/**
 * @brief @p s[0..n) with the characters that act on a terminal or hide text made visible, into
 * @p dst, NUL-terminated: C0 controls (with @p keep_ws, all but TAB, LF and CR), DEL and C1
 * controls as `\x1B` / `\u0085`, the bidirectional marks, embeddings, overrides and isolates
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as `\u202E`. A name holding ESC [ 2 J or
 * U+202E cannot clear a screen or show another text. Everything else is copied; cut @p s on a
 * character boundary when escaping it in pieces.
 * @param dst  room for at least JX_VISIBLE_ROOM(n) bytes
 * @return the length written (excluding the NUL)
 */
JX_API size_t jx_text_visible(char *dst, const char *s, size_t n, bool keep_ws);

/** Room jx_json_escape() needs for n bytes of text: the worst case, every byte a control
 * character written as six (a backslash, u and four hex digits), and the NUL. */
#define JX_JSON_ROOM(n) (6 * (size_t)(n) + 1)

/**
 * @brief @p s[0..n) escaped for a JSON string literal (without its quotes) into @p dst,
 * NUL-terminated: the quote and the backslash escaped, control characters written as backslash
 * n, r, t, b, f or u00XX, and the characters jx_text_visible() makes visible as u followed by
 * their four hex digits (the same text to a JSON reader); every other byte copied as it is. Cut
 * @p s on a character boundary when escaping it in pieces.
 * @param dst  room for at least JX_JSON_ROOM(n) bytes
 * @return the length written (excluding the NUL)
 */
JX_API size_t jx_json_escape(char *dst, const char *s, size_t n);

/** Room jx_json_number() needs, with the NUL. */
#define JX_NUMBER_ROOM 32

/**
 * @brief @p x as a JSON number into @p dst, NUL-terminated: the first of printf's `%.15g`,
 * `%.16g`, `%.17g` that reads back (strtod) as the same double — the same bytes, at about a
 * twentieth of their cost — with a point for the decimal separator in any locale; `null` for NaN
 * and the infinities, which JSON has not.
 * @param dst  room for at least JX_NUMBER_ROOM bytes
 * @return the length written (excluding the NUL)
 */
JX_API size_t jx_json_number(char *dst, double x);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_TEXT_H */
