/* y.c -- fixture: includes x.h: x.[ch] -> y.[ch] -> x.[ch] */
#include "y.h"
#include "x.h"

int
y_one(void)
{
	return 2;
}
