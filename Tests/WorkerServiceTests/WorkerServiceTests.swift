import Testing
@testable import WorkerService

@Suite struct WorkerServiceModuleTests {
    @Test func moduleLinks() { _ = WorkerService.self }
}
