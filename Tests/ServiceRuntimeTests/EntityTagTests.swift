import Foundation
import ServiceRuntime
import Testing

@Suite struct EntityTagTests {
    @Test func oneStateHasOneStrongTag() {
        let tag = EntityTag.of(Data(#"{"name":"pump"}"#.utf8))
        #expect(tag == EntityTag.of(Data(#"{"name":"pump"}"#.utf8)) && tag != EntityTag.of(Data(#"{"name":"pumps"}"#.utf8)))
        #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && EntityTag.isList(tag))
    }

    @Test func aConditionIsStarOrAListOfQuotedTags() {
        for valid in ["*", #""a""#, #"W/"a""#, #""a", W/"b""#, #""a,b" ,"c""#, #""""#] {
            #expect(EntityTag.isList(valid), "\(valid)")
        }
        for invalid in ["", "a", #""a"#, #"a""#, #""a" "b""#, #""a","#, "*, \"a\"", "\"×\"", #"W/a"#, "\"a\tb\""] {
            #expect(!EntityTag.isList(invalid), "\(invalid)")
        }
    }

    @Test func onlyANamedTagOrStarMatches() {
        let tag = EntityTag.of(Data("x".utf8))
        #expect(EntityTag.list("*", names: tag) && EntityTag.list("\"0\", \(tag)", names: tag))
        #expect(!EntityTag.list("W/\(tag)", names: tag), "a weak tag never matches")
        #expect(!EntityTag.list(#""0""#, names: tag))
    }
}
