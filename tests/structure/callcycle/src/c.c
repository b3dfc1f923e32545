/* c.c -- fixture: calls back into a.c: closes a -> b -> c -> a */
int a_one(int);
int c_one(int);
int c_two(int);

int
c_one(int x)
{
	return a_one(x);
}

int
c_two(int x)
{
	return a_one(x) + 1;
}
