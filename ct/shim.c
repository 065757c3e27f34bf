/* valgrind memcheck client requests for the constant-time gate: mark
 * secret bytes undefined, so that memcheck reports every branch and memory
 * address that depends on them, and mark public results defined again.
 * Outside valgrind each request is a few no-op instructions. */
#include <stddef.h>
#include <valgrind/memcheck.h>

void iamjwt_ct_secret(const void *p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void iamjwt_ct_public(const void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }
int iamjwt_ct_on_valgrind(void) { return RUNNING_ON_VALGRIND; }
