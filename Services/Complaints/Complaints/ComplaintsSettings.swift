import Contracts
import Foundation
import ServiceRuntime

/// The complaints service's own settings (`EXPO_*` variables; the README lists them).
public struct ComplaintsSettings: Sendable {
    /// The clocks of each category (`EXPO_COMPLAINT_CLOCKS`, e.g. `fraud=1/5/1,delivery=5/10/2`:
    /// the respondent's answer in days / the negotiation window in days / staff's decision in
    /// working days); a category not named runs on the default 3/7/2.
    public var clocks: [ComplaintCategory: ComplaintClock]
    /// Days that are no working days besides weekends (`EXPO_COMPLAINT_HOLIDAYS`, `YYYY-MM-DD,...`).
    public var calendar: BusinessCalendar
    /// Years a closed complaint is kept (`EXPO_COMPLAINT_RETENTION_YEARS`).
    public var retentionYears: Int
    /// How often each replica looks for a clock that ran out (`EXPO_COMPLAINT_TIMER_SECONDS`).
    public var timerInterval: Duration

    public init(
        clocks: [ComplaintCategory: ComplaintClock] = [:], calendar: BusinessCalendar = BusinessCalendar(), retentionYears: Int = 3,
        timerInterval: Duration = .seconds(30)
    ) {
        self.clocks = clocks
        self.calendar = calendar
        self.retentionYears = retentionYears
        self.timerInterval = timerInterval
    }

    public init(environment env: Environment) throws {
        var clocks: [ComplaintCategory: ComplaintClock] = [:]
        for entry in (env["EXPO_COMPLAINT_CLOCKS"] ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=")
            let days = parts.count == 2 ? parts[1].split(separator: "/").compactMap { Int($0) } : []
            guard let category = ComplaintCategory(rawValue: parts.first.map(String.init) ?? ""), days.count == 3, days.allSatisfy({ (1...365).contains($0) })
            else {
                throw ConfigurationError("EXPO_COMPLAINT_CLOCKS", "'\(entry)' is not <category>=<answer days>/<negotiation days>/<decision working days>")
            }
            clocks[category] = ComplaintClock(responseDays: days[0], negotiationDays: days[1], decisionWorkingDays: days[2])
        }
        var holidays: Set<String> = []
        for day in (env["EXPO_COMPLAINT_HOLIDAYS"] ?? "").split(separator: ",") {
            guard day.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil else {
                throw ConfigurationError("EXPO_COMPLAINT_HOLIDAYS", "'\(day)' is not a date such as 2026-12-25")
            }
            holidays.insert(String(day))
        }
        self.init(
            clocks: clocks, calendar: BusinessCalendar(holidays: holidays),
            retentionYears: try env.integer("EXPO_COMPLAINT_RETENTION_YEARS", default: 3, in: 1...30),
            timerInterval: .seconds(try env.integer("EXPO_COMPLAINT_TIMER_SECONDS", default: 30, in: 1...3600)))
    }

    public func clock(_ category: ComplaintCategory) -> ComplaintClock { clocks[category] ?? ComplaintClock() }
}
