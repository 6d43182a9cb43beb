import Contracts
import Foundation
import Hummingbird

/// The complaints part of the HTTP API (API.md, "Complaints"): filing, reading, evidence and the
/// parties' actions, and staff's queue, assignment, notes and decisions.
struct ComplaintsRoutes {
    let forwarder: RPCForwarder

    func add(to router: Router<GatewayContext>) {
        let noComplaint = "no complaint of yours has this id"
        router.forward(.post, "/v1/complaints", by: forwarder, status: .created) { request, _ in
            try await forwarder.decode(FileComplaint.self, request)
        }
        router.forward(.get, "/v1/complaints", by: forwarder) { request, _ in ListComplaints(page: try request.pageRequest()) }
        router.forward(.get, "/v1/complaints/:id", by: forwarder) { _, context in GetComplaint(complaintID: try context.pathID(noComplaint)) }
        router.forward(.get, "/v1/complaints/:id/events", by: forwarder) { _, context in
            ListComplaintEvents(complaintID: try context.pathID(noComplaint))
        }
        router.forward(.post, "/v1/complaints/:id/evidence", by: forwarder, status: .created) { request, context in
            let id = try context.pathID(noComplaint)
            let form = try await forwarder.decode(EvidenceForm.self, request)
            return AddEvidence(complaintID: id, description: form.description, url: form.url, attachment: form.attachment,
                               concernsMinors: form.concernsMinors)
        }
        router.forward(.post, "/v1/complaints/:id/actions", by: forwarder) { request, context in
            let id = try context.pathID(noComplaint)
            let form = try await forwarder.decode(ActionForm.self, request)
            return TakeComplaintAction(complaintID: id, action: form.action, text: form.text, proposal: form.proposal)
        }
        router.forward(.get, "/v1/admin/complaints", by: forwarder) { request, _ in
            ListComplaintQueue(status: request.uri.queryParameters.get("status"), overdue: request.uri.queryParameters.get("overdue"),
                               page: try request.pageRequest())
        }
        router.forward(.post, "/v1/admin/complaints/:id/assignment", by: forwarder) { request, context in
            let id = try context.pathID(noComplaint)
            return AssignComplaint(complaintID: id, assigneeID: try await forwarder.decodeIfPresent(AssignmentForm.self, request)?.assigneeID)
        }
        router.forward(.post, "/v1/admin/complaints/:id/notes", by: forwarder, status: .created) { request, context in
            let id = try context.pathID(noComplaint)
            return AddStaffNote(complaintID: id, text: try await forwarder.decode(NoteForm.self, request).text)
        }
        router.forward(.post, "/v1/admin/complaints/:id/decision", by: forwarder) { request, context in
            let id = try context.pathID(noComplaint)
            let form = try await forwarder.decode(DecisionForm.self, request)
            return DecideComplaint(complaintID: id, outcome: form.outcome, amount: form.amount, reason: form.reason)
        }
    }

    struct EvidenceForm: Decodable {
        var description: String?
        var url: String?
        var attachment: AttachmentFields?
        var concernsMinors: Bool?
    }

    struct ActionForm: Decodable {
        var action: String?
        var text: String?
        var proposal: ProposalFields?
    }

    struct AssignmentForm: Decodable {
        var assigneeID: UUID?
    }

    struct NoteForm: Decodable {
        var text: String?
    }

    struct DecisionForm: Decodable {
        var outcome: String?
        var amount: RFQFields.Price?
        var reason: String?
    }
}
