//! Reports people read: one self-contained HTML page of tables, charts and prose, and (with
//! the `xlsx` feature, on by default) the same tables as an Excel workbook.
//!
//! A [`Report`] is a list of blocks — headings, paragraphs, lists, tables, result rows,
//! charts — built in order. [`Report::to_html`] writes one page with inline CSS and inline
//! SVG: no scripts, no external files, every text escaped, markup that an XML parser
//! reads (XHTML-compatible). [`Report::from_run`] makes the report of an analysis spec's
//! run: the design in words, the weighting steps, a table per estimate, a chart per
//! estimate with `"chart": true`, and notes.
//!
//! ```
//! use survey_stats::chart::DotPlot;
//! use survey_stats::report::Report;
//! use survey_stats::table::Table;
//! use survey_stats::{Dataset, Survey};
//!
//! let data = Dataset::builder().column("y", vec![1.0, 2.0, 3.0, 6.0]).build()?;
//! let m = Survey::srs(data)?.mean("y")?;
//! let mut t = Table::new(vec!["statistic".into(), "value".into()]);
//! t.push(vec!["mean of y".into(), format!("{:.2}", m.value)]);
//! let page = Report::new("Scores <2026>")
//!     .paragraph("Four respondents, simple random sample.")
//!     .table("Mean", &t)
//!     .chart(DotPlot::new().point("mean of y", &m).render())
//!     .to_html();
//! assert!(page.contains("<title>Scores &lt;2026&gt;</title>"));
//! assert!(page.contains("<td class=\"num\">3.00</td>"));
//! assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
//! # Ok::<(), survey_stats::Error>(())
//! ```

mod html;
mod run;
#[cfg(feature = "xlsx")]
mod xlsx;

use crate::banner::Banner;
use crate::chart::Chart;
use crate::table::{ESTIMATE_COLUMNS, ResultRow, Table};

/// One block of a report.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
    Table {
        caption: String,
        table: Table,
    },
    Results {
        caption: String,
        rows: Vec<ResultRow>,
    },
    Chart(Chart),
    Banner {
        caption: String,
        banner: Banner,
    },
}

/// A report: a title and blocks in order, written as an HTML page or an Excel workbook.
///
/// ```
/// use survey_stats::report::Report;
/// let page = Report::new("Q1").heading("Notes").list(["base: 120 rows"]).to_html();
/// assert!(page.contains("<li>base: 120 rows</li>"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    title: String,
    lang: String,
    blocks: Vec<Block>,
}

impl Report {
    /// An empty report with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            lang: "en".into(),
            blocks: Vec::new(),
        }
    }

    /// The language of the page's text (`lang` attribute; default `en`).
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = lang.into();
        self
    }

    /// A section heading.
    pub fn heading(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Heading(text.into()));
        self
    }

    /// A paragraph of text.
    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }

    /// A bulleted list.
    pub fn list<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Self {
        self.blocks
            .push(Block::List(items.into_iter().map(Into::into).collect()));
        self
    }

    /// A table with a caption. In a workbook, a sheet named after the caption; cells that
    /// read as numbers become numbers.
    pub fn table(mut self, caption: impl Into<String>, table: &Table) -> Self {
        self.blocks.push(Block::Table {
            caption: caption.into(),
            table: table.clone(),
        });
        self
    }

    /// Result rows of an analysis (one estimate's rows, or any), as a table: domain,
    /// category, estimate, standard error, interval, df, design effect, unweighted and
    /// weighted base, note. In a workbook, a sheet holding the values as numbers.
    pub fn results(mut self, caption: impl Into<String>, rows: &[ResultRow]) -> Self {
        self.blocks.push(Block::Results {
            caption: caption.into(),
            rows: rows.to_vec(),
        });
        self
    }

    /// A banner table: in the page, column letters under the headings, each cell's value
    /// with its significance letters raised after it, bases on their own rows, low bases
    /// marked `*` and greyed, the banner's notes below; in a workbook, a sheet with values,
    /// letters and bases each in their own cells.
    ///
    /// ```
    /// use survey_stats::report::Report;
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder()
    ///     .column("g", vec![1u8, 1, 1, 2, 2, 2])
    ///     .column("q", vec![1u8, 1, 1, 2, 2, 1])
    ///     .build()?;
    /// let table = Survey::srs(data)?.banner(["g"]).rows_single("q").min_base(2).build()?;
    /// let page = Report::new("Banner").banner("q by g", &table).to_html();
    /// assert!(page.contains("<th>1<br/>(A)</th>"));
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn banner(mut self, caption: impl Into<String>, banner: &Banner) -> Self {
        self.blocks.push(Block::Banner {
            caption: caption.into(),
            banner: banner.clone(),
        });
        self
    }

    /// A chart (inline SVG in the page; not in a workbook).
    pub fn chart(mut self, chart: Chart) -> Self {
        self.blocks.push(Block::Chart(chart));
        self
    }

    /// The page: one self-contained HTML document.
    pub fn to_html(&self) -> String {
        html::page(self)
    }

    /// Writes the page to `path`.
    ///
    /// # Errors
    /// [`ErrorKind::Output`](crate::ErrorKind::Output) naming the file when it cannot be
    /// written.
    pub fn write_html(&self, path: impl AsRef<std::path::Path>) -> crate::Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_html()).map_err(|e| output_error(path, e))
    }
}

pub(crate) fn output_error(path: &std::path::Path, e: impl std::fmt::Display) -> crate::Error {
    crate::ErrorKind::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    }
    .into()
}

/// A cell of a result grid: a number of a kind (for its format), text, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// An estimate, a standard error, a limit, a statistic, a p-value.
    Value(f64),
    /// A count of rows (a base).
    Count(u64),
    /// A weighted count (a weighted base), degrees of freedom, a design effect.
    Number(f64),
    Text(String),
    Empty,
}

/// Result rows laid out as a grid: the columns that any row fills, in a fixed order. The
/// HTML table and the workbook sheet of a [`Report::results`] block are both this grid.
pub(crate) fn grid(rows: &[ResultRow]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut domain_vars: Vec<String> = Vec::new();
    let domain_of = |r: &ResultRow| -> Option<std::collections::BTreeMap<String, String>> {
        match r {
            ResultRow::Estimate(e) => {
                let mut d = e.domain.clone()?;
                if let Some(l) = &e.domain_label {
                    for (k, v) in l {
                        d.insert(k.clone(), v.clone());
                    }
                }
                Some(d)
            }
            ResultRow::Test(t) => t.domain.clone(),
        }
    };
    for r in rows {
        for k in domain_of(r).into_iter().flatten().map(|(k, _)| k) {
            if !domain_vars.contains(&k) {
                domain_vars.push(k);
            }
        }
    }
    let category = |r: &ResultRow| -> Option<String> {
        match r {
            ResultRow::Estimate(e) => e.category_text(),
            ResultRow::Test(t) => Some(format!("{:?}", t.method)),
        }
    };
    let has_category = rows.iter().any(|r| category(r).is_some());
    let has_p = rows.iter().any(|r| match r {
        ResultRow::Estimate(e) => e.p_value.is_some(),
        ResultRow::Test(_) => true,
    });
    let has_note = rows.iter().any(|r| match r {
        ResultRow::Estimate(e) => e.note.is_some(),
        ResultRow::Test(t) => t.note.is_some() || t.ndf.is_some(),
    });
    let mut headers: Vec<String> = domain_vars.clone();
    if has_category {
        headers.push("category".into());
    }
    headers.extend(ESTIMATE_COLUMNS[..6].iter().map(|s| s.to_string()));
    if has_p {
        headers.push("p_value".into());
    }
    headers.push("n".into());
    headers.push("weighted_n".into());
    if has_note {
        headers.push("note".into());
    }
    let opt = |x: Option<f64>, num: bool| match x {
        Some(v) if num => Cell::Number(v),
        Some(v) => Cell::Value(v),
        None => Cell::Empty,
    };
    let mut out = Vec::new();
    for r in rows {
        let d = domain_of(r).unwrap_or_default();
        let mut cells: Vec<Cell> = domain_vars
            .iter()
            .map(|k| d.get(k).map_or(Cell::Empty, |v| Cell::Text(v.clone())))
            .collect();
        if has_category {
            cells.push(category(r).map_or(Cell::Empty, Cell::Text));
        }
        match r {
            ResultRow::Estimate(e) => {
                cells.extend([
                    opt(e.estimate, false),
                    opt(e.std_error, false),
                    opt(e.ci_lower, false),
                    opt(e.ci_upper, false),
                    opt(e.df, true),
                    opt(e.deff, true),
                ]);
                if has_p {
                    cells.push(opt(e.p_value, false));
                }
                cells.push(Cell::Count(e.n));
                cells.push(Cell::Number(e.weighted_n));
                if has_note {
                    cells.push(e.note.clone().map_or(Cell::Empty, Cell::Text));
                }
            }
            ResultRow::Test(t) => {
                cells.extend([
                    opt(t.statistic, false),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    opt(t.ddf, true),
                    Cell::Empty,
                ]);
                cells.push(opt(t.p_value, false));
                cells.push(Cell::Count(t.n));
                cells.push(Cell::Empty);
                let ndf = t.ndf.map(|n| format!("numerator df {n:.3}"));
                let note = [ndf, t.note.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>();
                cells.push(if note.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(note.join("; "))
                });
            }
        }
        out.push(cells);
    }
    (headers, out)
}

/// One cell of a banner line: its text, the number behind it, letters, low-base flag.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BannerCell {
    pub text: String,
    pub value: Option<f64>,
    pub letters: String,
    pub low: bool,
}

/// One line of a banner as a report shows it: a base line or a row of estimates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BannerLine {
    pub question: String,
    pub label: String,
    pub base: bool,
    pub share: bool,
    pub cells: Vec<BannerCell>,
}

/// The lines of a banner: before each block of rows sharing a base, its unweighted and
/// weighted base lines; then a line per row (the page and the workbook both use these).
pub(crate) fn banner_lines(banner: &Banner) -> Vec<BannerLine> {
    use crate::banner::RowKind;
    let mut out = Vec::new();
    let mut last: Option<(String, Vec<Option<u64>>)> = None;
    for row in banner.rows() {
        let bases: Vec<Option<u64>> = row
            .cells()
            .iter()
            .map(|c| c.as_ref().map(|c| c.n()))
            .collect();
        if last.as_ref() != Some(&(row.question().to_string(), bases.clone())) {
            for (label, weighted) in [("base (n)", false), ("base (weighted)", true)] {
                let cells = row
                    .cells()
                    .iter()
                    .map(|c| {
                        let v = c.as_ref().map_or(0.0, |c| {
                            if weighted {
                                c.weighted_n()
                            } else {
                                c.n() as f64
                            }
                        });
                        BannerCell {
                            text: if weighted {
                                format!("{v:.1}")
                            } else {
                                format!("{v:.0}")
                            },
                            value: Some(v),
                            letters: String::new(),
                            low: c.as_ref().is_some_and(|c| c.low_base()),
                        }
                    })
                    .collect();
                out.push(BannerLine {
                    question: row.question().to_string(),
                    label: label.to_string(),
                    base: true,
                    share: false,
                    cells,
                });
            }
            last = Some((row.question().to_string(), bases));
        }
        let share = row.kind().is_share();
        let cells = row
            .cells()
            .iter()
            .map(|c| match c {
                None => BannerCell {
                    text: "–".into(),
                    value: None,
                    letters: String::new(),
                    low: false,
                },
                Some(c) => BannerCell {
                    text: if share {
                        format!("{:.1}%", 100.0 * c.value())
                    } else {
                        format!("{:.2}", c.value())
                    },
                    value: Some(c.value()),
                    letters: c.letters().concat(),
                    low: c.low_base(),
                },
            })
            .collect();
        let label = match row.kind() {
            RowKind::NonSubstantive => format!("{} (of all answers)", row.label()),
            _ => row.label().to_string(),
        };
        out.push(BannerLine {
            question: row.question().to_string(),
            label,
            base: false,
            share,
            cells,
        });
    }
    out
}
