/// The Salesforce records the sync has seen (behaviour "Known records"), from
/// change events: Users, Leads, Contacts, Accounts, Opportunities,
/// OpportunityContactRoles, custom-object records with their lookup fields
/// (R8); an email index to Leads/Contacts (R1); lead conversions (R3), merges
/// (R4) and deletions. Ids are kept in their 18-character form.
///
/// A change with partial fields updates only the fields it carries. An
/// `UPDATE` (or deletion) about a record never seen is stored as far as it
/// goes and recorded as an inconsistency (C3 re-audits that object).
public struct KnownRecords: Sendable, Hashable, Codable {
    /// What kind of person record a Who is.
    public enum PersonKind: String, Sendable, Hashable, Codable { case lead = "Lead", contact = "Contact" }

    /// A Lead or a Contact.
    public struct Person: Sendable, Hashable, Codable {
        public var id: String
        public var kind: PersonKind
        public var email: String?
        public var name: String?
        public var accountId: String?
        /// SystemModstamp (or LastModifiedDate) in ms, for R2 ("most recently modified").
        public var modifiedAt: Int64
        public var isDeleted: Bool
        /// R4: merged away into this record.
        public var masterRecordId: String?
        /// R3: a converted Lead's Contact.
        public var convertedContactId: String?
        public var isConverted: Bool
    }

    public struct Opportunity: Sendable, Hashable, Codable {
        public var id: String
        public var name: String?
        public var accountId: String?
        public var ownerId: String?
        public var isClosed: Bool
        public var modifiedAt: Int64
        public var isDeleted: Bool
    }

    public struct ContactRole: Sendable, Hashable, Codable {
        public var id: String
        public var contactId: String?
        public var opportunityId: String?
        public var isPrimary: Bool
        public var isDeleted: Bool
    }

    public struct SimpleRecord: Sendable, Hashable, Codable {
        public var id: String
        public var name: String?
        public var isDeleted: Bool
        public var isActive: Bool
        public var masterRecordId: String?
    }

    /// A record of a custom object (`…__c`) with its id-valued fields (lookups, R8).
    public struct CustomRecord: Sendable, Hashable, Codable {
        public var id: String
        public var object: String
        public var lookups: [String: String]
        public var isDeleted: Bool
    }

    /// A change that did not fit what was known (C3).
    public struct Inconsistency: Sendable, Hashable, Codable {
        public var object: String
        public var recordId: String
        public var problem: String
        public var position: UInt64
    }

    // The records by canonical id. ``KeyedEntries`` rather than dictionaries: a change is looked
    // up and stored back by id, and a `Dictionary` SipHashes the id each time (measured: about
    // 730 instructions a lookup, 3% of a replay's). Records are never removed, only marked deleted.
    public var people = KeyedEntries<Person>()
    public var accounts = KeyedEntries<SimpleRecord>()
    public var users = KeyedEntries<SimpleRecord>()
    public var opportunities = KeyedEntries<Opportunity>()
    public var contactRoles = KeyedEntries<ContactRole>()
    public var customRecords = KeyedEntries<CustomRecord>()
    /// Normalised email -> Lead/Contact ids (R1), including records merged away (R4 follows them).
    public var emailIndex: [String: [String]] = [:]
    /// Contact id -> contact role ids.
    public var rolesByContact: [String: [String]] = [:]
    /// Account id -> opportunity ids.
    public var opportunitiesByAccount: [String: [String]] = [:]
    /// Lookup value (an id) -> custom record ids pointing at it.
    public var customByLookup: [String: [String]] = [:]
    /// Objects with an inconsistency and how many were seen (C3 re-audits them).
    public var inconsistentObjects: [String: Int] = [:]
    /// The most recent inconsistencies (at most 100).
    public var recentInconsistencies: [Inconsistency] = []

    public static let initial = KnownRecords()

    /// Total records known (all objects).
    public var count: Int {
        people.count + accounts.count + users.count + opportunities.count + contactRoles.count + customRecords.count
    }

    // MARK: evolve

    public mutating func evolve(_ change: SalesforceRecordChange, at position: UInt64) {
        guard let rawId = change.record.id else {
            noteInconsistency(object: change.object, id: "", problem: "change without Id", at: position)
            return
        }
        let id = SalesforceIdentifier.canonical(rawId)
        let r = change.record
        let deleted = change.changeType == .delete || change.changeType == .gapDelete || r.bool("IsDeleted") == true
        let isUpdateOnly = change.changeType == .update || change.changeType == .gapUpdate
        // Parsed only for the objects that keep it (people, opportunities): it is a date string.
        func stamp() -> Int64 {
            r.systemModstamp?.millisecondsSinceEpoch ?? change.commitTimestamp?.millisecondsSinceEpoch ?? 0
        }

        func idField(_ name: String) -> String?? {
            // .none: field absent; .some(nil): explicitly null; .some(id)
            guard let v = r[name] else { return .none }
            if case .string(let s) = v, !s.isEmpty { return .some(SalesforceIdentifier.canonical(s)) }
            return .some(nil)
        }
        func stringField(_ name: String) -> String?? {
            guard let v = r[name] else { return .none }
            if case .string(let s) = v { return .some(s) }
            return .some(nil)
        }
        func nameOf() -> String?? {
            if let n = stringField("Name") { return n }
            let first = r.string("FirstName"), last = r.string("LastName")
            if first == nil && last == nil { return .none }
            return .some([first, last].compactMap { $0 }.joined(separator: " "))
        }

        switch change.object {
        case "Lead", "Contact":
            let kind: PersonKind = change.object == "Lead" ? .lead : .contact
            var p: Person
            let index = people.slot(of: id)
            if let index {
                p = people.values[index]
            } else {
                if isUpdateOnly { noteInconsistency(object: change.object, id: id, problem: "update about a record never seen", at: position) }
                p = Person(id: id, kind: kind, email: nil, name: nil, accountId: nil, modifiedAt: 0, isDeleted: false,
                           masterRecordId: nil, convertedContactId: nil, isConverted: false)
            }
            let oldEmail = p.email.map(EmailAddress.normalizedQuickly)
            if let e = stringField("Email") { p.email = e ?? nil }
            if let n = nameOf() { p.name = n ?? nil }
            if let a = idField("AccountId") { p.accountId = a ?? nil }
            if let m = idField("MasterRecordId") { p.masterRecordId = m ?? nil }
            if let c = idField("ConvertedContactId") { p.convertedContactId = c ?? nil }
            if let b = r.bool("IsConverted") { p.isConverted = b }
            let stamp = stamp()
            if stamp > 0 { p.modifiedAt = max(p.modifiedAt, stamp) }
            p.isDeleted = deleted ? true : (change.changeType == .undelete ? false : p.isDeleted)
            if let index { people.values[index] = p } else { people.append(p, forKey: id) }
            let newEmail = p.email.map(EmailAddress.normalizedQuickly)
            if oldEmail != newEmail {
                if let o = oldEmail { emailIndex[o]?.removeAll { $0 == id }; if emailIndex[o]?.isEmpty == true { emailIndex[o] = nil } }
                if let n = newEmail, !n.isEmpty { emailIndex[n, default: []].append(id) }
            }
        case "Account":
            var a = accounts[id] ?? {
                if isUpdateOnly { noteInconsistency(object: change.object, id: id, problem: "update about a record never seen", at: position) }
                return SimpleRecord(id: id, name: nil, isDeleted: false, isActive: true, masterRecordId: nil)
            }()
            if let n = stringField("Name") { a.name = n ?? nil }
            if let m = idField("MasterRecordId") { a.masterRecordId = m ?? nil }
            a.isDeleted = deleted ? true : (change.changeType == .undelete ? false : a.isDeleted)
            accounts[id] = a
        case "User":
            var u = users[id] ?? {
                if isUpdateOnly { noteInconsistency(object: change.object, id: id, problem: "update about a record never seen", at: position) }
                return SimpleRecord(id: id, name: nil, isDeleted: false, isActive: true, masterRecordId: nil)
            }()
            if let n = stringField("Name") ?? stringField("Username") { u.name = n ?? nil }
            if let b = r.bool("IsActive") { u.isActive = b }
            u.isDeleted = deleted
            users[id] = u
        case "Opportunity":
            var o: Opportunity
            if let existing = opportunities[id] {
                o = existing
            } else {
                if isUpdateOnly { noteInconsistency(object: change.object, id: id, problem: "update about a record never seen", at: position) }
                o = Opportunity(id: id, name: nil, accountId: nil, ownerId: nil, isClosed: false, modifiedAt: 0, isDeleted: false)
            }
            let oldAccount = o.accountId
            if let n = stringField("Name") { o.name = n ?? nil }
            if let a = idField("AccountId") { o.accountId = a ?? nil }
            if let w = idField("OwnerId") { o.ownerId = w ?? nil }
            if let c = r.bool("IsClosed") { o.isClosed = c }
            let stamp = stamp()
            if stamp > 0 { o.modifiedAt = max(o.modifiedAt, stamp) }
            o.isDeleted = deleted ? true : (change.changeType == .undelete ? false : o.isDeleted)
            opportunities[id] = o
            if oldAccount != o.accountId {
                if let old = oldAccount { opportunitiesByAccount[old]?.removeAll { $0 == id } }
                if let new = o.accountId { opportunitiesByAccount[new, default: []].append(id) }
            }
        case "OpportunityContactRole":
            var c: ContactRole
            if let existing = contactRoles[id] {
                c = existing
            } else {
                if isUpdateOnly { noteInconsistency(object: change.object, id: id, problem: "update about a record never seen", at: position) }
                c = ContactRole(id: id, contactId: nil, opportunityId: nil, isPrimary: false, isDeleted: false)
            }
            let oldContact = c.contactId
            if let v = idField("ContactId") { c.contactId = v ?? nil }
            if let v = idField("OpportunityId") { c.opportunityId = v ?? nil }
            if let b = r.bool("IsPrimary") { c.isPrimary = b }
            c.isDeleted = deleted ? true : (change.changeType == .undelete ? false : c.isDeleted)
            contactRoles[id] = c
            if oldContact != c.contactId {
                if let old = oldContact { rolesByContact[old]?.removeAll { $0 == id } }
                if let new = c.contactId { rolesByContact[new, default: []].append(id) }
            }
        default:
            guard change.object.hasSuffix("__c") else { return }  // objects the rules never read
            var c: CustomRecord
            if let existing = customRecords[id] {
                c = existing
            } else {
                if isUpdateOnly { noteInconsistency(object: change.object, id: id, problem: "update about a record never seen", at: position) }
                c = CustomRecord(id: id, object: change.object, lookups: [:], isDeleted: false)
            }
            for f in r.fields where f.name != "Id" && f.name != "OwnerId" {
                let old = c.lookups[f.name]
                var new: String? = nil
                if case .string(let s) = f.value, SalesforceIdentifier.looksLikeId(s) { new = SalesforceIdentifier.canonical(s) }
                if old == new { continue }
                if let old { customByLookup[old]?.removeAll { $0 == id } }
                if let new { customByLookup[new, default: []].append(id) }
                c.lookups[f.name] = new
            }
            c.isDeleted = deleted ? true : (change.changeType == .undelete ? false : c.isDeleted)
            customRecords[id] = c
        }
    }

    public mutating func evolve(_ deletion: SalesforceRecordDeleted, at position: UInt64) {
        let id = SalesforceIdentifier.canonical(deletion.recordId)
        if !markDeleted(id) {
            noteInconsistency(object: deletion.object, id: id, problem: "deletion of a record never seen", at: position)
        }
    }

    /// R4: the merged-away records point at the master and are gone.
    public mutating func evolve(_ merge: SalesforceRecordsMerged, at position: UInt64) {
        let master = SalesforceIdentifier.canonical(merge.masterId)
        for raw in merge.mergedIds {
            let id = SalesforceIdentifier.canonical(raw)
            if var p = people[id] {
                p.masterRecordId = master
                p.isDeleted = true
                people[id] = p
            } else if var a = accounts[id] {
                a.masterRecordId = master
                a.isDeleted = true
                accounts[id] = a
            } else {
                // Remember the pointer so R4 can follow it if the record shows up by email later.
                let kind: PersonKind = merge.object == "Lead" ? .lead : .contact
                if merge.object == "Lead" || merge.object == "Contact" {
                    people[id] = Person(id: id, kind: kind, email: nil, name: nil, accountId: nil, modifiedAt: 0,
                                        isDeleted: true, masterRecordId: master, convertedContactId: nil, isConverted: false)
                }
                noteInconsistency(object: merge.object, id: id, problem: "merge of a record never seen", at: position)
            }
        }
    }

    /// R3: a converted Lead points at its Contact.
    public mutating func evolve(_ conversion: LeadConverted, at position: UInt64) {
        let id = SalesforceIdentifier.canonical(conversion.leadId)
        var p = people[id] ?? {
            noteInconsistency(object: "Lead", id: id, problem: "conversion of a lead never seen", at: position)
            return Person(id: id, kind: .lead, email: nil, name: nil, accountId: nil, modifiedAt: 0, isDeleted: false,
                          masterRecordId: nil, convertedContactId: nil, isConverted: false)
        }()
        p.isConverted = true
        p.convertedContactId = SalesforceIdentifier.canonical(conversion.contactId)
        people[id] = p
    }

    /// Marks a record deleted (C4, W6). Returns false if it was never seen.
    @discardableResult
    public mutating func markDeleted(_ rawId: String) -> Bool {
        let id = SalesforceIdentifier.canonical(rawId)
        if people[id] != nil { people[id]!.isDeleted = true; return true }
        if accounts[id] != nil { accounts[id]!.isDeleted = true; return true }
        if opportunities[id] != nil { opportunities[id]!.isDeleted = true; return true }
        if contactRoles[id] != nil { contactRoles[id]!.isDeleted = true; return true }
        if users[id] != nil { users[id]!.isDeleted = true; return true }
        if customRecords[id] != nil { customRecords[id]!.isDeleted = true; return true }
        return false
    }

    mutating func noteInconsistency(object: String, id: String, problem: String, at position: UInt64) {
        inconsistentObjects[object, default: 0] += 1
        recentInconsistencies.append(Inconsistency(object: object, recordId: id, problem: problem, position: position))
        if recentInconsistencies.count > 100 { recentInconsistencies.removeFirst(recentInconsistencies.count - 100) }
    }

    // MARK: queries

    /// Alive Lead/Contact ids whose Email equals `email` (R1), before R3/R4.
    public func peopleWithEmail(_ email: String) -> [Person] {
        (emailIndex[EmailAddress.normalize(email)] ?? []).compactMap { people[$0] }
    }

    public func person(_ id: String) -> Person? { people[SalesforceIdentifier.canonical(id)] }

    public func isAliveAccount(_ id: String) -> Bool { accounts[id].map { !$0.isDeleted } ?? false }

    /// Alive opportunities where the contact has a role, with whether the role is primary.
    public func opportunitiesByRole(contactId: String) -> [(Opportunity, Bool)] {
        var best: [String: Bool] = [:]
        for roleId in rolesByContact[contactId] ?? [] {
            guard let role = contactRoles[roleId], !role.isDeleted, let opp = role.opportunityId else { continue }
            best[opp] = (best[opp] ?? false) || role.isPrimary
        }
        return best.keys.sorted().compactMap { id in
            guard let o = opportunities[id], !o.isDeleted else { return nil }
            return (o, best[id]!)
        }
    }

    /// Alive opportunities of an account.
    public func opportunities(accountId: String) -> [Opportunity] {
        (opportunitiesByAccount[accountId] ?? []).sorted().compactMap { id in
            guard let o = opportunities[id], !o.isDeleted, o.accountId == accountId else { return nil }
            return o
        }
    }

    /// Alive custom records of `object` whose field `field` points at `target`.
    public func customRecords(object: String, field: String, pointingAt target: String) -> [CustomRecord] {
        (customByLookup[target] ?? []).sorted().compactMap { id in
            guard let c = customRecords[id], !c.isDeleted, c.object == object, c.lookups[field] == target else { return nil }
            return c
        }
    }
}
