/*
 * story_golden.h -- the golden-file machinery shared by the story runners
 * (check_scenarios.c: the decision core; check_story_rules.c: reconcile
 * and restart rules; check_story_sweep.c: the sweeper ladder;
 * check_story_act.c: the executor).  Include once, after check.h; every
 * function is static.
 *
 * Each runner globs $HAWATCH_TOP/tests/scenarios/<theme>-NNN-slug/ and
 * runs the stories of its layer: the layer is the script's first command,
 * `layer <name>`; a script without one is a core story.  For each story
 * it needs a README, runs `script`, writes `actual` and compares it with
 * `expect` (first differing line reported).
 *
 *   HAWATCH_TOP=<dir>          repo root (default ".")
 *   HAWATCH_SCEN_OUT=<dir>     where <slug>/actual goes (default
 *                              build/scenarios/, else /tmp/hawatch-scenarios/)
 *   SCEN=<substring>           run only matching stories
 *   BLESS=1                    write expect from actual
 *   HAWATCH_STORY_PASSLOG=<f>  append the slug of every passing story
 *                              (scripts/mutants.py reads it)
 */
#ifndef HAWATCH_STORY_GOLDEN_H
#define HAWATCH_STORY_GOLDEN_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORY_OUTMAX	(256 * 1024)

/* A layer's runner: script path in, text out (NUL-terminated, *outn
 * bytes), 0; -1 with err filled. */
typedef int (*story_run_fn)(const char *script, char *out, size_t *outn,
    char *err, size_t errsz);

static char		 sg_top[1024], sg_outdir[1024];
static glob_t		 sg_glob;
static size_t		*sg_idx;
static const char	*sg_layer;
static story_run_fn	 sg_run;

static void sg_fmt(char *buf, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* snprintf for paths and messages: truncation is acceptable here. */
static void
sg_fmt(char *buf, size_t sz, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

static int
sg_read(const char *path, char **out, size_t *len)
{
	FILE	*f;
	long	 n;

	*out = NULL;
	*len = 0;
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fclose(f);
		return -1;
	}
	*out = calloc(1, (size_t)n + 1);
	*len = fread(*out, 1, (size_t)n, f);
	fclose(f);
	return 0;
}

static int
sg_write(const char *path, const char *data, size_t len)
{
	FILE	*f;
	int	 r;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	r = fwrite(data, 1, len, f) == len ? 0 : -1;
	if (fclose(f) != 0)
		r = -1;
	return r;
}

static void
sg_mkdirs(const char *path)
{
	char	tmp[1024], *q;

	sg_fmt(tmp, sizeof(tmp), "%s", path);
	for (q = tmp + 1; *q; q++)
		if (*q == '/') {
			*q = '\0';
			mkdir(tmp, 0755);
			*q = '/';
		}
	mkdir(tmp, 0755);
}

/* The story's layer: the first command of its script when it is
 * `layer <name>`, else "core".  Written into buf. */
static void
sg_script_layer(const char *script, char *buf, size_t sz)
{
	char	*text, *p, *e;
	size_t	 len;

	sg_fmt(buf, sz, "core");
	if (sg_read(script, &text, &len) == -1)
		return;
	for (p = text; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		p += strspn(p, " \t");
		if (p == e || *p == '#')
			continue;
		if (strncmp(p, "layer", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
			p += 5 + strspn(p + 5, " \t");
			len = strcspn(p, " \t\n#");
			sg_fmt(buf, sz, "%.*s", (int)len, p);
		}
		break;
	}
	free(text);
}

/* Line n (0-based) of text, copied to buf; NULL past the end. */
static const char *
sg_nth_line(const char *text, size_t n, char *buf, size_t sz)
{
	const char	*e;
	size_t		 l;

	while (n-- > 0) {
		if ((text = strchr(text, '\n')) == NULL)
			return NULL;
		text++;
	}
	if (*text == '\0')
		return NULL;
	e = strchr(text, '\n');
	l = e ? (size_t)(e - text) : strlen(text);
	if (l >= sz)
		l = sz - 1;
	memcpy(buf, text, l);
	buf[l] = '\0';
	return buf;
}

/* A unified-diff-like message around the first differing line. */
static void
sg_first_diff(const char *slug, const char *exp, const char *act, char *msg,
    size_t sz)
{
	char		 a[256], b[256], c[256];
	const char	*la, *lb;
	size_t		 i, j, off;

	for (i = 0;; i++) {
		la = sg_nth_line(exp, i, a, sizeof(a));
		lb = sg_nth_line(act, i, b, sizeof(b));
		if (la == NULL || lb == NULL || strcmp(la, lb) != 0)
			break;
	}
	off = (size_t)snprintf(msg, sz, "story %s differs at line %zu\n"
	    "--- expect\n+++ actual\n@@ -%zu +%zu @@\n", slug, i + 1, i + 1,
	    i + 1);
	for (j = i > 3 ? i - 3 : 0; j < i && off < sz; j++)
		off += (size_t)snprintf(msg + off, sz - off, " %s\n",
		    sg_nth_line(exp, j, c, sizeof(c)));
	if (off < sz)
		snprintf(msg + off, sz - off, "-%s\n+%s\n",
		    la ? la : "(end of expect)", lb ? lb : "(end of actual)");
}

/* One script line: its time (t=<ms>, 0 without) and its words. */
struct sg_line {
	uint64_t	 t;
	char		*w[24];
	int		 n;
	int		 lineno;
};

/*
 * Split a layer script into lines (comments and the `layer` line
 * dropped; `end t=<ms>` sets *end).  Times must not decrease.  The words
 * point into buf.  0, or -1 with err ("<path>:<line>: ...").
 */
static __attribute__((unused)) int
sg_parse(const char *path, char *buf, size_t bufsz, struct sg_line *L,
    size_t cap, size_t *nl, uint64_t *end, char *err, size_t errsz)
{
	FILE	*f;
	char	*line, *save, *tok, *sv2, *hash;
	size_t	 len;
	int	 lineno = 0;

	*nl = 0;
	if ((f = fopen(path, "r")) == NULL) {
		sg_fmt(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	len = fread(buf, 1, bufsz - 1, f);
	fclose(f);
	buf[len] = '\0';
	for (line = buf; line != NULL; line = save) {
		if ((save = strchr(line, '\n')) != NULL)
			*save++ = '\0';
		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		memset(&L[*nl], 0, sizeof(L[*nl]));
		L[*nl].lineno = lineno;
		for (tok = strtok_r(line, " \t", &sv2); tok != NULL;
		    tok = strtok_r(NULL, " \t", &sv2)) {
			if (strncmp(tok, "t=", 2) == 0) {
				char *e;

				L[*nl].t = strtoull(tok + 2, &e, 10);
				if (*e != '\0' || e == tok + 2)
					goto bad;
			} else if (L[*nl].n == 24)
				goto bad;
			else
				L[*nl].w[L[*nl].n++] = tok;
		}
		if (L[*nl].n == 0 || strcmp(L[*nl].w[0], "layer") == 0)
			continue;
		if (strcmp(L[*nl].w[0], "end") == 0) {
			*end = L[*nl].t;
			continue;
		}
		if (*nl > 0 && L[*nl].t < L[*nl - 1].t)
			goto bad;
		if (++*nl == cap)
			goto bad;
	}
	return 0;
bad:
	sg_fmt(err, errsz, "%s:%d: bad line", path, lineno);
	return -1;
}

/* Append to a story's output (truncates at STORY_OUTMAX). */
static void sg_out(char *out, size_t *outn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));

static __attribute__((unused)) void
sg_out(char *out, size_t *outn, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(out + *outn, STORY_OUTMAX - *outn, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < STORY_OUTMAX - *outn)
		*outn += (size_t)n;
}

/* The value after keyword k in w[from..n-1], or NULL. */
static __attribute__((unused)) const char *
sg_kw(char **w, int n, int from, const char *k)
{
	int	i;

	for (i = from; i < n; i++)
		if (strcmp(w[i], k) == 0)
			return i + 1 < n ? w[i + 1] : "";
	return NULL;
}

/* Keyword k present as a flag in w[from..n-1]. */
static __attribute__((unused)) int
sg_flag(char **w, int n, int from, const char *k)
{
	return sg_kw(w, n, from, k) != NULL;
}

static __attribute__((unused)) uint64_t
sg_u64(const char *v)
{
	return v != NULL ? strtoull(v, NULL, 10) : 0;
}

static void
sg_passed(const char *slug)
{
	const char	*log = getenv("HAWATCH_STORY_PASSLOG");
	char		 line[300];
	int		 fd;

	if (log == NULL || *log == '\0')
		return;
	if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644)) == -1)
		return;
	sg_fmt(line, sizeof(line), "%s\n", slug);
	if (write(fd, line, strlen(line)) < 0)
		line[0] = '\0';
	close(fd);
}

START_TEST(test_story)
{
	static char	 out[STORY_OUTMAX];
	char		 dir[1200], path[1400], odir[1400], msg[4096];
	char		 err[1024];
	const char	*slug, *bless = getenv("BLESS");
	char		*exp = NULL, *readme = NULL;
	size_t		 elen = 0, rlen = 0, outn = 0, l;

	sg_fmt(dir, sizeof(dir), "%s", sg_glob.gl_pathv[sg_idx[_i]]);
	l = strlen(dir);
	if (l > 0 && dir[l - 1] == '/')
		dir[--l] = '\0';
	slug = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;

	sg_fmt(path, sizeof(path), "%s/README", dir);
	ck_assert_msg(sg_read(path, &readme, &rlen) == 0 && rlen > 0,
	    "story %s: README missing or empty", slug);
	free(readme);

	err[0] = '\0';
	out[0] = '\0';
	sg_fmt(path, sizeof(path), "%s/script", dir);
	ck_assert_msg(sg_run(path, out, &outn, err, sizeof(err)) == 0,
	    "story %s: %s", slug, err);

	sg_fmt(odir, sizeof(odir), "%s/%s", sg_outdir, slug);
	sg_mkdirs(odir);
	sg_fmt(path, sizeof(path), "%s/actual", odir);
	ck_assert_msg(sg_write(path, out, outn) == 0,
	    "story %s: cannot write %s", slug, path);

	sg_fmt(path, sizeof(path), "%s/expect", dir);
	if (bless != NULL && strcmp(bless, "1") == 0) {
		ck_assert_msg(sg_write(path, out, outn) == 0,
		    "story %s: cannot bless %s", slug, path);
		fprintf(stderr, "blessed %s\n", path);
		return;
	}
	ck_assert_msg(sg_read(path, &exp, &elen) == 0,
	    "story %s: no expect file (review %s/actual, then run with "
	    "BLESS=1)", slug, odir);
	if (elen != outn || memcmp(exp, out, elen) != 0) {
		sg_first_diff(slug, exp, out, msg, sizeof(msg));
		free(exp);
		ck_abort_msg("%s(full actual: %s/actual)", msg, odir);
	}
	free(exp);
	sg_passed(slug);
}
END_TEST

static void
sg_paths(void)
{
	const char	*top = getenv("HAWATCH_TOP");
	const char	*out = getenv("HAWATCH_SCEN_OUT");
	struct stat	 sb;

	sg_fmt(sg_top, sizeof(sg_top), "%s", top && *top ? top : ".");
	if (out && *out)
		sg_fmt(sg_outdir, sizeof(sg_outdir), "%s", out);
	else {
		sg_fmt(sg_outdir, sizeof(sg_outdir), "%s/build", sg_top);
		if (stat(sg_outdir, &sb) == 0 && S_ISDIR(sb.st_mode))
			sg_fmt(sg_outdir, sizeof(sg_outdir),
			    "%s/build/scenarios", sg_top);
		else
			sg_fmt(sg_outdir, sizeof(sg_outdir),
			    "/tmp/hawatch-scenarios");
	}
}

/* The runner's main(): the stories of `layer` (a subset under SCEN). */
static int
sg_main(const char *layer, story_run_fn run)
{
	char		 pat[1200], path[1400], lay[64];
	const char	*only = getenv("SCEN");
	Suite		*su;
	TCase		*tc;
	SRunner		*sr;
	size_t		 i, j;
	int		 nf;

	sg_layer = layer;
	sg_run = run;
	sg_paths();
	sg_fmt(pat, sizeof(pat), "%s/tests/scenarios/*/", sg_top);
	if (glob(pat, 0, NULL, &sg_glob) != 0 || sg_glob.gl_pathc == 0) {
		fprintf(stderr, "%s stories: none under %s\n", layer, pat);
		return 1;
	}
	sg_idx = calloc(sg_glob.gl_pathc, sizeof(*sg_idx));
	for (i = j = 0; i < sg_glob.gl_pathc; i++) {
		if (only != NULL && strstr(sg_glob.gl_pathv[i], only) == NULL)
			continue;
		sg_fmt(path, sizeof(path), "%sscript", sg_glob.gl_pathv[i]);
		sg_script_layer(path, lay, sizeof(lay));
		sg_fmt(pat, sizeof(pat), " %s ", lay);
		if (strstr(" core reconcile restart sweep act ", pat) == NULL) {
			fprintf(stderr, "%s: unknown layer \"%s\" (core, "
			    "reconcile, restart, sweep, act)\n", path, lay);
			return 1;
		}
		if (strcmp(lay, sg_layer) == 0)
			sg_idx[j++] = i;
	}
	su = suite_create(layer);
	tc = tcase_create("stories");
	tcase_add_loop_test(tc, test_story, 0, (int)j);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	globfree(&sg_glob);
	free(sg_idx);
	return nf == 0 ? 0 : 1;
}

#endif
