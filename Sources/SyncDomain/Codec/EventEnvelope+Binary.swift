// Activity payload: 1 id, 2 workspace, 4 occurredAt (ms), 5 occurredAtOffsetMinutes, 6 userId,
// 7 message, 8 recipient, 9 url, 10 fileName, 11 meeting, 12 task, 13 call, 14 source (JSON bytes).
// The activity's type is the event's wire name (V1.EmailSent ...), so it is not repeated here.
extension Activity {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeString(2, workspace)
        w.writeTimestamp(4, occurredAt)
        if occurredAtOffsetMinutes != 0 { w.writeInt(5, occurredAtOffsetMinutes) }
        w.writeString(6, userId)
        if let v = message { w.writeMessage(7) { v.encode(to: &$0) } }
        if let v = recipient { w.writeMessage(8) { v.encode(to: &$0) } }
        w.writeString(9, url)
        w.writeString(10, fileName)
        if let v = meeting { w.writeMessage(11) { v.encode(to: &$0) } }
        if let v = task { w.writeMessage(12) { v.encode(to: &$0) } }
        if let v = call { w.writeMessage(13) { v.encode(to: &$0) } }
        if !source.isEmpty { w.writeBytes(14, source) }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader, type: ActivityType) throws(SyncDomainError) -> Activity {
        var id: String? = nil
        var workspace = ""
        var occurredAt: Timestamp? = nil
        var offset = 0
        var userId = ""
        var message: Message? = nil
        var recipient: Person? = nil
        var url: String? = nil
        var fileName: String? = nil
        var meeting: Meeting? = nil
        var task: ActivityTask? = nil
        var call: Call? = nil
        var source: [UInt8] = []
        var unknown = UnknownFields()
        while let f = try r.nextField() {
            switch f.number {
            case 1: id = try r.readString(f.wire)
            case 2: workspace = try r.readString(f.wire)
            case 4: occurredAt = try r.readTimestamp(f.wire)
            case 5: offset = try r.readInt(f.wire)
            case 6: userId = try r.readString(f.wire)
            case 7: message = try r.readMessage(Message.self, f.wire)
            case 8: recipient = try r.readMessage(Person.self, f.wire)
            case 9: url = try r.readString(f.wire)
            case 10: fileName = try r.readString(f.wire)
            case 11: meeting = try r.readMessage(Meeting.self, f.wire)
            case 12: task = try r.readMessage(ActivityTask.self, f.wire)
            case 13: call = try r.readMessage(Call.self, f.wire)
            case 14: source = try r.readBytes(f.wire)
            default: try r.skip(f.wire, into: &unknown)
            }
        }
        var a = Activity(
            id: try required(id, "Activity.id"), workspace: workspace, type: type,
            occurredAt: try required(occurredAt, "Activity.occurredAt"), occurredAtOffsetMinutes: offset,
            userId: userId, message: message, recipient: recipient, url: url, fileName: fileName, meeting: meeting,
            task: task, call: call, source: source)
        a.unknownFields = unknown
        return a
    }
}

// Envelope: 1 type (wire name), 2 id, 3 workspace, 4 recordedAt (ms), 5 payload (the event's own message).
extension EventEnvelope {
    /// The log record bytes of this envelope.
    ///
    /// ```swift
    /// let bytes = EventEnvelope(activity: activity, recordedAt: now).binaryEncoded()
    /// ```
    public func binaryEncoded() -> [UInt8] {
        var w = BinaryWriter(capacity: 256)
        encode(to: &w)
        return w.bytes
    }

    /// Appends the log record bytes of this envelope to `w` (for writing batches without copies).
    public func encode(to w: inout BinaryWriter) {
        w.writeString(1, type.wireName)
        w.writeString(2, id.rawValue)
        w.writeString(3, workspace)
        w.writeTimestamp(4, recordedAt)
        w.writeMessage(5) { event.encodePayload(to: &$0) }
        w.writeUnknown(unknownFields)
    }

    /// Decodes a log record from bytes (copied as needed; the buffer may be released afterwards).
    public init(binary bytes: [UInt8], upcasters: EventUpcasters = .standard) throws(SyncDomainError) {
        let result = bytes.withUnsafeBytes { buf in
            Result { () throws(SyncDomainError) -> EventEnvelope in try EventEnvelope(binary: buf, upcasters: upcasters) }
        }
        self = try result.get()
    }

    /// Decodes a log record from borrowed bytes (e.g. lent by the log's read transaction).
    /// Nothing in the result points into `bytes`.
    public init(binary bytes: UnsafeRawBufferPointer, upcasters: EventUpcasters = .standard) throws(SyncDomainError) {
        var r = BinaryReader(bytes)
        var typeName: String? = nil
        var id: String? = nil
        var workspace = ""
        var recordedAt = Timestamp(millisecondsSinceEpoch: 0)
        var payload: BinaryReader? = nil
        var unknown = UnknownFields()
        while let f = try r.nextField() {
            switch f.number {
            case 1: typeName = try r.readString(f.wire)
            case 2: id = try r.readString(f.wire)
            case 3: workspace = try r.readString(f.wire)
            case 4: recordedAt = try r.readTimestamp(f.wire)
            case 5: payload = try r.readMessage(f.wire)
            default: try r.skip(f.wire, into: &unknown)
            }
        }
        let type = EventType(wireName: try required(typeName, "EventEnvelope.type"))
        guard var body = payload else { throw SyncDomainError(.missingField, "EventEnvelope.payload is missing") }
        let event: DomainEvent
        if let current = try DomainEvent.decodeCurrent(type, from: &body) {
            event = current
        } else if let upcast = upcasters.upcaster(for: type) {
            event = try upcast(body.remainingBytes)
        } else {
            throw SyncDomainError(.unknownEventType, "no decoder or upcaster for \(Self.printableWireName(type.wireName))")
        }
        self.init(id: EventID(try required(id, "EventEnvelope.id")), workspace: workspace, recordedAt: recordedAt, event: event)
        self.unknownFields = unknown
    }

    /// Wire names are ASCII identifiers; anything else (garbage) is not echoed.
    static func printableWireName(_ name: String) -> String {
        let ok = name.utf8.count <= 80
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "_" }
        return ok ? "\"\(name)\"" : "an unreadable wire name"
    }
}

extension BinaryReader {
    /// The bytes this reader has not read yet.
    var remainingBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: base[offset..<end]) }
}

extension DomainEvent {
    func encodePayload(to w: inout BinaryWriter) {
        switch self {
        case .activity(let v): v.encode(to: &w)
        case .workspaceConfigured(let v): v.encode(to: &w)
        case .salesforceRecordChanged(let v): v.encode(to: &w)
        case .salesforceRecordDeleted(let v): v.encode(to: &w)
        case .salesforceRecordsMerged(let v): v.encode(to: &w)
        case .leadConverted(let v): v.encode(to: &w)
        case .describeObserved(let v): v.encode(to: &w)
        case .orgSettingsObserved(let v): v.encode(to: &w)
        case .pollCursorAdvanced(let v): v.encode(to: &w)
        case .auditCursorAdvanced(let v): v.encode(to: &w)
        case .sweepCursorAdvanced(let v): v.encode(to: &w)
        case .activityPlanned(let v): v.encode(to: &w)
        case .writeDispatching(let v): v.encode(to: &w)
        case .writeSucceeded(let v): v.encode(to: &w)
        case .writeFailed(let v): v.encode(to: &w)
        case .writeRequeued(let v): v.encode(to: &w)
        case .duplicateDelivery(let v): v.encode(to: &w)
        case .connectionNeedsReauthorisation(let v): v.encode(to: &w)
        case .writesPaused(let v): v.encode(to: &w)
        case .writesResumed(let v): v.encode(to: &w)
        }
    }

    /// The payload as the current version of `type`, or nil when `type` is not a current wire name.
    static func decodeCurrent(_ type: EventType, from r: inout BinaryReader) throws(SyncDomainError) -> DomainEvent? {
        switch type.wireName {
        case "V1.EmailSent": return .activity(try Activity.decode(from: &r, type: .emailSent))
        case "V1.EmailReceived": return .activity(try Activity.decode(from: &r, type: .emailReceived))
        case "V1.EmailOpened": return .activity(try Activity.decode(from: &r, type: .emailOpened))
        case "V1.EmailClicked": return .activity(try Activity.decode(from: &r, type: .emailClicked))
        case "V1.EmailDownloaded": return .activity(try Activity.decode(from: &r, type: .emailDownloaded))
        case "V1.EmailReplied": return .activity(try Activity.decode(from: &r, type: .emailReplied))
        case "V1.EmailBounced": return .activity(try Activity.decode(from: &r, type: .emailBounced))
        case "V1.MeetingConfirmed": return .activity(try Activity.decode(from: &r, type: .meetingConfirmed))
        case "V1.MeetingCanceled": return .activity(try Activity.decode(from: &r, type: .meetingCanceled))
        case "V1.CalendarEventUpserted": return .activity(try Activity.decode(from: &r, type: .calendarUpserted))
        case "V1.CalendarEventDeleted": return .activity(try Activity.decode(from: &r, type: .calendarDeleted))
        case "V1.TaskUpserted": return .activity(try Activity.decode(from: &r, type: .taskUpserted))
        case "V1.CallLogged": return .activity(try Activity.decode(from: &r, type: .callLogged))
        case "V1.WorkspaceConfigured": return .workspaceConfigured(try .decode(from: &r))
        case "V1.SalesforceRecordChanged": return .salesforceRecordChanged(try .decode(from: &r))
        case "V1.SalesforceRecordDeleted": return .salesforceRecordDeleted(try .decode(from: &r))
        case "V1.SalesforceRecordsMerged": return .salesforceRecordsMerged(try .decode(from: &r))
        case "V1.LeadConverted": return .leadConverted(try .decode(from: &r))
        case "V1.DescribeObserved": return .describeObserved(try .decode(from: &r))
        case "V1.OrgSettingsObserved": return .orgSettingsObserved(try .decode(from: &r))
        case "V1.PollCursorAdvanced": return .pollCursorAdvanced(try .decode(from: &r))
        case "V1.AuditCursorAdvanced": return .auditCursorAdvanced(try .decode(from: &r))
        case "V1.SweepCursorAdvanced": return .sweepCursorAdvanced(try .decode(from: &r))
        case "V1.ActivityPlanned": return .activityPlanned(try .decode(from: &r))
        case "V1.WriteDispatching": return .writeDispatching(try .decode(from: &r))
        case "V1.WriteSucceeded": return .writeSucceeded(try .decode(from: &r))
        case "V1.WriteFailed": return .writeFailed(try .decode(from: &r))
        case "V1.WriteRequeued": return .writeRequeued(try .decode(from: &r))
        case "V1.DuplicateDelivery": return .duplicateDelivery(try .decode(from: &r))
        case "V1.ConnectionNeedsReauthorisation": return .connectionNeedsReauthorisation(try .decode(from: &r))
        case "V1.WritesPaused": return .writesPaused(try .decode(from: &r))
        case "V1.WritesResumed": return .writesResumed(try .decode(from: &r))
        default: return nil
        }
    }
}
