#ifndef C_AMQP_SHIM_H
#define C_AMQP_SHIM_H

#include <amqp.h>
#include <amqp_framing.h>

/// `amqp_login` is variadic, which Swift cannot call: this fixes it to SASL PLAIN.
amqp_rpc_reply_t c_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                    int channel_max, int frame_max, int heartbeat,
                                    const char *user, const char *password);

/// The payload of a method frame as a typed pointer, for the methods the transport handles.
const amqp_basic_deliver_t *c_amqp_frame_as_deliver(const amqp_frame_t *frame);
const amqp_basic_ack_t *c_amqp_frame_as_ack(const amqp_frame_t *frame);
const amqp_basic_nack_t *c_amqp_frame_as_nack(const amqp_frame_t *frame);
const amqp_basic_properties_t *c_amqp_frame_as_properties(const amqp_frame_t *frame);
const amqp_channel_close_t *c_amqp_frame_as_channel_close(const amqp_frame_t *frame);
const amqp_connection_close_t *c_amqp_frame_as_connection_close(const amqp_frame_t *frame);
const amqp_connection_close_t *c_amqp_reply_as_connection_close(const amqp_rpc_reply_t *reply);
const amqp_channel_close_t *c_amqp_reply_as_channel_close(const amqp_rpc_reply_t *reply);

/// Field-table values live in a C union; these read and build them without Swift touching it.
amqp_field_value_t c_amqp_field_utf8(amqp_bytes_t bytes);
amqp_field_value_t c_amqp_field_i64(int64_t value);
int c_amqp_field_read_i64(const amqp_field_value_t *value, int64_t *out);
int c_amqp_field_read_bytes(const amqp_field_value_t *value, amqp_bytes_t *out);

/// A non-blocking eventfd: a connection's owner thread polls it beside the broker socket to be woken.
int c_amqp_wakeup_fd_create(void);

#endif
