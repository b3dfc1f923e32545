/* b.c -- fixture: clean tree, calls a.c; b_eighty() is exactly 80 lines */
#include "a.h"

int b_eighty(int);

int
b_eighty(int x)
{
	x = a_one(x);	/* 1 */
	x = a_one(x);	/* 2 */
	x = a_one(x);	/* 3 */
	x = a_one(x);	/* 4 */
	x = a_one(x);	/* 5 */
	x = a_one(x);	/* 6 */
	x = a_one(x);	/* 7 */
	x = a_one(x);	/* 8 */
	x = a_one(x);	/* 9 */
	x = a_one(x);	/* 10 */
	x = a_one(x);	/* 11 */
	x = a_one(x);	/* 12 */
	x = a_one(x);	/* 13 */
	x = a_one(x);	/* 14 */
	x = a_one(x);	/* 15 */
	x = a_one(x);	/* 16 */
	x = a_one(x);	/* 17 */
	x = a_one(x);	/* 18 */
	x = a_one(x);	/* 19 */
	x = a_one(x);	/* 20 */
	x = a_one(x);	/* 21 */
	x = a_one(x);	/* 22 */
	x = a_one(x);	/* 23 */
	x = a_one(x);	/* 24 */
	x = a_one(x);	/* 25 */
	x = a_one(x);	/* 26 */
	x = a_one(x);	/* 27 */
	x = a_one(x);	/* 28 */
	x = a_one(x);	/* 29 */
	x = a_one(x);	/* 30 */
	x = a_one(x);	/* 31 */
	x = a_one(x);	/* 32 */
	x = a_one(x);	/* 33 */
	x = a_one(x);	/* 34 */
	x = a_one(x);	/* 35 */
	x = a_one(x);	/* 36 */
	x = a_one(x);	/* 37 */
	x = a_one(x);	/* 38 */
	x = a_one(x);	/* 39 */
	x = a_one(x);	/* 40 */
	x = a_one(x);	/* 41 */
	x = a_one(x);	/* 42 */
	x = a_one(x);	/* 43 */
	x = a_one(x);	/* 44 */
	x = a_one(x);	/* 45 */
	x = a_one(x);	/* 46 */
	x = a_one(x);	/* 47 */
	x = a_one(x);	/* 48 */
	x = a_one(x);	/* 49 */
	x = a_one(x);	/* 50 */
	x = a_one(x);	/* 51 */
	x = a_one(x);	/* 52 */
	x = a_one(x);	/* 53 */
	x = a_one(x);	/* 54 */
	x = a_one(x);	/* 55 */
	x = a_one(x);	/* 56 */
	x = a_one(x);	/* 57 */
	x = a_one(x);	/* 58 */
	x = a_one(x);	/* 59 */
	x = a_one(x);	/* 60 */
	x = a_one(x);	/* 61 */
	x = a_one(x);	/* 62 */
	x = a_one(x);	/* 63 */
	x = a_one(x);	/* 64 */
	x = a_one(x);	/* 65 */
	x = a_one(x);	/* 66 */
	x = a_one(x);	/* 67 */
	x = a_one(x);	/* 68 */
	x = a_one(x);	/* 69 */
	x = a_one(x);	/* 70 */
	x = a_one(x);	/* 71 */
	x = a_one(x);	/* 72 */
	x = a_one(x);	/* 73 */
	x = a_one(x);	/* 74 */
	x = a_one(x);	/* 75 */
	x = a_one(x);	/* 76 */
	x = a_one(x);	/* 77 */
	return x;
}
