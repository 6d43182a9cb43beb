extension ServiceManifest {
    /// The catalogue, search, interest and purchasing requirements; companies are known from
    /// accounts' events only.
    public static let matchmaking = ServiceManifest(
        .matchmaking, holdsPersonalData: true,
        requests: [
            ListCategories.self, SetExhibitor.self, GetExhibitor.self, CreateProduct.self, GetProduct.self, UpdateProduct.self,
            DeleteProduct.self, ListMyProducts.self, Search.self, FollowTarget.self, UnfollowTarget.self, ListFollows.self,
            PostRFQ.self, GetRFQ.self, ListRFQs.self, CloseRFQ.self, SubmitQuote.self, ListQuotes.self, ReviseQuote.self,
            DecideQuote.self, GetHistory.self, ClearHistory.self, ReportVisitDuration.self, GetBuyerInterest.self,
            GetRecommendations.self, GetStatistics.self,
        ],
        publishes: [
            RFQPosted.self, RFQExpired.self, QuoteSubmitted.self, QuoteDecided.self, TargetFollowed.self, TargetUnfollowed.self,
            ActivityRecorded.self,
        ],
        subscribes: [
            AccountRegistered.self, AccountProfileChanged.self, VerificationDecided.self, VerificationExpired.self, AccountErased.self,
            CompanyMemberJoined.self, CompanyMemberRemoved.self, ConsentChanged.self, ComplaintChanged.self,
        ])
}
