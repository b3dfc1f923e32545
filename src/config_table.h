/*
 * config_table.h -- how a module describes its configuration keys.
 *
 * Each module owns one table of its keys (name, type, where the value lands
 * in struct config, default, range or allowed values, a one-line doc) and,
 * where keys depend on each other, one check run after the whole file is
 * read.  The libconfig walker (config.c) applies defaults, parses, checks
 * and dumps from these tables alone, so `config-check` and `run` read the
 * file through the same code and can never disagree.
 *
 * Tables:  config_root_table (config_keys.c) names the groups;
 *          db_config_table (src/db/db_keys.c), daemon_config_table
 *          (src/core/policy_keys.c), bmc_config_table (fence/bmc_keys.c),
 *          sweep_config_table (reconcile/sweep_keys.c), pool_config_table
 *          (src/pool_keys.c), reconcile_config_table
 *          (reconcile/reconcile_keys.c), metrics_config_table
 *          (src/metrics_keys.c).
 */
#ifndef HAWATCH_CONFIG_TABLE_H
#define HAWATCH_CONFIG_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct config;			/* config.h */

enum cfg_type {
	CFGT_STRING,	/* char[size]: UTF-8, no control characters */
	CFGT_UINT,	/* unsigned or uint64_t (by size), min..max */
	CFGT_INT,	/* int, min..max (the default may lie outside) */
	CFGT_DURATION,	/* "30s" -> unsigned or uint64_t ms, min..max ms */
	CFGT_BOOL,	/* int 0/1 */
	CFGT_FRACTION,	/* a float in (0, 1] -> unsigned permille */
	CFGT_ID,		/* uint64_t > 0: a CloudStack row id */
	CFGT_ENUM,	/* a name from `names` -> its index, as an int */
	CFGT_SECRET,	/* password = "..." or password_file = "..." into
			   char[size]; int flag at aux_off says it was given */
	CFGT_STRLIST,	/* [ "a", "b" ] -> char *[max] at off, size_t count at
			   aux_off */
	CFGT_GROUP,	/* { ... } -> the struct at off, described by sub */
	CFGT_LIST,	/* ( { ... }, ... ) -> elements described by sub, count
			   (size_t) at aux_off; an array at off, or a pointer to
			   one the walker allocates (CFG_F_ALLOC) */
};

#define CFG_F_INHERIT	0x1	/* the default means "take the global one":
				   the dump shows <inherit> */
#define CFG_F_NODUMP	0x2	/* read from the file, dumped by another key */
#define CFG_F_DUMPONLY	0x4	/* never read from the file; dumped */
#define CFG_F_ALLOC	0x8	/* CFGT_LIST: off holds a pointer */
#define CFG_F_ONE_OF	0x10	/* keys with this flag and the same off are
				   alternatives: give one of them */

struct cfg_table;

/* a string key's own rule (names, prefixes); 0 or -1 with err */
typedef int	cfg_value_fn(const char *value, char *err);

struct cfg_key {
	const char		*name;
	enum cfg_type		 type;
	size_t			 off, size;	/* in the table's struct */
	uint64_t		 min, max;	/* numbers, durations, lists */
	int64_t			 def;		/* numbers (ms, permille) */
	const char		*sdef;		/* strings */
	size_t			 aux_off;	/* secret flag or list count */
	const struct cfg_table	*sub;		/* group and list elements */
	const char *const	*names;		/* CFGT_ENUM, NULL-terminated */
	cfg_value_fn		*value_ok;	/* CFGT_STRING extra rule */
	unsigned		 flags;
	const char		*doc;
};

/*
 * A check over a whole list element after it is read (required keys,
 * duplicates against the elements before it): 0 or -1 with err.
 */
typedef int	cfg_elem_fn(void *elems, size_t i, char *err);
/*
 * A check across keys after the whole file is read: 0, or -1 with err and
 * *at set to the key path to blame ("daemon.dead_after", "bmc.hosts[2]",
 * "database"); the walker turns it into file:line.
 */
typedef int	cfg_check_fn(const struct config *, char *at, size_t atlen,
		    char *err);

struct cfg_table {
	const char		*name;
	const struct cfg_key	*keys;
	size_t			 nkeys;
	size_t			 size;		/* struct size (list elements) */
	cfg_elem_fn		*elem_ok;
	cfg_check_fn		*check;
};

/* a key in struct `st`, field `f` */
#define CFG_AT(st, f)	offsetof(struct st, f), sizeof(((struct st *)0)->f)

#define MS_HOUR		((uint64_t)3600 * 1000)
#define MS_DAY		(24 * MS_HOUR)

extern const struct cfg_table	config_root_table;
extern const struct cfg_table	db_config_table;
extern const struct cfg_table	daemon_config_table;
extern const struct cfg_table	bmc_config_table;
extern const struct cfg_table	sweep_config_table;
extern const struct cfg_table	reconcile_config_table;
extern const struct cfg_table	pool_config_table;
extern const struct cfg_table	metrics_config_table;

/* format a checked path: at = "bmc.hosts[3]" etc. */
void	cfg_at(char *at, size_t atlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));


/* db_keys.c: fill CloudStack's credentials when the file gave none */
struct db_config;
int	db_config_resolve(struct db_config *, char *err);
/* bmc_keys.c: with bmc.use_oobm, the key of oobm.password (never fails:
   a missing key is kept as bmc.oobm_secret_err for the hosts that need it) */
void	bmc_oobm_resolve(struct config *);

#endif
