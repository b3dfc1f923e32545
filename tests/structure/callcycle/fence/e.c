/* e.c -- fixture: calls a.c, nobody calls e.c: no cycle through here */
int a_one(int);
int e_one(void);

int
e_one(void)
{
	return a_one(3);
}
