import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

extension MatchmakingHandlers {
    /// `matchmaking.create-product.v1`: a supplier adds a product; publishing needs verification.
    @Sendable func createProduct(_ request: CreateProduct, _ context: RequestContext) async throws -> Product {
        let (actor, companyID) = try context.callerCompany()
        let draft = try ProductRules.read(request.fields, categories: categories)
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            guard let company = try await KnownCompany.find(companyID, on: transaction.connection, logger: context.logger),
                  !company.cancelled else { throw Problem.companyNotReady }
            if draft.status == .published, !company.verified { throw Problem.supplierNotVerified }
            let id = UUID()
            try await ProductRecords.insert(id, draft, company: companyID, by: actor.accountID, on: transaction)
            return try await owned(id, by: companyID, on: transaction, context)
        }
    }

    /// `matchmaking.get-product.v1`: published and listed for anyone; otherwise its owner only (404 for others).
    @Sendable func getProduct(_ request: GetProduct, _ context: RequestContext) async throws -> Product {
        let viewer = context.message.actor?.companyID
        let product = try await database.withConnection { connection in
            guard let product = try await ProductRecords.find(request.productID, viewer: viewer, on: connection, logger: context.logger)
            else { throw Problem.notFound("no product with this id") }
            return product
        }
        await records.visited(.product, product.id, ownedBy: product.companyID, context)
        return product
    }

    /// `matchmaking.update-product.v1`: the owner edits, publishes (verified only) or unpublishes.
    @Sendable func updateProduct(_ request: UpdateProduct, _ context: RequestContext) async throws -> Product {
        let (actor, companyID) = try context.callerCompany()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let current = try await owned(request.productID, by: companyID, lock: true, on: transaction, context)
            try context.requireIfMatch(current)
            let draft = try ProductRules.read(request.fields, categories: categories, current: ProductDraft(current))
            if draft.status == .published, current.status == .draft, !current.verified { throw Problem.supplierNotVerified }
            guard draft != ProductDraft(current) else { return current }
            try await ProductRecords.update(request.productID, draft, by: actor.accountID, on: transaction)
            return try await owned(request.productID, by: companyID, on: transaction, context)
        }
    }

    /// `matchmaking.delete-product.v1`: the owner removes a product, and its follows go with it.
    @Sendable func deleteProduct(_ request: DeleteProduct, _ context: RequestContext) async throws -> NoContent {
        let (_, companyID) = try context.callerCompany()
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rows = try await transaction.query("""
                DELETE FROM products WHERE id = \(request.productID) AND company_id = \(companyID) RETURNING 1
                """)
            guard try await rows.exists else { throw Problem.notFound("no product of your company has this id") }
            try await transaction.query("DELETE FROM follows WHERE kind = 'product' AND target_id = \(request.productID)")
            return NoContent()
        }
    }

    /// `matchmaking.list-my-products.v1`: the caller's company's catalogue, drafts included, newest first.
    @Sendable func listMyProducts(_ request: ListMyProducts, _ context: RequestContext) async throws -> Page<Product> {
        let (_, companyID) = try context.callerCompany()
        let (limit, after) = try Cursor.read(request.page)
        let rows = try await database.client.query("""
            \(unescaped: ProductRecords.select)
            WHERE p.company_id = \(companyID)
              AND (floor(extract(epoch FROM p.created_at) * 1000000)::int8, p.id::text) < (\(after.position), \(after.id))
            ORDER BY 22 DESC, p.id::text DESC LIMIT \(limit + 1)
            """, logger: context.logger)
        var items: [(Product, Cursor)] = []
        for try await row in rows.decode(ProductRecords.Row.self) {
            guard let product = try ProductRecords.decode(row, viewer: companyID) else { continue }
            items.append((product, Cursor(position: ProductRecords.position(row), id: product.id.uuidString.lowercased())))
        }
        return Cursor.page(items, limit: limit)
    }

    /// The product if the company owns it, else 404 (the same for another's product and none).
    func owned(_ id: UUID, by companyID: UUID, lock: Bool = false, on transaction: Transaction, _ context: RequestContext) async throws -> Product {
        guard let product = try await ProductRecords.find(id, viewer: companyID, lock: lock, on: transaction.connection, logger: context.logger),
              product.companyID == companyID
        else { throw Problem.notFound("no product of your company has this id") }
        return product
    }
}

extension ProductDraft {
    init(_ product: Product) {
        self.init(
            name: product.name, categoryID: product.categoryID, description: product.description,
            specifications: product.specifications, price: product.price, minimumOrder: product.minimumOrder,
            pictures: product.pictures, keywords: product.keywords, status: product.status)
    }
}
