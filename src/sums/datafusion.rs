//! The sums query run in-process by Apache DataFusion (feature `datafusion`).
//!
//! DataFusion reads the data file itself (CSV or Parquet, in parallel), runs the query
//! [`super::sql_for`] writes, and hands back the small sums table, which
//! [`super::finish_table`]'s code finishes. Its memory pool is DataFusion's default
//! (unbounded): bounding it, so that the aggregation spills, is still to do.

use super::finish::{Loaded, finish_loaded};
use super::{Dialect, Plan, sql_for};
use crate::data::{CategoricalColumn, Column, Dataset, NumericColumn};
use crate::spec::run::{load_questionnaire, resolve};
use crate::spec::{AnalysisSpec, RunOutput, SpecError};
use ::datafusion::arrow::array::{Array, ArrayRef, AsArray};
use ::datafusion::arrow::compute::{cast, concat};
use ::datafusion::arrow::datatypes::{DataType, Field, Schema};
use ::datafusion::arrow::record_batch::RecordBatch;
use ::datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionContext};
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
    run_on(spec, dir, data, "DataFusion", |_| async {
        Ok::<_, SpecError>(SessionContext::new())
    })
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
    let start = Instant::now();
    let questionnaire = load_questionnaire(spec, dir)?;
    let plan = Plan::of(spec, questionnaire.as_ref())?;
    let path = data.map_or_else(|| resolve(dir, &spec.data), Path::to_path_buf);
    // The table's name in the query: the file's stem, as `survey-stats sql` names it, kept
    // to one part (a dot would make it `schema.table`).
    let table = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("data")
        .replace('.', "_");
    let query = sql_for(spec, &table, Dialect::Ansi, questionnaire.as_ref())?;
    let file = path.display().to_string();
    // DataFusion reads a path that does not exist as an empty table.
    if !path.exists() {
        return Err(SpecError::Read {
            path: file,
            message: "no such file or folder".into(),
        });
    }
    let engine = |file: &str, e: &dyn std::fmt::Display| SpecError::Engine {
        engine: engine_name.into(),
        file: file.to_string(),
        message: e.to_string(),
    };
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
    let sums = to_dataset(&batches).map_err(|e| engine("the sums table", &e))?;
    let loaded = Loaded {
        questionnaire,
        plan,
        source: format!("{file} (sums from {engine_name})"),
        seconds: start.elapsed().as_secs_f64(),
    };
    finish_loaded(spec, loaded, &sums)
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
fn to_dataset(batches: &[RecordBatch]) -> Result<Dataset, String> {
    let Some(first) = batches.first() else {
        return Err("the query returned no rows (is the data empty?)".into());
    };
    let schema = first.schema();
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (j, field) in schema.fields().iter().enumerate() {
        let parts: Vec<&dyn Array> = batches.iter().map(|b| b.column(j).as_ref()).collect();
        let array: ArrayRef = concat(&parts).map_err(|e| e.to_string())?;
        let column = if array.data_type().is_numeric() || *array.data_type() == DataType::Null {
            let doubles = cast(&array, &DataType::Float64).map_err(|e| e.to_string())?;
            let doubles = doubles.as_primitive::<::datafusion::arrow::datatypes::Float64Type>();
            Column::Numeric(NumericColumn::from_options(
                (0..doubles.len())
                    .map(|i| doubles.is_valid(i).then(|| doubles.value(i)))
                    .collect(),
            ))
        } else {
            let text = cast(&array, &DataType::Utf8).map_err(|e| e.to_string())?;
            let text = text.as_string::<i32>();
            let values: Vec<Option<&str>> = (0..text.len())
                .map(|i| text.is_valid(i).then(|| text.value(i)))
                .collect();
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
                None => Column::Categorical(CategoricalColumn::from_optional(&values)),
            }
        };
        columns.push((field.name().clone(), column));
    }
    Dataset::from_columns(columns).map_err(|e| e.to_string())
}
