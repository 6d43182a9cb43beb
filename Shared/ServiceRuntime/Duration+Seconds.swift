extension Duration {
    /// The duration in seconds, with its fraction: for rates, timestamps and SQL intervals.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
