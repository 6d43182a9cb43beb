#include "CAMQPShim.h"
#include <sys/eventfd.h>

amqp_rpc_reply_t c_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                    int channel_max, int frame_max, int heartbeat,
                                    const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat,
                      AMQP_SASL_METHOD_PLAIN, user, password);
}

const amqp_basic_deliver_t *c_amqp_frame_as_deliver(const amqp_frame_t *frame) {
    return (const amqp_basic_deliver_t *)frame->payload.method.decoded;
}

const amqp_basic_ack_t *c_amqp_frame_as_ack(const amqp_frame_t *frame) {
    return (const amqp_basic_ack_t *)frame->payload.method.decoded;
}

const amqp_basic_nack_t *c_amqp_frame_as_nack(const amqp_frame_t *frame) {
    return (const amqp_basic_nack_t *)frame->payload.method.decoded;
}

const amqp_basic_properties_t *c_amqp_frame_as_properties(const amqp_frame_t *frame) {
    return (const amqp_basic_properties_t *)frame->payload.properties.decoded;
}

const amqp_channel_close_t *c_amqp_frame_as_channel_close(const amqp_frame_t *frame) {
    return (const amqp_channel_close_t *)frame->payload.method.decoded;
}

const amqp_connection_close_t *c_amqp_frame_as_connection_close(const amqp_frame_t *frame) {
    return (const amqp_connection_close_t *)frame->payload.method.decoded;
}

const amqp_connection_close_t *c_amqp_reply_as_connection_close(const amqp_rpc_reply_t *reply) {
    return (const amqp_connection_close_t *)reply->reply.decoded;
}

const amqp_channel_close_t *c_amqp_reply_as_channel_close(const amqp_rpc_reply_t *reply) {
    return (const amqp_channel_close_t *)reply->reply.decoded;
}

amqp_field_value_t c_amqp_field_utf8(amqp_bytes_t bytes) {
    amqp_field_value_t value;
    value.kind = AMQP_FIELD_KIND_UTF8;
    value.value.bytes = bytes;
    return value;
}

amqp_field_value_t c_amqp_field_i64(int64_t number) {
    amqp_field_value_t value;
    value.kind = AMQP_FIELD_KIND_I64;
    value.value.i64 = number;
    return value;
}

int c_amqp_field_read_i64(const amqp_field_value_t *value, int64_t *out) {
    switch (value->kind) {
    case AMQP_FIELD_KIND_I8: *out = value->value.i8; return 1;
    case AMQP_FIELD_KIND_U8: *out = value->value.u8; return 1;
    case AMQP_FIELD_KIND_I16: *out = value->value.i16; return 1;
    case AMQP_FIELD_KIND_U16: *out = value->value.u16; return 1;
    case AMQP_FIELD_KIND_I32: *out = value->value.i32; return 1;
    case AMQP_FIELD_KIND_U32: *out = value->value.u32; return 1;
    case AMQP_FIELD_KIND_I64: *out = value->value.i64; return 1;
    case AMQP_FIELD_KIND_U64: *out = (int64_t)value->value.u64; return 1;
    case AMQP_FIELD_KIND_TIMESTAMP: *out = (int64_t)value->value.u64; return 1;
    default: return 0;
    }
}

int c_amqp_field_read_bytes(const amqp_field_value_t *value, amqp_bytes_t *out) {
    if (value->kind == AMQP_FIELD_KIND_UTF8 || value->kind == AMQP_FIELD_KIND_BYTES) {
        *out = value->value.bytes;
        return 1;
    }
    return 0;
}

int c_amqp_wakeup_fd_create(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}
