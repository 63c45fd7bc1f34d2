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
        // Fields are decoded straight into the value (no locals copied into an initialiser at
        // the end), in a slot it is moved out of: an Activity is a few hundred bytes, and each
        // copy retains every string in it.
        try decodeInPlace(Activity(emptyOfType: type)) { (a: inout Activity) throws(SyncDomainError) in
            try a.decodeFields(from: &r)
        }
    }

    private mutating func decodeFields(from r: inout BinaryReader) throws(SyncDomainError) {
        var hasId = false
        var hasOccurredAt = false
        while let f = try r.nextField() {
            switch f.number {
            case 1:
                id = try r.readUniqueString(f.wire)
                hasId = true
            case 2: workspace = try r.readString(f.wire)
            case 4:
                occurredAt = try r.readTimestamp(f.wire)
                hasOccurredAt = true
            case 5: occurredAtOffsetMinutes = try r.readInt(f.wire)
            case 6: userId = try r.readString(f.wire)
            case 7:
                // Straight into this activity's field: a message decoded in a slot of its own
                // (a couple of hundred bytes) was then copied in.
                var sub = try r.readMessage(f.wire)
                message = Message(emptyForDecoding: ())
                try message!.decodeFields(from: &sub)
            case 8: recipient = try r.readMessage(Person.self, f.wire)
            case 9: url = try r.readString(f.wire)
            case 10: fileName = try r.readString(f.wire)
            case 11: meeting = try r.readMessage(Meeting.self, f.wire)
            case 12: task = try r.readMessage(ActivityTask.self, f.wire)
            case 13: call = try r.readMessage(Call.self, f.wire)
            case 14: source = try r.readBytes(f.wire)
            default: try r.skip(f.wire, into: &unknownFields)
            }
        }
        try requireSeen(hasId, "Activity.id")
        try requireSeen(hasOccurredAt, "Activity.occurredAt")
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
            Result { () throws(SyncDomainError) -> EventEnvelope in try EventEnvelope(binary: buf, upcasters: upcasters)
            }
        }
        self = try result.get()
    }

    /// Decodes a log record from borrowed bytes (e.g. lent by the log's read transaction).
    /// Nothing in the result points into `bytes`.
    public init(binary bytes: UnsafeRawBufferPointer, upcasters: EventUpcasters = .standard) throws(SyncDomainError) {
        try self.init(binary: bytes, upcasters: upcasters, interner: nil)
    }

    /// Decodes with `interner` sharing repeated strings between records (``EventDecoder``).
    /// Both are only read, so they are borrowed: an initialiser's parameters are otherwise
    /// passed owned, a retain by the caller and a release here for every record.
    init(binary bytes: UnsafeRawBufferPointer, upcasters: borrowing EventUpcasters, interner: borrowing StringInterner?)
        throws(SyncDomainError)
    {
        var r = BinaryReader(bytes, interner: interner)
        var typeName: UnsafeRawBufferPointer? = nil
        var id: String? = nil
        var workspace = ""
        var recordedAt = Timestamp(millisecondsSinceEpoch: 0)
        var payload: BinaryReader? = nil
        var unknown = UnknownFields()
        while let f = try r.nextField() {
            switch f.number {
            case 1: typeName = try r.readBytesView(f.wire)
            case 2: id = try r.readUniqueString(f.wire)
            case 3: workspace = try r.readString(f.wire)
            case 4: recordedAt = try r.readTimestamp(f.wire)
            case 5: payload = try r.readMessage(f.wire)
            default: try r.skip(f.wire, into: &unknown)
            }
        }
        let name = try required(typeName, "EventEnvelope.type")
        var body = try required(payload, "EventEnvelope.payload")
        let event: DomainEvent
        if let index = WireNameTable.index(of: name) {
            event = try DomainEvent.decodeCurrent(index, from: &body)
        } else if case let type = EventType(wireName: String(decoding: name, as: UTF8.self)),
            let upcast = upcasters.upcaster(for: type)
        {
            event = try upcast(body.remainingBytes)
        } else {
            let wireName = String(decoding: name, as: UTF8.self)
            throw SyncDomainError(.unknownEventType, "no decoder or upcaster for \(Self.printableWireName(wireName))")
        }
        self.init(
            id: EventID(try required(id, "EventEnvelope.id")), workspace: workspace, recordedAt: recordedAt,
            event: event)
        self.unknownFields = unknown
    }

    /// Wire names are ASCII identifiers; anything else (garbage) is not echoed.
    static func printableWireName(_ name: String) -> String {
        let ok =
            name.utf8.count <= 80
            && name.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "_"
            }
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

    /// The activity type of the wire name at `index` (0...12) in ``EventType/allCurrent``.
    static func activityType(_ index: Int) -> ActivityType {
        switch index {
        case 0: return .emailSent  // V1.EmailSent
        case 1: return .emailReceived  // V1.EmailReceived
        case 2: return .emailOpened  // V1.EmailOpened
        case 3: return .emailClicked  // V1.EmailClicked
        case 4: return .emailDownloaded  // V1.EmailDownloaded
        case 5: return .emailReplied  // V1.EmailReplied
        case 6: return .emailBounced  // V1.EmailBounced
        case 7: return .meetingConfirmed  // V1.MeetingConfirmed
        case 8: return .meetingCanceled  // V1.MeetingCanceled
        case 9: return .calendarUpserted  // V1.CalendarEventUpserted
        case 10: return .calendarDeleted  // V1.CalendarEventDeleted
        case 11: return .taskUpserted  // V1.TaskUpserted
        default: return .callLogged  // V1.CallLogged
        }
    }

    /// The payload as the current version of the wire name at `index` in ``EventType/allCurrent``.
    static func decodeCurrent(_ index: Int, from r: inout BinaryReader) throws(SyncDomainError) -> DomainEvent {
        switch index {
        case 0...12:
            // One call site for the thirteen activity names (V1.EmailSent ... V1.CallLogged),
            // so the activity decoder is not inlined thirteen times into this switch.
            return .activity(try Activity.decode(from: &r, type: activityType(index)))
        case 13: return .workspaceConfigured(try .decode(from: &r))  // V1.WorkspaceConfigured
        case 14: return .salesforceRecordChanged(try .decode(from: &r))  // V1.SalesforceRecordChanged
        case 15: return .salesforceRecordDeleted(try .decode(from: &r))  // V1.SalesforceRecordDeleted
        case 16: return .salesforceRecordsMerged(try .decode(from: &r))  // V1.SalesforceRecordsMerged
        case 17: return .leadConverted(try .decode(from: &r))  // V1.LeadConverted
        case 18: return .describeObserved(try .decode(from: &r))  // V1.DescribeObserved
        case 19: return .orgSettingsObserved(try .decode(from: &r))  // V1.OrgSettingsObserved
        case 20: return .pollCursorAdvanced(try .decode(from: &r))  // V1.PollCursorAdvanced
        case 21: return .auditCursorAdvanced(try .decode(from: &r))  // V1.AuditCursorAdvanced
        case 22: return .sweepCursorAdvanced(try .decode(from: &r))  // V1.SweepCursorAdvanced
        case 23: return .activityPlanned(try .decode(from: &r))  // V1.ActivityPlanned
        case 24: return .writeDispatching(try .decode(from: &r))  // V1.WriteDispatching
        case 25: return .writeSucceeded(try .decode(from: &r))  // V1.WriteSucceeded
        case 26: return .writeFailed(try .decode(from: &r))  // V1.WriteFailed
        case 27: return .writeRequeued(try .decode(from: &r))  // V1.WriteRequeued
        case 28: return .duplicateDelivery(try .decode(from: &r))  // V1.DuplicateDelivery
        case 29: return .connectionNeedsReauthorisation(try .decode(from: &r))  // V1.ConnectionNeedsReauthorisation
        case 30: return .writesPaused(try .decode(from: &r))  // V1.WritesPaused
        case 31: return .writesResumed(try .decode(from: &r))  // V1.WritesResumed
        default: throw SyncDomainError(.unknownEventType, "wire name table out of step")
        }
    }
}
