import Foundation

/// Tokens and the admin surface (`/__emulator/…`): people changing the org, the clock, faults, calls.
extension OrgState {
    // MARK: OAuth

    /// A new access token for a user, valid for the configured TTL on the emulator's clock.
    public mutating func issueAccessToken(userId: String, now: Int64) -> String {
        let token = "00D5e0000000001!emu" + String(tokenCounter, radix: 36) + "." + String(UInt64(now), radix: 36)
            + String(UInt64(nextRandom() * 1e15), radix: 36)
        tokenCounter += 1
        accessTokens[token] = AccessToken(userId: userId, expiresAt: now + Int64(settings.accessTokenTTLSeconds) * 1000)
        return token
    }

    func oauthError(_ error: String, _ description: String) -> (Int, JSON) {
        (400, .object([("error", .string(error)), ("error_description", .string(description))]))
    }

    func tokenBody(token: String, userId: String, now: Int64, refresh: String?) -> JSON {
        var pairs: [(String, JSON)] = [("access_token", .string(token))]
        if let refresh { pairs.append(("refresh_token", .string(refresh))) }
        pairs += [
            ("signature", .string(String(UInt64(now) &* 2_654_435_761, radix: 36))),
            ("scope", "api refresh_token"),
            ("instance_url", .string(instanceURL)),
            ("id", .string("\(instanceURL)/id/00D5e0000000001EAA/\(userId)")),
            ("token_type", "Bearer"),
            ("issued_at", .string(String(now))),
        ]
        return .object(pairs)
    }

    /// `grant_type=refresh_token`: Salesforce's answer (no `expires_in`) or its error body.
    public mutating func refreshTokenGrant(form: [String: String], now: Int64) -> (status: Int, body: JSON) {
        if let clientId = settings.clientId, let given = form["client_id"], given != clientId {
            return oauthError("invalid_client_id", "client identifier invalid")
        }
        guard let refresh = form["refresh_token"], let userId = refreshTokens[refresh] else {
            return oauthError("invalid_grant", "expired access/refresh token")
        }
        if let user = records["User"]?[userId], user.fields["IsActive"]?.boolValue == false {
            return oauthError("invalid_grant", "inactive user")
        }
        var newRefresh: String? = nil
        if settings.rotateRefreshTokens {
            let r = "5Aep8" + String(UInt64(nextRandom() * 1e15), radix: 36) + String(tokenCounter, radix: 36)
            refreshTokens[refresh] = nil
            refreshTokens[r] = userId
            newRefresh = r
        }
        let token = issueAccessToken(userId: userId, now: now)
        return (200, tokenBody(token: token, userId: userId, now: now, refresh: newRefresh))
    }

    /// The JWT bearer grant once the signature is verified: checks issuer, audience, expiry and user.
    public mutating func jwtGrant(issuer: String?, subject: String?, audiences: [String], expiresAt: Int64?, now: Int64,
                                  acceptedAudiences: [String]) -> (status: Int, body: JSON) {
        if let clientId = settings.clientId, issuer != clientId {
            return oauthError("invalid_client_id", "client identifier invalid")
        }
        guard audiences.contains(where: { a in acceptedAudiences.contains { $0.lowercased() == a.lowercased().trimmingSuffix("/") } }) else {
            return oauthError("invalid_grant", "audience is invalid")
        }
        guard let expiresAt, expiresAt > now else { return oauthError("invalid_grant", "expired authorization code") }
        guard let subject, let user = allRecords(of: "User").first(where: {
            !$0.isDeleted && $0.fields["Username"]?.stringValue?.lowercased() == subject.lowercased()
        }) else {
            return oauthError("invalid_grant", "user hasn't approved this consumer")
        }
        if user.fields["IsActive"]?.boolValue == false { return oauthError("invalid_grant", "inactive user") }
        let token = issueAccessToken(userId: user.id, now: now)
        return (200, tokenBody(token: token, userId: user.id, now: now, refresh: nil))
    }

    // MARK: state

    /// Every record by object, deleted ones marked (`IsDeleted`).
    public func stateJSON() -> JSON {
        .object(catalog.objects.keys.sorted().compactMap { object in
            let list = allRecords(of: object)
            if list.isEmpty { return nil }
            return (object, .array(list.map { r in
                var j = recordJSON(r)
                if case .object(var pairs) = j, r.isDeleted, let at = r.deletedAt {
                    pairs.append(("deletedDate", .string(Timestamp.format(at))))
                    j = .object(pairs)
                }
                return j
            }))
        })
    }

    /// The org as a fixture file (settings are not written back; records only, with stamps).
    public func recordsAsFixture() -> JSON {
        .object(catalog.objects.keys.sorted().compactMap { object in
            let list = allRecords(of: object)
            if list.isEmpty { return nil }
            return (object, .array(list.map { r in
                let schema = catalog.object(object)!
                return .object(schema.fields.compactMap { f in
                    guard let v = r.fields[f.name], v != .null else { return nil }
                    return (f.name, v)
                })
            }))
        })
    }

    /// `POST /__emulator/records`: `{"records":[{"attributes":{"type":"Contact"},"Id"?:…,…}]}` (or a bare array).
    /// With an `Id` of an existing record it updates it, otherwise creates; all share one stamp.
    public mutating func adminWrite(_ body: JSON, now: Int64, changes: inout [RecordChange]) -> (Int, JSON) {
        guard let list = body["records"]?.arrayValue ?? body.arrayValue else {
            return (400, .array([APIError(400, "INVALID_INPUT", "expected {\"records\":[…]}").restJSON]))
        }
        let stamp = nextStamp(now: now)
        var out: [JSON] = []
        for item in list {
            guard let fields = item.objectValue else { out.append(OrgState.itemJSON(.failed(APIError(400, "INVALID_INPUT", "a record must be an object"), id: nil))); continue }
            var type = item["attributes"]?["type"]?.stringValue
            let id = item["Id"]?.stringValue.flatMap(SalesforceId.normalized)
            if type == nil, let id { type = catalog.objectName(forId: id) }
            guard let type else {
                out.append(OrgState.itemJSON(.failed(APIError(400, "INVALID_TYPE", "attributes.type is required"), id: nil)))
                continue
            }
            let existing = id.flatMap { id in catalog.object(type).flatMap { records[$0.name]?[id] } }
            let result = write(object: type, id: existing?.id, input: fields, mode: existing == nil ? .create : .update, stamp: stamp,
                               userId: integrationUserId, lenient: true, changes: &changes)
            switch result {
            case .success(let r): out.append(OrgState.itemJSON(.ok(id: r.id, created: existing == nil)))
            case .failure(let e): out.append(OrgState.itemJSON(.failed(e, id: existing?.id)))
            }
        }
        return (200, .array(out))
    }

    public mutating func adminDelete(id raw: String, now: Int64, changes: inout [RecordChange]) -> (Int, JSON?) {
        guard let id = SalesforceId.normalized(raw) else { return (400, .array([APIError(400, "MALFORMED_ID", "malformed id").restJSON])) }
        switch delete(id: id, stamp: nextStamp(now: now), changes: &changes) {
        case .success: return (204, nil)
        case .failure(let e): return (e.status, .array([e.restJSON]))
        }
    }

    /// Moves activities (WhoId/WhatId, relation rows) from one record to another, as Salesforce does on
    /// conversion and merge.
    mutating func moveActivities(from old: String, toWho newWho: String?, toWhat newWhat: String?, stamp: Int64,
                                 changes: inout [RecordChange]) {
        for object in ["Task", "Event"] {
            for var r in allRecords(of: object) where !r.isDeleted {
                var changed = false
                if r.fields["WhoId"]?.stringValue == old, let newWho {
                    r.fields["WhoId"] = .string(newWho); changed = true
                }
                if r.fields["WhatId"]?.stringValue == old, let newWhat {
                    r.fields["WhatId"] = .string(newWhat); changed = true
                }
                if changed {
                    r.fields["SystemModstamp"] = .string(Timestamp.format(stamp))
                    r.fields["LastModifiedDate"] = .string(Timestamp.format(stamp))
                    r.modstamp = stamp
                    deriveFields(&r)
                    insert(r)
                    changes.append(RecordChange(object: object, id: r.id, kind: .update))
                }
            }
        }
        for relObject in ["TaskRelation", "EventRelation"] {
            for var r in allRecords(of: relObject) where !r.isDeleted && r.fields["RelationId"]?.stringValue == old {
                let isWhat = r.fields["IsWhat"]?.boolValue ?? false
                guard let target = isWhat ? newWhat : newWho else { continue }
                r.fields["RelationId"] = .string(target)
                r.fields["SystemModstamp"] = .string(Timestamp.format(stamp))
                r.modstamp = stamp
                insert(r)
                changes.append(RecordChange(object: relObject, id: r.id, kind: .update))
            }
        }
    }

    mutating func touch(_ object: String, _ id: String, stamp: Int64, set: [String: JSON], changes: inout [RecordChange]) {
        guard var r = records[object]?[id] else { return }
        for (k, v) in set { r.fields[k] = v }
        r.fields["SystemModstamp"] = .string(Timestamp.format(stamp))
        r.fields["LastModifiedDate"] = .string(Timestamp.format(stamp))
        r.modstamp = stamp
        deriveFields(&r)
        insert(r)
        changes.append(RecordChange(object: object, id: id, kind: .update))
    }

    /// `POST /__emulator/convertLead`:
    /// `{"leadId","accountId"?,"contactId"?,"doNotCreateOpportunity"?,"opportunityName"?,"convertedStatus"?}`.
    public mutating func convertLead(_ body: JSON, now: Int64, changes: inout [RecordChange]) -> (Int, JSON) {
        func fail(_ code: String, _ message: String) -> (Int, JSON) { (400, .array([APIError(400, code, message).restJSON])) }
        guard let leadId = body["leadId"]?.stringValue.flatMap(SalesforceId.normalized), let lead = records["Lead"]?[leadId],
            !lead.isDeleted
        else { return fail("INVALID_CROSS_REFERENCE_KEY", "leadId does not name a live Lead") }
        if lead.fields["IsConverted"]?.boolValue == true { return fail("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead") }
        let stamp = nextStamp(now: now)
        let saved = self
        let savedChanges = changes
        var accountId = body["accountId"]?.stringValue.flatMap(SalesforceId.normalized)
        if let a = accountId, records["Account"]?[a]?.isDeleted != false { return fail("INVALID_CROSS_REFERENCE_KEY", "accountId does not name a live Account") }
        let owner = lead.fields["OwnerId"]?.stringValue.flatMap { $0.hasPrefix("005") ? $0 : nil } ?? integrationUserId
        if accountId == nil {
            let name = lead.fields["Company"]?.stringValue ?? lead.fields["Name"]?.stringValue ?? "Converted"
            switch write(object: "Account", id: nil, input: [("Name", .string(name)), ("OwnerId", .string(owner))], mode: .create,
                         stamp: stamp, userId: integrationUserId, lenient: true, changes: &changes) {
            case .success(let r): accountId = r.id
            case .failure(let e): self = saved; changes = savedChanges; return (400, .array([e.restJSON]))
            }
        }
        var contactId = body["contactId"]?.stringValue.flatMap(SalesforceId.normalized)
        if let c = contactId, records["Contact"]?[c]?.isDeleted != false { self = saved; changes = savedChanges; return fail("INVALID_CROSS_REFERENCE_KEY", "contactId does not name a live Contact") }
        if contactId == nil {
            var input: [(String, JSON)] = [("AccountId", .string(accountId!)), ("OwnerId", .string(owner))]
            for f in ["FirstName", "LastName", "Email", "Phone", "Title", "MobilePhone", "LeadSource", "Description"] {
                if let v = lead.fields[f], v != .null { input.append((f, v)) }
            }
            switch write(object: "Contact", id: nil, input: input, mode: .create, stamp: stamp, userId: integrationUserId, lenient: true,
                         changes: &changes) {
            case .success(let r): contactId = r.id
            case .failure(let e): self = saved; changes = savedChanges; return (400, .array([e.restJSON]))
            }
        }
        var opportunityId: String? = nil
        if body["doNotCreateOpportunity"]?.boolValue != true {
            let name = body["opportunityName"]?.stringValue ?? ((lead.fields["Company"]?.stringValue ?? "Lead") + "-")
            let close = Timestamp.formatDate(now + 30 * 86_400_000)
            switch write(object: "Opportunity", id: nil,
                         input: [("Name", .string(name)), ("AccountId", .string(accountId!)), ("StageName", "Prospecting"),
                                 ("CloseDate", .string(close)), ("OwnerId", .string(owner))],
                         mode: .create, stamp: stamp, userId: integrationUserId, lenient: true, changes: &changes) {
            case .success(let r): opportunityId = r.id
            case .failure(let e): self = saved; changes = savedChanges; return (400, .array([e.restJSON]))
            }
            _ = write(object: "OpportunityContactRole", id: nil,
                      input: [("OpportunityId", .string(opportunityId!)), ("ContactId", .string(contactId!)), ("IsPrimary", true)],
                      mode: .create, stamp: stamp, userId: integrationUserId, lenient: true, changes: &changes)
        }
        // The lead's activities go to the contact (and the opportunity, where they had no related record).
        for object in ["Task", "Event"] {
            for r in allRecords(of: object) where !r.isDeleted && r.fields["WhoId"]?.stringValue == leadId {
                var set: [String: JSON] = ["WhoId": .string(contactId!)]
                if r.fields["WhatId"] == nil || r.fields["WhatId"] == .null, let opportunityId { set["WhatId"] = .string(opportunityId) }
                touch(object, r.id, stamp: stamp, set: set, changes: &changes)
                if settings.sharedActivities, let updated = records[object]?[r.id] {
                    syncRelations(activity: updated, whoIds: nil, stamp: stamp, userId: integrationUserId, changes: &changes)
                }
            }
        }
        touch("Lead", leadId, stamp: stamp, set: [
            "IsConverted": true, "ConvertedDate": .string(Timestamp.formatDate(now)), "ConvertedAccountId": .string(accountId!),
            "ConvertedContactId": .string(contactId!), "ConvertedOpportunityId": opportunityId.map { .string($0) } ?? .null,
            "Status": .string(body["convertedStatus"]?.stringValue ?? "Closed - Converted"),
        ], changes: &changes)
        return (200, .object([("leadId", .string(leadId)), ("accountId", .string(accountId!)), ("contactId", .string(contactId!)),
                              ("opportunityId", opportunityId.map { .string($0) } ?? .null), ("success", true)]))
    }

    /// `POST /__emulator/merge`: `{"masterId":…,"mergeIds":[…]}` (Leads, Contacts or Accounts; up to 3 records).
    /// Losers go to the recycle bin with `MasterRecordId`; their activities and children move to the master.
    public mutating func merge(_ body: JSON, now: Int64, changes: inout [RecordChange]) -> (Int, JSON) {
        func fail(_ code: String, _ message: String) -> (Int, JSON) { (400, .array([APIError(400, code, message).restJSON])) }
        guard let master = body["masterId"]?.stringValue.flatMap(SalesforceId.normalized), let object = catalog.objectName(forId: master),
            ["Lead", "Contact", "Account"].contains(object), let masterRecord = records[object]?[master], !masterRecord.isDeleted
        else { return fail("INVALID_CROSS_REFERENCE_KEY", "masterId must name a live Lead, Contact or Account") }
        let losers = (body["mergeIds"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(SalesforceId.normalized) }
        guard !losers.isEmpty, losers.count <= 2 else { return fail("INVALID_INPUT", "mergeIds must name one or two records") }
        for l in losers {
            guard l != master, catalog.objectName(forId: l) == object, let r = records[object]?[l], !r.isDeleted else {
                return fail("INVALID_CROSS_REFERENCE_KEY", "every merge id must be a live \(object) other than the master")
            }
        }
        let stamp = nextStamp(now: now)
        for l in losers {
            if object == "Account" {
                moveActivities(from: l, toWho: nil, toWhat: master, stamp: stamp, changes: &changes)
                for child in ["Contact", "Opportunity"] {
                    for r in allRecords(of: child) where !r.isDeleted && r.fields["AccountId"]?.stringValue == l {
                        touch(child, r.id, stamp: stamp, set: ["AccountId": .string(master)], changes: &changes)
                    }
                }
            } else {
                moveActivities(from: l, toWho: master, toWhat: nil, stamp: stamp, changes: &changes)
                if object == "Contact" {
                    for r in allRecords(of: "OpportunityContactRole") where !r.isDeleted && r.fields["ContactId"]?.stringValue == l {
                        touch("OpportunityContactRole", r.id, stamp: stamp, set: ["ContactId": .string(master)], changes: &changes)
                    }
                }
            }
            if var r = records[object]?[l] {
                r.fields["MasterRecordId"] = .string(master)
                insert(r)
            }
            _ = delete(id: l, stamp: stamp, changes: &changes)
        }
        touch(object, master, stamp: stamp, set: [:], changes: &changes)
        return (200, .object([("id", .string(master)), ("success", true), ("mergedRecordIds", .array(losers.map { .string($0) }))]))
    }

    // MARK: faults, calls, clock

    public mutating func addFaults(_ body: JSON) -> (Int, JSON) {
        let list = body["rules"]?.arrayValue ?? body.arrayValue ?? [body]
        var added: [FaultRule] = []
        for item in list {
            switch FaultRule.parse(item) {
            case .failure(let e): return (400, .array([e.restJSON]))
            case .success(let (rule, seed)):
                if let seed { randomState = seed }
                added.append(rule)
            }
        }
        faults += added
        return (200, faultsJSON())
    }

    public mutating func clearFaults() { faults = [] }

    public func faultsJSON() -> JSON { .object([("rules", .array(faults.map(\.json)))]) }

    public func callsJSON(now: Int64) -> JSON {
        .object([
            ("total", .int(calls.count)), ("counted", .int(calls.filter(\.counted).count)),
            ("apiUsage", .int(apiUsage(now: now))), ("dailyApiLimit", .int(settings.dailyApiLimit)),
            ("calls", .array(calls.map { c in
                .object([("at", .string(Timestamp.format(c.at))), ("method", .string(c.method)), ("path", .string(c.path)),
                         ("object", c.object.map { .string($0) } ?? .null), ("status", .int(c.status)), ("counted", .bool(c.counted)),
                         ("fault", c.fault.map { .string($0) } ?? .null)])
            })),
        ])
    }

    /// Forgets the call log (the daily count stays: Salesforce's does).
    public mutating func clearCalls() { calls = [] }

    /// `POST /__emulator/clock`: `{"now":"2026-11-20T15:00:00Z","frozen":true}` or `{"advanceSeconds":86400}`.
    public mutating func setClock(_ body: JSON, real: Int64) -> (Int, JSON) {
        let current = clock.now(real: real)
        var target = current
        if let text = body["now"]?.stringValue {
            guard let ms = Timestamp.parse(text) else {
                return (400, .array([APIError(400, "INVALID_INPUT", "now must be an ISO 8601 date/time").restJSON]))
            }
            target = ms
        }
        if let s = body["advanceSeconds"]?.doubleValue { target += Int64(s * 1000) }
        let frozen = body["frozen"]?.boolValue ?? (clock.frozenAt != nil)
        if frozen { clock.frozenAt = target } else { clock.frozenAt = nil; clock.offsetMs = target - real }
        // Stamps follow the clock, also backwards (they are monotonic only while the clock is).
        lastStamp = min(lastStamp, target / 1000 * 1000)
        return (200, clockJSON(real: real))
    }

    public func clockJSON(real: Int64) -> JSON {
        .object([("now", .string(Timestamp.format(clock.now(real: real)))), ("frozen", .bool(clock.frozenAt != nil))])
    }

    /// The section-3 notification bodies for a list of changes (the trigger package's view: the record after the change).
    public func notifications(for changes: [RecordChange], now: Int64) -> [JSON] {
        var seen = Set<String>()
        var out: [JSON] = []
        for c in changes.reversed() where !seen.contains(c.id + c.kind.rawValue) {
            seen.insert(c.id + c.kind.rawValue)
            guard let r = records[c.object]?[c.id] else { continue }
            let fields: [(String, JSON)]
            if case .object(let pairs) = recordJSON(r) { fields = pairs.filter { $0.0 != "attributes" && $0.1 != .null } } else { fields = [] }
            let commit = Timestamp.format(r.modstamp)
            let rfc3339 = String(commit.prefix(19)) + "Z"
            out.append(.object([("object", .string(c.object)), ("changeType", .string(c.kind.rawValue)), ("record", .object(fields)),
                                ("source", "realtime"), ("commitTimestamp", .string(rfc3339))]))
        }
        return out.reversed()
    }
}

extension String {
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
