//! The sums query run in-process by Apache DataFusion (feature `datafusion`).
//!
//! DataFusion reads the data file itself (CSV or Parquet, in parallel), runs the query
//! [`super::sql_for`] writes, and hands back the small sums table, which
//! [`super::finish_table`]'s code finishes. [`DataFusion::memory_limit`] bounds its memory
//! pool, so that the aggregation spills to temporary files instead of growing.
//!
//! For a DataFusion context of your own (tables on object storage, a Ballista cluster),
//! [`logical_plan`] gives the query as a plan on that context and [`finish_batches`]
//! finishes from the record batches it returns.

use super::finish::{Loaded, finish_loaded};
use super::{Dialect, Plan, sql_for};
use crate::data::{CategoricalColumn, Column, Dataset, NumericColumn};
use crate::spec::run::{load_questionnaire, resolve};
use crate::spec::{AnalysisSpec, RunOutput, SpecError};
use ::datafusion::arrow::array::{Array, AsArray};
use ::datafusion::arrow::compute::cast;
use ::datafusion::arrow::datatypes::{DataType, Field, Schema};
use ::datafusion::arrow::record_batch::RecordBatch;
use ::datafusion::execution::runtime_env::RuntimeEnvBuilder;
use ::datafusion::logical_expr::LogicalPlan;
use ::datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};
use ::datafusion::sql::TableReference;
use std::path::Path;
use std::time::Instant;

/// The result rows of `spec`, as [`crate::spec::run`] gives them, with the per-unit sums
/// computed by Apache DataFusion in-process from the spec's data file (or `data` in its
/// place): a `.parquet` file or a folder of them through DataFusion's Parquet reader, any
/// other file as CSV (header line first; the spec's `missing` texts read as NULL; integer
/// columns read as doubles). DataFusion reads in parallel; its memory is not bounded yet.
/// Relative paths are relative to `dir`.
///
/// The estimates that can be finished from sums are those of [`super::sql_for`]; results
/// agree with the in-memory run up to the order of floating-point additions.
///
/// # Errors
/// As [`super::sql_for`] for what cannot be finished from sums; [`SpecError::Engine`]
/// naming the data file when DataFusion cannot read it, or the query when it fails (a
/// missing column, text where numbers are summed); as [`super::finish`] otherwise.
///
/// ```
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::run_datafusion;
/// use survey_stats::table::ResultRow;
/// let dir = std::env::temp_dir().join(format!("datafusion-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("y.csv"), "psu,w,y\n1,1,1\n1,1,2\n2,2,6\n")?;
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let out = run_datafusion(&spec, &dir, None)?;
/// let ResultRow::Estimate(row) = &out.rows[0] else { unreachable!() };
/// assert_eq!(row.estimate, Some(3.75));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_datafusion(
    spec: &AnalysisSpec,
    dir: &Path,
    data: Option<&Path>,
) -> Result<RunOutput, SpecError> {
    DataFusion::new().run(spec, dir, data)
}

/// Apache DataFusion in-process, with its memory bounded or not: the engine behind
/// [`run_datafusion`] and `--engine datafusion`.
///
/// With [`DataFusion::memory_limit`], DataFusion holds the query's memory (hash tables,
/// sort buffers) to that many bytes: an aggregation that cannot grow spills its groups to
/// temporary files in the OS temp folder; the data are read as they stream by. A limit too
/// small for the query's concurrent aggregations (tens of megabytes: a spilling aggregation
/// still needs room for a batch of groups while the others hold theirs) is an error
/// naming them (`Resources exhausted`). The limit covers the query, not the finished sums
/// table, which the crate holds (a few rows per sampling unit, domain and category).
///
/// ```
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::DataFusion;
/// use survey_stats::table::ResultRow;
/// let dir = std::env::temp_dir().join(format!("datafusion-limit-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("y.csv"), "psu,w,y\n1,1,1\n1,1,2\n2,2,6\n")?;
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let out = DataFusion::new().memory_limit(64 << 20).partitions(2).run(&spec, &dir, None)?;
/// let ResultRow::Estimate(row) = &out.rows[0] else { unreachable!() };
/// assert_eq!(row.estimate, Some(3.75));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct DataFusion {
    memory_limit: Option<usize>,
    partitions: Option<usize>,
}

impl DataFusion {
    /// DataFusion's defaults: every core, memory unbounded.
    ///
    /// ```
    /// let engine = survey_stats::sums::DataFusion::new();
    /// # let _ = engine;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds the query's memory to `bytes`, spilling the rest to temporary files.
    ///
    /// ```
    /// let engine = survey_stats::sums::DataFusion::new().memory_limit(1 << 30);
    /// # let _ = engine;
    /// ```
    pub fn memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = Some(bytes);
        self
    }

    /// Runs the query in `n` parallel partitions (DataFusion's `target_partitions`; by
    /// default the number of cores). Fewer partitions hold fewer hash tables at once.
    ///
    /// ```
    /// let engine = survey_stats::sums::DataFusion::new().partitions(1);
    /// # let _ = engine;
    /// ```
    pub fn partitions(mut self, n: usize) -> Self {
        self.partitions = Some(n.max(1));
        self
    }

    /// The result rows of `spec` with the sums computed by this engine: as
    /// [`run_datafusion`].
    ///
    /// # Errors
    /// As [`run_datafusion`].
    ///
    /// ```no_run
    /// use survey_stats::spec::AnalysisSpec;
    /// use survey_stats::sums::DataFusion;
    /// let spec = AnalysisSpec::from_json(r#"{"data": "survey_100m.parquet",
    ///   "design": {"weights": "weight", "strata": "region", "clusters": ["psu"]},
    ///   "estimates": [{"id": "m", "stat": "mean", "variable": "q_num"}]}"#)?;
    /// let out = DataFusion::new().memory_limit(1 << 30).run(&spec, "/data".as_ref(), None)?;
    /// # let _ = out;
    /// # Ok::<(), survey_stats::spec::SpecError>(())
    /// ```
    pub fn run(
        &self,
        spec: &AnalysisSpec,
        dir: &Path,
        data: Option<&Path>,
    ) -> Result<RunOutput, SpecError> {
        let (batches, loaded) = self.query(spec, dir, data)?;
        finish_query(spec, "DataFusion", batches, loaded)
    }

    /// The sums table of `spec` as this engine returns it, and what finishing it needs.
    fn query(
        &self,
        spec: &AnalysisSpec,
        dir: &Path,
        data: Option<&Path>,
    ) -> Result<(Vec<RecordBatch>, Loaded), SpecError> {
        let engine = self.clone();
        query_on(spec, dir, data, "DataFusion", move |file| {
            let file = file.to_string();
            async move { engine.context(&file) }
        })
    }

    /// Computes the sums table of `spec` on its data file (or `data`) and writes it to
    /// `out` as CSV with a header line: the table `survey-stats finish --sums` and
    /// [`super::finish`] read. Tables of chunks of the data, concatenated without their
    /// header lines, finish as one (sums add up). Returns the number of groups written.
    ///
    /// # Errors
    /// As [`run_datafusion`] up to the query's result; [`SpecError::Read`] naming `out`
    /// when it cannot be written.
    ///
    /// ```
    /// use survey_stats::spec::AnalysisSpec;
    /// use survey_stats::sums::{finish, DataFusion};
    /// use survey_stats::table::ResultRow;
    /// let dir = std::env::temp_dir().join(format!("datafusion-sums-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("y.csv"), "psu,w,y\n1,1,1\n1,1,2\n2,2,6\n")?;
    /// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
    ///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
    /// let groups = DataFusion::new().write_sums(&spec, &dir, None, &mut std::fs::File::create(dir.join("sums.csv"))?)?;
    /// assert_eq!(groups, 2);
    /// let out = finish(&spec, &dir, &dir.join("sums.csv"))?;
    /// let ResultRow::Estimate(row) = &out.rows[0] else { unreachable!() };
    /// assert_eq!(row.estimate, Some(3.75));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_sums(
        &self,
        spec: &AnalysisSpec,
        dir: &Path,
        data: Option<&Path>,
        out: &mut dyn std::io::Write,
    ) -> Result<usize, SpecError> {
        let (batches, _) = self.query(spec, dir, data)?;
        let failed = |e: &dyn std::fmt::Display| SpecError::Read {
            path: "the sums output".into(),
            message: format!("cannot be written: {e}"),
        };
        let mut writer = ::datafusion::arrow::csv::WriterBuilder::new()
            .with_header(true)
            .build(out);
        let mut groups = 0;
        for batch in &batches {
            writer.write(batch).map_err(|e| failed(&e))?;
            groups += batch.num_rows();
        }
        Ok(groups)
    }

    /// A session context with this engine's memory pool and partitions.
    fn context(&self, file: &str) -> Result<SessionContext, SpecError> {
        let mut config = SessionConfig::new();
        if let Some(n) = self.partitions {
            config = config.with_target_partitions(n);
        }
        let mut runtime = RuntimeEnvBuilder::new();
        if let Some(bytes) = self.memory_limit {
            // DataFusion's greedy pool: an aggregation that cannot grow spills its sorted
            // groups to a temporary file and goes on. (Its fair pool splits the limit among
            // the union's aggregations in advance, and small shares fail where the greedy
            // pool succeeds.)
            runtime = runtime.with_memory_limit(bytes, 1.0);
        }
        let runtime = runtime
            .build_arc()
            .map_err(|e| engine_error("DataFusion", file, &e))?;
        Ok(SessionContext::new_with_config_rt(config, runtime))
    }

    /// The sums query of `spec` as the logical plan this engine would run on its data
    /// file (or `data`), optimized as DataFusion optimizes it before it runs: what
    /// `survey-stats sql SPEC.json --plan` prints (with `display_indent`).
    ///
    /// # Errors
    /// As [`run_datafusion`] up to the query's planning.
    ///
    /// ```
    /// use survey_stats::spec::AnalysisSpec;
    /// use survey_stats::sums::DataFusion;
    /// let dir = std::env::temp_dir().join(format!("datafusion-lp-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("y.csv"), "psu,w,y\n1,1,1\n2,2,6\n")?;
    /// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
    ///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
    /// let plan = DataFusion::new().logical_plan(&spec, &dir, None)?;
    /// assert!(plan.display_indent().to_string().contains("Aggregate: groupBy=[[y.psu"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn logical_plan(
        &self,
        spec: &AnalysisSpec,
        dir: &Path,
        data: Option<&Path>,
    ) -> Result<LogicalPlan, SpecError> {
        let questionnaire = load_questionnaire(spec, dir)?;
        let (path, table) = source(spec, dir, data)?;
        let file = path.display().to_string();
        let engine = |e: &dyn std::fmt::Display| engine_error("DataFusion", &file, e);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| engine(&e))?;
        runtime.block_on(async {
            let ctx = self.context(&file)?;
            register(&ctx, &table, &path, &spec.missing)
                .await
                .map_err(|e| engine(&e))?;
            let plan = logical_plan(spec, &ctx, &table, questionnaire.as_ref()).await?;
            ctx.state().optimize(&plan).map_err(|e| engine(&e))
        })
    }
}

/// The sums query of `spec` as a DataFusion logical plan on `ctx`, where the data are
/// registered as the table `table` (a Parquet listing on object storage, a CSV, a
/// Ballista cluster's table, …): run it with `ctx.execute_logical_plan`, collect the
/// batches and finish them with [`finish_batches`]. The plan is the ANSI query of
/// [`super::sql_for`] planned against the table's schema, unoptimized (DataFusion
/// optimizes it when it runs).
///
/// # Errors
/// As [`super::sql_for`]; [`SpecError::Engine`] when DataFusion cannot plan the query
/// on `table` (no such table, a missing column).
///
/// ```
/// use datafusion::prelude::{CsvReadOptions, SessionContext};
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::{finish_batches, logical_plan};
/// use survey_stats::table::ResultRow;
/// # let runtime = tokio::runtime::Runtime::new()?;
/// # runtime.block_on(async {
/// let dir = std::env::temp_dir().join(format!("datafusion-plan-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("y.csv"), "psu,w,y\n1,1,1\n1,1,2\n2,2,6\n")?;
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let ctx = SessionContext::new();
/// ctx.register_csv("answers", dir.join("y.csv").to_str().unwrap(), CsvReadOptions::new()).await?;
/// let plan = logical_plan(&spec, &ctx, "answers", None).await?;
/// assert!(plan.display_indent().to_string().contains("Aggregate"));
/// let batches = ctx.execute_logical_plan(plan).await?.collect().await?;
/// let out = finish_batches(&spec, &dir, &batches)?;
/// let ResultRow::Estimate(row) = &out.rows[0] else { unreachable!() };
/// assert_eq!(row.estimate, Some(3.75));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn logical_plan(
    spec: &AnalysisSpec,
    ctx: &SessionContext,
    table: &str,
    questionnaire: Option<&crate::questionnaire::Questionnaire>,
) -> Result<LogicalPlan, SpecError> {
    let query = sql_for(spec, table, Dialect::Ansi, questionnaire)?;
    let frame = ctx
        .sql(&query)
        .await
        .map_err(|e| engine_error("DataFusion", "the sums query", &e))?;
    Ok(frame.logical_plan().clone())
}

/// Every estimate of `spec` finished from the record batches of its sums query (see
/// [`logical_plan`]): as [`super::finish_table`] on the batches as a table.
///
/// # Errors
/// As [`super::finish_table`]; [`SpecError::Sums`] when the batches are not a sums table.
///
/// ```
/// use datafusion::arrow::array::{Float64Array, StringArray};
/// use datafusion::arrow::record_batch::RecordBatch;
/// use std::sync::Arc;
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::finish_batches;
/// let number = |v: &[f64]| Arc::new(Float64Array::from(v.to_vec())) as _;
/// let batch = RecordBatch::try_from_iter([
///     ("estimate", Arc::new(StringArray::from(vec!["m", "m"])) as _),
///     ("psu", number(&[1.0, 2.0])),
///     ("in_base", number(&[1.0, 1.0])),
///     ("positive", number(&[1.0, 1.0])),
///     ("n_rows", number(&[2.0, 1.0])),
///     ("sum_w", number(&[2.0, 2.0])),
///     ("sum_wy1", number(&[3.0, 12.0])),
///     ("sum_wyy1", number(&[5.0, 72.0])),
/// ])?;
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let out = finish_batches(&spec, ".".as_ref(), &[batch])?;
/// assert_eq!(out.rows.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn finish_batches(
    spec: &AnalysisSpec,
    dir: &Path,
    batches: &[RecordBatch],
) -> Result<RunOutput, SpecError> {
    let table = to_dataset(batches.to_vec()).map_err(|message| SpecError::Sums {
        file: "the record batches".into(),
        message,
    })?;
    super::finish_table(spec, dir, &table)
}

/// Runs the sums query of `spec` on the context `connect` gives (an in-process DataFusion
/// context, or one whose plans run elsewhere), then finishes the estimates: the one code
/// behind every DataFusion-based engine. `engine` names it in errors and in the source line.
pub(super) fn run_on<F, Fut>(
    spec: &AnalysisSpec,
    dir: &Path,
    data: Option<&Path>,
    engine_name: &str,
    connect: F,
) -> Result<RunOutput, SpecError>
where
    F: FnOnce(&str) -> Fut,
    Fut: std::future::Future<Output = Result<SessionContext, SpecError>>,
{
    let (batches, loaded) = query_on(spec, dir, data, engine_name, connect)?;
    finish_query(spec, engine_name, batches, loaded)
}

/// Every estimate of `spec` finished from the batches of its sums query.
fn finish_query(
    spec: &AnalysisSpec,
    engine_name: &str,
    batches: Vec<RecordBatch>,
    loaded: Loaded,
) -> Result<RunOutput, SpecError> {
    let sums = to_dataset(batches)
        .map_err(|message| engine_error(engine_name, "the sums table", &message))?;
    finish_loaded(spec, loaded, &sums)
}

/// An error of the engine `engine` about `file` (the data file, or the query): the
/// engine's message, with what to do when a memory limit was too small.
pub(super) fn engine_error(engine: &str, file: &str, e: &dyn std::fmt::Display) -> SpecError {
    let mut message = e.to_string();
    if message.contains("Resources exhausted") {
        message.push_str(
            " (the memory limit is too small for this query's aggregations: raise the \
             memory limit, or run fewer partitions)",
        );
    }
    SpecError::Engine {
        engine: engine.into(),
        file: file.to_string(),
        message,
    }
}

/// The sums table of `spec` as the engine returns it, and what finishing it needs.
fn query_on<F, Fut>(
    spec: &AnalysisSpec,
    dir: &Path,
    data: Option<&Path>,
    engine_name: &str,
    connect: F,
) -> Result<(Vec<RecordBatch>, Loaded), SpecError>
where
    F: FnOnce(&str) -> Fut,
    Fut: std::future::Future<Output = Result<SessionContext, SpecError>>,
{
    let start = Instant::now();
    let questionnaire = load_questionnaire(spec, dir)?;
    let plan = Plan::of(spec, questionnaire.as_ref())?;
    let (path, table) = source(spec, dir, data)?;
    let query = sql_for(spec, &table, Dialect::Ansi, questionnaire.as_ref())?;
    let file = path.display().to_string();
    let engine = |file: &str, e: &dyn std::fmt::Display| engine_error(engine_name, file, e);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| engine(&file, &e))?;
    let batches = runtime.block_on(async {
        let ctx = connect(&file).await?;
        register(&ctx, &table, &path, &spec.missing)
            .await
            .map_err(|e| engine(&file, &e))?;
        let frame = ctx
            .sql(&query)
            .await
            .map_err(|e| engine("the sums query", &e))?;
        frame
            .collect()
            .await
            .map_err(|e| engine(&format!("{file} (the sums query)"), &e))
    })?;
    let loaded = Loaded {
        questionnaire,
        plan,
        source: format!("{file} (sums from {engine_name})"),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok((batches, loaded))
}

/// The data file of `spec` (or `data` in its place) and its table's name in the query:
/// the file's stem, as `survey-stats sql` names it, kept to one part (a dot would make it
/// `schema.table`).
fn source(
    spec: &AnalysisSpec,
    dir: &Path,
    data: Option<&Path>,
) -> Result<(std::path::PathBuf, String), SpecError> {
    let path = data.map_or_else(|| resolve(dir, &spec.data), Path::to_path_buf);
    let table = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("data")
        .replace('.', "_");
    // DataFusion reads a path that does not exist as an empty table.
    if !path.exists() {
        return Err(SpecError::Read {
            path: path.display().to_string(),
            message: "no such file or folder".into(),
        });
    }
    Ok((path, table))
}

/// Registers the data file as `table`: Parquet by its extension (or a folder of Parquet
/// files), else CSV with `missing` texts as NULL and numbers as doubles.
async fn register(
    ctx: &SessionContext,
    table: &str,
    path: &Path,
    missing: &[String],
) -> ::datafusion::error::Result<()> {
    let name = TableReference::bare(table);
    let location = path.to_string_lossy();
    let parquet = path.is_dir()
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if parquet {
        let extension = if path.is_dir() { ".parquet" } else { "" };
        let options = ParquetReadOptions {
            file_extension: extension,
            ..ParquetReadOptions::default()
        };
        return ctx.register_parquet(name, location.as_ref(), options).await;
    }
    let nulls = format!(
        "^({})$",
        missing
            .iter()
            .map(|m| escape_regex(m))
            .collect::<Vec<_>>()
            .join("|")
    );
    let options = || {
        CsvReadOptions::new()
            .has_header(true)
            .file_extension("")
            .null_regex(Some(nulls.clone()))
    };
    // DataFusion guesses each column's type from the first rows: integers there may be
    // followed by decimals (weights, values), so every number is read as a double, and
    // everything else as text (as the crate's own reader does).
    let guessed = ctx.read_csv(location.as_ref(), options()).await?;
    let fields: Vec<Field> = guessed
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let kind = if f.data_type().is_numeric() {
                DataType::Float64
            } else {
                DataType::Utf8
            };
            Field::new(f.name(), kind, true)
        })
        .collect();
    let schema = Schema::new(fields);
    ctx.register_csv(name, location.as_ref(), options().schema(&schema))
        .await
}

/// `text` matched literally in a regular expression.
fn escape_regex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The query's record batches as the sums table: numeric columns as numbers, others as
/// text, made numbers when every value is one (as the crate's CSV reader reads the table).
/// The batches are converted one at a time and each is dropped once read, so the table is
/// never held twice.
fn to_dataset(batches: Vec<RecordBatch>) -> Result<Dataset, String> {
    let Some(first) = batches.first() else {
        return Err("the query returned no rows (is the data empty?)".into());
    };
    let schema = first.schema();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    let numeric = |t: &DataType| t.is_numeric() || *t == DataType::Null;
    /// A column being built: numbers as they come, or text until every value is seen.
    enum Building {
        Numbers(NumericColumn),
        Text(Vec<Option<String>>),
    }
    let mut building: Vec<Building> = (0..schema.fields().len())
        .map(|j| {
            if batches.iter().all(|b| numeric(b.column(j).data_type())) {
                Building::Numbers(NumericColumn::with_capacity(rows))
            } else {
                Building::Text(Vec::with_capacity(rows))
            }
        })
        .collect();
    for batch in batches {
        for (j, column) in building.iter_mut().enumerate() {
            match column {
                Building::Numbers(column) => {
                    let doubles =
                        cast(batch.column(j), &DataType::Float64).map_err(|e| e.to_string())?;
                    let doubles =
                        doubles.as_primitive::<::datafusion::arrow::datatypes::Float64Type>();
                    for i in 0..doubles.len() {
                        column.push(doubles.is_valid(i).then(|| doubles.value(i)));
                    }
                }
                Building::Text(values) => {
                    let text = cast(batch.column(j), &DataType::Utf8).map_err(|e| e.to_string())?;
                    let text = text.as_string::<i32>();
                    values.extend(
                        (0..text.len())
                            .map(|i| text.is_valid(i).then(|| text.value(i).to_string())),
                    );
                }
            }
        }
    }
    let mut columns = Vec::with_capacity(building.len());
    for (field, column) in schema.fields().iter().zip(building) {
        let column = match column {
            Building::Numbers(column) => Column::Numeric(column),
            Building::Text(values) => {
                let numbers: Option<Vec<Option<f64>>> = values
                    .iter()
                    .map(|v| match v {
                        None => Some(None),
                        Some(t) => t
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite())
                            .map(Some),
                    })
                    .collect();
                match numbers {
                    Some(numbers) => Column::Numeric(NumericColumn::from_options(numbers)),
                    None => {
                        let values: Vec<Option<&str>> =
                            values.iter().map(|v| v.as_deref()).collect();
                        Column::Categorical(CategoricalColumn::from_optional(&values))
                    }
                }
            }
        };
        columns.push((field.name().clone(), column));
    }
    Dataset::from_columns(columns).map_err(|e| e.to_string())
}
