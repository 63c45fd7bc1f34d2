/// `synclog run`: one process per deployment. The HTTP endpoints (`POST /activities`,
/// `POST /salesforce/changes`, `/metrics`, `/health`, `/ready`), the worker configuration
/// (every error reported at once), logging and metrics, and the service group that runs
/// every configured workspace's pipeline (reader and dispatcher) with graceful shutdown.
public enum WorkerService {}
