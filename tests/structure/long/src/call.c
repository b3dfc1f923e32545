/* call.c -- fixture: long_call() calls back into long.c: a two-file cycle */
int long_fn(int);
int long_call(int);

int
long_call(int x)
{
	return long_fn(x);
}
