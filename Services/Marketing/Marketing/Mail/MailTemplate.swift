import Contracts
import Foundation
import Mustache

/// A mail's three Mustache templates: subject and text are rendered as they are, the HTML part
/// with every value HTML-escaped. Campaigns bring theirs in the trigger message; the platform's
/// own mails ship as files (`Resources/Templates/<name>/<language>/{subject,text,html}.mustache`).
struct MailTemplate: Sendable {
    let subject: MustacheTemplate
    let text: MustacheTemplate
    let html: MustacheTemplate

    /// Fails with `MailTemplateError` naming the part that does not parse.
    init(subject: String, text: String, html: String) throws(MailTemplateError) {
        func parse(_ source: String, _ part: String, plain: Bool) throws(MailTemplateError) -> MustacheTemplate {
            do {
                return try MustacheTemplate(string: plain ? "{{% CONTENT_TYPE: TEXT}}" + source : source)
            } catch let error as MustacheTemplate.ParserError {
                // Where, not the line itself: the reason is logged and sent back in events.
                throw MailTemplateError(part: part, reason: "\(error.error) at line \(error.context.lineNumber), column \(error.context.columnNumber)")
            } catch {
                throw MailTemplateError(part: part, reason: "\(error)")
            }
        }
        self.subject = try parse(subject, "subject", plain: true)
        self.text = try parse(text, "text", plain: true)
        self.html = try parse(html, "html", plain: false)
    }

    /// The mail for one recipient; `values` are the template's variables.
    func render(_ values: [String: String], from: String, to: String, toName: String?) -> MailMessage {
        MailMessage(
            from: from, to: to, toName: toName,
            subject: subject.render(values).trimmingCharacters(in: .whitespacesAndNewlines),
            text: text.render(values), html: html.render(values))
    }
}

struct MailTemplateError: Error, Sendable, CustomStringConvertible {
    let part: String
    let reason: String
    var description: String { "the \(part) template does not parse: \(reason)" }
}

/// The platform's own mails, each with a template per language (English always; others where
/// translated). A missing file stops the service at start-up, not when the first mail is due.
struct TransactionalTemplates: Sendable {
    enum Name: String, CaseIterable, Sendable {
        case unreadMessages = "unread-messages"
        case emailVerification = "email-verification"
        case passwordReset = "password-reset"
        case subscriptionConfirmation = "subscription-confirmation"
        case companyInvitation = "company-invitation"
        case verificationExpiring = "verification-expiring"
        case complaintFiled = "complaint-filed"
        case complaintDecided = "complaint-decided"
        case dataRequestCode = "data-request-code"
        case dataRequestExtended = "data-request-extended"
        case dataRequestDenied = "data-request-denied"
        case dataRequestResolved = "data-request-resolved"
        case securityIncident = "security-incident"
    }

    private let templates: [String: MailTemplate]

    init() throws {
        var templates: [String: MailTemplate] = [:]
        for name in Name.allCases {
            for language in Language.allCases {
                let folder = "Templates/\(name.rawValue)/\(language.rawValue)"
                func read(_ part: String) throws -> String? {
                    guard let url = Bundle.module.url(forResource: part, withExtension: "mustache", subdirectory: folder) else { return nil }
                    return try String(contentsOf: url, encoding: .utf8)
                }
                guard let subject = try read("subject"), let text = try read("text"), let html = try read("html") else {
                    guard language != .en else { throw MailTemplateError(part: folder, reason: "the English template is missing") }
                    continue
                }
                templates["\(name.rawValue)/\(language.rawValue)"] = try MailTemplate(subject: subject, text: text, html: html)
            }
        }
        self.templates = templates
    }

    /// The template in `language`, or in English where there is no translation.
    func template(_ name: Name, language: Language) -> MailTemplate {
        templates["\(name.rawValue)/\(language.rawValue)"] ?? templates["\(name.rawValue)/en"]!
    }
}
