/*
 * whatif.c - what-if scenarios: the current data scored twice in memory
 * (baseline, scenario), ranked, compared; saved scenarios in the store.
 *
 * One pass over the current data (kp_visit_subjects): each selected subject
 * is aggregated under the baseline rule set, then its replaced actuals are
 * put in (the visitor's buffers are scratch) and it is aggregated again under
 * the scenario rule set. Nothing is written to the store except by
 * jx_scenario_save().
 */
#include "jixiao/whatif.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyse/analysis_int.h"
#include "jixiao/aggregate.h"
#include "jixiao/stats.h"
#include "jixiao/value.h"
#include "model/ruleset_int.h"
#include "keep/keep_int.h"
#include "keep/store_int.h"
#include "util/util_int.h"

jx_err jx_whatif_parse_set(const char *spec, char *buf, size_t cap, jx_whatif_set *out,
                           jx_errmsg *msg)
{
    if (!spec || !buf || !out)
        return jx_msg(msg, JX_ERR_INVALID, "jx_whatif_parse_set: NULL argument");
    memset(out, 0, sizeof *out);
    size_t len = strlen(spec);
    if (len + 1 > cap) return jx_msg(msg, JX_ERR_LIMIT, "\"%s\": too long", spec);
    memcpy(buf, spec, len + 1);
    char *colon = strchr(buf, ':');
    if (!colon)
        return jx_msg(msg, JX_ERR_PARSE, "\"%s\": expected DEPT[/PROJECT]:三级指标=VALUE (no ':')",
                      spec);
    *colon = '\0';
    char *eq = strchr(colon + 1, '=');
    if (!eq)
        return jx_msg(msg, JX_ERR_PARSE, "\"%s\": expected DEPT[/PROJECT]:三级指标=VALUE (no '=')",
                      spec);
    *eq = '\0';
    char *slash = strchr(buf, '/');
    if (slash) *slash = '\0';
    out->dept = buf;
    out->project = slash ? slash + 1 : "";
    out->level3 = colon + 1;
    out->value = eq + 1;
    if (!*out->dept) return jx_msg(msg, JX_ERR_PARSE, "\"%s\": the department is empty", spec);
    if (slash && !*out->project)
        return jx_msg(msg, JX_ERR_PARSE, "\"%s\": the project after '/' is empty", spec);
    if (!*out->level3) return jx_msg(msg, JX_ERR_PARSE, "\"%s\": the 三级指标 is empty", spec);
    return JX_OK;
}

static bool is_budget_name(const char *name)
{
    return !strcmp(name, JX_BUDGET_LEVEL1) || !strcmp(name, "预算执行") ||
           !strcmp(name, "预算执行情况");
}

jx_err jx_whatif_ruleset(const jx_ruleset *rs, const char *const *level1, const double *weight,
                         size_t n, jx_ruleset **out, jx_errmsg *msg)
{
    if (!out) return jx_msg(msg, JX_ERR_INVALID, "jx_whatif_ruleset: NULL argument");
    *out = NULL;
    if (!rs || (n && (!level1 || !weight)))
        return jx_msg(msg, JX_ERR_INVALID, "jx_whatif_ruleset: NULL argument");
    const char **names = calloc(n ? n : 1, sizeof *names);
    double *w = calloc(n ? n : 1, sizeof *w);
    if (!names || !w) {
        free(names);
        free(w);
        return jx_msg(msg, JX_ERR_NOMEM, "out of memory");
    }
    size_t k = 0;
    double budget = NAN;
    jx_err e = JX_OK;
    for (size_t i = 0; i < n && !e; i++) {
        if (!level1[i] || !*level1[i])
            e = jx_msg(msg, JX_ERR_INVALID, "a level-1 weight has no name");
        else if (!isfinite(weight[i]) || weight[i] < 0)
            e = jx_msg(msg, JX_ERR_INVALID, "weight of %s must be a number >= 0", level1[i]);
        else if (is_budget_name(level1[i]))
            budget = weight[i];
        else
            names[k] = level1[i], w[k++] = weight[i];
    }
    jx_ruleset *c = NULL;
    if (!e) e = jx_ruleset_with_level1(rs, names, w, k, &c, msg);
    /* the budget weight is the rule set's [budget] weight: a plain field of the copy */
    if (!e && !isnan(budget)) c->budget_weight = budget;
    free(names);
    free(w);
    if (e) return e;
    *out = c;
    return JX_OK;
}

/* ---- running a scenario ---- */

struct jx_whatif {
    jx_whatif_row *row;
    size_t n, cap;
    jx_whatif_summary sum;
    jx_whatif_group *group; /* ngroups, in group-number order (the display order) */
    size_t ngroups;
    jx_arena arena;
};

typedef struct wi_ctx {
    jx_store *st; /* messages */
    const jx_ruleset *base, *scen;
    const jx_scenario *sc;
    const jx_selection *sel;
    jx_whatif *w;
    jx_score *scores;
    size_t cap;
    jx_value *set_val; /* parsed values of the sets */
    size_t *set_hits;  /* subjects each set matched */
    int *set_year;     /* the years they were in (two are enough to report) */
    bool *weight_seen; /* a selected indicator has that level 1 */
    char first_error[1024];
} wi_ctx;

static void wi_row_error(void *ctx, const char *message)
{
    wi_ctx *c = ctx;
    if (!c->first_error[0]) jx_fmt_trunc(c->first_error, sizeof c->first_error, "%s", message);
}

static const char *keep(jx_whatif *w, const char *s)
{
    return jx_arena_strndup(&w->arena, s, strlen(s));
}

static jx_err wi_subject(void *ctx, kp_subject *s)
{
    wi_ctx *c = ctx;
    jx_store *st = c->st;
    if (!jx_selection_has(c->sel, s->project, s->year)) return JX_OK;
    if (s->errors)
        return st_fail(st, JX_ERR_PARSE, "%s%s", c->first_error,
                       s->errors > 1 ? " (and more rows that do not parse)" : "");
    if (!JX_GROW(c->scores, c->cap, s->n)) return st_fail(st, JX_ERR_NOMEM, "out of memory");
    jx_result rb, rsc;
    jx_errmsg msg;
    jx_err e = jx_aggregate(c->base, s->ind, s->n, &s->budget, c->scores, &rb, &msg);
    if (e) return st_fail(st, e, "%s: %s", s->label, msg.text);

    const jx_scenario *sc = c->sc;
    size_t applied = 0;
    if (sc) {
        for (size_t k = 0; k < sc->nweights; k++) {
            if (c->weight_seen[k]) continue;
            const char *want = jx_ruleset_canonical_level1(c->scen, sc->weight_level1[k]);
            for (size_t i = 0; i < s->n && !c->weight_seen[k]; i++)
                if (s->ind[i].target.kind != JX_KIND_NA &&
                    !strcmp(jx_ruleset_canonical_level1(c->scen, s->ind[i].level1), want))
                    c->weight_seen[k] = true;
        }
        for (size_t k = 0; k < sc->nsets; k++) {
            const jx_whatif_set *set = &sc->sets[k];
            if (!((*s->code && !strcmp(set->dept, s->code)) || !strcmp(set->dept, s->name)))
                continue;
            if (strcmp(set->project ? set->project : "", s->project)) continue;
            if (c->set_hits[k]++ == 0) c->set_year[k] = s->year;
            size_t found = 0, at = 0;
            for (size_t i = 0; i < s->n; i++)
                if (!strcmp(s->ind[i].level3, set->level3)) found++, at = i;
            if (!found)
                return st_fail(st, JX_ERR_NOTFOUND,
                               "--set %s%s%s:%s: %s has no indicator named \"%s\"", set->dept,
                               *s->project ? "/" : "", s->project, set->level3, s->label,
                               set->level3);
            if (found > 1)
                return st_fail(st, JX_ERR_INVALID,
                               "--set %s:%s: %s has %zu indicators named \"%s\"", set->dept,
                               set->level3, s->label, found, set->level3);
            s->ind[at].actual = c->set_val[k];
            s->ind[at].has_actual = true;
            jx_score one; /* a value that cannot be scored is the user's typing: refused, not 0 */
            if ((e = jx_score_indicator(c->scen, &s->ind[at], &one, &msg)))
                return st_fail(st, e, "--set %s:%s=%s: %s: %s", set->dept, set->level3, set->value,
                               s->label, msg.text);
            applied++;
        }
    }
    e = jx_aggregate(c->scen, s->ind, s->n, &s->budget, c->scores, &rsc, &msg);
    if (e) return st_fail(st, e, "%s (scenario): %s", s->label, msg.text);
    if (rb.weight_sum > 0 && !(rsc.weight_sum > 0)) /* else it would total 0 and grade 差 */
        return st_fail(st, JX_ERR_INVALID,
                       "the scenario leaves %s nothing to score: every indicator it scores and "
                       "its budget line weigh 0%s",
                       s->label,
                       sc && sc->nweights ? " (give some level 1 a --weight above 0)" : "");

    jx_whatif *w = c->w;
    if (!JX_GROW(w->row, w->cap, w->n + 1)) return st_fail(st, JX_ERR_NOMEM, "out of memory");
    jx_whatif_row *r = &w->row[w->n];
    memset(r, 0, sizeof *r);
    r->subject_id = s->id;
    r->code = keep(w, s->code);
    r->name = keep(w, s->name);
    r->project = keep(w, s->project);
    r->baseline_grade = keep(w, rb.grade);
    r->scenario_grade = keep(w, rsc.grade);
    if (!r->code || !r->name || !r->project || !r->baseline_grade || !r->scenario_grade)
        return st_fail(st, JX_ERR_NOMEM, "out of memory");
    r->year = s->year;
    r->baseline = rb.total;
    r->scenario = rsc.total;
    r->delta = rsc.total - rb.total;
    r->baseline_flags = rb.flags;
    r->scenario_flags = rsc.flags;
    r->sets_applied = applied;
    w->n++;
    return JX_OK;
}

static int cmp_row(const void *a, const void *b)
{
    const jx_whatif_row *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->scenario_rank != y->scenario_rank) return x->scenario_rank < y->scenario_rank ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (!c) c = strcmp(x->name, y->name);
    if (!c) c = strcmp(x->project, y->project);
    return c;
}

/* The summary of n rows (b and s: room for n values). */
static void summarise(const jx_whatif_row *row, size_t n, double *b, double *s,
                      jx_whatif_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    sum->n = n;
    sum->spearman = sum->kendall = sum->mean_abs_delta = NAN;
    if (!n) return;
    double abs_sum = 0;
    for (size_t i = 0; i < n; i++) {
        const jx_whatif_row *r = &row[i];
        if (r->changed & JX_WHATIF_GRADE) sum->grade_changes++;
        if (r->changed & JX_WHATIF_RANK) sum->rank_changes++;
        if (r->changed) sum->changed++;
        abs_sum += fabs(r->delta);
        /* correlate the totals as they are ranked: rounded to 1e-9 */
        b[i] = (double)jx_rank_key(r->baseline);
        s[i] = (double)jx_rank_key(r->scenario);
    }
    sum->mean_abs_delta = abs_sum / (double)n;
    sum->spearman = jx_stats_spearman(b, s, n);
    sum->kendall = jx_stats_kendall(b, s, n);
}

/* The summaries of the whole and of each group (rows in display order: groups contiguous). */
static jx_err summarise_groups(jx_store *st, jx_whatif *w, size_t ng, double *b, double *s)
{
    summarise(w->row, w->n, b, s, &w->sum);
    if (!(w->group = calloc(ng, sizeof *w->group)))
        return st_fail(st, JX_ERR_NOMEM, "out of memory");
    w->ngroups = ng;
    for (size_t i = 0, end; i < w->n; i = end) {
        for (end = i + 1; end < w->n && w->row[end].group == w->row[i].group; end++)
            ;
        jx_whatif_group *g = &w->group[w->row[i].group];
        g->year = w->row[i].year;
        g->projects = *w->row[i].project != '\0';
        summarise(w->row + i, end - i, b, s, &g->sum);
    }
    return JX_OK;
}

/* ranks, groups, changes and the summaries of the collected rows */
static jx_err wi_finish(jx_store *st, jx_whatif *w)
{
    size_t n = w->n;
    w->sum.n = n;
    w->sum.spearman = w->sum.kendall = w->sum.mean_abs_delta = NAN;
    if (!n) return JX_OK;
    double *b = malloc(n * sizeof *b), *s = malloc(n * sizeof *s);
    int64_t *key = malloc(n * sizeof *key);
    size_t *group = malloc(n * sizeof *group), *rb = malloc(n * sizeof *rb),
           *rs = malloc(n * sizeof *rs);
    jx_err e = JX_OK;
    size_t ng;
    if (!b || !s || !key || !group || !rb || !rs) {
        e = st_fail(st, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        b[i] = w->row[i].baseline;
        s[i] = w->row[i].scenario;
        key[i] = an_group_key(w->row[i].project, w->row[i].year);
    }
    if (!an_groups(key, n, group, &ng)) {
        e = st_fail(st, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((e = jx_rank_competition(b, group, n, rb, NULL)) ||
        (e = jx_rank_competition(s, group, n, rs, NULL))) {
        e = st_fail(st, e, "ranking failed (a total is not a number)");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        jx_whatif_row *r = &w->row[i];
        r->group = group[i];
        r->baseline_rank = rb[i];
        r->scenario_rank = rs[i];
        r->delta_rank = (long)rs[i] - (long)rb[i];
        r->changed = (an_rank_key(r->baseline) != an_rank_key(r->scenario) ? JX_WHATIF_TOTAL : 0) |
                     (rb[i] != rs[i] ? JX_WHATIF_RANK : 0) |
                     (strcmp(r->baseline_grade, r->scenario_grade) ? JX_WHATIF_GRADE : 0);
    }
    qsort(w->row, n, sizeof *w->row, cmp_row);
    e = summarise_groups(st, w, ng, b, s);
done:
    free(b);
    free(s);
    free(key);
    free(group);
    free(rb);
    free(rs);
    return e;
}

jx_err jx_whatif_run(jx_store *st, const jx_ruleset *base, const jx_ruleset *scen_rules,
                     const jx_scenario *sc, const jx_selection *sel, jx_whatif **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = NULL;
    if (!st || !base) return JX_ERR_INVALID;
    if (sc && ((sc->nweights && (!sc->weight_level1 || !sc->weight)) || (sc->nsets && !sc->sets)))
        return st_fail(st, JX_ERR_INVALID, "jx_whatif_run: scenario arrays missing");
    wi_ctx c = {.st = st, .base = base, .sc = sc, .sel = sel};
    jx_ruleset *scen = NULL;
    jx_err e = JX_OK;
    size_t nsets = sc ? sc->nsets : 0, nweights = sc ? sc->nweights : 0;
    c.w = calloc(1, sizeof *c.w);
    c.set_val = calloc(nsets + 1, sizeof *c.set_val);
    c.set_hits = calloc(nsets + 1, sizeof *c.set_hits);
    c.set_year = calloc(nsets + 1, sizeof *c.set_year);
    c.weight_seen = calloc(nweights + 1, sizeof *c.weight_seen);
    if (!c.w || !c.set_val || !c.set_hits || !c.set_year || !c.weight_seen) {
        e = st_fail(st, JX_ERR_NOMEM, "out of memory");
        goto done;
    }
    jx_errmsg msg;
    if ((e = jx_whatif_ruleset(scen_rules ? scen_rules : base, sc ? sc->weight_level1 : NULL,
                               sc ? sc->weight : NULL, nweights, &scen, &msg))) {
        e = st_fail(st, e, "scenario weights: %s", msg.text);
        goto done;
    }
    c.scen = scen;
    for (size_t k = 0; k < nsets; k++) {
        const jx_whatif_set *set = &sc->sets[k];
        if (!set->dept || !set->level3 || !set->value) {
            e = st_fail(st, JX_ERR_INVALID, "a --set lacks its department, indicator or value");
            goto done;
        }
        if (jx_value_parse(set->value, strlen(set->value), &c.set_val[k], &msg)) {
            e = st_fail(st, JX_ERR_PARSE, "--set %s:%s=%s: %s", set->dept, set->level3, set->value,
                        msg.text);
            goto done;
        }
    }
    kp_visit v = {.on_subject = wi_subject, .on_error = wi_row_error, .ctx = &c};
    if ((e = kp_visit_subjects(kp_store(st), &v))) goto done;
    for (size_t k = 0; k < nsets; k++) {
        const jx_whatif_set *set = &sc->sets[k];
        const char *p = set->project ? set->project : "";
        if (!c.set_hits[k]) {
            e = st_fail(st, JX_ERR_NOTFOUND, "--set %s%s%s:%s: no selected %s named \"%s\"%s%s",
                        set->dept, *p ? "/" : "", p, set->level3,
                        *p ? "project" : "department (部门整体)", *p ? p : set->dept,
                        *p ? " of " : "", *p ? set->dept : "");
            goto done;
        }
        if (c.set_hits[k] > 1) {
            e = st_fail(
                st, JX_ERR_INVALID,
                "--set %s%s%s:%s matches %zu subjects (years %d, …): choose one with --year",
                set->dept, *p ? "/" : "", p, set->level3, c.set_hits[k], c.set_year[k]);
            goto done;
        }
    }
    for (size_t k = 0; k < nweights; k++)
        if (!c.weight_seen[k] && !is_budget_name(sc->weight_level1[k])) {
            e = st_fail(
                st, JX_ERR_NOTFOUND, "--weight %s: no selected indicator has 一级指标 \"%s\"",
                sc->weight_level1[k], jx_ruleset_canonical_level1(scen, sc->weight_level1[k]));
            goto done;
        }
    if (!c.w->n) {
        e = st_fail(st, JX_ERR_NOTFOUND, "no subject matches the selection");
        goto done;
    }
    e = wi_finish(st, c.w);
done:
    jx_ruleset_free(scen);
    free(c.scores);
    free(c.set_val);
    free(c.set_hits);
    free(c.set_year);
    free(c.weight_seen);
    if (e) {
        jx_whatif_free(c.w);
        return e;
    }
    *out = c.w;
    return JX_OK;
}

size_t jx_whatif_count(const jx_whatif *w)
{
    return w ? w->n : 0;
}

const jx_whatif_row *jx_whatif_at(const jx_whatif *w, size_t i)
{
    return w && i < w->n ? &w->row[i] : NULL;
}

const jx_whatif_summary *jx_whatif_summary_of(const jx_whatif *w)
{
    return w ? &w->sum : NULL;
}

size_t jx_whatif_group_count(const jx_whatif *w)
{
    return w ? w->ngroups : 0;
}

const jx_whatif_group *jx_whatif_group_at(const jx_whatif *w, size_t g)
{
    return w && g < w->ngroups ? &w->group[g] : NULL;
}

void jx_whatif_free(jx_whatif *w)
{
    if (!w) return;
    free(w->row);
    free(w->group);
    jx_arena_free(&w->arena);
    free(w);
}

/* ---- saved scenarios ---- */

/* Run statement i with name (?1) and id (?2, when > 0) bound; JX_OK when it is done. */
static jx_err step_named(jx_store *st, int i, const char *name, int64_t id)
{
    sqlite3_stmt *q = st_stmt(st, i);
    if (!q) return JX_ERR_DB;
    if (name) st_bind_text(q, 1, name);
    if (id > 0) sqlite3_bind_int64(q, name ? 2 : 1, id);
    jx_err e = sqlite3_step(q) == SQLITE_DONE ? JX_OK : st_dberr(st, "scenarios");
    sqlite3_reset(q);
    return e;
}

/* A new row of the table of scenarios for name (sc NULL: a deletion's, no rule sets, every
 * subject); its id into *sid. */
static jx_err insert_row(jx_store *st, const char *name, const jx_scenario *sc, int64_t *sid)
{
    sqlite3_stmt *q = st_stmt(st, S_SCENARIO_INSERT);
    if (!q) return JX_ERR_DB;
    st_bind_text(q, 1, name);
    st_bind_text(q, 2, sc && sc->base_rules ? sc->base_rules : "");
    st_bind_text(q, 3, sc && sc->rules ? sc->rules : "");
    sqlite3_bind_int(q, 4, sc ? sc->sel.year : 0);
    sqlite3_bind_int(q, 5, sc ? (int)sc->sel.kind : 0);
    jx_err e = sqlite3_step(q) == SQLITE_DONE ? JX_OK : st_dberr(st, "scenarios");
    sqlite3_reset(q);
    if (!e) *sid = sqlite3_last_insert_rowid(st->db);
    return e;
}

/* Item k of sc (its weights, then its sets) as row seq of scenario sid. */
static jx_err insert_item(jx_store *st, int64_t sid, const jx_scenario *sc, size_t k)
{
    sqlite3_stmt *q = st_stmt(st, S_SCENARIO_ITEM_INSERT);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, sid);
    sqlite3_bind_int(q, 2, (int)k);
    if (k < sc->nweights) {
        st_bind_text(q, 3, "weight");
        st_bind_text(q, 4, sc->weight_level1[k]);
        sqlite3_bind_double(q, 5, sc->weight[k]);
    } else {
        const jx_whatif_set *set = &sc->sets[k - sc->nweights];
        st_bind_text(q, 3, "set");
        st_bind_text(q, 6, set->dept);
        st_bind_text(q, 7, set->project ? set->project : "");
        st_bind_text(q, 8, set->level3);
        st_bind_text(q, 9, set->value);
    }
    jx_err e = sqlite3_step(q) == SQLITE_DONE ? JX_OK : st_dberr(st, "scenario_items");
    sqlite3_reset(q);
    return e;
}

/* S_SCENARIO_FIND of name: JX_OK with *out on the current scenario's row (the caller resets
 * it), else the error (JX_ERR_NOTFOUND: no current scenario of that name), nothing to reset. */
static jx_err find_current(jx_store *st, const char *name, sqlite3_stmt **out)
{
    sqlite3_stmt *q = st_stmt(st, S_SCENARIO_FIND);
    if (!q) return JX_ERR_DB;
    st_bind_text(q, 1, name);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *out = q;
        return JX_OK;
    }
    jx_err e = JX_ERR_NOTFOUND;
    if (rc == SQLITE_DONE)
        st_fail(st, e, "no saved scenario named \"%s\" (see 'jixiao whatif --list')", name);
    else
        e = st_dberr(st, "scenarios");
    sqlite3_reset(q);
    return e;
}

jx_err jx_scenario_save(jx_store *st, const char *name, const jx_scenario *sc, int64_t *id)
{
    if (id) *id = 0;
    if (!st || !sc) return JX_ERR_INVALID;
    if (!name || !*name) return st_fail(st, JX_ERR_INVALID, "a scenario needs a name");
    jx_err e = st_begin(st);
    if (e) return e;
    int64_t sid = 0;
    e = insert_row(st, name, sc, &sid);
    for (size_t k = 0; !e && k < sc->nweights + sc->nsets; k++)
        e = insert_item(st, sid, sc, k);
    if (!e) e = step_named(st, S_SCENARIO_REPLACE, name, sid);
    if (!e) e = st_commit(st);
    if (e) {
        st_rollback(st);
        return e;
    }
    if (id) *id = sid;
    return JX_OK;
}

struct jx_saved_scenario {
    jx_scenario sc;
    const char *name;
    const char **wname;
    double *w;
    jx_whatif_set *sets;
    jx_arena arena;
};

static const char *scol(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t ? (const char *)t : "";
}

static jx_sel_kind sel_kind(int kind)
{
    return kind == JX_SEL_DEPARTMENTS || kind == JX_SEL_PROJECTS ? (jx_sel_kind)kind : JX_SEL_ALL;
}

/* Column i of q kept in s's arena; NULL when out of memory. */
static const char *keep_col(jx_saved_scenario *s, sqlite3_stmt *q, int i)
{
    const char *t = scol(q, i);
    return jx_arena_strndup(&s->arena, t, strlen(t));
}

/* The capacities of a saved scenario's arrays while its items are read. */
typedef struct item_caps {
    size_t wname, w, sets;
} item_caps;

/* One row of S_SCENARIO_ITEMS into s; false when out of memory. */
static bool add_item(jx_saved_scenario *s, sqlite3_stmt *q, item_caps *cap)
{
    if (!strcmp(scol(q, 0), "weight")) {
        size_t n = s->sc.nweights;
        if (!JX_GROW(s->wname, cap->wname, n + 1) || !JX_GROW(s->w, cap->w, n + 1)) return false;
        if (!(s->wname[n] = keep_col(s, q, 1))) return false;
        s->w[n] = sqlite3_column_double(q, 2);
        s->sc.nweights++;
        return true;
    }
    size_t n = s->sc.nsets;
    if (!JX_GROW(s->sets, cap->sets, n + 1)) return false;
    jx_whatif_set *set = &s->sets[n];
    if (!(set->dept = keep_col(s, q, 3)) || !(set->project = keep_col(s, q, 4)) ||
        !(set->level3 = keep_col(s, q, 5)) || !(set->value = keep_col(s, q, 6)))
        return false;
    s->sc.nsets++;
    return true;
}

/* The weights and sets of scenario sid into s (its other fields are left as they are). */
static jx_err read_items(jx_store *st, int64_t sid, jx_saved_scenario *s)
{
    sqlite3_stmt *q = st_stmt(st, S_SCENARIO_ITEMS);
    if (!q) return JX_ERR_DB;
    sqlite3_bind_int64(q, 1, sid);
    item_caps cap = {0};
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (!add_item(s, q, &cap)) {
            sqlite3_reset(q);
            return st_fail(st, JX_ERR_NOMEM, "out of memory");
        }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) return st_dberr(st, "scenario_items");
    s->sc.weight_level1 = s->wname;
    s->sc.weight = s->w;
    s->sc.sets = s->sets;
    return JX_OK;
}

/* Free what s holds (not s). */
static void saved_clear(jx_saved_scenario *s)
{
    free(s->wname);
    free(s->w);
    free(s->sets);
    jx_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

jx_err jx_scenario_load(jx_store *st, const char *name, jx_saved_scenario **out)
{
    if (!out) return JX_ERR_INVALID;
    *out = NULL;
    if (!st || !name) return JX_ERR_INVALID;
    jx_saved_scenario *s = calloc(1, sizeof *s);
    if (!s) return st_fail(st, JX_ERR_NOMEM, "out of memory");
    sqlite3_stmt *q = NULL;
    jx_err e = find_current(st, name, &q);
    if (e) goto done;
    int64_t sid = sqlite3_column_int64(q, 0);
    s->name = keep_col(s, q, 1);
    s->sc.base_rules = keep_col(s, q, 3);
    s->sc.rules = keep_col(s, q, 4);
    s->sc.sel.year = sqlite3_column_int(q, 5);
    s->sc.sel.kind = sel_kind(sqlite3_column_int(q, 6));
    sqlite3_reset(q);
    if (!s->name || !s->sc.base_rules || !s->sc.rules)
        e = st_fail(st, JX_ERR_NOMEM, "out of memory");
    else
        e = read_items(st, sid, s);
done:
    if (e) {
        jx_saved_scenario_free(s);
        return e;
    }
    *out = s;
    return JX_OK;
}

const jx_scenario *jx_saved_scenario_get(const jx_saved_scenario *s)
{
    return s ? &s->sc : NULL;
}

const char *jx_saved_scenario_name(const jx_saved_scenario *s)
{
    return s ? s->name : "";
}

void jx_saved_scenario_free(jx_saved_scenario *s)
{
    if (!s) return;
    saved_clear(s);
    free(s);
}

jx_err jx_scenario_list(jx_store *st, int (*cb)(const jx_scenario_info *info, void *ctx), void *ctx)
{
    if (!st || !cb) return JX_ERR_INVALID;
    sqlite3_stmt *q = st_stmt(st, S_SCENARIO_LIST);
    if (!q) return JX_ERR_DB;
    int rc;
    jx_err e = JX_OK;
    bool stop = false;
    while (!e && !stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        jx_saved_scenario s = {0};
        jx_scenario_info info = {
            .id = sqlite3_column_int64(q, 0),
            .name = scol(q, 1),
            .created_at = scol(q, 2),
            .base_rules = scol(q, 3),
            .rules = scol(q, 4),
            .sel = {.year = sqlite3_column_int(q, 5), .kind = sel_kind(sqlite3_column_int(q, 6))},
            .nweights = (size_t)sqlite3_column_int64(q, 7),
            .nsets = (size_t)sqlite3_column_int64(q, 8),
            .scenario = &s.sc,
        };
        s.sc.base_rules = info.base_rules;
        s.sc.rules = info.rules;
        s.sc.sel = info.sel;
        if (!(e = read_items(st, info.id, &s))) stop = cb(&info, ctx) != 0;
        saved_clear(&s);
    }
    if (!e && !stop && rc != SQLITE_DONE) e = st_dberr(st, "scenarios");
    sqlite3_reset(q);
    return e;
}

jx_err jx_scenario_delete(jx_store *st, const char *name, int64_t *id)
{
    if (id) *id = 0;
    if (!st) return JX_ERR_INVALID;
    if (!name || !*name) return st_fail(st, JX_ERR_INVALID, "a scenario needs a name");
    jx_err e = st_begin(st);
    if (e) return e;
    sqlite3_stmt *q = NULL;
    int64_t old = 0, del = 0;
    if (!(e = find_current(st, name, &q))) {
        old = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
    }
    /* the deletion: a row of its own (its time), marking the scenario replaced, replacing itself */
    if (!e) e = insert_row(st, name, NULL, &del);
    if (!e) e = step_named(st, S_SCENARIO_REPLACE, name, del);
    if (!e) e = step_named(st, S_SCENARIO_DELETED, NULL, del);
    if (!e) e = st_commit(st);
    if (e) {
        st_rollback(st);
        return e;
    }
    if (id) *id = old;
    return JX_OK;
}
