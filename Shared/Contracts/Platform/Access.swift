/// Who may send a request, declared once on its contract: the RPC server refuses anyone else
/// before the handler runs, and the gateway answers 401/403 from the same declaration without a
/// hop to the service.
public enum Access: Sendable, Equatable {
    /// Anyone, signed in or not.
    case anyone
    /// A signed-in user.
    case signedIn
    /// A signed-in user who holds this role.
    case role(Role)
    /// A signed-in user who holds one of these roles (e.g. staff who handle complaints).
    case oneOf(Set<Role>)

    /// The problem that refuses `actor`, or nil when it may send the request.
    public func refusal(of actor: Actor?) -> Problem? {
        switch self {
        case .anyone:
            return nil
        case .signedIn:
            return actor == nil ? .unauthorized("this request needs a signed-in user") : nil
        case .role(let role):
            guard let actor else { return .unauthorized("this request needs a signed-in user") }
            return actor.has(role: role.rawValue) ? nil : .forbidden("only staff with the \(role.rawValue) role may do this")
        case .oneOf(let roles):
            guard let actor else { return .unauthorized("this request needs a signed-in user") }
            let names = roles.map(\.rawValue).sorted()
            return names.contains(where: actor.has(role:)) ? nil : .forbidden("only staff with the \(names.joined(separator: " or ")) role may do this")
        }
    }
}
