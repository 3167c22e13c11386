/*
 * numfmt.c - numbers as text, with printf's exact bytes at a fraction of its cost.
 *
 * glibc's printf of a double works in multi-precision arithmetic (≈ 1,500 instructions a
 * number), and the shortest-round-trip loop of JSON (%.15g, %.16g, %.17g, each read back with
 * strtod) cost ≈ 4,800 an number: a third of `evaluate --format json`. Here a double is
 * m × 2^e with m < 2^53, and for the numbers a listing holds (1e-4 ≤ |x| < 1e14) x × 10^k is
 * m × 5^k × 2^(e+k), exact in 128 bits: its floor and the exact remainder give the rounding that
 * printf does (to nearest, ties to even, on the exact binary value). Anything else (tiny, huge,
 * subnormal) goes to printf as before. tests/test_util.c checks the bytes against printf on
 * millions of numbers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jixiao/text.h"
#include "util/util_int.h"

typedef unsigned __int128 u128;

static const uint64_t P10[20] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull,
                                 10000000000000000000ull};
/* 10^0 … 10^22: exact as doubles, so N / 10^k (N < 2^53) is the correctly rounded quotient */
static const double P10D[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static uint64_t pow5(int k) /* k ≤ 27 */
{
    uint64_t p = 1;
    while (k-- > 0)
        p *= 5;
    return p;
}

/* |x| = m × 2^e with 2^52 ≤ m < 2^53 (x normal, finite, not zero) */
static void split(double x, uint64_t *m, int *e)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    *m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
    *e = (int)((bits >> 52) & 0x7FF) - 1075;
}

/* where the part of m × 2^e × 10^k below its floor lies: none, under ½, ½, over ½ */
enum { FR_ZERO, FR_LOW, FR_HALF, FR_HIGH };

/* floor(m × 2^e × 10^k) for 0 ≤ k ≤ 27 into *f (false when it does not fit 64 bits) */
static bool scaled(uint64_t m, int e, int k, uint64_t *f, int *frac)
{
    u128 v = (u128)m * pow5(k); /* < 2^53 × 5^27 < 2^116 */
    int t = e + k;
    if (t >= 0) {
        if (t >= 64 || (v << t) >> t != v || (v << t) >> 64) return false;
        *f = (uint64_t)(v << t);
        *frac = FR_ZERO;
        return true;
    }
    int s = -t;
    if (s >= 120) { /* below 2^-4: floor 0, a nonzero part under ½ */
        *f = 0;
        *frac = FR_LOW;
        return true;
    }
    u128 q = v >> s, r = v - (q << s), half = (u128)1 << (s - 1);
    if (q >> 64) return false;
    *f = (uint64_t)q;
    *frac = r == 0 ? FR_ZERO : r < half ? FR_LOW : r == half ? FR_HALF : FR_HIGH;
    return true;
}

/* f with its last j digits dropped, rounded to nearest, ties to even (frac: the part below f) */
static uint64_t drop_digits(uint64_t f, int frac, int j)
{
    if (j == 0) return f + (frac == FR_HIGH || (frac == FR_HALF && (f & 1)));
    uint64_t q = f / P10[j], d = f % P10[j], h = 5 * P10[j - 1];
    return q + (d > h || (d == h && (frac != FR_ZERO || (q & 1))));
}

/* Does the decimal n × 10^-kd read back (strtod) as m × 2^e? The exact half-way test. */
static bool reads_back(uint64_t n, int kd, double a, uint64_t m, int e)
{
    if (n < (1ull << 53) && kd <= 22) /* one correctly rounded division */
        return (double)n / P10D[kd] == a;
    if (kd > 27) return false;
    /* n / 10^kd against the half-way points c × 2^f around m × 2^e */
    bool low_gap = m == (1ull << 52); /* the next smaller double is nearer */
    uint64_t cu = 2 * m + 1, cl = low_gap ? 4 * m - 1 : 2 * m - 1;
    int fu = e - 1, fl = low_gap ? e - 2 : e - 1;
    int cmp[2];
    for (int side = 0; side < 2; side++) {
        uint64_t c = side ? cl : cu;
        int g = (side ? fl : fu) + kd;
        u128 lhs = n, rhs = (u128)c * pow5(kd); /* < 2^55 × 2^63 */
        if (g >= 0) {
            if (g > 8) return false; /* not reached for the numbers formatted here */
            rhs <<= g;
        } else {
            if (-g > 60) return false;
            lhs <<= -g; /* n < 2^64: fits */
        }
        cmp[side] = lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
    }
    bool even = !(m & 1);
    return (cmp[0] < 0 || (cmp[0] == 0 && even)) && (cmp[1] > 0 || (cmp[1] == 0 && even));
}

static const char DIGITS2[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* n × 10^-kd in fixed notation, with kd digits after the point, or with trailing zeros (and
 * then the point) dropped when trim */
static size_t put_fixed(char *o, bool neg, uint64_t n, int kd, bool trim)
{
    char tmp[48], *e = tmp + sizeof tmp, *p = e; /* the digits, written from the right */
    while (n >= 100) {
        p -= 2;
        memcpy(p, DIGITS2 + 2 * (n % 100), 2);
        n /= 100;
    }
    if (n >= 10) {
        p -= 2;
        memcpy(p, DIGITS2 + 2 * n, 2);
    } else {
        *--p = (char)('0' + n);
    }
    while (e - p <= kd) /* at least one digit before the point */
        *--p = '0';
    int lo = 0; /* trailing zeros to drop */
    if (trim)
        while (lo < kd && e[-1 - lo] == '0')
            lo++;
    size_t ni = (size_t)(e - p) - (size_t)kd;
    char *q = o;
    if (neg) *q++ = '-';
    memcpy(q, p, ni);
    q += ni;
    if (lo < kd) {
        *q++ = '.';
        memcpy(q, p + ni, (size_t)(kd - lo));
        q += kd - lo;
    }
    *q = '\0';
    return (size_t)(q - o);
}

size_t jx_json_number(char *dst, double x)
{
    if (!isfinite(x)) {
        memcpy(dst, "null", 5);
        return 4;
    }
    if (x == 0) return put_fixed(dst, signbit(x), 0, 0, true); /* 0 or -0, as printf */
    double a = fabs(x);
    if (a >= 1e-4 && a < 1e14) {
        uint64_t m, f;
        int e, frac;
        split(a, &m, &e);
        int x10 = (int)floor((e + 52) * 0.30102999566398120); /* 10^x10 ≤ 2^(e+52) ≤ a */
        bool ok = scaled(m, e, 16 - x10, &f, &frac);
        if (ok && f >= P10[17]) ok = scaled(m, e, 16 - ++x10, &f, &frac);
        int k = 16 - x10; /* f: the 17 significant digits' floor, 10^16 ≤ f < 10^17 */
        if (ok && f >= P10[16] && f < P10[17]) {
            for (int prec = 15; prec <= 17; prec++) {
                int j = 17 - prec, kd = k - j;
                uint64_t n = drop_digits(f, frac, j);
                if (n == P10[prec]) n = P10[prec - 1], kd--; /* 9.99… rounded up to 10 */
                if (kd < 0) break;                           /* (not reached: a < 1e14) */
                if (prec == 17 || reads_back(n, kd, a, m, e))
                    return put_fixed(dst, x < 0, n, kd, true);
            }
        }
    }
    /* printf's own: tiny and huge numbers, in exponent notation */
    int len = 0;
    for (int prec = 15; prec <= 17; prec++) {
        len = snprintf(dst, JX_NUMBER_ROOM, "%.*g", prec, x);
        if (strtod(dst, NULL) == x) break;
    }
    for (char *p = dst; *p; p++) /* a caller's LC_NUMERIC may use a decimal comma */
        if (*p == ',') *p = '.';
    return (size_t)len;
}

int jx_fmt_fixed(char *dst, size_t cap, double x, int decimals)
{
    double a = fabs(x);
    if (isfinite(x) && a < 1e14 && decimals >= 0 && decimals <= 9 && cap >= JX_NUMBER_ROOM) {
        uint64_t m, f;
        int e, frac;
        if (a == 0)
            f = 0, frac = FR_ZERO;
        else
            split(a, &m, &e);
        if (a == 0 || (a >= 0x1p-1022 && scaled(m, e, decimals, &f, &frac)))
            return (int)put_fixed(dst, signbit(x), drop_digits(f, frac, 0), decimals, false);
    }
    return snprintf(dst, cap, "%.*f", decimals, x);
}
