import Testing

@testable import SyncWorker

@Suite("SyncWorkerError")
struct SyncWorkerErrorTests {
    @Test("describes itself by code and message")
    func describes() {
        let error = SyncWorkerError(code: .configuration, message: "workspace acme has no salesforce connection")
        #expect(error.description == "SyncWorkerError.configuration: workspace acme has no salesforce connection")
    }
}
