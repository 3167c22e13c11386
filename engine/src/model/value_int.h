/*
 * value_int.h - value-grammar helpers shared inside the model stage (internal).
 */
#ifndef JIXIAO_VALUE_INT_H
#define JIXIAO_VALUE_INT_H

#include <stdbool.h>

#include "jixiao/value.h"

/* Days in month m (1..12) of year y (0: a year that is not a leap year). */
int jx_month_days(int y, int m);

/* An actual written as a month (`7月`: a whole number from 1 to 12 in the unit 月) read against a
 * deadline: done in that month, so by its last day in year y (the record's). false when a is not
 * such a number (then *out is untouched). */
bool jx_month_actual(const jx_value *a, int y, jx_value *out);

#endif
