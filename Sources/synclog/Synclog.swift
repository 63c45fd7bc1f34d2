import ArgumentParser

/// The `synclog` command: one subcommand per file in this folder.
@main
struct Synclog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synclog",
        abstract: "Sync sales-engagement activity into Salesforce, exactly once, with an audit for every decision.",
        subcommands: [
            // Each subcommand lives in its own file.
            RunCommand.self, DemoCommand.self, DescribeCommand.self, IngestCommand.self, ConfigureCommand.self, ReplayCommand.self, StatsCommand.self,
            ExplainCommand.self, ActivityLogCommand.self, OutboxCommand.self,
            BackupCommand.self, DeadLettersCommand.self, EmulatorCommand.self,
        ]
    )
}
