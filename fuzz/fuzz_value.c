/*
 * fuzz_value.c - libFuzzer target for the value grammar (engine/src/value.c).
 *
 * The input is parsed whole by jx_value_parse(); then split at NUL bytes into
 * up to three cells for jx_value_parse_cells() (指标性质 | 指标值 | 度量单位) and
 * jx_op_parse(). Every value that parses is written back as JSON and text.
 * Oracles: the sanitizers, plus the documented contract (a failure zeroes the
 * value and leaves a message; a success gives a kind in range, a NUL-terminated
 * unit and text, and outputs whose reported length matches what was written).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/value.h"

#define CHECK(c) ((c) ? (void)0 : abort())

static void check_value(jx_err e, const jx_value *v, const jx_errmsg *msg)
{
    if (e) {
        CHECK(v->kind == JX_KIND_NA && !v->placeholder && v->num == 0);
        CHECK(memchr(msg->text, '\0', sizeof msg->text) != NULL && msg->text[0] != '\0');
        return;
    }
    CHECK(v->kind >= JX_KIND_NA && v->kind <= JX_KIND_DEADLINE);
    CHECK(v->op >= JX_OP_NONE && v->op <= JX_OP_EQ);
    CHECK(memchr(v->unit, '\0', sizeof v->unit) != NULL);
    CHECK(memchr(v->grade, '\0', sizeof v->grade) != NULL);
    CHECK(memchr(v->scale, '\0', sizeof v->scale) != NULL);
    CHECK(memchr(v->text, '\0', sizeof v->text) != NULL);
    if (v->kind == JX_KIND_DEADLINE)
        CHECK(v->month >= 1 && v->month <= 12 && v->day >= 1 && v->day <= 31);
    char buf[1024];
    size_t n = jx_value_to_json(v, buf, sizeof buf);
    CHECK(n < sizeof buf && strlen(buf) == n);
    char small[8];
    size_t m = jx_value_to_json(v, small, sizeof small);
    CHECK(m == n && strlen(small) < sizeof small);
    n = jx_value_to_text(v, buf, sizeof buf);
    CHECK(n < sizeof buf && strlen(buf) == n);
    CHECK(strcmp(jx_kind_str(v->kind), "") != 0);
    (void)jx_op_str(v->op);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jx_value v;
    jx_errmsg msg;
    /* exactly size bytes, not NUL-terminated: a copy of its own so ASan sees over-reads */
    char *copy = malloc(size ? size : 1);
    if (!copy) return 0;
    if (size) memcpy(copy, data, size);
    jx_err e = jx_value_parse(size ? copy : NULL, size, &v, &msg);
    check_value(e, &v, &msg);
    free(copy);

    /* three NUL-separated cells */
    char *cells = malloc(size + 1);
    if (!cells) return 0;
    memcpy(cells, data, size);
    cells[size] = '\0';
    const char *part[3] = {"", "", ""};
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= size && k < 3; i++)
        if (cells[i] == '\0') {
            part[k++] = cells + start;
            start = i + 1;
        }
    e = jx_value_parse_cells(part[0], part[1], part[2], &v, &msg);
    check_value(e, &v, &msg);
    jx_op op;
    bool qual;
    if (jx_op_parse(part[0], &op, &qual) == JX_OK) CHECK(op >= JX_OP_NONE && op <= JX_OP_EQ);
    free(cells);
    return 0;
}
