/*
 * score_int.h - scoring entry points shared inside the engine.
 */
#ifndef JIXIAO_SCORE_INT_H
#define JIXIAO_SCORE_INT_H

#include "jixiao/score.h"

/* jx_score_indicator() with the weight given separately (the aggregator
 * settles weights without copying the indicator). */
jx_err jx_score_weighted(const jx_ruleset *rs, const jx_indicator *ind, double weight, jx_score *out,
                         jx_errmsg *msg);

#endif
