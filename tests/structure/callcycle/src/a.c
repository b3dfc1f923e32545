/* a.c -- fixture: calls b_one() and d_one(); called back by c.c and d.c */
int a_one(int);
int b_one(int);
int d_one(int);

int
a_one(int x)
{
	return x > 0 ? b_one(x - 1) + d_one(x - 1) : 0;
}
