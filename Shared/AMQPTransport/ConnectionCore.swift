import CAMQPShim
import CRabbitMQ
import Foundation
import Glibc
import Logging

/// The state of one broker connection, touched only by its owner thread: librabbitmq's
/// connection objects are not thread-safe, and every call on them may block on the socket.
final class ConnectionCore {
    private struct RegisteredConsumer {
        var spec: ConsumerSpec
        var channel: UInt16?
        var tag: String?
        /// The queue it consumes from while attached.
        var queue: String?
        /// How many users each dynamic binding has (`bind`).
        var bindingUsers: [String: Int] = [:]
        /// Cancelled consumers get no deliveries and are not re-attached, but their channel stays
        /// open until released so the deliveries they hold can still be settled.
        var cancelled = false
    }

    private struct PartialDelivery {
        let consumerTag: String
        let deliveryTag: UInt64
        let redelivered: Bool
        let exchange: String
        let routingKey: String
        var properties = MessageProperties()
        var expectedSize = 0
        var body = Data()
    }

    let configuration: AMQPConfiguration
    let role: AMQPConnection.Role
    let topology: Topology
    let logger: Logger
    let mailbox: Mailbox<ConnectionCore>
    let notify: @Sendable (ConnectionEvent) -> Void

    private var connection: amqp_connection_state_t?
    private(set) var generation = 0
    private var stopping = false
    /// A failure found while running a command; the loop turns it into a reconnect.
    private var failure: AMQPError?

    private var nextPublishSequence: UInt64 = 1
    private var pendingConfirms: [(sequence: UInt64, settle: (AMQPError?) -> Void)] = []

    private var consumers: [Int: RegisteredConsumer] = [:]
    private var consumerIDsByTag: [String: Int] = [:]
    private var partialDeliveries: [UInt16: PartialDelivery] = [:]

    private static let publishChannel: amqp_channel_t = 1
    /// A publisher's channel for messages nobody waits to see confirmed (RPC requests and
    /// replies): on the confirm-mode channel the broker would still send an ack for each, waking
    /// this thread and costing the broker work for nothing.
    private static let unconfirmedChannel: amqp_channel_t = 2

    init(
        configuration: AMQPConfiguration, role: AMQPConnection.Role, topology: Topology, logger: Logger,
        mailbox: Mailbox<ConnectionCore>, notify: @escaping @Sendable (ConnectionEvent) -> Void
    ) {
        self.configuration = configuration
        self.role = role
        self.topology = topology
        self.logger = logger
        self.mailbox = mailbox
        self.notify = notify
    }

    // MARK: The owner thread's loop

    func runLoop() {
        var backoff = configuration.reconnectMinimum
        while !stopping {
            do {
                try connect()
                backoff = configuration.reconnectMinimum
                logger.info("AMQP connected", metadata: ["broker": "\(configuration.redactedURL)", "role": "\(role)"])
                notify(.connected)
                try serve()
            } catch {
                let error = AMQPError.wrapping(error)
                tearDown(failingWith: error)
                guard !stopping else { break }
                logger.warning("AMQP connection down, reconnecting", metadata: [
                    "error": "\(error.detail)", "retryIn": "\(backoff)", "role": "\(role)"])
                notify(.disconnected(error))
                idle(for: backoff)
                backoff = min(backoff * 2, configuration.reconnectMaximum)
            }
        }
        tearDown(failingWith: AMQPError(.shutdown, "connection closed"))
        for command in mailbox.close() { command(self) }
    }

    /// Runs commands and reads frames until a stop is requested or the connection fails.
    private func serve() throws {
        guard let connection else { return }
        let socket = amqp_get_sockfd(connection)
        let pollMilliseconds = Int32(min(250, max(50, configuration.heartbeatSeconds * 250)))
        while true {
            for command in mailbox.drain() { command(self) }
            if let failure { throw failure }
            if stopping {
                closeGracefully()
                return
            }
            if amqp_frames_enqueued(connection) == 0 && amqp_data_in_buffer(connection) == 0 {
                mailbox.wait(socket: socket, timeoutMilliseconds: pollMilliseconds)
            }
            try readAvailableFrames()
            amqp_maybe_release_buffers(connection)
        }
    }

    /// Waits out a reconnect backoff while still answering commands (which fail fast meanwhile).
    private func idle(for duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while !stopping, ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
            mailbox.wait(socket: nil, timeoutMilliseconds: Int32(max(1, min(milliseconds, 1000))))
            for command in mailbox.drain() { command(self) }
        }
    }

    // MARK: Connecting

    private func connect() throws {
        generation += 1
        failure = nil
        nextPublishSequence = 1
        guard let connection = amqp_new_connection() else { throw AMQPError(.connectionFailed, "out of memory") }
        self.connection = connection
        let socket: OpaquePointer?
        if configuration.useTLS {
            socket = amqp_ssl_socket_new(connection)
            if let socket {
                amqp_ssl_socket_set_verify_peer(socket, configuration.verifyPeer ? 1 : 0)
                amqp_ssl_socket_set_verify_hostname(socket, configuration.verifyPeer ? 1 : 0)
                if let path = configuration.caCertificatePath {
                    try check(status: amqp_ssl_socket_set_cacert(socket, path), "loading CA \(path)", code: .connectionFailed)
                }
            }
        } else {
            socket = amqp_tcp_socket_new(connection)
        }
        guard let socket else { throw AMQPError(.connectionFailed, "cannot create socket") }
        var timeout = timeval(tv_sec: configuration.connectTimeoutSeconds, tv_usec: 0)
        try check(
            status: amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &timeout),
            "connecting to \(configuration.host):\(configuration.port)", code: .connectionFailed)
        try check(
            c_amqp_login_plain(
                connection, configuration.virtualHost, 0, 131_072, Int32(configuration.heartbeatSeconds),
                configuration.user, configuration.password),
            "login to \(configuration.redactedURL)")
        amqp_channel_open(connection, Self.publishChannel)
        try check(amqp_get_rpc_reply(connection), "opening channel")
        try declare(topology, on: connection)
        if role == .publisher {
            amqp_confirm_select(connection, Self.publishChannel)
            try check(amqp_get_rpc_reply(connection), "enabling publisher confirms")
            amqp_channel_open(connection, Self.unconfirmedChannel)
            try check(amqp_get_rpc_reply(connection), "opening the unconfirmed channel")
        }
        consumers = consumers.filter { !$0.value.cancelled }
        for id in consumers.keys.sorted() { try attachConsumer(id) }
    }

    private func declare(_ topology: Topology, on connection: amqp_connection_state_t) throws {
        let channel = Self.publishChannel
        for exchange in topology.exchanges {
            let arena = CArena()
            amqp_exchange_declare(
                connection, channel, arena.bytes(exchange.name), arena.bytes(exchange.kind.rawValue),
                0, 1, 0, 0, amqp_empty_table)
            try check(amqp_get_rpc_reply(connection), "declaring exchange \(exchange.name)")
        }
        for queue in topology.queues {
            let arena = CArena()
            var arguments: [(String, amqp_field_value_t)] = []
            if case .quorum(let limit) = queue.kind {
                arguments.append(("x-queue-type", c_amqp_field_utf8(arena.bytes("quorum"))))
                arguments.append(("x-delivery-limit", c_amqp_field_i64(Int64(limit))))
            }
            if let deadLetter = queue.deadLetter {
                arguments.append(("x-dead-letter-exchange", c_amqp_field_utf8(arena.bytes(deadLetter.exchange))))
                arguments.append(("x-dead-letter-routing-key", c_amqp_field_utf8(arena.bytes(deadLetter.routingKey))))
            }
            amqp_queue_declare(connection, channel, arena.bytes(queue.name), 0, 1, 0, 0, arena.table(arguments))
            try check(amqp_get_rpc_reply(connection), "declaring queue \(queue.name)")
        }
        for binding in topology.bindings {
            let arena = CArena()
            amqp_queue_bind(
                connection, channel, arena.bytes(binding.queue), arena.bytes(binding.exchange),
                arena.bytes(binding.routingKey), amqp_empty_table)
            try check(amqp_get_rpc_reply(connection), "binding \(binding.queue) to \(binding.exchange)")
        }
    }

    private func attachConsumer(_ id: Int) throws {
        guard let connection, var consumer = consumers[id] else { return }
        let channel = UInt16(2 + id)
        amqp_channel_open(connection, channel)
        try check(amqp_get_rpc_reply(connection), "opening consumer channel")
        if consumer.spec.prefetch > 0 {
            amqp_basic_qos(connection, channel, 0, consumer.spec.prefetch, 0)
            try check(amqp_get_rpc_reply(connection), "setting prefetch")
        }
        let arena = CArena()
        let queue: String
        switch consumer.spec.source {
        case .queue(let name):
            queue = name
        case .exclusiveServerNamed:
            queue = try declareExclusiveQueue(on: channel)
        case .exclusiveBound(let exchange, let routingKeys):
            queue = try declareExclusiveQueue(on: channel)
            for key in routingKeys {
                amqp_queue_bind(connection, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(key), amqp_empty_table)
                try check(amqp_get_rpc_reply(connection), "binding \(queue) to \(exchange)")
            }
        }
        let tag = "expo-\(id)-\(generation)"
        amqp_basic_consume(
            connection, channel, arena.bytes(queue), arena.bytes(tag), 0, consumer.spec.autoAck ? 1 : 0, 0,
            amqp_empty_table)
        try check(amqp_get_rpc_reply(connection), "consuming from \(queue)")
        consumer.channel = channel
        consumer.tag = tag
        consumer.queue = queue
        consumers[id] = consumer
        consumerIDsByTag[tag] = id
        consumer.spec.onReady(queue)
    }

    /// A broker-named queue that lives as long as this connection.
    private func declareExclusiveQueue(on channel: UInt16) throws -> String {
        guard let connection else { throw AMQPError(.notConnected, "no connection") }
        guard let declared = amqp_queue_declare(connection, channel, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table) else {
            try check(amqp_get_rpc_reply(connection), "declaring an exclusive queue")
            throw AMQPError(.brokerRefused, "declaring an exclusive queue gave no reply")
        }
        return declared.pointee.queue.string
    }

    private func closeGracefully() {
        guard let connection else { return }
        _ = amqp_connection_close(connection, AMQP_REPLY_SUCCESS)
    }

    private func tearDown(failingWith error: AMQPError) {
        let waiting = pendingConfirms
        pendingConfirms = []
        waiting.forEach { $0.settle(error) }
        partialDeliveries = [:]
        consumerIDsByTag = [:]
        for id in consumers.keys {
            consumers[id]?.channel = nil
            consumers[id]?.tag = nil
        }
        if let connection {
            amqp_destroy_connection(connection)
            self.connection = nil
        }
    }

    // MARK: Reading

    private func readAvailableFrames() throws {
        guard let connection else { return }
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        // Bounded, so queued commands (acks, publishes) get their turn under a flood of deliveries.
        for _ in 0..<512 {
            var frame = amqp_frame_t()
            let status = amqp_simple_wait_frame_noblock(connection, &frame, &zero)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return }
            try check(status: status, "reading from broker")
            try handle(frame)
        }
    }

    private func handle(_ frame: amqp_frame_t) throws {
        var frame = frame
        switch Int32(frame.frame_type) {
        case AMQP_FRAME_METHOD:
            try handleMethod(&frame)
        case AMQP_FRAME_HEADER:
            guard var partial = partialDeliveries[frame.channel], let properties = c_amqp_frame_as_properties(&frame)
            else { return }
            partial.properties = MessageProperties(copying: properties.pointee)
            partial.expectedSize = Int(frame.payload.properties.body_size)
            completeOrKeep(partial, channel: frame.channel)
        case AMQP_FRAME_BODY:
            guard var partial = partialDeliveries[frame.channel] else { return }
            partial.body.append(frame.payload.body_fragment.data)
            completeOrKeep(partial, channel: frame.channel)
        default:
            return
        }
    }

    private func handleMethod(_ frame: inout amqp_frame_t) throws {
        switch frame.payload.method.id {
        case AMQP_BASIC_DELIVER_METHOD:
            guard let deliver = c_amqp_frame_as_deliver(&frame)?.pointee else { return }
            partialDeliveries[frame.channel] = PartialDelivery(
                consumerTag: deliver.consumer_tag.string, deliveryTag: deliver.delivery_tag,
                redelivered: deliver.redelivered != 0, exchange: deliver.exchange.string,
                routingKey: deliver.routing_key.string)
        case AMQP_BASIC_ACK_METHOD:
            guard let ack = c_amqp_frame_as_ack(&frame)?.pointee else { return }
            settleConfirms(upTo: ack.delivery_tag, multiple: ack.multiple != 0, error: nil)
        case AMQP_BASIC_NACK_METHOD:
            guard let nack = c_amqp_frame_as_nack(&frame)?.pointee else { return }
            settleConfirms(
                upTo: nack.delivery_tag, multiple: nack.multiple != 0,
                error: AMQPError(.publishNacked, "the broker could not take the message"))
        case AMQP_BASIC_CANCEL_METHOD:
            throw AMQPError(.connectionLost, "the broker cancelled a consumer (its queue was deleted?)")
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = c_amqp_frame_as_channel_close(&frame)?.pointee
            throw AMQPError(.brokerRefused, "channel closed by broker: \(close?.reply_code ?? 0) \(close?.reply_text.string ?? "")")
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = c_amqp_frame_as_connection_close(&frame)?.pointee
            if let connection {
                var ok = amqp_connection_close_ok_t(dummy: 0)
                amqp_send_method(connection, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
            }
            throw AMQPError(.connectionLost, "broker closed the connection: \(close?.reply_code ?? 0) \(close?.reply_text.string ?? "")")
        case AMQP_CONNECTION_BLOCKED_METHOD:
            logger.warning("broker blocked publishing (resource alarm)")
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            logger.info("broker unblocked publishing")
        default:
            return
        }
    }

    private func completeOrKeep(_ partial: PartialDelivery, channel: UInt16) {
        guard partial.body.count >= partial.expectedSize else {
            partialDeliveries[channel] = partial
            return
        }
        partialDeliveries[channel] = nil
        let delivery = Delivery(
            body: partial.body, properties: partial.properties, exchange: partial.exchange,
            routingKey: partial.routingKey, redelivered: partial.redelivered, deliveryTag: partial.deliveryTag,
            channel: channel, generation: generation)
        if let id = consumerIDsByTag[partial.consumerTag], let consumer = consumers[id] {
            consumer.spec.deliver(delivery)
        } else if let connection, hasConsumer(on: channel) {
            // The consumer was cancelled meanwhile: give the message back for someone else.
            // (On a channel already closed there is nothing to do: the broker requeued it.)
            amqp_basic_reject(connection, channel, partial.deliveryTag, 1)
        }
    }

    private func settleConfirms(upTo sequence: UInt64, multiple: Bool, error: AMQPError?) {
        let settled: ArraySlice<(sequence: UInt64, settle: (AMQPError?) -> Void)>
        if multiple {
            let end = pendingConfirms.firstIndex { $0.sequence > sequence } ?? pendingConfirms.endIndex
            settled = pendingConfirms[..<end]
            pendingConfirms.removeFirst(end)
        } else if let index = pendingConfirms.firstIndex(where: { $0.sequence == sequence }) {
            settled = [pendingConfirms.remove(at: index)]
        } else {
            return
        }
        settled.forEach { $0.settle(error) }
    }

    // MARK: Commands (run on the owner thread)

    func publish(_ message: OutgoingMessage, confirm: Bool, continuation: CheckedContinuation<Void, any Error>) {
        publish(message, confirm: confirm) { error in
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }

    /// Publishes in order; each message's outcome arrives through `settle` when the broker has
    /// confirmed it (or at once without `confirm`).
    func publish(_ message: OutgoingMessage, confirm: Bool, settle: @escaping (AMQPError?) -> Void) {
        guard let connection, failure == nil, !stopping else {
            settle(AMQPError(stopping ? .shutdown : .notConnected, "no broker connection"))
            return
        }
        let confirmed = role == .publisher && confirm
        let channel = role == .publisher && !confirm ? Self.unconfirmedChannel : Self.publishChannel
        let arena = CArena()
        var properties = arena.properties(message.properties)
        let status = message.body.withUnsafeBytes { raw in
            amqp_basic_publish(
                connection, channel, arena.bytes(message.exchange), arena.bytes(message.routingKey),
                0, 0, &properties, amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
        }
        guard status == AMQP_STATUS_OK.rawValue else {
            let error = AMQPError(.connectionLost, "publish failed: \(String(cString: amqp_error_string2(status)))")
            failure = error
            settle(error)
            return
        }
        if confirmed {
            // The broker numbers every message on the confirm-mode channel, and only those.
            pendingConfirms.append((nextPublishSequence, settle))
            nextPublishSequence += 1
        } else {
            settle(nil)
        }
    }

    func settle(_ delivery: Delivery, acknowledge: Bool, requeue: Bool) {
        // A tag from an earlier connection is void: the broker has already requeued that message.
        guard let connection, failure == nil, delivery.generation == generation, hasConsumer(on: delivery.channel)
        else { return }
        let status = acknowledge
            ? amqp_basic_ack(connection, delivery.channel, delivery.deliveryTag, 0)
            : amqp_basic_reject(connection, delivery.channel, delivery.deliveryTag, requeue ? 1 : 0)
        if status != AMQP_STATUS_OK.rawValue {
            failure = AMQPError(.connectionLost, "ack failed: \(String(cString: amqp_error_string2(status)))")
        }
    }

    func register(_ spec: ConsumerSpec, id: Int) {
        consumers[id] = RegisteredConsumer(spec: spec)
        guard connection != nil, failure == nil else { return }
        _ = keepingFailure { try attachConsumer(id) }
    }

    /// Counts the users of a binding of an `exclusiveBound` consumer's queue: the first binds it,
    /// the last to leave unbinds it. Commands run in the order they were sent, so each user's
    /// bind-then-unbind pair keeps the count right whatever the others do meanwhile.
    func bind(_ id: Int, routingKey: String, bound: Bool) {
        guard var consumer = consumers[id], case .exclusiveBound(let exchange, var keys) = consumer.spec.source else { return }
        let users = consumer.bindingUsers[routingKey, default: 0] + (bound ? 1 : -1)
        consumer.bindingUsers[routingKey] = users > 0 ? users : nil
        guard users == (bound ? 1 : 0) else {
            consumers[id] = consumer
            return
        }
        if bound { keys.append(routingKey) } else { keys.removeAll { $0 == routingKey } }
        consumer.spec.source = .exclusiveBound(exchange: exchange, routingKeys: keys)
        consumers[id] = consumer
        guard let connection, failure == nil, let channel = consumer.channel, let queue = consumer.queue, !consumer.cancelled else { return }
        let arena = CArena()
        if bound {
            amqp_queue_bind(connection, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey), amqp_empty_table)
        } else {
            amqp_queue_unbind(connection, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey), amqp_empty_table)
        }
        _ = keepingFailure { try check(amqp_get_rpc_reply(connection), "\(bound ? "binding" : "unbinding") \(queue) and \(exchange)") }
    }

    func cancel(_ id: Int) {
        guard let consumer = consumers[id], !consumer.cancelled else { return }
        consumers[id]?.cancelled = true
        guard let connection, failure == nil, let channel = consumer.channel, let tag = consumer.tag else { return }
        consumerIDsByTag[tag] = nil
        let arena = CArena()
        amqp_basic_cancel(connection, channel, arena.bytes(tag))
        _ = keepingFailure { try check(amqp_get_rpc_reply(connection), "cancelling consumer") }
    }

    /// Forgets a consumer and closes its channel: whatever it still holds unsettled goes back to the queue.
    func release(_ id: Int) {
        cancel(id)
        guard let consumer = consumers.removeValue(forKey: id) else { return }
        guard let connection, failure == nil, let channel = consumer.channel else { return }
        amqp_channel_close(connection, channel, AMQP_REPLY_SUCCESS)
        _ = keepingFailure { try check(amqp_get_rpc_reply(connection), "closing consumer channel") }
    }

    /// Message and consumer counts of an existing queue (a passive declare).
    func inspect(_ queue: String) -> Result<QueueStatus, AMQPError> {
        guard let connection, failure == nil else { return .failure(AMQPError(.notConnected, "no broker connection")) }
        let arena = CArena()
        let ok = amqp_queue_declare(connection, Self.publishChannel, arena.bytes(queue), 1, 0, 0, 0, amqp_empty_table)
        return keepingFailure { try check(amqp_get_rpc_reply(connection), "inspecting queue \(queue)") }.flatMap {
            guard let ok else { return .failure(AMQPError(.brokerRefused, "no answer for queue \(queue)")) }
            return .success(QueueStatus(messages: Int(ok.pointee.message_count), consumers: Int(ok.pointee.consumer_count)))
        }
    }

    /// Deletes a queue and its messages.
    func delete(_ queue: String) -> Result<Void, AMQPError> {
        guard let connection, failure == nil else { return .failure(AMQPError(.notConnected, "no broker connection")) }
        let arena = CArena()
        amqp_queue_delete(connection, Self.publishChannel, arena.bytes(queue), 0, 0)
        return keepingFailure { try check(amqp_get_rpc_reply(connection), "deleting queue \(queue)") }
    }

    /// Removes every ready message from a queue.
    func purge(_ queue: String) -> Result<Void, AMQPError> {
        guard let connection, failure == nil else { return .failure(AMQPError(.notConnected, "no broker connection")) }
        let arena = CArena()
        amqp_queue_purge(connection, Self.publishChannel, arena.bytes(queue))
        return keepingFailure { try check(amqp_get_rpc_reply(connection), "purging queue \(queue)") }
    }

    /// Runs a synchronous broker method from a command; its failure is kept for the loop, which
    /// turns it into a reconnect.
    private func keepingFailure<T>(_ body: () throws -> T) -> Result<T, AMQPError> {
        do {
            return .success(try body())
        } catch {
            let error = AMQPError.wrapping(error)
            failure = error
            return .failure(error)
        }
    }

    /// Whether `channel` belongs to a consumer we still hold (cancelled or not): settling on any
    /// other channel would make the broker close the connection.
    private func hasConsumer(on channel: UInt16) -> Bool {
        consumers.values.contains { $0.channel == channel }
    }

    func requestStop() {
        stopping = true
    }
}
