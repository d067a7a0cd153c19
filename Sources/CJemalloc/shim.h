// jemalloc, linked into the executable so it serves every malloc of the process (Swift's runtime
// included): the README's Performance section has why and what it measured.
#include <jemalloc/jemalloc.h>
