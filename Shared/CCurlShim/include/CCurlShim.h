#ifndef EXPO_CURL_SHIM_H
#define EXPO_CURL_SHIM_H

// One SMTP transaction through libcurl, behind a call Swift can make: curl_easy_setopt is
// variadic, which Swift cannot call, and the message body is fed by a read callback.

#include <curl/curl.h>
#include <stddef.h>

typedef struct {
    const char *url;            // smtp://host:port or smtps://host:port
    const char *username;       // NULL: no AUTH
    const char *password;
    int require_tls;            // 1: STARTTLS is required (CURLUSESSL_ALL); 0: used when offered
    long timeout_seconds;       // the whole transaction
} expo_smtp_relay;

typedef struct {
    CURLcode code;              // CURLE_OK when the relay accepted the mail
    long response_code;         // the relay's last reply code (250, 451, 550, ...); 0 if none
    char reply[512];            // the relay's last reply line, for the send record
    char error[CURL_ERROR_SIZE];// curl's own description of a failure
} expo_smtp_result;

// curl_global_init(CURL_GLOBAL_DEFAULT), once per process before the first handle.
void expo_curl_global_init(void);

// Sends `message` (a complete RFC 5322 message with CRLF line ends) from `from` to the single
// `recipient`. The handle keeps its connection to the relay between calls; it must not be used
// by two threads at once.
void expo_smtp_send(CURL *curl, const expo_smtp_relay *relay, const char *from, const char *recipient,
                    const char *message, size_t length, expo_smtp_result *result);

#endif
