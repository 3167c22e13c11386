/*
 * sensitivity_int.h - the precomputed model behind jx_sensitivity_run(),
 * exposed to the tests so they can check it against full rescoring.
 *
 * For every subject i and rule set r the model keeps, per perturbed level 1 k,
 *   W[r][i][k] = Σ weights of the scored indicators under k      (as aggregated)
 *   P[r][i][k] = Σ weight × ratio over them (per-point deductions excepted)
 * plus the same sums for the level 1s that are not perturbed ("fixed"), the
 * indicators scored by per-point deduction (whose ratio depends on the weight)
 * and the clamped 执行率. The total for level-1 weights w is then
 *   100 × (fixedP + Σ_k f_k P_k + Σ deductions(f_k w) + bw'·rate) / (fixedW + Σ_k f_k W_k + bw')
 * with f_k = w_k / w0_k (scale mode) or w_k / W_k (impose mode).
 */
#ifndef JIXIAO_SENSITIVITY_INT_H
#define JIXIAO_SENSITIVITY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jixiao/aggregate.h"
#include "jixiao/ruleset.h"
#include "jixiao/sensitivity.h"
#include "util/util_int.h"

#define SENS_MAX_COMP 17 /* RS_MAX_L1 level 1s + budget execution */
#define SENS_MAX_GRADES 32

/* An indicator scored by per-point deduction: points = w'·clamp01((w' − lost)/w'). */
typedef struct sens_ded {
    double w;      /* its weight as aggregated */
    double lost;   /* points lost, independent of the weight */
    double points; /* its points as aggregated */
    int comp;      /* slot while adding, component after sens_model_finish(); −1: fixed */
} sens_ded;

/* Points and weights summed while adding (points of per-point deductions apart). */
typedef struct sens_sums {
    double P, W;
} sens_sums;

typedef struct sens_subject {
    int64_t id;
    const char *code, *name, *project; /* in the model's arena */
    int year;
} sens_subject;

#define SENS_MAX_RULES 16

/* While adding, sums are kept per slot (the nominal rule set's level 1s); sens_model_finish()
 * keeps the slots that are perturbed as components and folds the others into fixP/fixW. */
typedef struct sens_model {
    const jx_ruleset *const *rules;
    size_t R;
    jx_sens_mode mode;

    size_t nslot;                         /* level 1s of rules[0] */
    const char *slot_name[SENS_MAX_COMP]; /* owned by rules[0] */
    double slot_nominal[SENS_MAX_COMP];

    sens_subject *subj;
    size_t n, cap;
    double *rate; /* [i] min(1, max(0, 执行率)); NaN when budget execution has no data */
    size_t ratecap;
    /* while adding: per subject i and rule set r, the sums of each slot s and the fixed ones */
    sens_sums *tslot; /* [(i × R + r) × nslot + s] */
    sens_sums *tfix;  /* [i × R + r] */
    size_t *tded_n;   /* [i × R + r] deductions */
    size_t tslotcap, tfixcap, tded_ncap;
    sens_ded *tded; /* deductions in (i, r) order, comp = slot or −1 */
    size_t ntded, tdedcap;
    jx_score *scores; /* scratch */
    size_t scap;
    jx_arena arena;

    /* after sens_model_finish(): Kl perturbed level 1s, then the budget when kb >= 0 */
    size_t K, Kl;
    int kb; /* component of the budget weight, −1 when it is not perturbed */
    int slot_comp[SENS_MAX_COMP]; /* component of slot s, −1 when fixed */
    const char *comp_name[SENS_MAX_COMP];
    double w0[SENS_MAX_COMP];  /* nominal weights of the components */
    double wsum0;              /* their sum */
    double bw[SENS_MAX_RULES]; /* each rule set's budget weight */
    double *P, *W;             /* [(r × n + i) × Kl + k] */
    double *fixP, *fixW;       /* [r × n + i] */
    size_t *ded_off;           /* [r × n + i], n × R + 1 entries */
    sens_ded *ded;             /* comp = component */

    /* grades: a table of grade words; per rule set its bands, highest minimum first */
    const char *grade_word[SENS_MAX_GRADES];
    size_t ngrade_words;
    struct {
        double min[SENS_MAX_GRADES];
        int id[SENS_MAX_GRADES];
        size_t n;
    } bands[SENS_MAX_RULES];
} sens_model;

/* Start a model for rules[0..R) (rules[0] nominal; R ≤ SENS_MAX_RULES). */
jx_err sens_model_init(sens_model *m, const jx_ruleset *const *rules, size_t R, jx_sens_mode mode,
                       jx_errmsg *msg);

/* Add one subject: aggregates it under each rule set. On failure msg names the problem. */
jx_err sens_model_add(sens_model *m, int64_t id, const char *code, const char *name,
                      const char *project, int year, const jx_indicator *ind, size_t n,
                      const jx_budget *budget, jx_errmsg *msg);

/* Choose the perturbed components (level 1s used by some subject, and the budget) and the grades.
 */
jx_err sens_model_finish(sens_model *m, jx_errmsg *msg);

/* Totals of all subjects under rule set r with component weights w[0..K). */
void sens_model_totals(const sens_model *m, size_t r, const double *w, double *total);

/* Index of the grade of a total under rule set r in m->grade_word; band position in *band (0 =
 * top). */
int sens_model_grade(const sens_model *m, size_t r, double total, size_t *band);

void sens_model_free(sens_model *m);

/* First-order index Var(E[Y|X])/Var(Y) of y[0..N) for the input x[s × stride], estimated with
 * `bins` equal-count bins of x (or, when ncat > 0, the categories cat[s] in 0..ncat−1), less the
 * between-bin variance noise alone would give ((B − 1) × within mean square), clamped to [0, 1].
 * ybar and sstot are the mean and the sum of squares of y; perm is scratch for N indices.
 * NaN when sstot is 0 or N < 4; 0 for a constant x. */
double sens_first_order(const double *x, size_t stride, const double *y, size_t N, size_t bins,
                        size_t ncat, const int *cat, double ybar, double sstot, size_t *perm);

#endif
