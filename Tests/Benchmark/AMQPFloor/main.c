// amqp-floor: the floor of librabbitmq itself on the same broker, for the benchmark to put the
// Swift transport next to. No abstractions on purpose: one connection, one channel, blocking calls.
//
//   amqp-floor consume URL QUEUE COUNT PREFETCH   consume COUNT messages, ack each; prints seconds
//   amqp-floor echo-server URL QUEUE PREFETCH     answer every request to its reply_to until killed
//   amqp-floor echo-client URL EXCHANGE KEY COUNT  COUNT requests in sequence; prints each round
//                                                  trip in nanoseconds, one per line
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die_on(amqp_rpc_reply_t reply, const char *what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
    fprintf(stderr, "amqp-floor: %s failed (reply type %d, library error %s)\n", what, reply.reply_type,
            amqp_error_string2(reply.library_error));
    exit(1);
}

static amqp_connection_state_t connect_to(const char *url) {
    struct amqp_connection_info info;
    char *copy = strdup(url);
    if (amqp_parse_url(copy, &info) != AMQP_STATUS_OK) {
        fprintf(stderr, "amqp-floor: cannot parse %s\n", url);
        exit(2);
    }
    amqp_connection_state_t connection = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(connection);
    if (!socket || amqp_socket_open(socket, info.host, info.port) != AMQP_STATUS_OK) {
        fprintf(stderr, "amqp-floor: cannot connect to %s:%d\n", info.host, info.port);
        exit(1);
    }
    die_on(amqp_login(connection, info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password), "login");
    amqp_channel_open(connection, 1);
    die_on(amqp_get_rpc_reply(connection), "channel.open");
    free(copy);
    return connection;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void consume_from(amqp_connection_state_t connection, const char *queue, int prefetch, int no_ack) {
    if (prefetch > 0) {
        amqp_basic_qos(connection, 1, 0, (uint16_t)prefetch, 0);
        die_on(amqp_get_rpc_reply(connection), "basic.qos");
    }
    amqp_basic_consume(connection, 1, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, no_ack, 0, amqp_empty_table);
    die_on(amqp_get_rpc_reply(connection), "basic.consume");
}

static int consume(const char *url, const char *queue, long count, int prefetch) {
    amqp_connection_state_t connection = connect_to(url);
    consume_from(connection, queue, prefetch, 0);
    double started = 0;
    for (long received = 0; received < count; received++) {
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(connection);
        die_on(amqp_consume_message(connection, &envelope, NULL, 0), "consume");
        if (received == 0) started = now_seconds();
        amqp_basic_ack(connection, 1, envelope.delivery_tag, 0);
        amqp_destroy_envelope(&envelope);
    }
    printf("%.6f\n", now_seconds() - started);
    amqp_connection_close(connection, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(connection);
    return 0;
}

static int echo_server(const char *url, const char *queue, int prefetch) {
    amqp_connection_state_t connection = connect_to(url);
    consume_from(connection, queue, prefetch, 0);
    for (;;) {
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(connection);
        die_on(amqp_consume_message(connection, &envelope, NULL, 0), "consume");
        amqp_basic_properties_t *request = &envelope.message.properties;
        if (request->_flags & AMQP_BASIC_REPLY_TO_FLAG) {
            amqp_basic_properties_t reply = {0};
            reply._flags = AMQP_BASIC_CONTENT_TYPE_FLAG;
            reply.content_type = amqp_cstring_bytes("application/json");
            // Named both ways, so the transport's RPC client (which reads x-in-reply-to) can call it too.
            amqp_table_entry_t in_reply_to;
            if (request->_flags & AMQP_BASIC_MESSAGE_ID_FLAG) {
                reply._flags |= AMQP_BASIC_CORRELATION_ID_FLAG | AMQP_BASIC_HEADERS_FLAG;
                reply.correlation_id = request->message_id;
                in_reply_to.key = amqp_cstring_bytes("x-in-reply-to");
                in_reply_to.value.kind = AMQP_FIELD_KIND_UTF8;
                in_reply_to.value.value.bytes = request->message_id;
                reply.headers.num_entries = 1;
                reply.headers.entries = &in_reply_to;
            }
            amqp_basic_publish(connection, 1, amqp_empty_bytes, request->reply_to, 0, 0, &reply, envelope.message.body);
        }
        amqp_basic_ack(connection, 1, envelope.delivery_tag, 0);
        amqp_destroy_envelope(&envelope);
    }
}

static int echo_client(const char *url, const char *exchange, const char *key, long count) {
    amqp_connection_state_t connection = connect_to(url);
    amqp_queue_declare_ok_t *declared = amqp_queue_declare(connection, 1, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    die_on(amqp_get_rpc_reply(connection), "queue.declare");
    amqp_bytes_t reply_queue = amqp_bytes_malloc_dup(declared->queue);
    amqp_basic_consume(connection, 1, reply_queue, amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
    die_on(amqp_get_rpc_reply(connection), "basic.consume");
    const char *body = "{\"echo\":\"0123456789012345678901234567890123456789\"}";
    for (long i = 0; i < count; i++) {
        char id[32];
        snprintf(id, sizeof id, "%ld", i);
        amqp_basic_properties_t properties = {0};
        // Also what the transport's RPC server needs: a type, and a correlation id to answer with.
        properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_REPLY_TO_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                            AMQP_BASIC_CORRELATION_ID_FLAG | AMQP_BASIC_TYPE_FLAG;
        properties.content_type = amqp_cstring_bytes("application/json");
        properties.reply_to = reply_queue;
        properties.message_id = amqp_cstring_bytes(id);
        properties.correlation_id = amqp_cstring_bytes(id);
        properties.type = amqp_cstring_bytes(key);
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        if (amqp_basic_publish(connection, 1, amqp_cstring_bytes(exchange), amqp_cstring_bytes(key), 0, 0, &properties,
                               amqp_cstring_bytes(body)) != AMQP_STATUS_OK) {
            fprintf(stderr, "amqp-floor: publish failed\n");
            return 1;
        }
        for (;;) {
            amqp_envelope_t envelope;
            amqp_maybe_release_buffers(connection);
            die_on(amqp_consume_message(connection, &envelope, NULL, 0), "consume reply");
            amqp_bytes_t got = envelope.message.properties.correlation_id;
            int mine = got.len == strlen(id) && memcmp(got.bytes, id, got.len) == 0;
            amqp_destroy_envelope(&envelope);
            if (mine) break;
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        printf("%lld\n", (long long)(end.tv_sec - start.tv_sec) * 1000000000LL + (end.tv_nsec - start.tv_nsec));
    }
    amqp_connection_close(connection, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(connection);
    return 0;
}

int main(int argc, char **argv) {
    // A parent may have spawned us with signals blocked; SIGTERM must end the echo server.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (argc == 6 && strcmp(argv[1], "consume") == 0) return consume(argv[2], argv[3], atol(argv[4]), atoi(argv[5]));
    if (argc == 5 && strcmp(argv[1], "echo-server") == 0) return echo_server(argv[2], argv[3], atoi(argv[4]));
    if (argc == 6 && strcmp(argv[1], "echo-client") == 0) return echo_client(argv[2], argv[3], argv[4], atol(argv[5]));
    fprintf(stderr,
            "usage: amqp-floor consume URL QUEUE COUNT PREFETCH\n"
            "       amqp-floor echo-server URL QUEUE PREFETCH\n"
            "       amqp-floor echo-client URL EXCHANGE KEY COUNT\n");
    return 2;
}
