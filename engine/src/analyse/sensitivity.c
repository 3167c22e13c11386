/*
 * sensitivity.c - Monte Carlo sensitivity of the ranking to the level-1
 * weights and the rule set (GSL random numbers and statistics, pthreads).
 *
 * 1. Model: one pass over the current data; each selected subject is
 *    aggregated once per rule set and reduced to per-level-1 sums of weights
 *    and points (sensitivity_int.h), so a sample needs no rescoring.
 * 2. Samples, in blocks of SENS_BLOCK: block b draws from its own
 *    gsl_rng_mt19937 seeded with mix(seed, b), so results do not depend on
 *    which thread runs which block. Per sample: rule set (uniform), weights
 *    (Dirichlet around the nominal shares), totals, competition ranks per
 *    group (radix sort on the rounded totals), grades. Ranks go to a
 *    subjects × samples matrix; counts per thread are added up afterwards.
 * 3. Per subject: mean, median, 5th/95th percentile of its ranks (GSL on the
 *    counting-sorted ranks); per input: the first-order index of the mean
 *    absolute rank shift (binned estimator of Var(E[Y|X])/Var(Y)).
 */
#define _GNU_SOURCE /* madvise(MADV_HUGEPAGE) for the rank matrix */
#include "jixiao/sensitivity.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "analyse/analysis_int.h"
#include "jixiao/whatif.h"
#include "model/ruleset_int.h"
#include "model/score_int.h"
#include "analyse/sensitivity_int.h"
#include "keep/keep_int.h"
#include "keep/store_int.h"

#define SENS_BLOCK 32                /* samples per random stream and per transposed write */
#define SENS_MAX_MATRIX (2ull << 30) /* bytes of the rank matrix (2 or 4 bytes a rank) */
#define SENS_KEY_BITS 40             /* rank keys (totals × 1e9) fit in 40 bits */
#define SENS_POS_BITS 24 /* below them, the position in the group: groups < 2^24 subjects */

/* ---- the model ---- */

jx_err sens_model_init(sens_model *m, const jx_ruleset *const *rules, size_t R, jx_sens_mode mode,
                       jx_errmsg *msg)
{
    memset(m, 0, sizeof *m);
    if (!rules || !R) return jx_msg(msg, JX_ERR_INVALID, "no rule set given");
    if (R > SENS_MAX_RULES)
        return jx_msg(msg, JX_ERR_LIMIT, "at most %d rule sets", SENS_MAX_RULES);
    for (size_t r = 0; r < R; r++)
        if (!rules[r]) return jx_msg(msg, JX_ERR_INVALID, "rule set %zu is NULL", r);
    if (mode != JX_SENS_SCALE && mode != JX_SENS_IMPOSE)
        return jx_msg(msg, JX_ERR_INVALID, "unknown mode");
    m->rules = rules;
    m->R = R;
    m->mode = mode;
    m->kb = -1;
    size_t nl = jx_ruleset_level1_count(rules[0]);
    for (size_t s = 0; s < nl && s < SENS_MAX_COMP - 1; s++) {
        jx_ruleset_level1(rules[0], s, &m->slot_name[s], &m->slot_nominal[s]);
        m->nslot++;
    }
    for (size_t r = 0; r < R; r++)
        m->bw[r] = jx_ruleset_budget_weight(rules[r]);
    return JX_OK;
}

static int slot_of(const sens_model *m, size_t r, const char *level1)
{
    const char *c = jx_ruleset_canonical_level1(m->rules[r], level1 ? level1 : "");
    for (size_t s = 0; s < m->nslot; s++)
        if (!strcmp(c, m->slot_name[s])) return (int)s;
    return -1;
}

/* Points lost by a per-point deduction: what the scorer subtracts from the weight. */
static double deduct_lost(const jx_ruleset *rs, const jx_indicator *ind, const jx_score *sc)
{
    return jx_deduct_lost(rs_find_override(rs, ind->level3), sc->a);
}

/* points of a deduction indicator at weight w: as the scorer computes them */
static inline double deduct_points(double w, double lost)
{
    return w > 0 ? w * jx_deduct_ratio(w, lost) : 0;
}

jx_err sens_model_add(sens_model *m, int64_t id, const char *code, const char *name,
                      const char *project, int year, const jx_indicator *ind, size_t n,
                      const jx_budget *budget, jx_errmsg *msg)
{
    size_t R = m->R, ns = m->nslot ? m->nslot : 1, i = m->n;
    if (!JX_GROW(m->subj, m->cap, i + 1) || !JX_GROW(m->rate, m->ratecap, i + 1) ||
        !JX_GROW(m->tslot, m->tslotcap, (i + 1) * R * ns) ||
        !JX_GROW(m->tfix, m->tfixcap, (i + 1) * R) ||
        !JX_GROW(m->tded_n, m->tded_ncap, (i + 1) * R) || !JX_GROW(m->scores, m->scap, n ? n : 1))
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    sens_subject *s = &m->subj[i];
    s->id = id;
    s->year = year;
    s->code = jx_arena_strndup(&m->arena, code, strlen(code));
    s->name = jx_arena_strndup(&m->arena, name, strlen(name));
    s->project = jx_arena_strndup(&m->arena, project, strlen(project));
    if (!s->code || !s->name || !s->project) return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    /* 执行率 as jx_aggregate() clamps it; n/a without usable figures */
    m->rate[i] = NAN;
    if (budget && budget->present && budget->budget > 0 && isfinite(budget->spent)) {
        double rate = budget->spent / budget->budget;
        m->rate[i] = rate < 0 ? 0 : rate > 1 ? 1 : rate;
    }
    for (size_t r = 0; r < R; r++) {
        sens_sums *slot_sum = &m->tslot[(i * R + r) * ns], *fix = &m->tfix[i * R + r];
        memset(slot_sum, 0, ns * sizeof *slot_sum);
        *fix = (sens_sums){0, 0};
        m->tded_n[i * R + r] = 0;
        jx_result res;
        jx_err e = jx_aggregate(m->rules[r], ind, n, budget, m->scores, &res, msg);
        if (e) return e;
        for (size_t j = 0; j < n; j++) {
            const jx_score *sc = &m->scores[j];
            if (!sc->scored) continue;
            int slot = slot_of(m, r, ind[j].level1);
            if (sc->method == JX_M_DEDUCT && slot >= 0) {
                if (!JX_GROW(m->tded, m->tdedcap, m->ntded + 1))
                    return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
                m->tded[m->ntded++] = (sens_ded){.w = sc->weight,
                                                 .lost = deduct_lost(m->rules[r], &ind[j], sc),
                                                 .points = sc->points,
                                                 .comp = slot};
                m->tded_n[i * R + r]++;
                slot_sum[slot].W += sc->weight;
            } else if (slot >= 0) {
                slot_sum[slot].P += sc->points;
                slot_sum[slot].W += sc->weight;
            } else {
                fix->P += sc->points;
                fix->W += sc->weight;
            }
        }
    }
    m->n++;
    return JX_OK;
}

/* The components: level 1s with a nominal weight that some subject uses, then the budget. */
static void choose_components(sens_model *m)
{
    size_t R = m->R, n = m->n, ns = m->nslot ? m->nslot : 1;
    for (size_t s = 0; s < SENS_MAX_COMP; s++)
        m->slot_comp[s] = -1;
    for (size_t s = 0; s < m->nslot; s++) {
        bool used = false;
        for (size_t x = 0; x < n * R && !used; x++)
            used = m->tslot[x * ns + s].W > 0;
        if (!used || !(m->slot_nominal[s] > 0)) continue;
        m->slot_comp[s] = (int)m->Kl;
        m->comp_name[m->Kl] = m->slot_name[s];
        m->w0[m->Kl++] = m->slot_nominal[s];
    }
    m->K = m->Kl;
    bool budget_used = false;
    for (size_t i = 0; i < n && !budget_used; i++)
        budget_used = !isnan(m->rate[i]);
    if (budget_used && m->bw[0] > 0) {
        m->kb = (int)m->K;
        m->comp_name[m->K] = JX_BUDGET_LEVEL1;
        m->w0[m->K++] = m->bw[0];
    }
    m->wsum0 = 0;
    for (size_t k = 0; k < m->K; k++)
        m->wsum0 += m->w0[k];
}

/* The sums of the components compacted to [r][i][Kl], the slots not perturbed folded into the
 * fixed sums; the sums kept while adding are freed. */
static jx_err compact_sums(sens_model *m, jx_errmsg *msg)
{
    size_t R = m->R, n = m->n, ns = m->nslot ? m->nslot : 1;
    size_t Kl = m->Kl ? m->Kl : 1;
    m->P = calloc(R * (n ? n : 1) * Kl, sizeof *m->P);
    m->W = calloc(R * (n ? n : 1) * Kl, sizeof *m->W);
    m->fixP = calloc(R * (n ? n : 1), sizeof *m->fixP);
    m->fixW = calloc(R * (n ? n : 1), sizeof *m->fixW);
    m->ded_off = calloc(R * n + 1, sizeof *m->ded_off);
    m->ded = malloc((m->ntded ? m->ntded : 1) * sizeof *m->ded);
    size_t *tstart = malloc((n * R + 1) * sizeof *tstart);
    if (!m->P || !m->W || !m->fixP || !m->fixW || !m->ded_off || !m->ded || !tstart) {
        free(tstart);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    tstart[0] = 0;
    for (size_t x = 0; x < n * R; x++)
        tstart[x + 1] = tstart[x] + m->tded_n[x];
    size_t nd = 0;
    for (size_t r = 0; r < R; r++)
        for (size_t i = 0; i < n; i++) {
            size_t t = i * R + r, c = r * n + i;
            m->fixP[c] = m->tfix[t].P;
            m->fixW[c] = m->tfix[t].W;
            for (size_t s = 0; s < m->nslot; s++) {
                int k = m->slot_comp[s];
                const sens_sums *sum = &m->tslot[t * ns + s];
                if (k >= 0) {
                    m->P[c * Kl + (size_t)k] += sum->P;
                    m->W[c * Kl + (size_t)k] += sum->W;
                } else {
                    m->fixP[c] += sum->P;
                    m->fixW[c] += sum->W;
                }
            }
            m->ded_off[c] = nd;
            for (size_t d = tstart[t]; d < tstart[t + 1]; d++) {
                sens_ded x = m->tded[d];
                int k = x.comp >= 0 ? m->slot_comp[x.comp] : -1;
                if (k <
                    0) { /* not perturbed: its points are fixed (its weight is already in tslot) */
                    m->fixP[c] += x.points;
                    continue;
                }
                x.comp = k;
                m->ded[nd++] = x;
            }
        }
    m->ded_off[R * n] = nd;
    free(tstart);
    free(m->tslot), m->tslot = NULL, m->tslotcap = 0;
    free(m->tfix), m->tfix = NULL, m->tfixcap = 0;
    free(m->tded), m->tded = NULL, m->tdedcap = 0;
    free(m->tded_n), m->tded_n = NULL, m->tded_ncap = 0;
    return JX_OK;
}

/* The grade bands of each rule set, highest minimum first, their words in one table. */
static jx_err collect_grades(sens_model *m, jx_errmsg *msg)
{
    for (size_t r = 0; r < m->R; r++) {
        const jx_ruleset *rs = m->rules[r];
        for (int g = 0; g < rs->ntotal_grade; g++) {
            const char *word = rs->total_grade[g].grade;
            size_t id = 0;
            while (id < m->ngrade_words && strcmp(m->grade_word[id], word))
                id++;
            if (id == m->ngrade_words) {
                if (id == SENS_MAX_GRADES) return jx_msg(msg, JX_ERR_LIMIT, "too many grade words");
                m->grade_word[m->ngrade_words++] = word;
            }
            m->bands[r].min[m->bands[r].n] = rs->total_grade[g].min;
            m->bands[r].id[m->bands[r].n++] = (int)id;
        }
    }
    return JX_OK;
}

jx_err sens_model_finish(sens_model *m, jx_errmsg *msg)
{
    choose_components(m);
    jx_err e = compact_sums(m, msg);
    return e ? e : collect_grades(m, msg);
}

int sens_model_grade(const sens_model *m, size_t r, double total, size_t *band)
{
    size_t nb = m->bands[r].n;
    if (!nb) return *band = 0, -1;
    /* as jx_ruleset_grade(): the first band whose minimum the total reaches (1e-9 tolerance) */
    for (size_t g = 0; g < nb; g++)
        if (total >= m->bands[r].min[g] - 1e-9) return *band = g, m->bands[r].id[g];
    return *band = nb - 1, m->bands[r].id[nb - 1];
}

/* Scale factors of a sample: f[k] for scale mode, the imposed weights for impose mode. */
void sens_model_totals(const sens_model *m, size_t r, const double *w, double *total)
{
    size_t n = m->n, Kl = m->Kl, Kc = Kl ? Kl : 1;
    double f[SENS_MAX_COMP];
    bool impose = m->mode == JX_SENS_IMPOSE;
    for (size_t k = 0; k < Kl; k++)
        f[k] = impose ? w[k] : w[k] / m->w0[k];
    double bwp = m->bw[r];
    if (m->kb >= 0) bwp = impose ? w[m->kb] : m->bw[r] * (w[m->kb] / m->w0[m->kb]);
    const double *P = m->P + r * n * Kc, *W = m->W + r * n * Kc;
    const double *fixP = m->fixP + r * n, *fixW = m->fixW + r * n;
    const size_t *off = m->ded_off + r * n;
    for (size_t i = 0; i < n; i++) {
        double num = fixP[i], den = fixW[i];
        double fi[SENS_MAX_COMP];
        const double *Pi = P + i * Kc, *Wi = W + i * Kc;
        for (size_t k = 0; k < Kl; k++) {
            double Wk = Wi[k];
            /* impose: the level 1 is rescaled to sum to w_k (nothing when it has no weight) */
            fi[k] = impose ? (Wk > 0 ? f[k] / Wk : 0) : f[k];
            num += fi[k] * Pi[k];
            den += fi[k] * Wk;
        }
        for (size_t d = off[i]; d < off[i + 1]; d++) {
            const sens_ded *x = &m->ded[d];
            num += deduct_points(x->w * fi[x->comp], x->lost);
        }
        double rate = m->rate[i];
        if (!isnan(rate) && bwp > 0) {
            num += bwp * rate;
            den += bwp;
        }
        total[i] = den > 0 ? 100 * num / den : 0;
    }
}

void sens_model_free(sens_model *m)
{
    if (!m) return;
    free(m->subj);
    free(m->rate);
    free(m->tslot);
    free(m->tfix);
    free(m->tded);
    free(m->tded_n);
    free(m->scores);
    free(m->P);
    free(m->W);
    free(m->fixP);
    free(m->fixW);
    free(m->ded_off);
    free(m->ded);
    jx_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

/* ---- the result ---- */

struct jx_sensitivity {
    jx_sens_subject *subj; /* display order */
    size_t n;
    jx_sens_input inputs[SENS_MAX_COMP + 1];
    jx_sens_summary sum;
    jx_arena arena;
};

size_t jx_sensitivity_count(const jx_sensitivity *s)
{
    return s ? s->n : 0;
}

const jx_sens_subject *jx_sensitivity_at(const jx_sensitivity *s, size_t i)
{
    return s && i < s->n ? &s->subj[i] : NULL;
}

const jx_sens_summary *jx_sensitivity_summary(const jx_sensitivity *s)
{
    return s ? &s->sum : NULL;
}

void jx_sensitivity_free(jx_sensitivity *s)
{
    if (!s) return;
    free(s->subj);
    jx_arena_free(&s->arena);
    free(s);
}

/* ---- sampling ---- */

typedef struct sens_run {
    const sens_model *m;
    size_t N; /* samples */
    double spread;
    uint64_t seed;
    double alpha[SENS_MAX_COMP];
    /* the nominal ranking (owned) */
    double *nominal_total; /* [i] */
    int *nominal_grade;    /* [i] index into m->grade_word, −1: none */
    size_t *group;         /* [i] */
    size_t *nominal_rank;  /* [i] */
    size_t ngroups;
    size_t *gstart; /* group g is ord[gstart[g] .. gstart[g+1]) */
    size_t *ord;    /* subjects by group, then nominal rank */
    size_t maxgroup;
    void *mat; /* ranks, block-major: block b holds [i × SENS_BLOCK + j] for its samples j */
    bool wide; /* mat holds uint32_t (a group larger than 65,535), else uint16_t */
    double *X; /* [s × K + k] component weights */
    int *rule; /* [s] rule set */
    double *Y; /* [s] mean |rank − nominal rank| */
    size_t nblocks;
    atomic_size_t next; /* next block to take */
    atomic_size_t done; /* samples done */
} sens_run;

typedef struct sens_worker {
    sens_run *run;
    gsl_rng *rng;
    double *total;   /* [n] */
    uint64_t *a, *b; /* [maxgroup] radix buffers: (key << SENS_POS_BITS) | position in the group */
    size_t cnt[4][1 << 10]; /* radix histograms, one per 10-bit digit */
    uint32_t *rbuf;         /* [n × SENS_BLOCK] ranks of the block, subject-major */
    uint32_t *top, *change; /* [n] counts */
} sens_worker;

/* splitmix64: a well-mixed 64-bit hash of the seed and the block number */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Sort w->a[0..g) ascending by the key above the low SENS_POS_BITS (which hold positions): an LSD
 * radix sort, 10 bits a pass, all four histograms counted in one pass; insertion sort when small.
 */
static void radix_sort(sens_worker *w, size_t g)
{
    uint64_t *ka = w->a, *kb = w->b;
    if (g < 48) {
        for (size_t x = 1; x < g; x++) {
            uint64_t k = ka[x];
            size_t y = x;
            for (; y > 0 && ka[y - 1] > k; y--)
                ka[y] = ka[y - 1];
            ka[y] = k;
        }
        return;
    }
    memset(w->cnt, 0, sizeof w->cnt);
    for (size_t x = 0; x < g; x++) {
        uint64_t v = ka[x] >> SENS_POS_BITS;
        w->cnt[0][v & 1023]++;
        w->cnt[1][(v >> 10) & 1023]++;
        w->cnt[2][(v >> 20) & 1023]++;
        w->cnt[3][(v >> 30) & 1023]++;
    }
    for (int p = 0; p < 4; p++) {
        int shift = SENS_POS_BITS + 10 * p;
        size_t *cnt = w->cnt[p];
        if (cnt[(ka[0] >> shift) & 1023] == g) continue; /* one digit everywhere: nothing to do */
        size_t sum = 0;
        for (size_t d = 0; d < 1024; d++) {
            size_t c = cnt[d];
            cnt[d] = sum;
            sum += c;
        }
        for (size_t x = 0; x < g; x++)
            kb[cnt[(ka[x] >> shift) & 1023]++] = ka[x];
        uint64_t *t = ka;
        ka = kb, kb = t;
    }
    if (ka != w->a) memcpy(w->a, ka, g * sizeof *ka); /* an odd number of passes ran */
}

static void run_sample(sens_worker *w, size_t s, size_t j)
{
    sens_run *run = w->run;
    const sens_model *m = run->m;
    size_t K = m->K, n = m->n;
    size_t r = m->R > 1 ? (size_t)gsl_rng_uniform_int(w->rng, (unsigned long)m->R) : 0;
    double u[SENS_MAX_COMP], wt[SENS_MAX_COMP];
    if (run->spread > 0 && K > 1) {
        gsl_ran_dirichlet(w->rng, K, run->alpha, u);
        for (size_t k = 0; k < K; k++)
            wt[k] = u[k] * m->wsum0;
    } else {
        memcpy(wt, m->w0, K * sizeof *wt);
    }
    sens_model_totals(m, r, wt, w->total);
    uint64_t shift_sum = 0;
    const uint64_t kmax = ((uint64_t)1 << SENS_KEY_BITS) - 1;
    for (size_t g = 0; g < run->ngroups; g++) {
        size_t g0 = run->gstart[g], gn = run->gstart[g + 1] - g0;
        for (size_t x = 0; x < gn; x++) {
            size_t i = run->ord[g0 + x];
            int64_t key = an_rank_key(w->total[i]);
            uint64_t k = key < 0 ? 0 : (uint64_t)key > kmax ? kmax : (uint64_t)key;
            w->a[x] =
                (kmax - k) << SENS_POS_BITS | x; /* ascending order of this = descending totals */
        }
        radix_sort(w, gn);
        size_t rank = 1;
        for (size_t x = 0; x < gn; x++) {
            if (x && w->a[x] >> SENS_POS_BITS != w->a[x - 1] >> SENS_POS_BITS) rank = x + 1;
            size_t i = run->ord[g0 + (w->a[x] & (((uint64_t)1 << SENS_POS_BITS) - 1))];
            w->rbuf[i * SENS_BLOCK + j] = (uint32_t)rank;
            size_t nr = run->nominal_rank[i];
            shift_sum += rank > nr ? rank - nr : nr - rank;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t band;
        int gid = sens_model_grade(m, r, w->total[i], &band);
        if (band == 0) w->top[i]++;
        if (gid != run->nominal_grade[i]) w->change[i]++;
    }
    for (size_t k = 0; k < K; k++)
        run->X[s * K + k] = wt[k];
    run->rule[s] = (int)r;
    run->Y[s] = n ? (double)shift_sum / (double)n : 0;
}

static void run_block(sens_worker *w, size_t b)
{
    sens_run *run = w->run;
    size_t n = run->m->n;
    size_t s0 = b * SENS_BLOCK, cnt = run->N - s0 < SENS_BLOCK ? run->N - s0 : SENS_BLOCK;
    /* mt19937 takes 32-bit seeds; the block's seed is a hash of (seed, block) */
    gsl_rng_set(w->rng, (unsigned long)(mix64(run->seed ^ mix64(b)) & 0xffffffffu));
    for (size_t j = 0; j < cnt; j++)
        run_sample(w, s0 + j, j);
    /* one contiguous piece: the matrix is block-major; ranks fit 16 bits unless a group is huge */
    if (run->wide) {
        memcpy((uint32_t *)run->mat + b * n * SENS_BLOCK, w->rbuf,
               n * SENS_BLOCK * sizeof(uint32_t));
    } else {
        uint16_t *dst = (uint16_t *)run->mat + b * n * SENS_BLOCK;
        for (size_t x = 0; x < n * SENS_BLOCK; x++)
            dst[x] = (uint16_t)w->rbuf[x];
    }
    atomic_fetch_add(&run->done, cnt);
}

static void *worker_main(void *arg)
{
    sens_worker *w = arg;
    size_t b;
    while ((b = atomic_fetch_add(&w->run->next, 1)) < w->run->nblocks)
        run_block(w, b);
    return NULL;
}

static void worker_free(sens_worker *w)
{
    gsl_rng_free(w->rng);
    free(w->total);
    free(w->a);
    free(w->b);
    free(w->rbuf);
    free(w->top);
    free(w->change);
}

static bool worker_init(sens_worker *w, sens_run *run)
{
    memset(w, 0, sizeof *w);
    w->run = run;
    size_t n = run->m->n, g = run->maxgroup ? run->maxgroup : 1;
    w->rng = gsl_rng_alloc(gsl_rng_mt19937);
    w->total = malloc(n * sizeof *w->total);
    w->a = malloc(g * sizeof *w->a);
    w->b = malloc(g * sizeof *w->b);
    w->rbuf = malloc(n * SENS_BLOCK * sizeof *w->rbuf);
    w->top = calloc(n, sizeof *w->top);
    w->change = calloc(n, sizeof *w->change);
    return w->rng && w->total && w->a && w->b && w->rbuf && w->top && w->change;
}

/* The rank matrix is large (4 bytes × subjects × samples) and written once: ask for huge pages,
 * which saves most of the page faults that would otherwise cost a third of the run. */
static void *matrix_alloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes < 4 * huge) return malloc(bytes);
    if (posix_memalign(&p, huge, (bytes + huge - 1) / huge * huge)) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, (bytes + huge - 1) / huge * huge,
            MADV_HUGEPAGE); /* a hint: failure changes nothing */
#endif
    return p;
}

/* First-order index of Y for input values x[s × stride] (binned; categorical when ncat > 0). */
double sens_first_order(const double *x, size_t stride, const double *y, size_t N, size_t bins,
                        size_t ncat, const int *cat, double ybar, double sstot, size_t *perm)
{
    if (!(sstot > 0) || N < 4) return NAN;
    double between = 0;
    size_t B = 0;
    if (ncat) {
        for (size_t c = 0; c < ncat; c++) {
            double sum = 0;
            size_t cn = 0;
            for (size_t s = 0; s < N; s++)
                if ((size_t)cat[s] == c) sum += y[s], cn++;
            if (!cn) continue;
            B++;
            double mean = sum / (double)cn;
            between += (double)cn * (mean - ybar) * (mean - ybar);
        }
    } else {
        bool constant = true;
        for (size_t s = 1; s < N && constant; s++)
            constant = x[s * stride] == x[0];
        if (constant) return 0;
        gsl_sort_index(perm, x, stride, N);
        for (size_t b = 0; b < bins; b++) {
            size_t lo = b * N / bins, hi = (b + 1) * N / bins;
            if (hi <= lo) continue;
            double sum = 0;
            for (size_t p = lo; p < hi; p++)
                sum += y[perm[p]];
            double mean = sum / (double)(hi - lo);
            between += (double)(hi - lo) * (mean - ybar) * (mean - ybar);
            B++;
        }
    }
    if (B < 2 || N <= B) return B < 2 ? 0 : NAN;
    /* remove the between-bin variance that noise alone produces: (B − 1) × within mean square */
    double within = sstot - between;
    double s1 = (between - (double)(B - 1) * within / (double)(N - B)) / sstot;
    return s1 < 0 ? 0 : s1 > 1 ? 1 : s1;
}

typedef struct model_ctx {
    jx_store *st; /* messages */
    sens_model *m;
    const jx_selection *sel;
    char first_error[1024];
} model_ctx;

static void model_row_error(void *ctx, const char *message)
{
    model_ctx *c = ctx;
    if (!c->first_error[0]) jx_fmt_trunc(c->first_error, sizeof c->first_error, "%s", message);
}

static jx_err model_subject(void *ctx, kp_subject *s)
{
    model_ctx *c = ctx;
    jx_store *st = c->st;
    if (!jx_selection_has(c->sel, s->project, s->year)) return JX_OK;
    if (s->errors)
        return st_fail(st, JX_ERR_PARSE, "%s%s", c->first_error,
                       s->errors > 1 ? " (and more rows that do not parse)" : "");
    jx_errmsg msg;
    jx_err e = sens_model_add(c->m, s->id, s->code, s->name, s->project, s->year, s->ind, s->n,
                              &s->budget, &msg);
    return e ? st_fail(st, e, "%s: %s", s->label, msg.text) : JX_OK;
}

static int cmp_display(const void *a, const void *b)
{
    const jx_sens_subject *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->nominal_rank != y->nominal_rank) return x->nominal_rank < y->nominal_rank ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (!c) c = strcmp(x->name, y->name);
    if (!c) c = strcmp(x->project, y->project);
    return c;
}

typedef struct ordkey {
    size_t group, rank, i;
} ordkey;

static int cmp_ordkey(const void *a, const void *b)
{
    const ordkey *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Rank statistics of subject i (ranks in 1..gsize) from the block-major matrix; hist and sorted are
 * scratch. */
static void rank_stats(const sens_run *run, size_t n, size_t i, size_t N, size_t gsize,
                       size_t *hist, double *sorted, jx_sens_subject *o)
{
    memset(hist, 0, (gsize + 1) * sizeof *hist);
    uint64_t sum = 0;
    for (size_t s0 = 0; s0 < N; s0 += SENS_BLOCK) {
        size_t at = (s0 / SENS_BLOCK) * n * SENS_BLOCK + i * SENS_BLOCK;
        size_t cnt = N - s0 < SENS_BLOCK ? N - s0 : SENS_BLOCK;
        for (size_t j = 0; j < cnt; j++) {
            size_t r = run->wide ? ((const uint32_t *)run->mat)[at + j]
                                 : ((const uint16_t *)run->mat)[at + j];
            hist[r]++;
            sum += r;
        }
    }
    size_t p = 0;
    for (size_t r = 1; r <= gsize; r++)
        for (size_t c = 0; c < hist[r]; c++)
            sorted[p++] = (double)r;
    o->rank_mean = (double)sum / (double)N;
    o->rank_median = gsl_stats_median_from_sorted_data(sorted, 1, N);
    o->rank_p5 = gsl_stats_quantile_from_sorted_data(sorted, 1, N, 0.05);
    o->rank_p95 = gsl_stats_quantile_from_sorted_data(sorted, 1, N, 0.95);
}

/* The model of the subjects selected (sens_model_init() done): one pass over the current data. */
static jx_err model_build(jx_store *st, const jx_sens_opts *o, sens_model *m)
{
    model_ctx mc = {.st = st, .m = m, .sel = &o->sel};
    kp_visit v = {.on_subject = model_subject, .on_error = model_row_error, .ctx = &mc};
    jx_err e = kp_visit_subjects(kp_store(st), &v);
    if (e) return e;
    if (!m->n) return st_fail(st, JX_ERR_NOTFOUND, "no subject matches the selection");
    jx_errmsg msg;
    if ((e = sens_model_finish(m, &msg))) return st_fail(st, e, "%s", msg.text);
    return JX_OK;
}

/* Nominal totals, grades, groups and ranks (the same arithmetic as the samples), and the subjects
 * in group and rank order (run->ord, run->gstart) that the samples rank. */
static jx_err nominal_ranking(jx_store *st, sens_run *run)
{
    const sens_model *m = run->m;
    size_t n = m->n;
    run->nominal_total = malloc(n * sizeof *run->nominal_total);
    run->group = malloc(n * sizeof *run->group);
    run->nominal_rank = malloc(n * sizeof *run->nominal_rank);
    run->nominal_grade = malloc(n * sizeof *run->nominal_grade);
    run->ord = malloc(n * sizeof *run->ord);
    int64_t *gkey = malloc(n * sizeof *gkey);
    ordkey *ok = malloc(n * sizeof *ok);
    jx_err e = JX_OK;
    if (!run->nominal_total || !run->group || !run->nominal_rank || !run->nominal_grade ||
        !run->ord || !gkey || !ok)
        goto nomem;
    sens_model_totals(m, 0, m->w0, run->nominal_total);
    for (size_t i = 0; i < n; i++) {
        gkey[i] = an_group_key(m->subj[i].project, m->subj[i].year);
        size_t band;
        run->nominal_grade[i] = sens_model_grade(m, 0, run->nominal_total[i], &band);
    }
    if (!an_groups(gkey, n, run->group, &run->ngroups)) goto nomem;
    if ((e = jx_rank_competition(run->nominal_total, run->group, n, run->nominal_rank, NULL))) {
        e = st_fail(st, e, "a nominal total is not a number");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        ok[i] = (ordkey){run->group[i], run->nominal_rank[i], i};
    qsort(ok, n, sizeof *ok, cmp_ordkey);
    if (!(run->gstart = calloc(run->ngroups + 1, sizeof *run->gstart))) goto nomem;
    for (size_t x = 0; x < n; x++) {
        run->ord[x] = ok[x].i;
        run->gstart[ok[x].group + 1]++;
    }
    for (size_t g = 0; g < run->ngroups; g++) {
        if (run->gstart[g + 1] > run->maxgroup) run->maxgroup = run->gstart[g + 1];
        run->gstart[g + 1] += run->gstart[g];
    }
    goto done;
nomem:
    e = st_fail(st, JX_ERR_NOMEM, "out of memory");
done:
    free(gkey);
    free(ok);
    return e;
}

/* The Dirichlet parameters, the rank matrix and the per-sample inputs, within the limits. */
static jx_err sample_setup(jx_store *st, sens_run *run)
{
    const sens_model *m = run->m;
    size_t n = m->n, N = run->N, K = m->K;
    for (size_t k = 0; k < K; k++)
        run->alpha[k] = run->spread > 0 ? (m->w0[k] / m->wsum0) / (run->spread * run->spread) : 0;
    run->nblocks = (N + SENS_BLOCK - 1) / SENS_BLOCK;
    if (run->maxgroup >= (size_t)1 << SENS_POS_BITS)
        return st_fail(st, JX_ERR_LIMIT, "a ranking group of %zu subjects: at most %d",
                       run->maxgroup, (1 << SENS_POS_BITS) - 1);
    run->wide = run->maxgroup > UINT16_MAX;
    size_t esz = run->wide ? sizeof(uint32_t) : sizeof(uint16_t);
    if ((double)n * (double)N * (double)esz > (double)SENS_MAX_MATRIX)
        return st_fail(
            st, JX_ERR_LIMIT,
            "%zu subjects × %zu samples need %.1f GiB of ranks (limit 2): use fewer samples", n, N,
            (double)n * (double)N * (double)esz / (1u << 30));
    run->mat = matrix_alloc(run->nblocks * n * SENS_BLOCK * esz);
    run->X = malloc((K ? K : 1) * N * sizeof *run->X);
    run->rule = malloc(N * sizeof *run->rule);
    run->Y = malloc(N * sizeof *run->Y);
    if (!run->mat || !run->X || !run->rule || !run->Y)
        return st_fail(st, JX_ERR_NOMEM, "out of memory");
    return JX_OK;
}

/* Draw the samples with *T workers (fewer when there are fewer blocks; *T is then lowered):
 * workers 1..T−1 on threads, worker 0 on this thread, which also reports progress. The workers
 * (*wk, *nwk of them set up) hold the per-subject counts; the caller frees them. */
static jx_err sample_all(jx_store *st, sens_run *run, const jx_sens_opts *o, size_t *T,
                         sens_worker **wk, size_t *nwk)
{
    if (*T > run->nblocks) *T = run->nblocks;
    atomic_init(&run->next, 0);
    atomic_init(&run->done, 0);
    pthread_t *tid = calloc(*T, sizeof *tid);
    if (!(*wk = calloc(*T, sizeof **wk)) || !tid) {
        free(tid);
        return st_fail(st, JX_ERR_NOMEM, "out of memory");
    }
    for (*nwk = 0; *nwk < *T; ++*nwk)
        if (!worker_init(&(*wk)[*nwk], run)) {
            worker_free(&(*wk)[*nwk]);
            free(tid);
            return st_fail(st, JX_ERR_NOMEM, "out of memory");
        }
    size_t started = 1;
    for (size_t t = 1; t < *T; t++) {
        if (pthread_create(&tid[t], NULL, worker_main, &(*wk)[t]))
            break; /* fewer threads: same results */
        started++;
    }
    size_t b;
    while ((b = atomic_fetch_add(&run->next, 1)) < run->nblocks) {
        run_block(&(*wk)[0], b);
        if (o->on_progress)
            o->on_progress(o->ctx, (int64_t)atomic_load(&run->done), (int64_t)run->N);
    }
    for (size_t t = 1; t < started; t++)
        pthread_join(tid[t], NULL);
    if (o->on_progress) o->on_progress(o->ctx, (int64_t)run->N, (int64_t)run->N);
    free(tid);
    return JX_OK;
}

/* Per subject: its nominal values, the statistics of its ranks and the shares of samples with
 * the top grade and with another grade (counted by the T workers); in display order.
 * JX_ERR_NOMEM or JX_OK. */
static jx_err subject_results(jx_sensitivity *res, const sens_run *run, const sens_worker *wk,
                              size_t T)
{
    const sens_model *m = run->m;
    size_t n = m->n, N = run->N;
    if (!(res->subj = calloc(n, sizeof *res->subj))) return JX_ERR_NOMEM;
    res->n = n;
    size_t *hist = malloc((run->maxgroup + 1) * sizeof *hist);
    double *sorted = malloc(N * sizeof *sorted);
    jx_err e = hist && sorted ? JX_OK : JX_ERR_NOMEM;
    for (size_t i = 0; i < n && !e; i++) {
        jx_sens_subject *so = &res->subj[i];
        const sens_subject *si = &m->subj[i];
        so->subject_id = si->id;
        so->code = jx_arena_strndup(&res->arena, si->code, strlen(si->code));
        so->name = jx_arena_strndup(&res->arena, si->name, strlen(si->name));
        so->project = jx_arena_strndup(&res->arena, si->project, strlen(si->project));
        int g = run->nominal_grade[i];
        const char *gw = g >= 0 ? m->grade_word[g] : "";
        so->nominal_grade = jx_arena_strndup(&res->arena, gw, strlen(gw));
        if (!so->code || !so->name || !so->project || !so->nominal_grade) {
            e = JX_ERR_NOMEM;
            break;
        }
        so->year = si->year;
        so->group = run->group[i];
        so->nominal_total = run->nominal_total[i];
        so->nominal_rank = run->nominal_rank[i];
        size_t gsize = run->gstart[so->group + 1] - run->gstart[so->group];
        rank_stats(run, n, i, N, gsize, hist, sorted, so);
        uint64_t top = 0, chg = 0;
        for (size_t t = 0; t < T; t++) {
            top += wk[t].top[i];
            chg += wk[t].change[i];
        }
        so->p_top_grade = (double)top / (double)N;
        so->p_grade_change = (double)chg / (double)N;
    }
    if (!e) qsort(res->subj, n, sizeof *res->subj, cmp_display);
    free(hist);
    free(sorted);
    return e;
}

/* Overall: the parameters, the mean absolute rank shift and the first-order index of each input
 * (the level-1 weights, then the rule set when there are several). JX_ERR_NOMEM or JX_OK. */
static jx_err summarise(jx_sensitivity *res, const sens_run *run, const jx_sens_opts *o, size_t T)
{
    const sens_model *m = run->m;
    size_t N = run->N, K = m->K;
    jx_sens_summary *sum = &res->sum;
    sum->samples = N;
    sum->subjects = m->n;
    sum->spread = o->spread;
    sum->seed = o->seed;
    sum->mode = o->mode;
    sum->nrules = o->nrules;
    sum->threads = T;
    double ybar = gsl_stats_mean(run->Y, 1, N);
    double sstot = 0;
    for (size_t s = 0; s < N; s++)
        sstot += (run->Y[s] - ybar) * (run->Y[s] - ybar);
    sum->mean_abs_shift = ybar;
    size_t bins = (size_t)lround(cbrt((double)N));
    if (bins < 2) bins = 2;
    if (bins > 50) bins = 50;
    sum->bins = bins;
    size_t *perm = malloc(N * sizeof *perm);
    if (!perm) return JX_ERR_NOMEM;
    for (size_t k = 0; k < K; k++) {
        res->inputs[sum->ninputs++] = (jx_sens_input){
            .name = m->comp_name[k],
            .nominal = m->w0[k],
            .index = sens_first_order(run->X + k, K, run->Y, N, bins, 0, NULL, ybar, sstot, perm)};
    }
    if (o->nrules > 1)
        res->inputs[sum->ninputs++] =
            (jx_sens_input){.name = "规则集",
                            .nominal = (double)o->nrules,
                            .index = sens_first_order(NULL, 0, run->Y, N, 0, o->nrules, run->rule,
                                                      ybar, sstot, perm)};
    free(perm);
    for (size_t k = 0; k < sum->ninputs; k++) {
        const char *nm = res->inputs[k].name;
        if (!(res->inputs[k].name = jx_arena_strndup(&res->arena, nm, strlen(nm))))
            return JX_ERR_NOMEM;
    }
    sum->inputs = res->inputs;
    return JX_OK;
}

static void run_free(sens_run *run)
{
    free(run->nominal_total);
    free(run->nominal_grade);
    free(run->group);
    free(run->nominal_rank);
    free(run->gstart);
    free(run->ord);
    free(run->mat);
    free(run->X);
    free(run->rule);
    free(run->Y);
}

jx_err jx_sensitivity_run(jx_store *st, const jx_sens_opts *o, jx_sensitivity **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = NULL;
    if (!st || !o) return JX_ERR_INVALID;
    size_t N = o->samples ? o->samples : JX_SENS_DEFAULT_SAMPLES;
    if (N > JX_SENS_MAX_SAMPLES)
        return st_fail(st, JX_ERR_INVALID, "at most %d samples", JX_SENS_MAX_SAMPLES);
    if (!isfinite(o->spread) || o->spread < 0 || o->spread > 100)
        return st_fail(st, JX_ERR_INVALID, "the spread must be a number from 0 to 100 (got %g)",
                       o->spread);
    size_t T = o->threads ? o->threads : 2;
    if (T > 64) T = 64;

    sens_model m;
    jx_errmsg msg;
    jx_err e = sens_model_init(&m, o->rules, o->nrules, o->mode, &msg);
    if (e) return st_fail(st, e, "%s", msg.text);
    sens_run run = {.m = &m, .N = N, .spread = o->spread, .seed = o->seed};
    sens_worker *wk = NULL;
    size_t nwk = 0;
    jx_sensitivity *res = NULL;
    if (!(e = model_build(st, o, &m)) && !(e = nominal_ranking(st, &run)) &&
        !(e = sample_setup(st, &run)) && !(e = sample_all(st, &run, o, &T, &wk, &nwk))) {
        if (!(res = calloc(1, sizeof *res)) || subject_results(res, &run, wk, T) ||
            summarise(res, &run, o, T))
            e = st_fail(st, JX_ERR_NOMEM, "out of memory");
    }
    for (size_t t = 0; t < nwk; t++)
        worker_free(&wk[t]);
    free(wk);
    run_free(&run);
    sens_model_free(&m);
    if (e) {
        jx_sensitivity_free(res);
        return e;
    }
    *out = res;
    return JX_OK;
}
