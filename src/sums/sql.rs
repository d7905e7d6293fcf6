//! The query that computes the sums table.

use super::{Kind, Part, Plan};
use crate::data::show_number;
use crate::spec::{AnalysisSpec, SpecError};
use std::path::Path;

/// The SQL dialect of the query: how identifiers are quoted and what a double is called.
///
/// ```
/// use survey_stats::sums::Dialect;
/// assert_eq!("spark".parse::<Dialect>()?, Dialect::Spark);
/// assert_eq!("bigquery".parse::<Dialect>()?, Dialect::BigQuery);
/// assert!("oracle".parse::<Dialect>().is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// Standard SQL: `"name"`, `DOUBLE PRECISION` (also PostgreSQL, Trino, DuckDB, SQLite).
    #[default]
    Ansi,
    /// Spark SQL, Databricks, Hive: `` `name` ``, `DOUBLE`.
    Spark,
    /// PostgreSQL: as [`Dialect::Ansi`].
    Postgres,
    /// Google BigQuery: `` `name` ``, `FLOAT64` (a `"name"` would be a string there).
    BigQuery,
}

impl std::str::FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ansi" => Ok(Dialect::Ansi),
            "spark" => Ok(Dialect::Spark),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "bigquery" => Ok(Dialect::BigQuery),
            other => Err(format!(
                "unknown SQL dialect {other:?}: use ansi, spark, postgres or bigquery"
            )),
        }
    }
}

impl Dialect {
    fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            // BigQuery reads backslash escapes inside backticks too.
            Dialect::BigQuery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            Dialect::Ansi | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table name: a dotted name (`schema.table`) is quoted part by part.
    fn table(self, name: &str) -> String {
        name.split('.')
            .map(|p| self.ident(p))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn double(self, expr: &str) -> String {
        match self {
            Dialect::Spark => format!("CAST({expr} AS DOUBLE)"),
            Dialect::BigQuery => format!("CAST({expr} AS FLOAT64)"),
            Dialect::Ansi | Dialect::Postgres => format!("CAST({expr} AS DOUBLE PRECISION)"),
        }
    }

    /// A string literal. Spark and BigQuery read backslash escapes in strings (and Spark
    /// joins `'a''b'` into `ab`): there a quote is `\'` and a backslash `\\`.
    fn literal(self, text: &str) -> String {
        match self {
            Dialect::Spark | Dialect::BigQuery => {
                format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
            }
            Dialect::Ansi | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
        }
    }
}

/// The query computing the sums table of `spec` (see [`crate::sums`]) from the table
/// `table`, which holds the data's columns under their names, missing values as NULL. One
/// `SELECT … GROUP BY` per estimate, joined by `UNION ALL`.
///
/// # Errors
/// [`SpecError::NotFromSums`] naming an estimate that needs the rows themselves;
/// [`SpecError::NotImplemented`] for PPS designs and banner tables;
/// [`SpecError::Invalid`] for a spec that is not valid, and naming a weighting step that
/// needs the rows (`adjust[0].trim`, a `calibrate` with `numeric` totals) or replicates
/// that sums cannot make or read.
///
/// ```
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::{sql_for, Dialect};
/// let spec = AnalysisSpec::from_json(r#"{"data": "api.csv",
///   "design": {"weights": "pw", "strata": "stype", "clusters": ["dnum"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "api00"}]}"#)?;
/// let sql = sql_for(&spec, "api", Dialect::Ansi, None)?;
/// assert!(sql.contains("GROUP BY \"stype\", \"dnum\""));
/// # Ok::<(), survey_stats::spec::SpecError>(())
/// ```
pub fn sql_for(
    spec: &AnalysisSpec,
    table: &str,
    dialect: Dialect,
    questionnaire: Option<&crate::questionnaire::Questionnaire>,
) -> Result<String, SpecError> {
    let plan = Plan::of(spec, questionnaire)?;
    let w = match &spec.design.weights {
        Some(w) => dialect.double(&dialect.ident(w)),
        None => "1.0".to_string(),
    };
    let positive = match &spec.design.weights {
        Some(name) => {
            let q = dialect.ident(name);
            format!("CASE WHEN {q} IS NULL THEN NULL WHEN {q} > 0 THEN 1 ELSE 0 END")
        }
        None => "1".to_string(),
    };
    let selects: Vec<String> = plan
        .parts
        .iter()
        .map(|part| select(&plan, part, dialect, table, &w, &positive))
        .collect();
    Ok(format!("{};\n", selects.join("\nUNION ALL\n")))
}

fn select(
    plan: &Plan,
    part: &Part,
    dialect: Dialect,
    table: &str,
    w: &str,
    positive: &str,
) -> String {
    let mut columns = vec![format!(
        "{} AS {}",
        dialect.literal(&part.id),
        dialect.ident("estimate")
    )];
    let mut group = Vec::new();
    for (key, &on) in plan.keys.iter().zip(&part.active) {
        let q = dialect.ident(key);
        if on {
            columns.push(q.clone());
            group.push(q);
        } else {
            columns.push(format!("NULL AS {q}"));
        }
    }
    let values = part.kind.summed();
    let choices = matches!(part.kind, Kind::Choices(_));
    let quoted: Vec<String> = values.iter().map(|v| dialect.ident(v)).collect();
    let any = |test: &dyn Fn(&str) -> String| {
        quoted
            .iter()
            .map(|q| test(q))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let in_base = if values.is_empty() {
        "NULL".to_string()
    } else if choices {
        // 2: chose an option; 1: answered (some option has a value) without choosing.
        format!(
            "CASE WHEN {} THEN 2 WHEN {} THEN 1 ELSE 0 END",
            any(&|q| format!("{q} = 1")),
            any(&|q| format!("{q} IS NOT NULL"))
        )
    } else {
        let conditions: Vec<String> = quoted
            .iter()
            .map(|q| {
                if part.excluded.is_empty() {
                    format!("{q} IS NOT NULL")
                } else {
                    let codes: Vec<String> =
                        part.excluded.iter().map(|c| show_number(*c)).collect();
                    format!("{q} IS NOT NULL AND {q} NOT IN ({})", codes.join(", "))
                }
            })
            .collect();
        format!("CASE WHEN {} THEN 1 ELSE 0 END", conditions.join(" AND "))
    };
    if !values.is_empty() {
        group.push(in_base.clone());
    }
    group.push(positive.to_string());
    columns.push(format!("{in_base} AS {}", dialect.ident("in_base")));
    columns.push(format!("{positive} AS {}", dialect.ident("positive")));
    columns.push(format!("COUNT(*) AS {}", dialect.ident("n_rows")));
    columns.push(format!("SUM({w}) AS {}", dialect.ident("sum_w")));
    for j in 0..plan.n_values {
        let (wy, wyy) = (format!("sum_wy{}", j + 1), format!("sum_wyy{}", j + 1));
        match quoted.get(j) {
            // A chosen option's y is 1 (and y² too).
            Some(q) if choices => {
                let sum = format!("SUM(CASE WHEN {q} = 1 THEN {w} ELSE 0 END)");
                columns.push(format!("{sum} AS {}", dialect.ident(&wy)));
                columns.push(format!("{sum} AS {}", dialect.ident(&wyy)));
            }
            Some(q) => {
                let y = dialect.double(q);
                columns.push(format!("SUM({w} * {y}) AS {}", dialect.ident(&wy)));
                columns.push(format!("SUM({w} * {y} * {y}) AS {}", dialect.ident(&wyy)));
            }
            None => {
                columns.push(format!("NULL AS {}", dialect.ident(&wy)));
                columns.push(format!("NULL AS {}", dialect.ident(&wyy)));
            }
        }
    }
    if plan.raked {
        for j in 0..plan.n_values {
            // Unweighted: the values' sum, or an option's number of choosers.
            let y = match quoted.get(j) {
                Some(q) if choices => format!("SUM(CASE WHEN {q} = 1 THEN 1 ELSE 0 END)"),
                Some(q) => format!("SUM({})", dialect.double(q)),
                None => "NULL".to_string(),
            };
            columns.push(format!(
                "{y} AS {}",
                dialect.ident(&format!("sum_y{}", j + 1))
            ));
        }
    }
    if plan.has_choices {
        let invalid = if choices {
            format!(
                "SUM(CASE WHEN {} THEN 1 ELSE 0 END)",
                any(&|q| format!("({q} IS NOT NULL AND {q} NOT IN (0, 1))"))
            )
        } else {
            "NULL".to_string()
        };
        columns.push(format!("{invalid} AS {}", dialect.ident("n_invalid")));
    }
    format!(
        "SELECT {}\nFROM {}\nGROUP BY {}",
        columns.join(",\n  "),
        dialect.table(table),
        group.join(", ")
    )
}

/// [`sql_for`] of a spec file; the table name defaults to the stem of the spec's data
/// file (`responses.csv` → `responses`).
///
/// # Errors
/// As [`sql_for`], and [`SpecError::Read`] for a file that cannot be read.
///
/// ```no_run
/// use survey_stats::sums::{sql_file, Dialect};
/// print!("{}", sql_file("analysis.json".as_ref(), None, Dialect::Spark)?);
/// # Ok::<(), survey_stats::spec::SpecError>(())
/// ```
pub fn sql_file(
    spec_path: &Path,
    table: Option<&str>,
    dialect: Dialect,
) -> Result<String, SpecError> {
    let spec = crate::spec::run::read_spec(spec_path)?;
    let dir = spec_path.parent().unwrap_or(Path::new("."));
    let questionnaire = crate::spec::run::load_questionnaire(&spec, dir)?;
    let stem = Path::new(&spec.data)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("data")
        .to_string();
    sql_for(
        &spec,
        table.unwrap_or(&stem),
        dialect,
        questionnaire.as_ref(),
    )
}
