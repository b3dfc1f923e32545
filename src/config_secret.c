/*
 * config_secret.c -- reading the files that hold secrets: the config file
 * itself and password files (see config.h).
 *
 * A private file is a regular file owned by the user hawatch runs as that
 * no group or other user can access.  It is opened first and checked on
 * the open descriptor, so what is checked is what is read.  The config
 * file is read whole, at most CONFIG_MAX_BYTES, before libconfig sees it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static int
private_fd_ok(int fd, const char *path, const char *what, size_t max,
    char *err)
{
	struct stat	st;

	if (fstat(fd, &st) == -1) {
		set_err(err, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, "%s %s: not a regular file", what, path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		set_err(err, "%s %s is owned by uid %u, not by uid %u that "
		    "hawatch runs as; run: chown %u %s", what, path,
		    (unsigned)st.st_uid, (unsigned)geteuid(),
		    (unsigned)geteuid(), path);
		return -1;
	}
	if ((st.st_mode & 0077) != 0) {
		set_err(err, "%s %s has mode %04o: group or others can access "
		    "it; run: chmod 600 %s", what, path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		set_err(err, "%s %s is %llu bytes, more than the limit of %zu",
		    what, path, (unsigned long long)st.st_size, max);
		return -1;
	}
	return 0;
}

/* open path and check it is private; the fd, or -1 with err */
static int
private_open(const char *path, const char *what, size_t max, char *err)
{
	int	fd;

	/* O_NONBLOCK: a FIFO in its place must not hang us before the check */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		set_err(err, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (private_fd_ok(fd, path, what, max, err) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* read at most max bytes of a checked file into buf[max + 1]; the length */
static ssize_t
private_read(const char *path, const char *what, char *buf, size_t max,
    char *err)
{
	size_t	n = 0;
	ssize_t	r;
	int	fd;

	if ((fd = private_open(path, what, max, err)) == -1)
		return -1;
	while (n < max + 1) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, "%s %s: %s", what, path, strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		set_err(err, "%s %s: more than the limit of %zu bytes", what,
		    path, max);
		return -1;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL) {
		set_err(err, "%s %s: contains a NUL byte", what, path);
		return -1;
	}
	return (ssize_t)n;
}

char *
config_read_private(const char *path, char *err)
{
	char	*buf = xcalloc(1, CONFIG_MAX_BYTES + 1);

	if (private_read(path, "config file", buf, CONFIG_MAX_BYTES,
	    err) == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
config_check_secret_file(const char *path, char *err)
{
	int	fd = private_open(path, "password file", CFG_SECRET + 2, err);

	if (fd == -1)
		return -1;
	close(fd);
	return 0;
}

int
config_read_secret_file(const char *path, char *out, size_t len, char *err)
{
	char	buf[CFG_SECRET + 3];
	ssize_t	r;
	size_t	n;

	/* a password of CFG_SECRET - 1 bytes plus CR LF is the longest file */
	r = private_read(path, "password file", buf, CFG_SECRET + 1, err);
	if (r < 0) {
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	n = (size_t)r;
	/* one line: drop the trailing newline (and a CR before it) */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (memchr(buf, '\n', n) != NULL) {
		set_err(err, "password file %s: more than one line", path);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	if (n >= len) {
		set_err(err, "password file %s: password longer than %zu bytes",
		    path, len - 1);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	memcpy(out, buf, n + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}
