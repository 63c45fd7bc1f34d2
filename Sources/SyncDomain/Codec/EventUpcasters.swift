/// Turns the payload of an older wire name into the current model.
///
/// The payload bytes are borrowed for the duration of the call only.
public typealias EventUpcaster = @Sendable (_ payload: UnsafeRawBufferPointer) throws(SyncDomainError) -> DomainEvent

/// The upcasters a decoder consults for wire names that are not current.
///
/// When an event's layout changes incompatibly, the new layout gets a new wire
/// name (`V2.WriteFailed`), the model moves to it, and the old name gets an
/// upcaster here so every old log still replays:
///
/// ```swift
/// var upcasters = EventUpcasters.standard
/// upcasters.register(EventType(wireName: "V0.WriteFailed")) { payload throws(SyncDomainError) in
///     .writeFailed(try LegacyWriteFailed.decode(payload))
/// }
/// let envelope = try EventEnvelope(binary: bytes, upcasters: upcasters)
/// ```
public struct EventUpcasters: Sendable {
    private var table: [String: EventUpcaster]

    public init() { table = [:] }

    /// Registers (or replaces) the upcaster for `type`.
    public mutating func register(_ type: EventType, _ upcaster: @escaping EventUpcaster) {
        table[type.wireName] = upcaster
    }

    public func upcaster(for type: EventType) -> EventUpcaster? { table[type.wireName] }

    /// The wire names with an upcaster.
    public var registeredTypes: [EventType] { table.keys.sorted().map(EventType.init(wireName:)) }

    /// The upcasters shipped with this version. Every wire name written so far is current (V1),
    /// so the list is empty; older names join it when a V2 replaces them.
    public static let standard = EventUpcasters()
}
