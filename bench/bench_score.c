/*
 * bench_score.c - jixiao-bench-score: the scoring engine alone, no store, no I/O in the loop.
 *
 *   jixiao-bench-score DIR RULES_DIR [SECONDS]
 *
 * Reads DIR/targets.csv, DIR/actuals.csv and DIR/budget.csv as written by
 * jixiao-gen (its fixed header; subjects in file order, actuals in the same
 * order as targets), parses every value once, then scores every subject
 * (jx_aggregate: each indicator under the rule set, weights, budget, total,
 * grade) over and over for at least SECONDS (default 1) and prints
 *
 *   subjects=N indicators=M passes=P seconds=S indicators_per_s=R checksum=C
 *
 * The checksum (sum of totals of the last pass) guards against the loop being
 * optimised away and lets two builds be compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jixiao/aggregate.h"
#include "jixiao/csv.h"
#include "jixiao/ruleset.h"
#include "jixiao/score.h"
#include "jixiao/value.h"

typedef struct {
    size_t first, n; /* indicators [first, first + n) */
    jx_budget budget;
} subject;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "jixiao-bench-score: %s: %s\n", what, why);
    exit(1);
}

static jx_csv *open_csv(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    jx_csv *c;
    jx_errmsg msg;
    if (jx_csv_open(path, &c, &msg)) die(path, msg.text);
    jx_csv_row row;
    if (jx_csv_next(c, &row, NULL) || row.nfields == 0) die(path, "no header");
    return c;
}

static char *dup(const char *s)
{
    char *d = strdup(s);
    if (!d) die("strdup", "out of memory");
    return d;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: jixiao-bench-score DIR RULES_DIR [SECONDS]\n");
        return 2;
    }
    double min_s = argc == 4 ? atof(argv[3]) : 1.0;
    const char *dirs[] = {argv[2]};
    jx_ruleset *rs;
    jx_errmsg msg;
    if (jx_ruleset_load("mof-2020", dirs, 1, &rs, &msg)) die("rules", msg.text);

    size_t cap = 1024, n = 0, ns = 0, scap = 64;
    jx_indicator *ind = malloc(cap * sizeof *ind);
    subject *subj = malloc(scap * sizeof *subj);
    if (!ind || !subj) die("malloc", "out of memory");

    /* targets: 部门编码,部门名称,项目名称,年度,一级指标,二级指标,三级指标,指标值,权重 */
    jx_csv *t = open_csv(argv[1], "targets.csv");
    jx_csv *a = open_csv(argv[1], "actuals.csv");
    char key[512] = "";
    jx_csv_row row;
    while (!jx_csv_next(t, &row, NULL) && row.nfields) {
        if (row.nfields < 9) die("targets.csv", "short row");
        char k[512];
        snprintf(k, sizeof k, "%s|%s", row.fields[1].ptr, row.fields[2].ptr);
        if (strcmp(k, key)) {
            if (ns == scap && !(subj = realloc(subj, (scap *= 2) * sizeof *subj)))
                die("realloc", "out of memory");
            subj[ns++] = (subject){.first = n};
            snprintf(key, sizeof key, "%s", k);
        }
        if (n == cap && !(ind = realloc(ind, (cap *= 2) * sizeof *ind)))
            die("realloc", "out of memory");
        jx_indicator *x = &ind[n++];
        memset(x, 0, sizeof *x);
        x->level1 = dup(row.fields[4].ptr);
        x->level2 = dup(row.fields[5].ptr);
        x->level3 = dup(row.fields[6].ptr);
        x->year = atoi(row.fields[3].ptr);
        if (jx_value_parse_cells("", row.fields[7].ptr, "", &x->target, &msg))
            die("target", msg.text);
        x->has_weight = row.fields[8].len > 0;
        x->weight = atof(row.fields[8].ptr);
        subj[ns - 1].n++;
        /* actuals: 部门编码,部门名称,项目名称,年度,三级指标,实际完成值,偏差原因分析及改进措施 */
        jx_csv_row ar;
        if (jx_csv_next(a, &ar, NULL) || ar.nfields < 7)
            die("actuals.csv", "fewer rows than targets.csv");
        x->has_actual = ar.fields[5].len > 0;
        x->has_reason = ar.fields[6].len > 0;
        if (x->has_actual && jx_value_parse(ar.fields[5].ptr, ar.fields[5].len, &x->actual, &msg))
            die("actual", msg.text);
    }
    jx_csv_close(t);
    jx_csv_close(a);

    /* budget: 部门编码,部门名称,项目名称,年度,年初预算数,全年预算数,全年执行数 — one row per
     * subject, same order */
    jx_csv *b = open_csv(argv[1], "budget.csv");
    for (size_t i = 0; i < ns; i++) {
        if (jx_csv_next(b, &row, NULL) || row.nfields < 7)
            die("budget.csv", "fewer rows than subjects");
        subj[i].budget = (jx_budget){true, atof(row.fields[4].ptr), atof(row.fields[5].ptr),
                                     atof(row.fields[6].ptr)};
    }
    jx_csv_close(b);

    size_t maxn = 0;
    for (size_t i = 0; i < ns; i++)
        if (subj[i].n > maxn) maxn = subj[i].n;
    jx_score *scores = malloc((maxn ? maxn : 1) * sizeof *scores);
    jx_result *res = malloc(sizeof *res);
    if (!scores || !res) die("malloc", "out of memory");

    double t0 = now(), el = 0, checksum = 0;
    long passes = 0;
    do {
        checksum = 0;
        for (size_t i = 0; i < ns; i++) {
            if (jx_aggregate(rs, ind + subj[i].first, subj[i].n, &subj[i].budget, scores, res,
                             &msg))
                die("score", msg.text);
            checksum += res->total;
        }
        passes++;
        el = now() - t0;
    } while (el < min_s);

    printf(
        "subjects=%zu indicators=%zu passes=%ld seconds=%.3f indicators_per_s=%.0f checksum=%.6f\n",
        ns, n, passes, el, (double)n * (double)passes / el, checksum);
    for (size_t i = 0; i < n; i++) {
        free((void *)ind[i].level1);
        free((void *)ind[i].level2);
        free((void *)ind[i].level3);
    }
    free(ind);
    free(subj);
    free(scores);
    free(res);
    jx_ruleset_free(rs);
    return 0;
}
