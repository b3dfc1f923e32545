/* b.c -- fixture: calls c_one() */
int b_one(int);
int c_one(int);

int
b_one(int x)
{
	return c_one(x);
}
