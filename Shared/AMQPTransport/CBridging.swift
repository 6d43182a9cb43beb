import CAMQPShim
import CRabbitMQ
import Foundation

/// Owns C copies of Swift values for the span of one librabbitmq call, then frees them.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit { allocations.forEach { free($0) } }

    func bytes(_ string: String) -> amqp_bytes_t {
        bytes(Data(string.utf8))
    }

    func bytes(_ data: Data) -> amqp_bytes_t {
        guard !data.isEmpty, let memory = malloc(data.count) else { return amqp_empty_bytes }
        allocations.append(memory)
        data.copyBytes(to: memory.assumingMemoryBound(to: UInt8.self), count: data.count)
        return amqp_bytes_t(len: data.count, bytes: memory)
    }

    func table(_ entries: [(String, amqp_field_value_t)]) -> amqp_table_t {
        guard !entries.isEmpty else { return amqp_empty_table }
        let memory = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: entries.count)
        allocations.append(UnsafeMutableRawPointer(memory))
        for (index, entry) in entries.enumerated() {
            memory[index] = amqp_table_entry_t(key: bytes(entry.0), value: entry.1)
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: memory)
    }

    func table(_ headers: [String: HeaderValue]) -> amqp_table_t {
        table(headers.sorted { $0.key < $1.key }.map { key, value in
            switch value {
            case .string(let text): (key, c_amqp_field_utf8(bytes(text)))
            case .int(let number): (key, c_amqp_field_i64(number))
            }
        })
    }

    /// The C form of `properties`, valid while this arena lives.
    func properties(_ properties: MessageProperties) -> amqp_basic_properties_t {
        var result = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ flag: Int32, _ field: inout amqp_bytes_t) {
            guard let value else { return }
            field = bytes(value)
            flags |= UInt32(flag)
        }
        set(properties.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG, &result.content_type)
        set(properties.messageID, AMQP_BASIC_MESSAGE_ID_FLAG, &result.message_id)
        set(properties.correlationID, AMQP_BASIC_CORRELATION_ID_FLAG, &result.correlation_id)
        set(properties.replyTo, AMQP_BASIC_REPLY_TO_FLAG, &result.reply_to)
        set(properties.type, AMQP_BASIC_TYPE_FLAG, &result.type)
        set(properties.expirationMilliseconds.map { String(max(0, $0)) }, AMQP_BASIC_EXPIRATION_FLAG, &result.expiration)
        if let timestamp = properties.timestamp {
            result.timestamp = UInt64(max(0, timestamp))
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        result.delivery_mode = properties.persistent ? 2 : 1
        flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        if !properties.headers.isEmpty {
            result.headers = table(properties.headers)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        result._flags = flags
        return result
    }
}

extension amqp_bytes_t {
    var data: Data {
        guard len > 0, let bytes else { return Data() }
        return Data(bytes: bytes, count: len)
    }

    var string: String { String(decoding: data, as: UTF8.self) }
}

extension MessageProperties {
    /// Copies the properties out of librabbitmq's frame memory, which it reuses after the next read.
    init(copying c: amqp_basic_properties_t) {
        func has(_ flag: Int32) -> Bool { c._flags & UInt32(flag) != 0 }
        var headers: [String: HeaderValue] = [:]
        if has(AMQP_BASIC_HEADERS_FLAG), c.headers.num_entries > 0, let entries = c.headers.entries {
            for index in 0..<Int(c.headers.num_entries) {
                var value = entries[index].value
                var number: Int64 = 0
                var text = amqp_empty_bytes
                if c_amqp_field_read_i64(&value, &number) != 0 {
                    headers[entries[index].key.string] = .int(number)
                } else if c_amqp_field_read_bytes(&value, &text) != 0 {
                    headers[entries[index].key.string] = .string(text.string)
                }
            }
        }
        self.init(
            contentType: has(AMQP_BASIC_CONTENT_TYPE_FLAG) ? c.content_type.string : nil,
            messageID: has(AMQP_BASIC_MESSAGE_ID_FLAG) ? c.message_id.string : nil,
            correlationID: has(AMQP_BASIC_CORRELATION_ID_FLAG) ? c.correlation_id.string : nil,
            replyTo: has(AMQP_BASIC_REPLY_TO_FLAG) ? c.reply_to.string : nil,
            type: has(AMQP_BASIC_TYPE_FLAG) ? c.type.string : nil,
            timestamp: has(AMQP_BASIC_TIMESTAMP_FLAG) ? Int64(c.timestamp) : nil,
            expirationMilliseconds: has(AMQP_BASIC_EXPIRATION_FLAG) ? Int(c.expiration.string) : nil,
            persistent: has(AMQP_BASIC_DELIVERY_MODE_FLAG) && c.delivery_mode == 2,
            headers: headers)
    }
}

/// Turns librabbitmq's reply of a synchronous method into a thrown error.
func check(_ reply: amqp_rpc_reply_t, _ what: String) throws {
    switch reply.reply_type {
    case AMQP_RESPONSE_NORMAL:
        return
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        throw AMQPError(.connectionLost, "\(what): \(String(cString: amqp_error_string2(reply.library_error)))")
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        var copy = reply
        if reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD, let close = c_amqp_reply_as_connection_close(&copy) {
            throw AMQPError(.brokerRefused, "\(what): connection closed by broker \(close.pointee.reply_code) \(close.pointee.reply_text.string)")
        }
        if reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD, let close = c_amqp_reply_as_channel_close(&copy) {
            throw AMQPError(.brokerRefused, "\(what): channel closed by broker \(close.pointee.reply_code) \(close.pointee.reply_text.string)")
        }
        throw AMQPError(.brokerRefused, "\(what): broker answered method \(reply.reply.id)")
    default:
        throw AMQPError(.connectionLost, "\(what): no reply")
    }
}

/// Turns a librabbitmq status code into a thrown error.
func check(status: Int32, _ what: String, code: AMQPError.Code = .connectionLost) throws {
    guard status >= 0 else { throw AMQPError(code, "\(what): \(String(cString: amqp_error_string2(status)))") }
}
