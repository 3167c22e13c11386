/*
 * keep_int.h - the one interface behind which data is kept (internal).
 *
 * Data is kept in a SQLite store (store.c, store_keep.c) or in a batch in memory (batch.c).
 * Both implement kp_ops: import.c reads and checks a file and writes it through the import
 * half; the scoring loop (scoring.c) reads the current data subject by subject (visit) and
 * records a run through the run half; a recorded run is read back as a jx_run (run_int.h).
 * Neither import.c nor scoring.c knows which back-end it talks to.
 *
 * Every operation that fails sets the back-end's message (errbuf) and returns the error; the
 * caller stops at the first one and rolls back (a store that lost its transaction to an I/O
 * error must not go on writing in autocommit mode).
 */
#ifndef JX_KEEP_INT_H
#define JX_KEEP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "jixiao/aggregate.h"
#include "jixiao/batch.h"
#include "jixiao/import.h"
#include "jixiao/run.h"
#include "model/vcache_int.h"

/* One file being written: set by the importer before begin(); counts kept by the back-end. */
typedef struct kp_file {
    jx_import_kind kind;
    const char *name;     /* as shown in messages and the import log */
    const char *sha256;   /* of the file's bytes ("" when the back-end keeps no log) */
    const char *encoding; /* "UTF-8", "GB18030", "xlsx", ... */
    int64_t rows;         /* rows written */
    int64_t replaced;     /* earlier rows replaced (counted by the back-end) */
    int64_t import_id;    /* set by commit() when the back-end keeps a log, else 0 */
} kp_file;

/* A target row to write. The subject's first one in a file replaces its current targets. */
typedef struct kp_target {
    int64_t sid;
    bool first; /* the first target of this subject in this file */
    int64_t line;
    int seq; /* its place among the subject's targets in this file */
    const char *l1, *l2, *l3, *op, *target, *unit, *note;
    bool has_weight;
    double weight;
    jx_kind kind; /* of its parsed value */
    int32_t vidx; /* the parsed value's entry in the shared memo (kp_ops.vcache), -1: none */
    /* out, when not NULL: a back-end that keeps l3 for as long as the importer runs (a batch)
     * sets *kept_l3 to its copy, which the importer then uses instead of its own */
    const char **kept_l3;
} kp_target;

/* A current target of a subject, as targets_of() gives it for matching actuals. */
typedef struct kp_current {
    int64_t ref;                    /* the back-end's handle, for kp_actual.ref */
    const char *l1, *l2, *l3;       /* valid during the callback, or longer when stable */
    const char *op, *target, *unit; /* its cells, when !kind_known: the importer parses them */
    jx_kind kind;                   /* of its value, when kind_known */
    bool kind_known;
    bool stable; /* the strings outlive the file (a batch's): no copy needed */
} kp_current;

/* An actual to write, matched to a current target. */
typedef struct kp_actual {
    int64_t sid, ref, line;
    bool has_actuals; /* the subject had current actuals before this file (targets_of) */
    const char *l1, *l2, *l3, *actual, *reason;
    int32_t aidx; /* the parsed actual's entry in the shared memo, -1: none */
    bool has_claim;
    double claim; /* 自评得分: the department's own points for it */
} kp_actual;

/* A budget row to write: the 年度资金总额 row (source "") or one under it. The subject's first
 * row in a file replaces all its current ones. */
typedef struct kp_budget {
    int64_t sid, line;
    bool first;
    const char *source; /* "", 本年财政拨款, 上年结转资金, 其他资金, ..., 基本支出, 项目支出 */
    bool has_initial;
    double initial, budget, spent;
    bool has_claim, has_claim_total; /* the total row only */
    double claim, claim_total;       /* 自评得分 of the 执行率 line, 自评总分 */
} kp_budget;

/* One subject of the current data, as visit() hands it to the scoring loop and the analyses.
 * Strings and arrays are valid during the callback only. */
typedef struct kp_subject {
    int64_t id;    /* the back-end's subject id (a store's row id; a batch's index + 1) */
    int64_t total; /* subjects the visit may hand over (for progress; 0: not known) */
    const char *code, *name, *project; /* project "" = 部门整体 */
    int year;
    const char *label;          /* "NAME / PROJECT YEAR" for messages */
    jx_indicator *ind;          /* n indicators; the callback may modify them (scratch) */
    const int64_t *target_id;   /* n target row ids (a store's), or NULL */
    const int64_t *actual_id;   /* n actual row ids, 0 when none (a store's), or NULL */
    const int64_t *actual_file; /* n: where each actual was read (kp_ops.file_name), 0: unknown */
    const int64_t *actual_line; /* n: its line (row) in that file */
    size_t n;
    jx_budget budget;   /* present == false when there is no budget row */
    int64_t budget_ref; /* the import that wrote its budget rows (a store's), 0: none */
    size_t errors;      /* rows whose values did not parse (each reported through on_error) */
} kp_subject;

typedef struct kp_visit {
    /* Called for each subject that has current targets, in subject order; a non-OK return
     * stops the visit and is returned (the callback sets the message). */
    jx_err (*on_subject)(void *ctx, kp_subject *s);
    /* Called for each row whose target or actual does not parse. May be NULL. */
    void (*on_error)(void *ctx, const char *message);
    void *ctx;
} kp_visit;

typedef struct kp_ops {
    bool keeps_log; /* an import log naming each file's SHA-256 (the importer hashes the file) */
    /* The handle's message buffer (JX_ERRMSG_MAX bytes). */
    char *(*errbuf)(void *h);
    /* A memo of parsed values the importer should share (its indices are kept), or NULL. */
    jx_vcache *(*vcache)(void *h);

    /* ---- writing one file (import.c): begin, rows, then commit or rollback ---- */
    jx_err (*begin)(void *h, kp_file *f); /* f stays valid until commit/rollback */
    /* The subject's id, created when asked (*sid 0: it does not exist); *code: its stored code
     * ("" when none), valid until the next call. */
    jx_err (*subject)(void *h, const char *code, const char *name, const char *project, int year,
                      bool create, int64_t *sid, const char **code_out);
    jx_err (*set_code)(void *h, int64_t sid, const char *code);
    jx_err (*target)(void *h, const kp_target *t);
    /* The subject's current targets in order: fn for each until it returns false (then
     * JX_ERR_NOMEM); *has_actuals: whether it has current actuals. */
    jx_err (*targets_of)(void *h, int64_t sid, bool (*fn)(void *ctx, const kp_current *c),
                         void *ctx, bool *has_actuals);
    jx_err (*actual)(void *h, const kp_actual *a);
    jx_err (*budget)(void *h, const kp_budget *b);
    /* A subject's 主管部门, 实施单位, 年度总体目标 or 实际完成情况 (field: admin_dept, implementer,
     * goal, goal_result); it replaces the current one. */
    jx_err (*note)(void *h, int64_t sid, const char *field, const char *value);
    jx_err (*commit)(void *h);
    void (*rollback)(void *h);

    /* ---- scoring (scoring.c) ---- */
    /* Every subject that has current targets (JX_ERR_NOTFOUND when none: message set). */
    jx_err (*visit)(void *h, const kp_visit *v);
    /* The name of the file kp_subject.actual_file names (for messages; "" when unknown). Valid
     * until the next call. */
    const char *(*file_name)(void *h, int64_t file);
    /* Start recording a run; then run_subject() for each subject scored, then run_finish()
     * (keeps it) or run_abort() (nothing kept). */
    jx_err (*run_begin)(void *h, const jx_ruleset *rs, const char *label);
    jx_err (*run_subject)(void *h, const kp_subject *s, const jx_result *r, const jx_score *sc);
    jx_err (*run_finish)(void *h, const jx_run_summary *sum, int64_t *run_id);
    void (*run_abort)(void *h);
} kp_ops;

/* A back-end: its operations and its handle. */
typedef struct kp_backend {
    const kp_ops *ops;
    void *h;
} kp_backend;

kp_backend kp_store(jx_store *st); /* store_keep.c */
kp_backend kp_batch(jx_batch *b);  /* batch.c */

/* Every subject of the current data, subject by subject (be.ops->visit). */
jx_err kp_visit_subjects(kp_backend be, const kp_visit *v);

/* Score every subject of the current data and record the run (scoring.c): the one scoring
 * loop of the store and the batch. */
jx_err kp_score(kp_backend be, const jx_ruleset *rs, const jx_run_opts *opts, jx_run_summary *out);

/* "NAME / PROJECT YEAR" (or "NAME YEAR") into buf, for messages. */
void kp_label(char *buf, size_t cap, const char *name, const char *project, int year);

#endif
