//! The `survey-stats` command line: a thin shell over the library's spec runner.
//!
//! ```text
//! survey-stats estimate SPEC.json [--data FILE] [--engine memory|datafusion|ballista://HOST:PORT] [--format table|markdown|csv|json|html|xlsx] [--out FILE] [--timings] [--lang LANG]
//! survey-stats binom SUCCESSES TRIALS [--method M] [--level L]
//! survey-stats sql SPEC.json [--dialect ansi|spark|postgres|bigquery] [--table NAME]
//! survey-stats finish SPEC.json --sums SUMS.csv [--format …] [--out FILE] [--timings] [--lang LANG]
//! survey-stats questionnaire FILE.sav|FILE.dta
//! ```
//! Exit status 0 on success, 2 for a bad spec, bad data or bad arguments.

mod runtime;

/// `eprintln!` that ignores a closed stderr (a reader that left): messages are a courtesy,
/// and a panic there would hide the exit status.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The command line's allocator: one that keeps freed tables for the next estimate instead
/// of handing them back to the system (the `mimalloc` feature, on by default).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use survey_stats::interval::{BinomialMethod, ConfidenceLevel, binomial_interval};
use survey_stats::spec::{self, AnalysisSpec};
use survey_stats::table::Format;

const USAGE: &str = "usage:
  survey-stats estimate SPEC.json [--data FILE] [--engine memory|datafusion|ballista://HOST:PORT] [--format table|markdown|csv|json|html|xlsx] [--out FILE] [--timings] [--lang LANG]
      (datafusion: [--memory-limit SIZE] holds its memory to SIZE (800M, 1.5G) and spills the rest; [--partitions N])
  survey-stats binom SUCCESSES TRIALS [--method wald|wilson|wilson_cc|agresti_coull|clopper_pearson|jeffreys] [--level L]
  survey-stats sql SPEC.json [--dialect ansi|spark|postgres|bigquery] [--table NAME]
  survey-stats sql SPEC.json --plan [--data FILE]   (the query as DataFusion's logical plan on the data)
  survey-stats sums SPEC.json [--data FILE] [--out SUMS.csv] [--memory-limit SIZE] [--partitions N]   (the sums table, computed by DataFusion)
  survey-stats finish SPEC.json --sums SUMS.csv [--format table|markdown|csv|json|html|xlsx] [--out FILE] [--timings] [--lang LANG]
  survey-stats questionnaire FILE.sav|FILE.zsav|FILE.dta   (the questionnaire its labels describe, as JSON)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            note!("survey-stats: {message}");
            ExitCode::from(2)
        }
    }
}

/// Takes the value after a flag.
fn value<'a>(args: &'a [String], i: &mut usize, flag: &str) -> Result<&'a str, String> {
    *i += 1;
    args.get(*i)
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("estimate") => estimate(&args[1..], false),
        Some("binom") => binom(&args[1..]),
        Some("sql") => sql(&args[1..]),
        Some("finish") => estimate(&args[1..], true),
        Some("sums") => sums(&args[1..]),
        Some("questionnaire") => questionnaire(&args[1..]),
        Some("--help" | "-h" | "help") => {
            print(USAGE)?;
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

/// `survey-stats sql`: prints the query of the per-unit sums.
fn sql(args: &[String]) -> Result<(), String> {
    let (mut spec, mut dialect, mut table) = (None, survey_stats::sums::Dialect::Ansi, None);
    let (mut plan, mut data) = (false, None::<PathBuf>);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--plan" => plan = true,
            "--data" => data = Some(PathBuf::from(value(args, &mut i, "--data")?)),
            "--dialect" => dialect = value(args, &mut i, "--dialect")?.parse()?,
            "--table" => table = Some(value(args, &mut i, "--table")?.to_string()),
            a if a.starts_with("--") => return Err(format!("unknown option {a}\n{USAGE}")),
            a if spec.is_none() => spec = Some(PathBuf::from(a)),
            a => return Err(format!("unexpected argument {a}\n{USAGE}")),
        }
        i += 1;
    }
    let spec = spec.ok_or_else(|| format!("sql needs a spec file\n{USAGE}"))?;
    if plan {
        return print_plan(&spec, data.as_deref());
    }
    if data.is_some() {
        return Err(format!(
            "--data goes with --plan (the SQL names a table)\n{USAGE}"
        ));
    }
    let query = survey_stats::sums::sql_file(&spec, table.as_deref(), dialect)
        .map_err(|e| e.to_string())?;
    print(query.trim_end())?;
    Ok(())
}

/// The analysis spec in the file `path`.
fn read_spec(path: &Path) -> Result<AnalysisSpec, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    AnalysisSpec::from_json(&text).map_err(|e| e.to_string())
}

/// `survey-stats sums`: the sums table computed by DataFusion from the data, as CSV.
#[cfg(feature = "datafusion")]
fn sums(args: &[String]) -> Result<(), String> {
    let (mut spec, mut data, mut out_file) = (None, None::<PathBuf>, None::<PathBuf>);
    let mut limits = Limits::default();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--data" => data = Some(PathBuf::from(value(args, &mut i, "--data")?)),
            "--out" => out_file = Some(PathBuf::from(value(args, &mut i, "--out")?)),
            a @ ("--memory-limit" | "--partitions") => limits.read(a, value(args, &mut i, a)?)?,
            a if a.starts_with("--") => return Err(format!("unknown option {a}\n{USAGE}")),
            a if spec.is_none() => spec = Some(PathBuf::from(a)),
            a => return Err(format!("unexpected argument {a}\n{USAGE}")),
        }
        i += 1;
    }
    let spec_path = spec.ok_or_else(|| format!("sums needs a spec file\n{USAGE}"))?;
    let spec = read_spec(&spec_path)?;
    let dir = spec_path.parent().unwrap_or(Path::new("."));
    let (mut sink, name): (Box<dyn Write>, String) = match &out_file {
        Some(out) => {
            let data_path = data.clone().unwrap_or_else(|| dir.join(&spec.data));
            not_an_input(out, &[&spec_path, &data_path])?;
            let file = std::fs::File::create(out)
                .map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
            (
                Box::new(std::io::BufWriter::new(file)),
                out.display().to_string(),
            )
        }
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            "standard output".into(),
        ),
    };
    let groups = match limits
        .datafusion()
        .write_sums(&spec, dir, data.as_deref(), &mut sink)
    {
        Ok(groups) => groups,
        // A closed pipe (`| head`) ends the output quietly.
        Err(e) if e.to_string().contains("Broken pipe") => return Ok(()),
        Err(e) => return Err(e.to_string()),
    };
    match sink.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(format!("{name}: cannot write: {e}")),
        Ok(()) => {}
    }
    if out_file.is_some() {
        note!("survey-stats: {groups} groups of sums written to {name}");
    }
    Ok(())
}

#[cfg(not(feature = "datafusion"))]
fn sums(_: &[String]) -> Result<(), String> {
    Err(
        "sums: this survey-stats was built without the `datafusion` feature \
         (cargo install survey-stats --features datafusion); `survey-stats sql` prints the \
         query for another engine"
            .into(),
    )
}

/// `survey-stats sql SPEC.json --plan`: the sums query as DataFusion plans it on the data.
#[cfg(feature = "datafusion")]
fn print_plan(spec_path: &Path, data: Option<&Path>) -> Result<(), String> {
    let spec = read_spec(spec_path)?;
    let dir = spec_path.parent().unwrap_or(Path::new("."));
    let plan = survey_stats::sums::DataFusion::new()
        .logical_plan(&spec, dir, data)
        .map_err(|e| e.to_string())?;
    print(&plan.display_indent().to_string()).map(|_| ())
}

#[cfg(not(feature = "datafusion"))]
fn print_plan(_: &Path, _: Option<&Path>) -> Result<(), String> {
    Err(
        "sql --plan: this survey-stats was built without the `datafusion` feature \
         (cargo install survey-stats --features datafusion)"
            .into(),
    )
}

/// How an engine other than `memory` may use the machine: `--memory-limit`, `--partitions`.
#[derive(Default)]
struct Limits {
    memory: Option<usize>,
    partitions: Option<usize>,
}

impl Limits {
    /// Reads `--memory-limit` or `--partitions`.
    fn read(&mut self, option: &str, text: &str) -> Result<(), String> {
        if option == "--memory-limit" {
            self.memory = Some(parse_size(text)?);
            return Ok(());
        }
        match text.parse::<usize>() {
            Ok(n) if n >= 1 => self.partitions = Some(n),
            _ => return Err(format!("--partitions {text:?}: not a count of 1 or more")),
        }
        Ok(())
    }

    /// The DataFusion engine with these limits.
    #[cfg(feature = "datafusion")]
    fn datafusion(&self) -> survey_stats::sums::DataFusion {
        let mut df = survey_stats::sums::DataFusion::new();
        if let Some(bytes) = self.memory {
            df = df.memory_limit(bytes);
        }
        if let Some(n) = self.partitions {
            df = df.partitions(n);
        }
        df
    }
}

/// A size in bytes: a number with an optional K, M or G (powers of 1024).
fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((at, _)) => (&t[..at], &t[at..]),
        None => (t, ""),
    };
    let scale = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1.0,
        "K" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        _ => f64::NAN,
    };
    let bytes = number.trim().parse::<f64>().map(|x| x * scale);
    match bytes {
        Ok(b) if (1.0..1e18).contains(&b) => Ok(b as usize),
        _ => Err(format!(
            "--memory-limit {text:?}: not a size; write bytes or a number with K, M or G (800M, 1.5G)"
        )),
    }
}

/// Runs the spec on `engine`: `memory` (the crate's own, the default), `datafusion`, or a
/// Ballista cluster's scheduler (`ballista://HOST:PORT`, Ballista's own `df://HOST:PORT`).
fn run_engine(
    engine: &str,
    limits: &Limits,
    spec: &AnalysisSpec,
    dir: &Path,
    data: Option<&Path>,
) -> Result<Result<spec::RunOutput, spec::SpecError>, String> {
    if engine != "datafusion" && (limits.memory.is_some() || limits.partitions.is_some()) {
        return Err(format!(
            "--memory-limit and --partitions are for --engine datafusion, not {engine} (the \
             memory engine holds the data's columns; a Ballista cluster's executors have their \
             own settings)"
        ));
    }
    match engine {
        "memory" => {
            // The memory engine frees and allocates columns as large as the data: keep
            // freed memory for reuse. A query engine's freed memory goes back to the system
            // before the finishing step allocates its own.
            runtime::keep_freed_memory();
            Ok(spec::run(spec, dir, data))
        }
        #[cfg(feature = "datafusion")]
        "datafusion" => Ok(limits.datafusion().run(spec, dir, data)),
        #[cfg(not(feature = "datafusion"))]
        "datafusion" => Err("--engine datafusion: this survey-stats was built without the \
                             `datafusion` feature (cargo install survey-stats --features datafusion)"
            .into()),
        #[cfg(feature = "ballista")]
        url if url.starts_with("ballista://") || url.starts_with("df://") => {
            Ok(survey_stats::sums::run_ballista(spec, dir, data, url))
        }
        #[cfg(not(feature = "ballista"))]
        url if url.starts_with("ballista://") || url.starts_with("df://") => Err(format!(
            "--engine {url}: this survey-stats was built without the `ballista` feature \
             (cargo install survey-stats --features ballista)"
        )),
        other => Err(format!(
            "--engine {other}: unknown engine; use memory, datafusion or ballista://HOST:PORT\n{USAGE}"
        )),
    }
}

/// `survey-stats estimate`, and `survey-stats finish` (from `--sums` instead of the data).
fn estimate(args: &[String], finish: bool) -> Result<(), String> {
    let (mut spec, mut data, mut format, mut timings) = (None, None, Format::Table, false);
    let (mut lang, mut sums) = (None, None::<PathBuf>);
    let (mut page, mut out_file) = (None, None);
    let mut engine = String::from("memory");
    let mut limits = Limits::default();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--sums" if finish => sums = Some(PathBuf::from(value(args, &mut i, "--sums")?)),
            "--data" if !finish => data = Some(PathBuf::from(value(args, &mut i, "--data")?)),
            "--engine" if !finish => engine = value(args, &mut i, "--engine")?.to_string(),
            a @ ("--memory-limit" | "--partitions") if !finish => {
                limits.read(a, value(args, &mut i, a)?)?
            }
            "--format" => match value(args, &mut i, "--format")? {
                f @ ("html" | "xlsx") => page = Some(f.to_string()),
                f => {
                    format = f.parse()?;
                    page = None;
                }
            },
            "--out" => out_file = Some(PathBuf::from(value(args, &mut i, "--out")?)),
            "--timings" => timings = true,
            "--lang" => lang = Some(value(args, &mut i, "--lang")?.to_string()),
            a if a.starts_with("--") => return Err(format!("unknown option {a}\n{USAGE}")),
            a if spec.is_none() => spec = Some(PathBuf::from(a)),
            a => return Err(format!("unexpected argument {a}\n{USAGE}")),
        }
        i += 1;
    }
    let spec = spec.ok_or_else(|| format!("estimate needs a spec file\n{USAGE}"))?;
    if page.as_deref() == Some("xlsx") && out_file.is_none() {
        // Said before the analysis runs (minutes on a large file), not after.
        return Err(format!("--format xlsx needs --out FILE.xlsx\n{USAGE}"));
    }
    let mut parsed = read_spec(&spec)?;
    if lang.is_some() {
        parsed.lang = lang;
    }
    let dir = spec.parent().unwrap_or(Path::new("."));
    if let Some(out) = &out_file {
        let data = data.clone().unwrap_or_else(|| dir.join(&parsed.data));
        let inputs = [Some(&spec), Some(&data), sums.as_ref()];
        not_an_input(out, &inputs.into_iter().flatten().collect::<Vec<_>>())?;
    }
    let out = match &sums {
        Some(sums) => survey_stats::sums::finish(&parsed, dir, sums),
        None if finish => return Err(format!("finish needs --sums SUMS.csv\n{USAGE}")),
        None => run_engine(&engine, &limits, &parsed, dir, data.as_deref())?,
    }
    .map_err(|e| e.to_string())?;
    for w in &out.weighting {
        // Reports go to stderr so that stdout stays the results alone (one JSON array).
        let kish = |s: &Option<survey_stats::weighting::WeightSummary>| {
            s.as_ref().map_or("—".to_string(), |s| {
                format!(
                    "cv {:.3}, Kish deff {:.3}, effective n {:.1}",
                    s.cv, s.design_effect, s.effective_n
                )
            })
        };
        note!(
            "{}: weights before: {}; after: {}",
            w.step,
            kish(&w.before),
            kish(&w.after)
        );
        if let Some(note) = &w.note {
            note!("{}: {note}", w.step);
        }
    }
    let written = match (page.as_deref(), &out_file) {
        (Some("xlsx"), None) => {
            return Err(format!("--format xlsx needs --out FILE.xlsx\n{USAGE}"));
        }
        (Some(kind), _) => {
            let report = survey_stats::report::Report::from_run(&parsed, &out);
            match (kind, &out_file) {
                ("xlsx", Some(path)) => write_xlsx(&report, path)?,
                (_, Some(path)) => report.write_html(path).map_err(|e| e.to_string())?,
                (_, None) => {
                    if !print(report.to_html().trim_end())? {
                        return Ok(());
                    }
                }
            }
            true
        }
        (None, Some(path)) => {
            let text = spec::render_output(&out, format);
            std::fs::write(path, text.trim_end().to_string() + "\n")
                .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
            true
        }
        (None, None) => print(spec::render_output(&out, format).trim_end())?,
    };
    if !written {
        return Ok(());
    }
    if timings {
        note!("load_seconds={:.6}", out.load_seconds);
        note!("estimate_seconds={:.6}", out.estimate_seconds);
        for (step, secs) in &out.step_seconds {
            note!("  {step}_seconds={secs:.6}");
        }
    }
    Ok(())
}

/// Refuses an `--out` file that is one of the run's input files (the spec, the data, the
/// sums), which writing would destroy.
fn not_an_input(out: &Path, inputs: &[&PathBuf]) -> Result<(), String> {
    let Ok(target) = std::fs::canonicalize(out) else {
        // A file that does not exist yet is no input.
        return Ok(());
    };
    match inputs
        .iter()
        .find(|p| std::fs::canonicalize(p).is_ok_and(|p| p == target))
    {
        Some(p) => Err(format!(
            "--out {}: that is an input of this run ({}); write the output to another file",
            out.display(),
            p.display()
        )),
        None => Ok(()),
    }
}

#[cfg(feature = "xlsx")]
fn write_xlsx(report: &survey_stats::report::Report, path: &Path) -> Result<(), String> {
    report.write_xlsx(path).map_err(|e| e.to_string())
}

#[cfg(not(feature = "xlsx"))]
fn write_xlsx(_: &survey_stats::report::Report, _: &Path) -> Result<(), String> {
    Err("this survey-stats was built without the xlsx feature".into())
}

fn binom(args: &[String]) -> Result<(), String> {
    let (mut counts, mut method, mut level) = (Vec::new(), BinomialMethod::default(), 0.95);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--method" => {
                let m = value(args, &mut i, "--method")?;
                method = serde_json::from_value(serde_json::Value::String(m.to_string()))
                    .map_err(|_| format!("unknown method {m:?}\n{USAGE}"))?;
            }
            "--level" => {
                let l = value(args, &mut i, "--level")?;
                level = l
                    .parse()
                    .map_err(|_| format!("--level: {l:?} is not a number"))?;
            }
            a => {
                let n: u64 = a
                    .parse()
                    .map_err(|_| format!("{a:?} is not a non-negative whole number\n{USAGE}"))?;
                counts.push(n);
            }
        }
        i += 1;
    }
    let [x, n] = counts[..] else {
        return Err(format!("binom needs SUCCESSES and TRIALS\n{USAGE}"));
    };
    let level = ConfidenceLevel::new(level).map_err(|e| e.to_string())?;
    let ci = binomial_interval(x, n, level, method).map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&ci).map_err(|e| e.to_string())?;
    print(&json)?;
    Ok(())
}

/// Writes `text` and a line end to standard output; false when the reader has gone (a
/// closed pipe, as in `survey-stats … | head -1`): the program then ends quietly with
/// status 0, since the reader took what it wanted.
fn print(text: &str) -> Result<bool, String> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(format!("cannot write the results: {e}")),
    }
}

/// Prints the questionnaire a data file's labels describe, as the JSON the questionnaire
/// loader reads (empty when the file has no labels).
fn questionnaire(args: &[String]) -> Result<(), String> {
    let [file] = args else {
        return Err(format!("questionnaire needs one data file\n{USAGE}"));
    };
    let opened = survey_stats::Dataset::open(file).map_err(|e| e.to_string())?;
    let q = match opened.questionnaire {
        Some(q) => q,
        None => {
            note!("{file}: the file has no labels; the questionnaire is empty");
            survey_stats::questionnaire::Questionnaire::new(Vec::new())
                .map_err(|e| e.to_string())?
        }
    };
    print(q.to_json_pretty().map_err(|e| e.to_string())?.trim_end())?;
    Ok(())
}
