/* x.c -- fixture: includes its own header, y.h and (through -Isrc/sub) w.h */
#include "x.h"
#include "y.h"
#include "w.h"

int
x_one(void)
{
	return W_ONE;
}
