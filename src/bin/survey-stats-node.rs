//! `survey-stats-node`: a Ballista scheduler or executor, for running
//! `survey-stats estimate SPEC --engine ballista://HOST:PORT` on a cluster without
//! Ballista's own programs (feature `ballista-node`).
//!
//! ```text
//! survey-stats-node scheduler [--port 50050] [--bind 127.0.0.1]
//! survey-stats-node executor [--scheduler-host localhost] [--scheduler-port 50050] [--port 50051] [--grpc-port PORT+1] [--bind 127.0.0.1] [--external-host HOST] [--work-dir DIR] [--concurrent-tasks N]
//! ```
//!
//! Both run until killed. The scheduler prints a line when the number of registered
//! executors or of jobs it was sent changes; warnings and errors of Ballista go to
//! standard error (`--log info` for more).

use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str = "usage:
  survey-stats-node scheduler [--port 50050] [--bind 127.0.0.1] [--log warn|info|debug]
  survey-stats-node executor [--scheduler-host localhost] [--scheduler-port 50050] [--port 50051] [--grpc-port PORT+1] [--bind 127.0.0.1] [--external-host HOST] [--work-dir DIR] [--concurrent-tasks N] [--log warn|info|debug]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("survey-stats-node: {message}");
            ExitCode::from(2)
        }
    }
}

/// The options after the role: `--name value` pairs.
struct Options<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Options<'a> {
    fn parse(args: &'a [String], known: &[&str]) -> Result<Self, String> {
        let mut pairs = Vec::new();
        let mut rest = args.iter();
        while let Some(name) = rest.next() {
            if !known.contains(&name.as_str()) {
                return Err(format!("unknown option {name:?}\n{USAGE}"));
            }
            let value = rest
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?;
            pairs.push((name.as_str(), value.as_str()));
        }
        Ok(Options { pairs })
    }

    fn text(&self, name: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|p| p.1)
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.text(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{name} {v:?}: not a number in range"))
            })
            .transpose()
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some((role, rest)) = args.split_first() else {
        return Err(USAGE.into());
    };
    match role.as_str() {
        "scheduler" => {
            let o = Options::parse(rest, &["--port", "--bind", "--log"])?;
            logger(o.text("--log"))?;
            let mut config = SchedulerConfig::default();
            config.bind_port = o.number("--port")?.unwrap_or(config.bind_port);
            if let Some(bind) = o.text("--bind") {
                config.bind_host = bind.to_string();
            }
            tokio_runtime()?.block_on(scheduler(config))
        }
        "executor" => {
            let o = Options::parse(
                rest,
                &[
                    "--scheduler-host",
                    "--scheduler-port",
                    "--port",
                    "--grpc-port",
                    "--bind",
                    "--external-host",
                    "--work-dir",
                    "--concurrent-tasks",
                    "--log",
                ],
            )?;
            logger(o.text("--log"))?;
            let mut config = ExecutorProcessConfig::default();
            if let Some(host) = o.text("--scheduler-host") {
                config.scheduler_host = host.to_string();
            }
            config.scheduler_port = o
                .number("--scheduler-port")?
                .unwrap_or(config.scheduler_port);
            config.port = o.number("--port")?.unwrap_or(config.port);
            config.grpc_port = match o.number("--grpc-port")? {
                Some(p) => p,
                None => config
                    .port
                    .checked_add(1)
                    .ok_or("--port 65535 needs a --grpc-port")?,
            };
            if let Some(bind) = o.text("--bind") {
                config.bind_host = bind.to_string();
            }
            config.external_host = o.text("--external-host").map(str::to_string);
            if let Some(dir) = o.text("--work-dir") {
                std::fs::create_dir_all(dir).map_err(|e| format!("--work-dir {dir}: {e}"))?;
                config.work_dir = Some(dir.to_string());
            }
            if let Some(n) = o.number::<usize>("--concurrent-tasks")? {
                if n == 0 {
                    return Err("--concurrent-tasks must be at least 1".into());
                }
                config.concurrent_tasks = n;
            }
            config.print_thread_info = false;
            println!(
                "survey-stats-node: executor on port {} (gRPC {}), scheduler {}:{}",
                config.port, config.grpc_port, config.scheduler_host, config.scheduler_port
            );
            flush();
            executor(Arc::new(config))
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown role {other:?}\n{USAGE}")),
    }
}

fn tokio_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

fn flush() {
    // A closed standard output is no reason to stop serving.
    let _ = std::io::stdout().flush();
}

/// Runs the executor. Ballista's executor registers with the scheduler while its own gRPC
/// service may still be starting, and the scheduler's call back to it then fails the
/// registration: the executor is started again (on a fresh runtime, so that its ports are
/// free) a few times before giving up.
fn executor(config: Arc<ExecutorProcessConfig>) -> Result<(), String> {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        let runtime = tokio_runtime()?;
        let result = runtime.block_on(start_executor_process(Arc::clone(&config)));
        runtime.shutdown_timeout(Duration::from_secs(2));
        match result {
            Ok(()) => return Ok(()),
            Err(e) if attempt < ATTEMPTS => {
                eprintln!("survey-stats-node: executor, attempt {attempt}: {e}; starting again");
                std::thread::sleep(Duration::from_millis(500));
                attempt += 1;
            }
            Err(e) => return Err(format!("executor: {e}")),
        }
    }
}

/// Runs the scheduler, printing a line whenever the number of registered executors or of
/// jobs changes (how a caller knows the cluster is ready and was used).
async fn scheduler(config: SchedulerConfig) -> Result<(), String> {
    let address: SocketAddr = format!("{}:{}", config.bind_host, config.bind_port)
        .parse()
        .map_err(|e| format!("--bind {}: {e}", config.bind_host))?;
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    let (executors, jobs) = (cluster.cluster_state(), cluster.job_state());
    tokio::spawn(async move {
        let mut seen = (usize::MAX, usize::MAX);
        loop {
            let now = (
                executors.registered_executor_metadata().await.len(),
                jobs.get_jobs().await.map_or(0, |j| j.len()),
            );
            if now.0 != seen.0 {
                println!("survey-stats-node: executors registered: {}", now.0);
            }
            if now.1 != seen.1 {
                println!("survey-stats-node: jobs: {}", now.1);
            }
            if now != seen {
                flush();
                seen = now;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    println!("survey-stats-node: scheduler on {address}");
    flush();
    start_server(cluster, address, Arc::new(config))
        .await
        .map_err(|e| format!("scheduler on {address}: {e}"))
}

/// Ballista's log records of `level` and above, on standard error.
fn logger(level: Option<&str>) -> Result<(), String> {
    struct Stderr(log::LevelFilter);
    impl log::Log for Stderr {
        fn enabled(&self, metadata: &log::Metadata) -> bool {
            metadata.level() <= self.0
        }
        fn log(&self, record: &log::Record) {
            if self.enabled(record.metadata()) {
                eprintln!("{} {}: {}", record.level(), record.target(), record.args());
            }
        }
        fn flush(&self) {}
    }
    let filter = match level.unwrap_or("warn") {
        "error" => log::LevelFilter::Error,
        "warn" => log::LevelFilter::Warn,
        "info" => log::LevelFilter::Info,
        "debug" => log::LevelFilter::Debug,
        other => return Err(format!("--log {other:?}: use error, warn, info or debug")),
    };
    log::set_max_level(filter);
    // The logger lives as long as the process (`log` keeps a `'static` reference).
    log::set_logger(Box::leak(Box::new(Stderr(filter)))).map_err(|e| e.to_string())
}
