/* z.c -- fixture: a .c including its own .h is no cycle */
#include "z.h"
#include "x.h"

int
z_one(void)
{
	return x_one();
}
