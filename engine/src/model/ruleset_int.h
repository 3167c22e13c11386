/*
 * ruleset_int.h - the inside of a jx_ruleset, shared by ruleset.c, score.c,
 * aggregate.c and the tests. Fixed-capacity tables: a rule set is small, and a
 * flat struct can be copied (what-if scenarios) and read without pointer chasing.
 */
#ifndef JIXIAO_RULESET_INT_H
#define JIXIAO_RULESET_INT_H

#include <stdbool.h>

#include "jixiao/ruleset.h"
#include "jixiao/value.h"

#define RS_NAME_MAX 96    /* bytes of a name (a level-1 name, a grade word, a unit) */
#define RS_MAX_L1 16      /* level-1 default weights */
#define RS_MAX_ALIASES 64 /* level-1 aliases, unit aliases, grade aliases (each) */
#define RS_MAX_GRADES 32  /* grade words with values */
#define RS_MAX_SCALES 16  /* grade scales */
#define RS_MAX_SCALE_WORDS 8
#define RS_MAX_BAND_WORDS 24
#define RS_MAX_TOTAL_GRADES 8
#define RS_MAX_OVERRIDES 64
#define RS_MAX_TIERS 16
#define RS_MAX_DEPTH 8     /* extends chain */
#define RS_MAX_PATTERNS 32 /* [direction] patterns per level, [statements] words */
#define RS_WORD_MAX 32     /* bytes of a list word (band words, patterns, statements) */

typedef enum rs_le_formula { RS_LE_RATIO, RS_LE_DEVIATION } rs_le_formula;
typedef enum rs_eq_formula { RS_EQ_DEVIATION, RS_EQ_BINARY } rs_eq_formula;
typedef enum rs_overshoot { RS_OVER_KEEP, RS_OVER_ZERO, RS_OVER_DEDUCT } rs_overshoot;
typedef enum rs_band { RS_BAND_MET, RS_BAND_PARTIAL, RS_BAND_FAILED, RS_BAND__COUNT } rs_band;

/* How an override scores its indicator. */
typedef enum rs_method {
    RS_M_TIERS,     /* first tier whose bound the actual reaches gives the ratio */
    RS_M_DEDUCT,    /* weight − per_unit × distance beyond limit, floored at 0 */
    RS_M_RATIO,     /* a/t for >=, t/a for <= (the mof-2020 formulas) */
    RS_M_DEVIATION, /* 1 − |a − t| / t, floored at 0 */
    RS_M_BINARY     /* met → 1, else 0 */
} rs_method;

typedef struct rs_pair {
    char from[RS_NAME_MAX];
    char to[RS_NAME_MAX];
} rs_pair;

typedef struct rs_tier {
    double bound; /* actual >= bound (in the indicator's unit) */
    double ratio; /* fraction of the weight */
} rs_tier;

typedef struct rs_override {
    char section[RS_NAME_MAX * 2 +
                 16];            /* the [override …] header: a child's same section replaces it */
    char match[RS_NAME_MAX * 2]; /* level-3 name, exact, or a glob pattern */
    bool pattern;                /* match is an fnmatch(3) pattern */
    rs_method method;
    rs_tier tiers[RS_MAX_TIERS]; /* sorted by bound, highest first */
    int ntiers;
    double limit; /* deduct: the limit in the indicator's unit */
    bool has_limit;
    double per_unit; /* deduct: points lost per unit beyond the limit */
    bool below;      /* deduct: distance below the limit counts (default: above) */
    int line;        /* where it was defined, for explanations */
} rs_override;

/* Keys every complete rule set must state (bits of jx_ruleset.seen): no policy defaults in code. */
enum {
    RS_SEEN_BUDGET_WEIGHT = 1 << 0,
    RS_SEEN_MISMATCH = 1 << 1,
    RS_SEEN_LE = 1 << 2,
    RS_SEEN_EQ = 1 << 3,
    RS_SEEN_EQ_TOL = 1 << 4,
    RS_SEEN_LATE = 1 << 5,
    RS_SEEN_OVER_THRESHOLD = 1 << 6,
    RS_SEEN_OVER_ACTION = 1 << 7,
    RS_SEEN_ALL = (1 << 8) - 1
};

struct jx_ruleset {
    char name[RS_NAME_MAX];
    unsigned seen; /* RS_SEEN_* bits stated somewhere in the chain */
    bool named;    /* the outermost file stated its own name */
    char title[256];
    char origin[512];
    char sha256[65];
    char *source; /* malloc'd: the texts of the extends chain, parent first */

    struct {
        char name[RS_NAME_MAX];
        double weight;
        bool imposed;
    } l1[RS_MAX_L1];
    int nl1;
    double budget_weight;
    double budget_mismatch; /* relative gap that raises budget_mismatch (0.05) */

    rs_pair l1_alias[RS_MAX_ALIASES];
    int nl1_alias;
    rs_pair unit_alias[RS_MAX_ALIASES];
    int nunit_alias;

    jx_op implicit_op;      /* operator of a bare number */
    jx_op implicit_zero_op; /* operator of a bare zero */
    rs_le_formula le;
    rs_eq_formula eq;
    double eq_tolerance;
    double late_ratio; /* deadline missed */

    double over_threshold; /* relative overshoot of >= targets that raises the flag */
    rs_overshoot over_action;
    double over_deduct; /* ratio lost per percentage point beyond the threshold */

    struct {
        char word[RS_NAME_MAX];
        double value;
    } grade[RS_MAX_GRADES];
    int ngrade;
    rs_pair grade_alias[RS_MAX_ALIASES];
    int ngrade_alias;
    struct {
        char name[RS_NAME_MAX];
        char words[RS_MAX_SCALE_WORDS][RS_WORD_MAX];
        int nwords;
    } scale[RS_MAX_SCALES];
    int nscale;

    struct {
        double value;  /* ratio of a plain band word */
        double lo, hi; /* an explicit rate must lie in [lo, hi] (fractions) */
        char words[RS_MAX_BAND_WORDS][RS_WORD_MAX];
        int nwords; /* actual prefixes (partial, failed) or words (met) mapping to the band */
    } band[RS_BAND__COUNT];

    struct {
        char grade[32];
        double min;
    } total_grade[RS_MAX_TOTAL_GRADES]; /* highest min first */
    int ntotal_grade;

    rs_override ovr[RS_MAX_OVERRIDES];
    int novr;

    /* [direction]: fnmatch patterns of 二级指标 / 三级指标 names whose unsigned number targets
     * are ceilings (lower is better: 成本指标, …受害率) */
    char dir_l2[RS_MAX_PATTERNS][RS_WORD_MAX];
    int ndir_l2;
    char dir_l3[RS_MAX_PATTERNS][RS_WORD_MAX];
    int ndir_l3;

    /* [statements]: what a statement actual (完成, 已完成) on a number target scores */
    bool stmt_scored; /* false: such an actual cannot be scored (an input error) */
    double stmt_ratio;

    /* [rounding]: the points each indicator (and the budget item) is credited with */
    int round_decimals;      /* -1: as computed; 0: whole points; 1: one decimal; ... */
    bool round_down;         /* cut (去尾) instead of half-up (四舍五入) */
    double review_threshold; /* [review] threshold: points of claimed − rule total (复核) */
    bool has_review_threshold;
};

/* The names of the attainment bands as written in rule files and actuals. */
extern const char *const rs_band_names[RS_BAND__COUNT];

/* Lookups used by the scorer (all linear scans over small tables). */
const char *rs_canonical_unit(const jx_ruleset *rs, const char *unit);
bool rs_grade_value(const jx_ruleset *rs, const char *word, double *value);
const rs_override *rs_find_override(const jx_ruleset *rs, const char *level3);
/* Points as the rule set credits them ([rounding]); x itself when it does not round. */
double rs_round_points(const jx_ruleset *rs, double x);
/* Does [direction] say the indicator's names mean "lower is better"? */
bool rs_lower_is_better(const jx_ruleset *rs, const char *level2, const char *level3);
int rs_level1_index(const jx_ruleset *rs, const char *canonical_name);

#endif
