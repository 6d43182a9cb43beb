#include "CCurlShim.h"

#include <string.h>

void expo_curl_global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct {
    const char *data;
    size_t left;
} expo_body;

static size_t expo_read_body(char *buffer, size_t size, size_t count, void *context) {
    expo_body *body = context;
    size_t chunk = size * count < body->left ? size * count : body->left;
    memcpy(buffer, body->data, chunk);
    body->data += chunk;
    body->left -= chunk;
    return chunk;
}

// Keeps the relay's last reply line: curl reports replies only through its debug callback. The
// 221 that answers curl's QUIT after a refusal is not the answer to the mail, so it is skipped.
static int expo_keep_reply(CURL *curl, curl_infotype type, char *data, size_t size, void *context) {
    (void)curl;
    if (type != CURLINFO_HEADER_IN || (size >= 4 && memcmp(data, "221 ", 4) == 0)) return 0;
    expo_smtp_result *result = context;
    while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r')) size--;
    if (size >= sizeof result->reply) size = sizeof result->reply - 1;
    memcpy(result->reply, data, size);
    result->reply[size] = 0;
    return 0;
}

void expo_smtp_send(CURL *curl, const expo_smtp_relay *relay, const char *from, const char *recipient,
                    const char *message, size_t length, expo_smtp_result *result) {
    memset(result, 0, sizeof *result);
    expo_body body = {message, length};
    struct curl_slist *recipients = curl_slist_append(NULL, recipient);
    if (recipients == NULL) {
        result->code = CURLE_OUT_OF_MEMORY;
        return;
    }
    // A reset keeps the handle's open connection, so consecutive mails share one SMTP session.
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, relay->url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, relay->timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, relay->timeout_seconds < 10 ? relay->timeout_seconds : 10L);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, relay->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    if (relay->username != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, relay->username);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, relay->password);
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, expo_read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, result->error);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, expo_keep_reply);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, result);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);

    result->code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result->response_code);

    // Nothing the handle keeps may point at this call's memory once it returns.
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(curl, CURLOPT_READDATA, NULL);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, NULL);
    curl_slist_free_all(recipients);
}
