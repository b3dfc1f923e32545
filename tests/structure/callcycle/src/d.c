/* d.c -- fixture: calls back into a.c: closes a <-> d */
int a_one(int);
int d_one(int);

int
d_one(int x)
{
	return x ? a_one(x - 1) : 1;
}
