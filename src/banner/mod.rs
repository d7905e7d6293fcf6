//! Banner tables (crosstabs, tab books): questions down, groups across, column percentages
//! or means in the cells with their unweighted and weighted bases, and letters marking the
//! columns a cell is significantly higher than — from **design-based** pairwise tests.
//!
//! A [`Banner`] is the computed table, plain data: its [`columns`](Banner::columns) ("Total"
//! and each category of each banner variable), its [`rows`](Banner::rows) (answer options,
//! nets, multiple-response options, Likert boxes and means, numeric means), one
//! [`Cell`] per row and column, the [`PairTest`]s behind the letters, and
//! [`notes`](Banner::notes). Build one with [`Survey::banner`](crate::Survey::banner).
//!
//! ## The letters
//!
//! Each column of a banner variable gets a letter (A, B, C, … across the whole table; the
//! Total column none). Within one row and one banner variable, every pair of columns is
//! tested; a cell carries the letter of each other column of the **same** banner variable
//! whose estimate is significantly **lower** than its own (the usual tab-book convention:
//! "45% B" reads "higher than column B"). See [`PairTest`] for the test and its source.
//!
//! A cell whose unweighted base is under the [`min_base`](BannerBuilder::min_base) is
//! flagged ([`Cell::low_base`]) and takes part in no test; a base of one has a value but no
//! standard error; a column with no respondent for a row has no cell (`None`). Each of
//! these is said in the table's notes.
//!
//! ```
//! use survey_stats::{Adjust, Dataset, Survey};
//! let data = Dataset::builder()
//!     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//!     .column("psu", vec![1u8, 1, 2, 2, 3, 3, 4, 4])
//!     .column("sex", vec![1u8, 2, 1, 2, 1, 2, 1, 2])
//!     .column("q1", vec![1u8, 1, 1, 2, 2, 2, 2, 9])
//!     .labels("sex", [(1, "men"), (2, "women")])
//!     .build()?;
//! let survey = Survey::builder(data).strata("region").clusters(["psu"]).build()?;
//! let table = survey
//!     .banner(["region", "sex"])
//!     .rows_single("q1")
//!     .exclude([9])
//!     .level(0.95)
//!     .adjust(Adjust::Holm)
//!     .min_base(2)
//!     .build()?;
//! // Columns: Total, region 1 (A), region 2 (B), men (C), women (D).
//! assert_eq!(table.columns().len(), 5);
//! assert_eq!(table.columns()[3].label(), "men");
//! assert_eq!(table.columns()[3].letter(), Some("C"));
//! // Row "q1 = 1": region 1 answered 1 three times in four, region 2 never.
//! let row = &table.rows()[0];
//! let a = row.cells()[1].as_ref().unwrap();
//! assert_eq!(a.value(), 0.75);
//! assert_eq!(a.n(), 4);
//! // 9 is left out of the base and shown apart, as a share of all answers.
//! assert!(table.rows().iter().any(|r| r.kind() == survey_stats::banner::RowKind::NonSubstantive));
//! println!("{table}");
//! # Ok::<(), survey_stats::Error>(())
//! ```

mod build;
mod pairwise;
mod render;

pub use build::BannerBuilder;
pub use pairwise::Adjust;

use serde::Serialize;

/// A computed banner table: columns, rows of cells, the pairwise tests behind the letters,
/// and notes. Plain data; prints as an aligned table ([`std::fmt::Display`]), converts to a
/// [`crate::table::Table`] for Markdown or CSV ([`Banner::to_table`]), serializes to JSON
/// in full.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder()
///     .column("g", vec![1u8, 1, 2, 2])
///     .column("y", vec![1.0, 3.0, 4.0, 8.0])
///     .build()?;
/// let table = Survey::srs(data)?.banner(["g"]).rows_mean("y").build()?;
/// assert_eq!(table.rows()[0].cells()[0].as_ref().unwrap().value(), 4.0); // Total
/// assert_eq!(table.rows()[0].cells()[2].as_ref().unwrap().value(), 6.0); // g = 2
/// assert!(table.to_table().to_markdown().contains("| y | mean |"));
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Banner {
    pub(crate) columns: Vec<BannerColumn>,
    pub(crate) rows: Vec<BannerRow>,
    pub(crate) level: f64,
    pub(crate) adjust: Adjust,
    pub(crate) min_base: u64,
    pub(crate) df: Option<f64>,
    pub(crate) notes: Vec<String>,
}

impl Banner {
    /// The columns, "Total" first, then the categories of each banner variable in order.
    pub fn columns(&self) -> &[BannerColumn] {
        &self.columns
    }

    /// The rows, question by question in the order they were asked for.
    pub fn rows(&self) -> &[BannerRow] {
        &self.rows
    }

    /// The confidence level of the tests (the letters mark adjusted p-values below
    /// `1 − level`).
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The multiple-comparison adjustment of the p-values.
    pub fn adjust(&self) -> Adjust {
        self.adjust
    }

    /// The smallest unweighted base a cell is tested at; smaller bases are flagged.
    pub fn min_base(&self) -> u64 {
        self.min_base
    }

    /// The design's degrees of freedom the t tests use (R's `degf(design)`); `None` for a
    /// normal reference.
    pub fn df(&self) -> Option<f64> {
        self.df
    }

    /// Notes: excluded codes, low bases, empty columns, bases of one.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The cell of a row and column by their indices, `None` when the column has no
    /// respondent for that row or an index is out of range.
    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        self.rows.get(row)?.cells.get(column)?.as_ref()
    }
}

/// One column of a banner: "Total", or one category (a domain) of a banner variable.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder().column("g", vec![1u8, 2]).column("y", vec![1.0, 2.0]).build()?;
/// let table = Survey::srs(data)?.banner(["g"]).rows_mean("y").min_base(1).build()?;
/// let total = &table.columns()[0];
/// assert!(total.is_total() && total.letter().is_none());
/// assert_eq!(table.columns()[2].variable(), Some("g"));
/// assert_eq!(table.columns()[2].value(), Some("2"));
/// assert_eq!(table.columns()[2].letter(), Some("B"));
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BannerColumn {
    pub(crate) variable: Option<String>,
    pub(crate) value: Option<String>,
    pub(crate) label: String,
    pub(crate) letter: Option<String>,
}

impl BannerColumn {
    /// The banner variable; `None` for the Total column.
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// The category as it is in the data (a code as a number, `2`, or a text); `None` for
    /// the Total column.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The heading: the category's label when the data have one, else its value; "Total".
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The column's letter (A, B, …, Z, AA, …); `None` for the Total column.
    pub fn letter(&self) -> Option<&str> {
        self.letter.as_deref()
    }

    /// Whether this is the Total column.
    pub fn is_total(&self) -> bool {
        self.variable.is_none()
    }
}

/// What a row of a banner shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RowKind {
    /// The share choosing one answer of a single-choice question (column %).
    Category,
    /// The share choosing any of a set of codes (a net, e.g. "Top-2").
    Net,
    /// A non-substantive answer (an excluded code, e.g. 9 = "hard to answer"), shown apart
    /// as a share of **all** answers, its own base; the other rows leave it out.
    NonSubstantive,
    /// The share choosing one option of a multiple-response question, among respondents
    /// who chose at least one option ("% of cases").
    Option,
    /// A Likert item's top box (codes 4 and 5 of 1–5).
    TopBox,
    /// A Likert item's bottom box (codes 1 and 2 of 1–5).
    BottomBox,
    /// A Likert item's mean score.
    MeanScore,
    /// The mean of a numeric variable.
    Mean,
}

impl RowKind {
    /// Whether the row's value is a share (shown as a percentage), not a mean.
    pub fn is_share(self) -> bool {
        !matches!(self, RowKind::MeanScore | RowKind::Mean)
    }
}

/// One row of a banner: its question, what it shows, one cell per column (`None` where the
/// column has no respondent), and the pairwise tests of its columns.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// use survey_stats::banner::RowKind;
/// let data = Dataset::builder().column("g", vec![1u8, 1, 2, 2]).column("q", vec![1u8, 2, 2, 2]).build()?;
/// let table = Survey::srs(data)?.banner(["g"]).rows_net("q", "any", [1, 2]).build()?;
/// let row = &table.rows()[0];
/// assert_eq!((row.question(), row.label(), row.kind()), ("q", "any", RowKind::Net));
/// assert_eq!(row.codes(), &[1.0, 2.0]);
/// assert_eq!(row.cells().len(), table.columns().len());
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BannerRow {
    pub(crate) question: String,
    pub(crate) kind: RowKind,
    pub(crate) label: String,
    pub(crate) codes: Vec<f64>,
    pub(crate) cells: Vec<Option<Cell>>,
    pub(crate) tests: Vec<PairTest>,
}

impl BannerRow {
    /// The question (or variable) the row is about.
    pub fn question(&self) -> &str {
        &self.question
    }

    /// What the row shows.
    pub fn kind(&self) -> RowKind {
        self.kind
    }

    /// The row's label: the answer's label, the net's name, "mean", "top box", ….
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The codes the row counts (one for an answer or option, several for a net or box,
    /// none for a mean).
    pub fn codes(&self) -> &[f64] {
        &self.codes
    }

    /// One cell per column of the banner, in the columns' order; `None` where the column
    /// has no respondent in the row's base.
    pub fn cells(&self) -> &[Option<Cell>] {
        &self.cells
    }

    /// The pairwise tests between columns of the same banner variable that were made
    /// (pairs with a flagged or empty cell are not tested).
    pub fn tests(&self) -> &[PairTest] {
        &self.tests
    }
}

/// One cell: the estimate (a share in [0, 1] or a mean), its standard error, its
/// unweighted and weighted base, and its significance letters.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder()
///     .column("g", vec![1u8, 1, 1, 2, 2, 2])
///     .column("w", vec![1.0, 1.0, 2.0, 1.0, 1.0, 1.0])
///     .column("q", vec![1u8, 1, 2, 2, 2, 2])
///     .build()?;
/// let survey = Survey::builder(data).weights("w").build()?;
/// let table = survey.banner(["g"]).rows_single("q").min_base(3).build()?;
/// let cell = table.cell(0, 1).unwrap(); // q = 1 in g = 1
/// assert_eq!(cell.value(), 0.5); // (1 + 1) / 4
/// assert_eq!((cell.n(), cell.weighted_n()), (3, 4.0));
/// assert!(!cell.low_base());
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub(crate) value: f64,
    pub(crate) std_error: Option<f64>,
    pub(crate) n: u64,
    pub(crate) weighted_n: f64,
    pub(crate) letters: Vec<String>,
    pub(crate) low_base: bool,
    pub(crate) note: Option<String>,
}

impl Cell {
    /// The estimate: the column share in [0, 1], or the mean.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Its design-based standard error (as R's `svyby`); `None` for a base of one.
    pub fn std_error(&self) -> Option<f64> {
        self.std_error
    }

    /// The unweighted base: rows of the column with an answer in the row's base.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The weighted base: the sum of those rows' weights.
    pub fn weighted_n(&self) -> f64 {
        self.weighted_n
    }

    /// The letters of the columns (same banner variable) significantly lower than this one.
    pub fn letters(&self) -> &[String] {
        &self.letters
    }

    /// Whether the base is under the banner's minimum (then the cell has no letters and
    /// gives none).
    pub fn low_base(&self) -> bool {
        self.low_base
    }

    /// A caveat (a base of one), when there is one.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

/// The test of one pair of columns of one banner variable in one row.
///
/// ```text
/// d = m_a − m_b            m_c = Σ w·y·1[c] / Σ w·1[c]   (domain means over the full design)
/// SE(d)² = Var(m_a) + Var(m_b) − 2·Cov(m_a, m_b)     (Taylor linearization or replicates)
/// t = d / SE(d);   p = 2·P(T_df > |t|),  df = degf(design) (PSUs − strata)
/// ```
/// Source: R `svycontrast(svyby(~I(q %in% codes), ~banner, design, svymean, covmat = TRUE),
/// c(1, -1))` for the difference and its SE, and `2 * pt(-abs(t), degf(design))` for the
/// p-value. The domains share PSUs and strata, so their covariance counts. The p-values of
/// the pairs of one row and one banner variable are then adjusted ([`Adjust`], as R's
/// `p.adjust`); a pair is significant when its adjusted p-value is below `1 − level`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairTest {
    pub(crate) a: usize,
    pub(crate) b: usize,
    pub(crate) difference: f64,
    pub(crate) std_error: f64,
    pub(crate) df: Option<f64>,
    pub(crate) p_value: f64,
    pub(crate) p_adjusted: f64,
    pub(crate) significant: bool,
}

impl PairTest {
    /// The first column's index (in [`Banner::columns`]).
    pub fn a(&self) -> usize {
        self.a
    }

    /// The second column's index.
    pub fn b(&self) -> usize {
        self.b
    }

    /// The estimate of column `a` minus that of column `b`.
    pub fn difference(&self) -> f64 {
        self.difference
    }

    /// The difference's design-based standard error (with the domains' covariance).
    pub fn std_error(&self) -> f64 {
        self.std_error
    }

    /// The t test's degrees of freedom; `None` for a normal reference.
    pub fn df(&self) -> Option<f64> {
        self.df
    }

    /// The two-sided p-value before adjustment.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The p-value after the banner's [`Adjust`]ment.
    pub fn p_adjusted(&self) -> f64 {
        self.p_adjusted
    }

    /// Whether the adjusted p-value is below `1 − level`.
    pub fn significant(&self) -> bool {
        self.significant
    }
}
