//! The sums query run on a Ballista cluster (feature `ballista`).
//!
//! Ballista is Apache DataFusion's distributed engine: a scheduler plans the query into
//! stages and its executors run them, each reading its part of the data file and
//! exchanging the partial sums. The client side is a DataFusion context whose plans go to
//! the scheduler, so the query, the registration of the data file and the finishing are
//! those of [`super::run_datafusion`].

use super::datafusion::{engine_error, run_on};
use crate::spec::{AnalysisSpec, RunOutput, SpecError};
use ::ballista::prelude::SessionContextExt;
use ::datafusion::prelude::SessionContext;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

/// How long to wait for the scheduler to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The result rows of `spec`, as [`crate::spec::run`] gives them, with the per-unit sums
/// computed by the Ballista cluster whose scheduler listens at `url`
/// (`ballista://HOST:PORT[?partitions=N]`, or Ballista's own `df://HOST:PORT`). The scheduler plans the
/// sums query of [`super::sql_for`]; its executors read the data file (the spec's, or
/// `data` in its place: CSV or Parquet, as [`super::run_datafusion`] reads them) and run
/// it. Relative paths are relative to `dir` and are sent to the executors made absolute:
/// every executor must see the file at that path (on one machine, or a shared file system).
///
/// `?partitions=N` after the address sets how many parts each stage of the query is split
/// into (DataFusion's `target_partitions`; Ballista's default is 16): about the cluster's
/// number of task slots. Each part is a task with its own round trip, so on small data
/// fewer parts are faster (the 1,200-row report of the tests takes 2–3 s with 2 parts,
/// 14 s with 16, on a local cluster of debug builds).
///
/// The estimates that can be finished from sums are those of [`super::sql_for`]; results
/// agree with the in-memory run up to the order of floating-point additions.
///
/// # Errors
/// [`SpecError::Engine`] naming the address when it is not `ballista://HOST:PORT` or no
/// scheduler accepts a connection there within 5 seconds; as [`super::run_datafusion`]
/// otherwise (the data file, the query, what cannot be finished from sums).
///
/// A scheduler without executors keeps the query queued until one registers: start the
/// executors first.
///
/// ```no_run
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::run_ballista;
/// use std::path::Path;
/// // A scheduler and its executors started with `survey-stats-node` (see the README).
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let out = run_ballista(&spec, Path::new("."), None, "ballista://localhost:50050")?;
/// println!("{} rows", out.rows.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_ballista(
    spec: &AnalysisSpec,
    dir: &Path,
    data: Option<&Path>,
    url: &str,
) -> Result<RunOutput, SpecError> {
    let unreachable = |message: String| engine_error("Ballista", url, &message);
    let (address, partitions) = scheduler_address(url).map_err(unreachable)?;
    reachable(&address).map_err(unreachable)?;
    // The executors run in other folders than this process: they get absolute paths.
    // (An empty folder, a spec file's parent when it is named without one, is this one.)
    let absolute = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
    };
    let dir = absolute(dir);
    let data = data.map(absolute);
    let remote = format!("df://{address}");
    run_on(spec, &dir, data.as_deref(), "Ballista", |_| async move {
        let ctx = SessionContext::remote(&remote)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        if let Some(n) = partitions {
            let state = ctx.state_ref();
            let mut state = state.write();
            state.config_mut().options_mut().execution.target_partitions = n;
        }
        Ok(ctx)
    })
}

/// `HOST:PORT` of a `ballista://HOST:PORT[?partitions=N]` or `df://…` address, and `N`.
fn scheduler_address(url: &str) -> Result<(String, Option<usize>), String> {
    let rest = ["ballista://", "df://"]
        .iter()
        .find_map(|scheme| url.strip_prefix(scheme))
        .ok_or("a Ballista scheduler's address is ballista://HOST:PORT")?;
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let partitions = match query.split_once('=') {
        None if query.is_empty() => None,
        Some(("partitions", n)) => match n.parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => return Err(format!("partitions={n}: not a whole number from 1")),
        },
        _ => return Err(format!("?{query}: the one option is ?partitions=N")),
    };
    let rest = rest.trim_end_matches('/');
    let port = rest
        .rsplit_once(':')
        .map(|(host, port)| (host, port.parse::<u16>()));
    match port {
        Some((host, Ok(port))) if !host.is_empty() && port > 0 => {
            Ok((rest.to_string(), partitions))
        }
        _ => Err(format!(
            "{rest:?} is not HOST:PORT (a scheduler's address is ballista://HOST:PORT, \
             e.g. ballista://localhost:50050)"
        )),
    }
}

/// Whether a scheduler accepts connections at `address`, asked directly: Ballista's client
/// would only fail when the query is sent, with a transport error.
fn reachable(address: &str) -> Result<(), String> {
    let addresses: Vec<_> = address
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {address}: {e}"))?
        .collect();
    let mut last = String::from("the host has no address");
    for a in addresses {
        match TcpStream::connect_timeout(&a, CONNECT_TIMEOUT) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!(
        "cannot connect to a scheduler at {address} ({last}): is it running?"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_host_and_port() {
        let ok = |url: &str| scheduler_address(url).expect(url);
        assert_eq!(
            ok("ballista://localhost:50050"),
            ("localhost:50050".into(), None)
        );
        assert_eq!(ok("df://10.0.0.1:7/"), ("10.0.0.1:7".into(), None));
        assert_eq!(ok("ballista://h:1?partitions=4"), ("h:1".into(), Some(4)));
        for bad in [
            "localhost:50050",
            "http://localhost:50050",
            "ballista://localhost",
            "ballista://:50050",
            "ballista://localhost:0",
            "ballista://localhost:99999",
            "ballista://localhost:1?partitions=0",
            "ballista://localhost:1?partitions=x",
            "ballista://localhost:1?threads=2",
        ] {
            assert!(scheduler_address(bad).is_err(), "{bad}");
        }
    }
}
