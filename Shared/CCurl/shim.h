// libcurl (Debian libcurl4-openssl-dev): the SMTP client of the marketing service's mail path.
// Its transfers block, so Swift runs them on threads of their own.
#include <curl/curl.h>
