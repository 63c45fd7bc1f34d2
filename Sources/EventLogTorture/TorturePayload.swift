/// The payload the torture child stores for an event id: derived from the id alone, so the
/// crash test can check every byte it reads back without the child telling it.
///
/// Length 16 to 271 bytes; byte `i` is `id's UTF-8 byte (i mod count) &+ i`.
public func torturePayload(for id: String) -> [UInt8] {
    let idBytes = Array(id.utf8)
    var sum = 0
    for byte in idBytes { sum &+= Int(byte) &* 31 }
    let length = 16 + sum % 256
    return (0..<length).map { idBytes[$0 % idBytes.count] &+ UInt8(truncatingIfNeeded: $0) }
}

/// The id of the `sequence`th event of task `task` in run `run`: unique across runs.
public func tortureEventID(run: String, task: Int, sequence: Int) -> String {
    "\(run)-t\(task)-\(sequence)"
}
