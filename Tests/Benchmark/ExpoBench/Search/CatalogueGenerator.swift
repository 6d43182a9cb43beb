import Contracts
import Foundation
import Matchmaking

/// Deterministic, realistic-looking catalogue data: supplier companies across 60 countries and
/// products named, specified and described from the shipped category tree and trade vocabularies.
struct CatalogueGenerator {
    static let countries = [
        "CN", "DE", "US", "IT", "JP", "KR", "IN", "TW", "TR", "VN", "FR", "GB", "ES", "PL", "CZ", "NL", "BE", "CH", "AT", "SE",
        "FI", "DK", "NO", "PT", "HU", "RO", "SK", "SI", "GR", "IE", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "ZA", "EG", "NG",
        "KE", "MA", "AE", "SA", "IL", "PK", "BD", "TH", "MY", "SG", "ID", "PH", "AU", "NZ", "RU", "UA", "BY", "KZ", "IR", "LK",
    ]
    static let modifiers = [
        "Heavy-duty", "Compact", "High-precision", "Industrial", "Automatic", "Energy-saving", "Stainless steel", "Portable", "Digital",
        "Hydraulic", "Pneumatic", "Programmable", "Explosion-proof", "Low-noise", "High-speed", "Multi-purpose", "Semi-automatic",
        "Waterproof", "Modular", "Smart", "Cast iron", "Aluminium", "Servo-driven", "Variable-speed", "Double-stage", "Vertical", "Horizontal",
    ]
    static let materials = ["cast iron", "stainless steel 304", "stainless steel 316", "aluminium alloy", "carbon steel", "brass", "ABS", "copper"]
    static let uses = [
        "automotive parts", "food processing lines", "mining", "textile mills", "construction sites", "chemical plants", "agriculture",
        "water treatment", "electronics assembly", "packaging lines", "shipbuilding", "oil and gas", "pharmaceutical production", "logistics centres",
    ]
    static let places = ["Ningbo", "Shenzhen", "Suzhou", "Wenzhou", "Stuttgart", "Milan", "Osaka", "Busan", "Pune", "Taichung", "Bursa", "Hanoi", "Lyon", "Ohio"]
    static let syllables = ["Jin", "Hai", "Tai", "Long", "Feng", "Hua", "Xin", "Sheng", "Da", "Yuan", "Kang", "Rui", "Bo", "Li", "Tech", "Pro", "Max"]
    static let trades = ["Machinery", "Electronics", "Industrial", "Precision", "Automation", "Equipment", "Technology", "Power", "Hydraulics"]

    private var state: UInt64
    let leaves: [Category]
    let names: [String: String]

    init(seed: UInt64 = 20261202) throws {
        state = seed
        let tree = try CatalogueBulkLoad.categories()
        let parents = Set(tree.compactMap(\.parentID))
        leaves = tree.filter { !parents.contains($0.id) }
        names = Dictionary(uniqueKeysWithValues: tree.map { ($0.id, $0.name) })
    }

    /// xorshift64*: fast, and the same data every run.
    mutating func next(_ bound: Int) -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 2685821657736338717) % UInt64(bound))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }

    mutating func company(_ index: Int) -> CatalogueBulkLoad.Company {
        let name = "\(pick(Self.places)) \(pick(Self.syllables))\(pick(Self.syllables).lowercased()) \(pick(Self.trades)) Co., Ltd. \(index)"
        return CatalogueBulkLoad.Company(
            id: UUID(), name: name, industry: pick(Self.trades), country: Self.countries[index % Self.countries.count], verified: next(10) < 9)
    }

    /// A leaf category's name as one product: "CNC Lathes" → "CNC lathe".
    static func noun(_ category: String) -> String {
        var words = category.split(separator: " ").map(String.init)
        if var last = words.popLast() {
            if last.hasSuffix("ies") { last = String(last.dropLast(3)) + "y" } else if last.hasSuffix("es"), last.hasSuffix("ches") || last.hasSuffix("shes") || last.hasSuffix("xes") {
                last = String(last.dropLast(2))
            } else if last.hasSuffix("s"), !last.hasSuffix("ss") { last = String(last.dropLast()) }
            words.append(last.lowercased())
        }
        return words.enumerated().map { $0.offset == 0 ? $0.element : ($0.element.first?.isUppercase == true && $0.element.count <= 4 ? $0.element : $0.element.lowercased()) }
            .joined(separator: " ")
    }

    mutating func product(companyID: UUID) -> CatalogueBulkLoad.Item {
        let category = pick(leaves)
        let noun = Self.noun(category.name)
        let model = "\(Character(UnicodeScalar(65 + next(26))!))\(Character(UnicodeScalar(65 + next(26))!))-\(100 + next(9900))"
        let name = "\(pick(Self.modifiers)) \(noun) \(model)"
        let power = 1 + next(200)
        let specifications = [
            Specification(name: "Power", value: "\(power) kW"),
            Specification(name: "Voltage", value: pick(["220 V", "380 V", "415 V", "110 V", "24 V DC"])),
            Specification(name: "Weight", value: "\(5 + next(5000)) kg"),
            Specification(name: "Material", value: pick(Self.materials)),
        ]
        let use = pick(Self.uses)
        let description = "\(name) for \(use). Built from \(pick(Self.materials)) with a \(power) kW drive, "
            + "tested before shipping and supplied with a CE certificate. Suitable for \(pick(Self.uses)); OEM and ODM orders welcome."
        let low = Decimal(10 + next(50_000))
        let price = PriceRange(min: low, max: low + Decimal(next(20_000)), currency: pick(["USD", "USD", "USD", "EUR", "CNY"]))
        let keywords = [noun.lowercased(), "\(pick(Self.modifiers).lowercased()) \(noun.lowercased())", use]
        return CatalogueBulkLoad.Item(
            id: UUID(), companyID: companyID, name: name, categoryID: category.id, description: description,
            specifications: specifications, price: price, keywords: keywords)
    }
}
