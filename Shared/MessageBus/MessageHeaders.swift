/// Names of the AMQP headers the platform sets on its messages.
public enum MessageHeaders {
    /// JSON of the `Actor` the gateway authenticated.
    public static let actor = "x-actor"
    /// W3C trace context, carried from the HTTP request through every hop.
    public static let traceparent = "traceparent"
    /// The client's `Idempotency-Key`, so the owning service can answer a retry with the first reply.
    public static let idempotencyKey = "x-idempotency-key"
    /// The client's `If-Match`: the versions (entity tags) of the resource an edit was made against.
    public static let ifMatch = "x-if-match"
    /// On replies: `ok` (the body is the reply) or `problem` (the body is a `Problem`).
    public static let outcome = "x-outcome"
}
