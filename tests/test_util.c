/*
 * test_util.c - the engine's shared helpers (util_int.h) that no other test reaches
 * directly: the string hash, UTF-8 checking and decoding, and display width.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/text.h"
#include "util/util_int.h"

/* The hash of a few keys, checked against a second implementation (Python, mod 2^64:
 * h = 14695981039346656037 ^ (n * 0x9e3779b97f4a7c15); for each whole 8-byte little-endian word v,
 * h = ((h ^ (v * 0xbf58476d1ce4e5b9)) * 0x9e3779b97f4a7c15) rotated left by 29; a tail of 1-7
 * bytes likewise, without the rotation; then h ^= h >> 33; h *= 0xff51afd7ed558ccd;
 * h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53; h ^= h >> 33). And how it spreads keys that differ only
 * at the end, as subject keys and 三级指标 do, over a table's low bits. */
static void test_hash(void **state)
{
    (void)state;
    assert_true(jx_hash_bytes("", 0) == 0xd725c98e9509182eull);
    assert_true(jx_hash_bytes("a", 1) == 0x0e06a4a0ca24b019ull);
    assert_true(jx_hash_bytes("数量1", strlen("数量1")) == 0x4a8e1d57f5375e10ull);
    assert_true(jx_hash_bytes("数量2", strlen("数量2")) == 0xa80e7d7a885600c2ull);
    const char *k = "12\x1f产出指标\x1f数量指标\x1f法律援助全年办结的案件数量";
    assert_true(jx_hash_bytes(k, strlen(k)) == 0x6a159080424211fdull);
    /* keys that differ in their last byte land in different slots of a small table */
    assert_true((jx_hash_str("数量1") & 63) != (jx_hash_str("数量2") & 63));
    /* the NUL-terminated form is the same hash; the length, not a NUL, ends a key */
    assert_true(jx_hash_str("部门\x1f项目") ==
                jx_hash_bytes("部门\x1f项目", strlen("部门\x1f项目")));
    assert_true(jx_hash_bytes("ab\0c", 4) != jx_hash_bytes("ab", 2));
    /* 4,096 keys 指标1 … 指标4096 in 8,192 slots: about n²/2m ≈ 1,024 colliding pairs for a
     * random function; a hash that ignores the last bytes would put them all in a few slots */
    static unsigned char slot[8192];
    size_t used = 0;
    for (int i = 1; i <= 4096; i++) {
        char key[32];
        snprintf(key, sizeof key, "指标%d", i);
        unsigned char *c = &slot[jx_hash_str(key) & 8191];
        used += !*c;
        *c = 1;
    }
    assert_true(used > 3100); /* a random function fills 8192 (1 − e^−0.5) ≈ 3,223 */
}

#define CHECK(lit) jx_utf8_check(lit, sizeof lit - 1)

/* Valid characters give their length; a valid beginning cut short by len is JX_UTF8_CUT, also
 * when one byte is all there is; anything else is 0 (overlong, surrogate, > U+10FFFF, stray
 * continuation bytes, a cut sequence whose bytes so far are already wrong). */
static void test_utf8_check(void **state)
{
    (void)state;
    assert_int_equal(CHECK("a"), 1);
    assert_int_equal(CHECK("\xC3\xA9"), 2);               /* é */
    assert_int_equal(CHECK("\xE6\xB1\x89"), 3);           /* 汉 */
    assert_int_equal(CHECK("\xF0\x9F\x98\x80"), 4);       /* U+1F600 */
    assert_int_equal(CHECK("\xF4\x8F\xBF\xBF"), 4);       /* U+10FFFF */
    assert_int_equal(CHECK("\xE6\xB1\x89\xE6"), 3);       /* only the first character counts */
    assert_int_equal(CHECK("\xE6"), JX_UTF8_CUT);         /* 汉, cut after one byte */
    assert_int_equal(CHECK("\xE6\xB1"), JX_UTF8_CUT);     /* ... after two */
    assert_int_equal(CHECK("\xF0\x9F\x98"), JX_UTF8_CUT); /* U+1F600 after three */
    assert_int_equal(CHECK("\xC0\x80"), 0);               /* overlong NUL */
    assert_int_equal(CHECK("\xE0\x80\x80"), 0);           /* overlong */
    assert_int_equal(CHECK("\xE0\x9F"), 0);               /* overlong already at the second byte */
    assert_int_equal(CHECK("\xED\xA0\x80"), 0);           /* surrogate U+D800 */
    assert_int_equal(CHECK("\xF4\x90\x80\x80"), 0);       /* U+110000 */
    assert_int_equal(CHECK("\xF5\x80\x80\x80"), 0);
    assert_int_equal(CHECK("\x80"), 0);     /* a continuation byte alone */
    assert_int_equal(CHECK("\xE6\x41"), 0); /* cut, but A is no continuation */
    assert_int_equal(jx_utf8_check("a", 0), 0);
}

static void test_utf8_decode(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(jx_utf8_decode("\xE6\xB1\x89", 3, &cp), 3);
    assert_int_equal(cp, 0x6C49);
    assert_int_equal(jx_utf8_decode("\xC3\xA9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(jx_utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(jx_utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
    assert_int_equal(cp, 0x10FFFF);
    assert_int_equal(jx_utf8_decode("~", 1, &cp), 1);
    assert_int_equal(cp, '~');
    /* invalid or cut: 0, and *cp untouched */
    assert_int_equal(jx_utf8_decode("\xE6\xB1", 2, &cp), 0);
    assert_int_equal(jx_utf8_decode("\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(cp, '~');
}

/* Widths by the table (not wcwidth): CJK and full-width forms 2, the rest 1. */
static void test_utf8_width(void **state)
{
    (void)state;
    assert_int_equal(jx_text_width("部门A"), 5);
    assert_int_equal(jx_text_width("，（）％￥"), 10); /* U+FF0C FF08 FF09 FF05 FFE5 */
    assert_int_equal(jx_text_width("한글"), 4);        /* Hangul */
    assert_int_equal(jx_text_width("abc"), 3);
    assert_int_equal(jx_text_width("é—→"), 3); /* Latin, U+2014, U+2192 */
    assert_int_equal(jx_text_width("〿"), 1);   /* U+303F, the one narrow in its block */
    assert_int_equal(jx_text_width("\xF0\x9F\x98\x80"), 1); /* U+1F600: narrow in the table */
    assert_int_equal(jx_text_width("\x80x\xE6\xB1"), 4);    /* an invalid byte counts 1 */
    assert_int_equal(jx_text_width(""), 0);
    assert_int_equal(jx_text_width(NULL), 0);
    /* the same through the internal form with a length */
    assert_int_equal(jx_utf8_width("部门A", 3), 2);
}

/* JSON escaping: quote, backslash and control characters; UTF-8 copied; pieces cut anywhere
 * join to the same text. */
static void test_json_escape(void **state)
{
    (void)state;
    char buf[JX_JSON_ROOM(64)];
    const char *in = "a\"b\\c\nd\re\tf\bg\fh\x01i\x1f大竹";
    size_t n = jx_json_escape(buf, in, strlen(in));
    assert_string_equal(buf, "a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001f大竹");
    assert_int_equal(n, strlen(buf));
    /* the worst case fills the room exactly */
    char ctl[64];
    memset(ctl, 0x1f, sizeof ctl);
    assert_int_equal(jx_json_escape(buf, ctl, sizeof ctl), JX_JSON_ROOM(64) - 1);
    /* in pieces, a UTF-8 character cut between them */
    char a[32], b[32];
    jx_json_escape(a, "大", 2);
    jx_json_escape(b, "大" + 2, 1);
    char joined[64];
    snprintf(joined, sizeof joined, "%s%s", a, b);
    assert_string_equal(joined, "大");
    assert_int_equal(jx_json_escape(buf, "", 0), 0);
    assert_string_equal(buf, "");
}

/* The characters that hide or reorder text are escaped; their neighbours in UTF-8 are not. */
static void test_json_escape_hidden(void **state)
{
    (void)state;
    char buf[JX_JSON_ROOM(64)];
    const char *in = "a\u202Eb\u2066c\u200Fd\u061Ce\xC2\x85"
                     "f—g\u2028h\u00A9";
    jx_json_escape(buf, in, strlen(in));
    assert_string_equal(buf, "a\\u202eb\\u2066c\\u200fd\\u061ce\\u0085f—g\u2028h\u00A9");
    jx_json_escape(buf, "\xE2\x80", 2); /* cut short: copied as it is */
    assert_string_equal(buf, "\xE2\x80");
}

/* printf's bytes (the shortest of %.15g, %.16g, %.17g that reads back; %.Nf), worked by hand
 * for a few, and compared with printf itself on many: random bits, short decimals and their
 * products, and numbers next to a half-way point (3.6 million of them agreed when this was written;
 * the test keeps it quick). */
static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static void json_ref(char *b, double x)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(b, 40, "%.*g", p, x);
        if (strtod(b, NULL) == x) return;
    }
}

static void check_number(double x)
{
    char got[JX_NUMBER_ROOM], want[64];
    size_t n = jx_json_number(got, x);
    if (isfinite(x))
        json_ref(want, x);
    else
        strcpy(want, "null");
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
    for (int d = 0; d <= 4; d++) {
        int k = jx_fmt_fixed(got, sizeof got, x, d);
        if (fabs(x) > 1e20) continue; /* printf's own, and longer than got */
        snprintf(want, sizeof want, "%.*f", d, x);
        assert_string_equal(got, want);
        assert_int_equal(k, (int)strlen(want));
    }
}

static void test_numbers(void **state)
{
    (void)state;
    char b[JX_NUMBER_ROOM];
    jx_json_number(b, 0.1);
    assert_string_equal(b, "0.1");
    jx_json_number(b, 0.1 + 0.2); /* 16 digits do not read back: 17 */
    assert_string_equal(b, "0.30000000000000004");
    jx_json_number(b, 3.125);
    assert_string_equal(b, "3.125");
    jx_json_number(b, -0.0);
    assert_string_equal(b, "-0");
    jx_json_number(b, 1e-7);
    assert_string_equal(b, "1e-07"); /* printf's own: exponent notation */
    jx_json_number(b, NAN);
    assert_string_equal(b, "null");
    jx_fmt_fixed(b, sizeof b, 2.5, 0); /* ties to even, on the exact binary value */
    assert_string_equal(b, "2");
    jx_fmt_fixed(b, sizeof b, 0.125, 2);
    assert_string_equal(b, "0.12");
    jx_fmt_fixed(b, sizeof b, 1.005, 2); /* 1.00499999999999989… */
    assert_string_equal(b, "1.00");
    jx_fmt_fixed(b, sizeof b, -0.00001, 4);
    assert_string_equal(b, "-0.0000");
    const double special[] = {0,
                              1,
                              0.5,
                              1e-4,
                              9.9999999999999e-5,
                              1e14,
                              1e15,
                              1e300,
                              5e-324,
                              2.2250738585072014e-308,
                              99999999999999.99,
                              0.99999999999999994,
                              INFINITY};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        check_number(special[i]);
        check_number(-special[i]);
    }
    for (int i = 0; i < 30000; i++) {
        uint64_t r = rnd();
        double x;
        memcpy(&x, &r, sizeof x);
        if (!isnan(x)) check_number(x);
        check_number(ldexp((double)(rnd() >> 11), (int)(rnd() % 80) - 90));
        double q = (double)(rnd() % 10000000) / pow(10, (double)(rnd() % 12));
        check_number(q);
        check_number(q * 3.125);
        check_number(q / 7);
        check_number((double)(rnd() % 1000) / (double)(rnd() % 1000 + 1) * (double)(rnd() % 100));
        double t = (double)(rnd() % 100000) * 1e-4 + 0.00005; /* next to a half-way point */
        check_number(t);
        check_number(nextafter(t, 0));
        check_number(nextafter(t, 1));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash),        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_utf8_decode), cmocka_unit_test(test_utf8_width),
        cmocka_unit_test(test_json_escape), cmocka_unit_test(test_json_escape_hidden),
        cmocka_unit_test(test_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
