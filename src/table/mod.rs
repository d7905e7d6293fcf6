//! Rendering results: aligned text (Unicode-width aware, so Kazakh labels align),
//! Markdown, CSV and JSON.
//!
//! ```
//! use survey_stats::table::Table;
//! let mut t = Table::new(vec!["облыс".into(), "share".into()]);
//! t.push(vec!["Алматы".into(), "0.47".into()]);
//! t.push(vec!["ШҚО".into(), "0.05".into()]);
//! let text = t.to_text();
//! assert_eq!(text.lines().nth(2), Some("Алматы   0.47"));
//! assert!(t.to_markdown().starts_with("| облыс | share |"));
//! ```

use crate::estimate::Estimate;
use crate::hypothesis::TestRow;
use serde::{Deserialize, Serialize};
use unicode_width::UnicodeWidthStr;

/// One result row of an analysis: an estimate or a test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ResultRow {
    /// A test of independence.
    Test(TestRow),
    /// An estimate.
    Estimate(Box<Estimate>),
}

impl ResultRow {
    /// The estimate of an estimate row (`None` for a test).
    ///
    /// ```
    /// use survey_stats::spec::{AnalysisSpec, run};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    /// let spec = AnalysisSpec::from_json(r#"{"data": "apistrat.csv",
    ///   "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
    ///   "estimates": [{"id": "m", "stat": "mean", "variable": "api00"}]}"#)?;
    /// let out = run(&spec, dir.as_ref(), None)?;
    /// let means: Vec<f64> = out.rows.iter().filter_map(|r| r.estimate()?.estimate).collect();
    /// assert_eq!(means.len(), 1);
    /// # Ok::<(), survey_stats::spec::SpecError>(())
    /// ```
    pub fn estimate(&self) -> Option<&Estimate> {
        match self {
            ResultRow::Estimate(e) => Some(e),
            ResultRow::Test(_) => None,
        }
    }
}

/// Output formats of the command line's `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Aligned text.
    #[default]
    Table,
    /// A Markdown table.
    Markdown,
    /// Comma-separated values with a header.
    Csv,
    /// One JSON array of result rows.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Format::Table),
            "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format {other:?} (table, markdown, csv, json)"
            )),
        }
    }
}

/// A table of text cells with a header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column headers.
    pub fn new(headers: Vec<String>) -> Self {
        Self {
            headers,
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells are blank, extra cells ignored).
    pub fn push(&mut self, mut row: Vec<String>) {
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The column headers.
    pub(crate) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The rows of cells.
    pub(crate) fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Aligned text: numbers right-aligned, text left-aligned, two spaces between columns,
    /// a rule under the header. Widths are display widths.
    pub fn to_text(&self) -> String {
        let n = self.headers.len();
        let mut width = vec![0usize; n];
        let mut numeric = vec![true; n];
        for (j, h) in self.headers.iter().enumerate() {
            width[j] = h.width();
        }
        for row in &self.rows {
            for (j, cell) in row.iter().enumerate() {
                width[j] = width[j].max(cell.width());
                if !cell.is_empty() && !looks_numeric(cell) {
                    numeric[j] = false;
                }
            }
        }
        let line = |cells: &[String]| -> String {
            let mut s = String::new();
            for (j, cell) in cells.iter().enumerate() {
                let pad = width[j] - cell.width();
                if j > 0 {
                    s.push_str("  ");
                }
                if numeric[j] {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    if j + 1 < n {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            s.trim_end().to_string()
        };
        let mut out = line(&self.headers);
        out.push('\n');
        out.push_str(&"-".repeat(width.iter().sum::<usize>() + 2 * n.saturating_sub(1)));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }

    /// A Markdown (GitHub) table.
    pub fn to_markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = format!(
            "| {} |\n|{}|\n",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | "),
            self.headers
                .iter()
                .map(|_| "---")
                .collect::<Vec<_>>()
                .join("|")
        );
        for row in &self.rows {
            out.push_str(&format!(
                "| {} |\n",
                row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        out
    }

    /// CSV with a header line.
    pub fn to_csv(&self) -> String {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        let mut ok = w.write_record(&self.headers).is_ok();
        for row in &self.rows {
            ok &= w.write_record(row).is_ok();
        }
        let bytes = w.into_inner().unwrap_or_default();
        debug_assert!(ok);
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Renders in a format; JSON is an array of objects keyed by header.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.to_text(),
            Format::Markdown => self.to_markdown(),
            Format::Csv => self.to_csv(),
            Format::Json => {
                let objs: Vec<serde_json::Map<String, serde_json::Value>> = self
                    .rows
                    .iter()
                    .map(|r| {
                        self.headers
                            .iter()
                            .cloned()
                            .zip(r.iter().map(|c| serde_json::Value::String(c.clone())))
                            .collect()
                    })
                    .collect();
                serde_json::to_string_pretty(&objs).unwrap_or_default()
            }
        }
    }
}

pub(crate) fn looks_numeric(s: &str) -> bool {
    let t = s.trim_end_matches('%');
    t.parse::<f64>().is_ok() || t.starts_with('[') || t == "—"
}

/// Formats a number for reading: up to 4 decimals for small values, fewer for large ones;
/// `—` for a missing value.
pub fn fmt_number(x: Option<f64>) -> String {
    match x {
        None => "—".to_string(),
        Some(v) if v == v.trunc() && v.abs() < 1e9 => format!("{v:.0}"),
        Some(v) if v.abs() >= 1e15 => format!("{v:.3e}"),
        Some(v) if v.abs() >= 1000.0 => format!("{v:.1}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.2}"),
        Some(v) if v.abs() >= 0.001 || v == 0.0 => format!("{v:.4}"),
        Some(v) => format!("{v:.3e}"),
    }
}

/// The columns of an estimate in a table, in order.
pub(crate) const ESTIMATE_COLUMNS: [&str; 7] = [
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "df",
    "deff",
    "n",
];

/// An estimate's cells under [`ESTIMATE_COLUMNS`]: estimate, SE and interval limits,
/// then df, design effect and rows.
pub(crate) fn estimate_cells(
    values: [Option<f64>; 4],
    df: Option<f64>,
    deff: Option<f64>,
    n: u64,
) -> Vec<String> {
    let mut cells: Vec<String> = values.into_iter().map(fmt_number).collect();
    cells.push(df.map_or(String::new(), |d| fmt_number(Some(d))));
    cells.push(deff.map_or(String::new(), |d| format!("{d:.2}")));
    cells.push(n.to_string());
    cells
}

/// The result rows of an analysis as one table (tests get their statistic in the estimate
/// column and their p-value in the note).
pub fn results_table(rows: &[ResultRow]) -> Table {
    let headers = ["id", "domain", "variable", "category"]
        .iter()
        .chain(&ESTIMATE_COLUMNS)
        .chain(&["note"])
        .map(|s| s.to_string())
        .collect();
    let mut t = Table::new(headers);
    let dom = |d: Option<&std::collections::BTreeMap<String, String>>| {
        d.map_or(String::new(), |m| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    for row in rows {
        match row {
            ResultRow::Estimate(e) => {
                let mut cells = vec![
                    e.id.clone(),
                    dom(e.domain_label.as_ref().or(e.domain.as_ref())),
                    e.variable.clone(),
                    match (&e.category, e.prob, &e.term) {
                        (Some(c), _, _) => e.category_label.clone().unwrap_or_else(|| c.clone()),
                        (None, Some(p), _) => format!("p={p}"),
                        (None, None, Some(term)) => term.clone(),
                        _ => String::new(),
                    },
                ];
                let values = [e.estimate, e.std_error, e.ci_lower, e.ci_upper];
                cells.extend(estimate_cells(values, e.df, e.deff, e.n));
                cells.push(e.note.clone().unwrap_or_default());
                t.push(cells);
            }
            ResultRow::Test(r) => t.push(vec![
                r.id.clone(),
                dom(r.domain.as_ref()),
                r.variable.clone(),
                format!("{:?}", r.method),
                fmt_number(r.statistic),
                String::new(),
                String::new(),
                String::new(),
                match (r.ndf, r.ddf) {
                    (Some(a), Some(b)) => format!("{a:.2}, {b:.1}"),
                    (Some(a), None) => format!("{a:.2}"),
                    _ => String::new(),
                },
                String::new(),
                r.n.to_string(),
                r.p_value.map_or(String::new(), |p| format!("p = {p:.4e}")),
            ]),
        }
    }
    t
}

/// Renders result rows: JSON as the spec's array of result rows, other formats as a table.
pub fn render_results(rows: &[ResultRow], format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(rows).unwrap_or_default(),
        f => results_table(rows).render(f),
    }
}
