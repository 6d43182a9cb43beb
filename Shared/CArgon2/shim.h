// libargon2 (Debian libargon2-dev): the reference Argon2 implementation. Its calls block for tens
// of milliseconds by design, so Swift runs them on threads of their own.
#include <argon2.h>
