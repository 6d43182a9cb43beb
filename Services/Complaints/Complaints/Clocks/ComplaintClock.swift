import Foundation

/// The deadlines of a category: the respondent's first answer, the negotiation window (both in
/// calendar days from filing) and staff's decision (working days from the escalation).
public struct ComplaintClock: Sendable, Equatable {
    public var responseDays: Int
    public var negotiationDays: Int
    public var decisionWorkingDays: Int

    public init(responseDays: Int = 3, negotiationDays: Int = 7, decisionWorkingDays: Int = 2) {
        self.responseDays = responseDays
        self.negotiationDays = negotiationDays
        self.decisionWorkingDays = decisionWorkingDays
    }

    /// When the respondent must have answered, and when the negotiation ends, for a complaint filed at `filedAt`.
    func deadlines(filedAt: Date) -> (respondBy: Date, negotiationEndsAt: Date) {
        (filedAt.addingTimeInterval(TimeInterval(responseDays) * 86400), filedAt.addingTimeInterval(TimeInterval(negotiationDays) * 86400))
    }
}

/// Working days: Monday to Friday in UTC, except the configured holidays.
public struct BusinessCalendar: Sendable, Equatable {
    public var holidays: Set<String>

    public init(holidays: Set<String> = []) { self.holidays = holidays }

    /// `days` working days after `date`, at the same time of day.
    public func adding(workingDays days: Int, to date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var result = date
        var counted = 0
        while counted < days {
            result = calendar.date(byAdding: .day, value: 1, to: result) ?? result.addingTimeInterval(86400)
            if !calendar.isDateInWeekend(result), !holidays.contains(Self.day(of: result, in: calendar)) { counted += 1 }
        }
        return result
    }

    private static func day(of date: Date, in calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
