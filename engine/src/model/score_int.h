/*
 * score_int.h - scoring entry points shared inside the engine.
 */
#ifndef JIXIAO_SCORE_INT_H
#define JIXIAO_SCORE_INT_H

#include "jixiao/score.h"

/* jx_score_indicator() with the weight given separately (the aggregator
 * settles weights without copying the indicator). */
jx_err jx_score_weighted(const jx_ruleset *rs, const jx_indicator *ind, double weight,
                         jx_score *out, jx_errmsg *msg);

/* Factor that converts an actual in unit au into the target's unit tu (元/万元, %/‰, the rule
 * set's [units] aliases); false when the two are not comparable. An empty unit goes with any. */
bool jx_unit_factor(const jx_ruleset *rs, const char *tu, const char *au, double *f);

/* The operator a number target t of the indicator named level2 / level3 is scored under: the
 * written one; for an implicit one the rule set's (implicit, implicit_zero), or <= when its
 * [direction] says the names mean "lower is better" (then *inferred, which may be NULL, is set).
 * The workbook's formulas must use the same. */
jx_op jx_target_op(const jx_ruleset *rs, const jx_value *t, const char *level2, const char *level3,
                   bool *inferred);

/* Does a meet t under op (equality within tol, relative)? The check both the scorer and the
 * workbook's formulas (xlsx_formula.c) restate. */
bool jx_op_met(jx_op op, double a, double t, double tol);

struct rs_override;
/* A per-point deduction (岳阳: 0.5 a percentage point above 100%): the points lost at actual a
 * (in the target's unit) under the override o (method RS_M_DEDUCT, else 0) ... */
double jx_deduct_lost(const struct rs_override *o, double a);
/* ... and the ratio left of weight w. The scorer and the sensitivity model's rescaling of weights
 * (which recomputes a deduction at other weights) both use these. */
double jx_deduct_ratio(double w, double lost);

/* x within [0, 1]: a ratio's bounds. */
static inline double jx_clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

#endif
