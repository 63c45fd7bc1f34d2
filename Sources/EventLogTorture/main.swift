// A child process for the crash-safety test of EventLog: appends until killed.
//
//   EventLogTorture <directory> <run-tag> [tasks]
//
// Several tasks append concurrently, some one event at a time and some in batches. After
// each acknowledged append it prints, flushed, one line per event:
//
//   ack <id> <position>     the event was appended at <position>
//   dup <id> <position>     an already acknowledged id was appended again and found at <position>
//
// The test kills it with SIGKILL at random moments and checks the log against these lines.
// The map starts at 1 MiB so kills also land while the map grows.

import EventLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` to standard error.
func failure(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    failure("usage: EventLogTorture <directory> <run-tag> [tasks]\n")
    exit(2)
}
let directory = arguments[1]
let run = arguments[2]
let taskCount = arguments.count > 3 ? Int(arguments[3]) ?? 6 : 6

/// Writes whole lines to stdout with one unbuffered `write` per call, serialised.
final class AckPrinter: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }

    func print(_ text: String) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { exit(3) }
                offset += written
            }
        }
    }
}

let printer = AckPrinter()
let log: EventLog
do {
    log = try EventLog(directory: directory, configuration: .init(initialMapSize: 1 << 20))
} catch {
    failure("cannot open: \(error)\n")
    exit(1)
}

func line(_ kind: String, _ id: String, _ result: AppendResult) -> String {
    "\(kind) \(id) \(result.position)\n"
}

await withTaskGroup(of: Void.self) { group in
    for task in 0..<taskCount {
        group.addTask {
            var sequence = 0
            var lastAcknowledged: String?
            var generator = SystemRandomNumberGenerator()
            while true {
                do {
                    let roll = Int.random(in: 0..<10, using: &generator)
                    if roll < 6 {
                        let id = tortureEventID(run: run, task: task, sequence: sequence)
                        sequence += 1
                        let result = try await log.append(NewEvent(id: id, payload: torturePayload(for: id)))
                        guard case .appended = result else { failure("fresh id was a duplicate\n"); exit(4) }
                        printer.print(line("ack", id, result))
                        lastAcknowledged = id
                    } else if roll < 9 {
                        let count = Int.random(in: 2...50, using: &generator)
                        let ids = (0..<count).map { tortureEventID(run: run, task: task, sequence: sequence + $0) }
                        sequence += count
                        let results = try await log.append(contentsOf: ids.map { NewEvent(id: $0, payload: torturePayload(for: $0)) })
                        var text = ""
                        for (id, result) in zip(ids, results) {
                            guard case .appended = result else { failure("fresh id was a duplicate\n"); exit(4) }
                            text += line("ack", id, result)
                        }
                        printer.print(text)
                        lastAcknowledged = ids.last
                    } else if let id = lastAcknowledged {
                        let result = try await log.append(NewEvent(id: id, payload: torturePayload(for: id)))
                        guard case .duplicate = result else { failure("repeated id was appended again\n"); exit(4) }
                        printer.print(line("dup", id, result))
                    }
                } catch {
                    failure("append failed: \(error)\n")
                    exit(1)
                }
            }
        }
    }
}
