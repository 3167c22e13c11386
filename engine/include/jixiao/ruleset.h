/**
 * @file ruleset.h
 * @brief Rule sets: scoring policy as data (rules/NAME.ini).
 *
 * A rule set says how indicators are scored: level-1 default weights and
 * aliases, the formulas for each operator, overshoot handling, grade scales,
 * attainment bands and the words that map actuals to them, the grade bands of
 * totals, and per-indicator overrides (tiers, per-point deductions, another
 * formula). The keys are documented in docs/rules.md; rules/mof-2020.ini is
 * the national default.
 *
 * A rule set may start with `extends = NAME` and then only state what differs.
 * Its identity for the record is its name plus the SHA-256 of its text (of all
 * files in the extends chain, parent first), so a stored score always says
 * exactly which policy produced it.
 */
#ifndef JIXIAO_RULESET_H
#define JIXIAO_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "jixiao/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An immutable, loaded rule set. Opaque; free with jx_ruleset_free(). Safe to share between
 * threads. */
typedef struct jx_ruleset jx_ruleset;

/** The default rule set's name. */
#define JX_RULESET_DEFAULT "mof-2020"

/**
 * @brief Load a rule set by name or path.
 *
 * @p name_or_path containing a '/' or ending in ".ini" is a path; otherwise
 * `NAME.ini` is looked up in @p dirs in order. `extends = NAME` inside a file
 * is resolved the same way (at most 8 levels).
 *
 * @param dirs   directories to search (may be NULL when ndirs is 0)
 * @param out    receives the rule set (owned by the caller: jx_ruleset_free()); NULL on failure
 * @param msg    optional; on failure names the file and line, e.g.
 *               `rules/x.ini:12: [overshoot] action: "maybe" is not keep, zero or deduct`
 * @return ::JX_OK, ::JX_ERR_NOTFOUND (no such rule set), ::JX_ERR_IO,
 *         ::JX_ERR_RULES (malformed), ::JX_ERR_NOMEM.
 */
JX_API jx_err jx_ruleset_load(const char *name_or_path, const char *const *dirs, size_t ndirs,
                              jx_ruleset **out, jx_errmsg *msg);

/**
 * @brief Parse a rule set from memory. @p origin names it in messages (e.g. a
 * file name). `extends` is resolved in @p dirs. Otherwise as jx_ruleset_load().
 */
JX_API jx_err jx_ruleset_parse(const char *text, size_t len, const char *origin,
                               const char *const *dirs, size_t ndirs, jx_ruleset **out,
                               jx_errmsg *msg);

/** @brief Free a rule set. NULL is a harmless no-op. */
JX_API void jx_ruleset_free(jx_ruleset *rs);

/** @brief The rule set's name (`[ruleset] name`). Owned by @p rs; do not free. */
JX_API const char *jx_ruleset_name(const jx_ruleset *rs);

/** @brief The one-line title (`[ruleset] title`), possibly "". Owned by @p rs. */
JX_API const char *jx_ruleset_title(const jx_ruleset *rs);

/** @brief The file it was loaded from, or the origin given to jx_ruleset_parse(). Owned by @p rs.
 */
JX_API const char *jx_ruleset_origin(const jx_ruleset *rs);

/** @brief SHA-256 of the rule set's text (whole extends chain), 64 lowercase hex digits. Owned by
 * @p rs. */
JX_API const char *jx_ruleset_sha256(const jx_ruleset *rs);

/** @brief The text the rule set was read from (the extends chain, parent first). Owned by @p rs. */
JX_API const char *jx_ruleset_source(const jx_ruleset *rs);

/** @brief Number of level-1 default weights. */
JX_API size_t jx_ruleset_level1_count(const jx_ruleset *rs);

/**
 * @brief The i-th level-1 default weight. *name is owned by @p rs.
 * @return ::JX_OK or ::JX_ERR_INVALID when i is out of range.
 */
JX_API jx_err jx_ruleset_level1(const jx_ruleset *rs, size_t i, const char **name, double *weight);

/** @brief Weight of budget execution (预算执行率), 10 in mof-2020. */
JX_API double jx_ruleset_budget_weight(const jx_ruleset *rs);

/**
 * @brief The 复核 threshold (`[review] threshold`, 5 points in mof-2020): a department whose
 * claimed total exceeds the rule total by more than this is flagged over_claimed (review.h).
 * @return false when the rule set states none (then *threshold is untouched).
 */
JX_API bool jx_ruleset_review_threshold(const jx_ruleset *rs, double *threshold);

/**
 * @brief The canonical level-1 name of @p name after the rule set's aliases
 * (`效果指标` → `效益指标`). Returns @p name itself when it has no alias.
 * The result is owned by @p rs or is @p name.
 */
JX_API const char *jx_ruleset_canonical_level1(const jx_ruleset *rs, const char *name);

/**
 * @brief The grade of a total (`优` `良` `中` `差`) from the rule set's bands.
 * @return a string owned by @p rs; never NULL.
 */
JX_API const char *jx_ruleset_grade(const jx_ruleset *rs, double total);

/**
 * @brief Words of a grade scale (`优良差` → 优, 良, 差), best first, for dropdowns.
 * @param words  receives up to @p cap pointers owned by @p rs
 * @return the number of words in the scale (0 when the scale is unknown).
 */
JX_API size_t jx_ruleset_scale_words(const jx_ruleset *rs, const char *scale, const char **words,
                                     size_t cap);

/**
 * @brief Copy of @p rs with some level-1 weights changed (what-if scenarios).
 *
 * Each given level-1 weight is imposed: the indicator weights under that level 1
 * are rescaled proportionally to sum to it, whether they were given or defaulted.
 * @param names/weights  @p n pairs; names are canonicalised through the aliases
 * @param out  receives the new rule set (caller frees); NULL on failure
 */
JX_API jx_err jx_ruleset_with_level1(const jx_ruleset *rs, const char *const *names,
                                     const double *weights, size_t n, jx_ruleset **out,
                                     jx_errmsg *msg);

#ifdef __cplusplus
}
#endif
#endif /* JIXIAO_RULESET_H */
