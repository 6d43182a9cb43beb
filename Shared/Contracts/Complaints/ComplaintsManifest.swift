extension ServiceManifest {
    /// Complaints and disputes between buyers and sellers: filing, negotiation, escalation on
    /// durable clocks and staff decisions. Who took part in what is known from matchmaking's and
    /// messaging's events.
    public static let complaints = ServiceManifest(
        .complaints, holdsPersonalData: true,
        requests: [
            FileComplaint.self, ListComplaints.self, GetComplaint.self, ListComplaintEvents.self, AddEvidence.self, TakeComplaintAction.self,
            ListComplaintQueue.self, AssignComplaint.self, AddStaffNote.self, DecideComplaint.self,
        ],
        publishes: [ComplaintChanged.self],
        subscribes: [RFQPosted.self, QuoteSubmitted.self, ConversationOpened.self])
}
