extension ServiceManifest {
    /// The catalogue, search and interest; companies are known from accounts' events only.
    public static let matchmaking = ServiceManifest(
        .matchmaking, holdsPersonalData: true,
        requests: [
            ListCategories.self, SetExhibitor.self, GetExhibitor.self, CreateProduct.self, GetProduct.self, UpdateProduct.self,
            DeleteProduct.self, ListMyProducts.self, Search.self, FollowTarget.self, UnfollowTarget.self, ListFollows.self,
        ],
        subscribes: [AccountRegistered.self, AccountProfileChanged.self, VerificationDecided.self, AccountErased.self])
}
