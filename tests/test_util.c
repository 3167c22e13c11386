/*
 * test_util.c - the engine's shared helpers (util_int.h) that no other test reaches
 * directly: the string hash, UTF-8 checking and decoding, display width, and growth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/util_int.h"

/* FNV-1a (64-bit) finished with murmur3's avalanche. Expected values from an independent
 * implementation (Python, the FNV offset basis 14695981039346656037 and prime 1099511628211,
 * then h ^= h >> 33; h *= 0xff51afd7ed558ccd; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53;
 * h ^= h >> 33, all mod 2^64). */
static void test_hash(void **state)
{
    (void)state;
    assert_true(jx_hash_bytes("", 0) == 0xd725c98e9509182eull);
    assert_true(jx_hash_bytes("a", 1) == 0x43a941547f0150e5ull);
    assert_true(jx_hash_bytes("数量1", strlen("数量1")) == 0x39162f6973852021ull);
    assert_true(jx_hash_bytes("数量2", strlen("数量2")) == 0x3a310d1787f54c72ull);
    /* keys that differ in their last byte land in different slots of a small table */
    assert_true((jx_hash_str("数量1") & 63) != (jx_hash_str("数量2") & 63));
    /* the NUL-terminated form is the same hash; the length, not a NUL, ends a key */
    assert_true(jx_hash_str("部门\x1f项目") ==
                jx_hash_bytes("部门\x1f项目", strlen("部门\x1f项目")));
    assert_true(jx_hash_bytes("ab\0c", 4) != jx_hash_bytes("ab", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
