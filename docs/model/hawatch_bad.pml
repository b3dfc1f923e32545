/* hawatch_bad.pml -- hawatch.pml with one known-bad rule: two BMC off
 * readings confirm death with nothing to corroborate them. */
#define BAD_NO_CORROBORATION
#include "hawatch.pml"
