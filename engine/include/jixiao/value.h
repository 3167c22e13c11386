/**
 * @file value.h
 * @brief The indicator value grammar: target and actual strings to typed values.
 *
 * Real target tables write values as `≧15场次`, `90%以上`, `≤0.2 百分 率`,
 * `万分之十以上`, `每季度`, `优良差`, `健全`, `无直接经济效益`. This module turns
 * one such string (or the three cells 指标性质 | 指标值 | 度量单位 of a table that
 * keeps them apart) into a ::jx_value. The grammar is documented with examples
 * in docs/value-grammar.md and follows shared/domain.md ("Value grammar").
 *
 * Parsing is pure: no allocation, no global state, no locale dependence, and
 * it never reads past the given length. Invalid UTF-8 is a parse error.
 */
#ifndef JIXIAO_VALUE_H
#define JIXIAO_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What kind of value a string holds. */
typedef enum jx_kind {
    JX_KIND_NA = 0, /**< not applicable / empty (placeholder flag says if it was `XX`, `**平米`) */
    JX_KIND_NUMBER, /**< a quantity with an operator and an optional unit */
    JX_KIND_GRADE,  /**< a grade (`优`, `良好`) or a scale written as a target (`优良差`) */
    JX_KIND_WORD,   /**< any other attainment text (`健全`, `合规`, `部分达成 75%`) */
    JX_KIND_FREQUENCY, /**< `每季度` and the like: times per year */
    JX_KIND_DEADLINE   /**< `2020年底`, `2020年12月31日前`, `年底前` */
} jx_kind;

/** Comparison operators of a quantitative indicator. */
typedef enum jx_op {
    JX_OP_NONE = 0, /**< no operator (non-number kinds) */
    JX_OP_GE,       /**< `>=`: reach at least (the implicit default) */
    JX_OP_GT,       /**< `>` */
    JX_OP_LE,       /**< `<=`: stay at or below (implicit for a bare zero) */
    JX_OP_LT,       /**< `<` */
    JX_OP_EQ        /**< `=` */
} jx_op;

/** Capacity of ::jx_value.unit (bytes incl. NUL). Longer unit text is a parse error. */
#define JX_UNIT_MAX 32
/** Capacity of ::jx_value.text (bytes incl. NUL). Longer words are cut at a character boundary. */
#define JX_TEXT_MAX 256

/**
 * @brief A parsed target or actual value. A plain value type owned by the caller.
 *
 * Which fields are meaningful depends on @ref kind; the others are zero.
 */
typedef struct jx_value {
    jx_kind kind; /**< which of the fields below apply */
    /* JX_KIND_NUMBER */
    jx_op op;               /**< comparison operator */
    bool implicit;          /**< true when no operator was written and @ref op is the default */
    double num;             /**< the number, in @ref unit (95% is 95 with unit "%") */
    char unit[JX_UNIT_MAX]; /**< normalised unit: "%" "‰" "‱" for rates, else the trimmed text
                               ("件", "万元"), or "" */
    /* JX_KIND_GRADE */
    char grade[16]; /**< the grade word, normalised (`良好` → `良`; a scale → its top grade) */
    char scale[32]; /**< the scale written (`优良差`), or the grade's usual scale for a single grade
                     */
    /* JX_KIND_WORD */
    char text[JX_TEXT_MAX]; /**< normalised text: white space removed, full-width ASCII folded */
    bool truncated;         /**< @ref text was cut to fit */
    /* JX_KIND_FREQUENCY */
    int per_year; /**< times a year: 每年 1, 每半年 2, 每季度 4, 每月 12, 每周 52, 每日 365 */
    /* JX_KIND_DEADLINE */
    int year;  /**< 0 when the text names no year (`年底前`): the record's year applies */
    int month; /**< 1..12 */
    int day;   /**< 1..31 */
    /* JX_KIND_NA */
    bool placeholder; /**< the text was a placeholder (`XX`, `**平米`): a data-quality problem */
} jx_value;

/**
 * @brief Parse one value string.
 *
 * @param text  UTF-8 text (GB18030 input must be converted before). Need not be
 *              NUL-terminated; exactly @p len bytes are read. NULL with len 0 is the empty string.
 * @param len   length of @p text in bytes
 * @param out   receives the value; zeroed (kind ::JX_KIND_NA) on failure
 * @param msg   optional; on failure receives a message quoting @p text
 * @return ::JX_OK, or ::JX_ERR_PARSE for malformed text (a bad number, two
 *         operators, garbage after the unit, invalid UTF-8, a bad date),
 *         ::JX_ERR_INVALID when @p out is NULL or @p text is NULL with len > 0.
 */
JX_API jx_err jx_value_parse(const char *text, size_t len, jx_value *out, jx_errmsg *msg);

/**
 * @brief Parse a value kept in three cells: 指标性质 | 指标值 | 度量单位.
 *
 * @p op_text is the operator column (`≥`, `>=`, `=`, `≤`, `定性`, empty, or any
 * operator word of the grammar); @p unit_text the unit column (may be empty or
 * NULL). The value text is parsed as by jx_value_parse(), then:
 * - a numeric operator in the column applies when the text has none (implicit = false);
 *   when the text has an operator too, they must agree, else ::JX_ERR_CONFLICT;
 * - `定性` requires a non-number value (grade, word, n/a), else ::JX_ERR_CONFLICT;
 * - the unit column is used when the text has no unit; when both are present their
 *   normalised forms must agree, else ::JX_ERR_CONFLICT; a unit column on a
 *   non-number value is ignored.
 * All three strings are NUL-terminated; NULL means empty.
 */
JX_API jx_err jx_value_parse_cells(const char *op_text, const char *value_text,
                                   const char *unit_text, jx_value *out, jx_errmsg *msg);

/** Which of the three cells 指标性质 | 指标值 | 度量单位 holds the fault. */
typedef enum jx_cell {
    JX_CELL_VALUE = 0, /**< 指标值: the text does not parse */
    JX_CELL_OP,        /**< 指标性质: not an operator, or contradicts the value (`定性` with a
                            number, `=` beside `≥95`) */
    JX_CELL_UNIT       /**< 度量单位: too long, or contradicts the unit in the value */
} jx_cell;

/**
 * @brief jx_value_parse_cells(), also saying which cell is at fault, so that a message can
 * name its column (`targets.csv:5:8: column 指标性质`).
 * @param bad  optional; on failure receives the cell at fault (::JX_CELL_VALUE on success)
 */
JX_API jx_err jx_value_parse_cells_at(const char *op_text, const char *value_text,
                                      const char *unit_text, jx_value *out, jx_errmsg *msg,
                                      jx_cell *bad);

/**
 * @brief Is @p v a statement of completion with no number (`完成`, `已完成`, `全部完成`,
 * `按期完成`, `达成预期指标`, …)? Departments write these as the actual of a number target;
 * the rule set's `[statements]` decides what they score. The words are fixed by the grammar
 * (docs/value-grammar.md) and matched on the whole normalised text.
 */
JX_API bool jx_value_is_statement(const jx_value *v);

/**
 * @brief Parse an operator on its own (`≥`, `≧`, `>=`, `不低于`, `定性`, ...).
 * @param qualitative set to true for `定性` (then *op is ::JX_OP_NONE); may be NULL
 * @return ::JX_OK, or ::JX_ERR_PARSE when @p text is not an operator. Empty text gives
 * ::JX_OP_NONE.
 */
JX_API jx_err jx_op_parse(const char *text, jx_op *op, bool *qualitative);

/** @brief ASCII spelling of an operator: ">=", ">", "<=", "<", "=", or "" for none. Static; never
 * NULL. */
JX_API const char *jx_op_str(jx_op op);

/** @brief The sign a clerk writes for an operator: "≥", ">", "≤", "<", "=", or "" for none.
 * Static; never NULL. */
JX_API const char *jx_op_sign(jx_op op);

/** @brief Name of a kind: "na", "number", "grade", "word", "frequency", "deadline". Static; never
 * NULL. */
JX_API const char *jx_kind_str(jx_kind kind);

/**
 * @brief Write the value as one JSON object, keys exactly as in the CLI reference:
 * `{"kind":"number","op":">=","value":260,"unit":"件","implicit":false}`,
 * `{"kind":"grade","grade":"优","scale":"优良差"}`, `{"kind":"word","text":"健全"}`,
 * `{"kind":"frequency","per_year":4}`, `{"kind":"deadline","date":"2020-12-31"}`
 * (`"--12-31"` when no year), `{"kind":"na","placeholder":false}`.
 *
 * @return the length the full JSON needs (excluding NUL), like snprintf; the
 *         output is NUL-terminated and truncated when @p cap is too small.
 */
JX_API size_t jx_value_to_json(const jx_value *v, char *buf, size_t cap);

/**
 * @brief Write a short human-readable form (`>=260件`, `优 (优良差)`, `每年4次`, `2020-12-31`,
 * `n/a`).
 * @return as jx_value_to_json().
 */
JX_API size_t jx_value_to_text(const jx_value *v, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_VALUE_H */
