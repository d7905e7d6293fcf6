//! The spec run on a Ballista cluster of local processes (`sums::run_ballista`,
//! `--engine ballista://HOST:PORT`): one scheduler and two executors started from the
//! crate's `survey-stats-node` binary; every estimate and standard error must equal the
//! in-memory `spec::run` within relative 1e-9, and R's values (`reference.json`) where the
//! DataFusion tests check them.
//!
//! How we know the executors ran the query: the scheduler prints how many jobs it was sent
//! (one per run), and each task an executor runs writes its stage's output under its work
//! folder, `<work dir>/<job id>/…`: after the runs, the executors' work folders hold one
//! job folder per run and no other process wrote there.

use crate::common::{run_cli, scratch};
use crate::datafusion::{
    cli_matches, every_design_matches, parquet_matches, the_2019_report_matches,
};
use crate::sums::{API_ESTIMATES, api_dir, assert_same, clus1_spec_file};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use survey_stats::spec::{self, AnalysisSpec};
use survey_stats::sums;

/// How long the cluster may take to start before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// `n` ports free at the time of asking (bound to port 0, read, released).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("addr").port())
        .collect()
}

/// A scheduler and executors as child processes, killed when dropped (also when a test
/// panics). Each writes its output to `<dir>/<name>.log`.
struct Cluster {
    dir: PathBuf,
    port: u16,
    children: Vec<(String, Child)>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Cluster {
    /// Starts a scheduler and two executors and waits until both executors registered.
    fn start(topic: &str) -> Cluster {
        let dir = scratch("ballista", topic);
        let ports = free_ports(5);
        let mut cluster = Cluster {
            dir,
            port: ports[0],
            children: Vec::new(),
        };
        let port = ports[0].to_string();
        cluster.spawn("scheduler", &["scheduler", "--port", &port]);
        cluster.wait_for("scheduler", "survey-stats-node: scheduler on");
        cluster.wait_until("the scheduler accepting connections", |c| {
            std::net::TcpStream::connect(("127.0.0.1", c.port)).is_ok()
        });
        for (i, pair) in ports[1..].chunks(2).enumerate() {
            let name = format!("executor{i}");
            let work = cluster.work_dir(i);
            let (flight, grpc) = (pair[0].to_string(), pair[1].to_string());
            let args = [
                "executor",
                "--scheduler-host",
                "127.0.0.1",
                "--scheduler-port",
                &port,
                "--port",
                &flight,
                "--grpc-port",
                &grpc,
                "--work-dir",
                work.to_str().expect("path"),
                "--concurrent-tasks",
                "2",
            ];
            cluster.spawn(&name, &args);
        }
        cluster.wait_for("scheduler", "survey-stats-node: executors registered: 2");
        cluster
    }

    fn spawn(&mut self, name: &str, args: &[&str]) {
        let log = std::fs::File::create(self.dir.join(format!("{name}.log"))).expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_survey-stats-node"))
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start survey-stats-node");
        self.children.push((name.to_string(), child));
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{name}.log"))).unwrap_or_default()
    }

    fn work_dir(&self, executor: usize) -> PathBuf {
        self.dir.join(format!("work{executor}"))
    }

    /// Waits until `what` holds, failing with every process's output after
    /// [`START_TIMEOUT`] or when a process exited.
    fn wait_until(&mut self, what: &str, done: impl Fn(&Cluster) -> bool) {
        let start = Instant::now();
        loop {
            if done(self) {
                return;
            }
            let exited =
                self.children
                    .iter_mut()
                    .find_map(|(name, child)| match child.try_wait() {
                        Ok(Some(status)) => Some(format!("{name} exited ({status})")),
                        _ => None,
                    });
            if exited.is_some() || start.elapsed() > START_TIMEOUT {
                let logs: Vec<String> = self
                    .children
                    .iter()
                    .map(|(name, _)| format!("--- {name}:\n{}", self.log(name)))
                    .collect();
                panic!(
                    "waited {:?} for {what}; {}\n{}",
                    start.elapsed(),
                    exited.unwrap_or_default(),
                    logs.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&mut self, name: &str, line: &str) {
        self.wait_until(&format!("{name} to print {line:?}"), |c| {
            c.log(name)
                .lines()
                .any(|l| l == line || l.starts_with(line))
        });
    }

    /// The scheduler's address, with each stage in 2 parts (Ballista's default 16 makes
    /// hundreds of small tasks of these small files, and the test slow).
    fn url(&self) -> String {
        format!("ballista://127.0.0.1:{}?partitions=2", self.port)
    }

    /// The number of jobs the scheduler last reported.
    fn jobs(&self) -> usize {
        self.log("scheduler")
            .lines()
            .filter_map(|l| l.strip_prefix("survey-stats-node: jobs: "))
            .filter_map(|n| n.parse().ok())
            .next_back()
            .unwrap_or(0)
    }

    /// The job folders in the executors' work folders (a job's tasks may run on both).
    fn job_dirs(&self) -> std::collections::BTreeSet<String> {
        (0..2)
            .flat_map(|i| std::fs::read_dir(self.work_dir(i)).into_iter().flatten())
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }
}

#[test]
fn a_local_cluster_gives_the_rows_of_memory_and_r() {
    let mut cluster = Cluster::start("cluster");
    let url = cluster.url();
    let on_ballista = |spec: &AnalysisSpec, dir: &Path, data: Option<&Path>| {
        sums::run_ballista(spec, dir, data, &url)
    };
    // CSV: five designs, and the 2019 report with its questionnaire's missing codes.
    every_design_matches(&api_dir("ballista"), &on_ballista);
    the_2019_report_matches("ballista", &on_ballista);
    let mut runs = 6;

    // Parquet, in place of the spec's CSV file.
    parquet_matches("ballista-parquet", &on_ballista);
    runs += 1;

    // A folder relative to this process's, while the nodes run in another: the path must
    // reach the executors absolute (run_ballista makes it so, and DataFusion's table URLs
    // are absolute too).
    let dir = Path::new("tests/data");
    assert!(dir.is_relative() && dir.join("apiclus1.csv").is_file());
    let json = format!(
        r#"{{"data": "apiclus1.csv", "design": {{"weights": "pw", "clusters": ["dnum"], "fpc": ["fpc"]}},
        "estimates": {API_ESTIMATES}}}"#
    );
    let spec = AnalysisSpec::from_json(&json).expect("spec");
    let memory = spec::run(&spec, dir, None).expect("in-memory run");
    assert_same(
        &memory,
        &on_ballista(&spec, dir, None).expect("Ballista run"),
    );
    runs += 1;

    // The command line.
    cli_matches("ballista-cli", &url);
    runs += 1;

    // Every run was a job of the scheduler, run by the executors.
    cluster.wait_until(&format!("the scheduler to report {runs} jobs"), |c| {
        c.jobs() == runs
    });
    let jobs = cluster.job_dirs();
    assert_eq!(
        jobs.len(),
        runs,
        "job folders in the executors' work folders: {jobs:?}"
    );
    // And both executors took part (a query has tens of tasks, spread over free slots).
    for i in 0..2 {
        let used = std::fs::read_dir(cluster.work_dir(i)).map_or(0, |d| d.count());
        assert!(used > 0, "executor {i} ran no task");
    }
}

#[test]
fn no_scheduler_at_the_address_is_a_quick_clear_error() {
    let dir = api_dir("ballista-nowhere");
    let json = format!(
        r#"{{"data": "apiclus1.csv", "design": {{"weights": "pw", "clusters": ["dnum"]}},
        "estimates": {API_ESTIMATES}}}"#
    );
    let spec = AnalysisSpec::from_json(&json).expect("spec");
    let port = free_ports(1)[0];
    let url = format!("ballista://127.0.0.1:{port}");
    let start = Instant::now();
    let err = sums::run_ballista(&spec, &dir, None, &url)
        .expect_err("no scheduler")
        .to_string();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.contains(&url) && err.contains("cannot connect") && err.contains("is it running?"),
        "{err}"
    );
    let err = sums::run_ballista(&spec, &dir, None, "ballista://127.0.0.1")
        .expect_err("no port")
        .to_string();
    assert!(err.contains("HOST:PORT"), "{err}");

    let spec_path = clus1_spec_file("ballista-cli-nowhere");
    let start = Instant::now();
    let (code, out, err) = run_cli(&[
        "estimate",
        spec_path.to_str().expect("path"),
        "--engine",
        &url,
    ]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_ne!(code, 0);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("cannot connect to a scheduler at"), "{err}");
}
