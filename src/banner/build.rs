//! The builder of a banner and its computation: each row is a value per data row (a 0/1
//! indicator or a number) over a base; each banner variable's domains are estimated in one
//! pass over the full design, their pairs tested from that pass.

use super::pairwise::{domain_mean, test_pairs};
use super::{Adjust, Banner, BannerColumn, BannerRow, Cell, RowKind};
use crate::Survey;
use crate::data::{Column, Dataset, NumericColumn, show_number};
use crate::error::{ErrorKind, Result};
use crate::estimate::contrast::domain_value_totals;
use crate::estimate::{Domains, EstimateError, EstimateOptions, LikertScale};
use crate::interval::ConfidenceLevel;
use std::collections::{BTreeMap, BTreeSet};

/// The rows asked for, in order.
#[derive(Debug, Clone)]
enum RowSpec {
    Single(String),
    Net(String, String, Vec<f64>),
    Multiple(String),
    Likert(String, LikertScale),
    Mean(String),
}

/// Builds a [`Banner`] on a survey: the banner variables (columns), the rows, and the
/// settings of the tests. Start with [`Survey::banner`](crate::Survey::banner).
///
/// Defaults: 95% level, no adjustment, minimum base 30, no excluded code.
///
/// ```
/// use survey_stats::{Adjust, Dataset, Survey};
/// let data = Dataset::builder()
///     .column("g", vec![1u8, 1, 1, 2, 2, 2])
///     .column("q", vec![5u8, 4, 9, 1, 2, 4])
///     .column("age", vec![30.0, 40.0, 50.0, 20.0, 25.0, 60.0])
///     .build()?;
/// let table = Survey::srs(data)?
///     .banner(["g"])
///     .rows_single("q")
///     .rows_net("q", "Top-2", [4, 5])
///     .rows_likert("q")
///     .rows_mean("age")
///     .exclude([9])
///     .level(0.9)
///     .adjust(Adjust::Bonferroni)
///     .min_base(2)
///     .build()?;
/// let top2 = table.rows().iter().find(|r| r.label() == "Top-2").unwrap();
/// assert_eq!(top2.cells()[1].as_ref().unwrap().value(), 1.0); // g = 1: 5 and 4 (9 left out)
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BannerBuilder<'s> {
    survey: &'s Survey,
    banner: Vec<String>,
    rows: Vec<RowSpec>,
    exclude: Vec<f64>,
    /// Codes left out of one question's base (the questionnaire's non-substantive codes).
    listed: Vec<(String, Vec<f64>)>,
    /// Codes of a banner variable shown as columns even without respondents (the spec's
    /// questionnaire options).
    categories: Vec<(String, Vec<f64>)>,
    level: f64,
    adjust: Adjust,
    min_base: u64,
}

/// A single-choice question with more distinct codes than this is not one.
const MAX_CODES: usize = 200;

/// The most categories of one banner variable (their pairs, `k(k − 1)/2`, are each tested).
const MAX_COLUMNS: usize = 60;

impl<'s> BannerBuilder<'s> {
    pub(crate) fn new(survey: &'s Survey, banner: Vec<String>) -> Self {
        BannerBuilder {
            survey,
            banner,
            rows: Vec::new(),
            exclude: Vec::new(),
            listed: Vec::new(),
            categories: Vec::new(),
            level: 0.95,
            adjust: Adjust::None,
            min_base: 30,
        }
    }

    /// One row per answer of a single-choice question (codes in ascending order, labelled
    /// from the data; a text column's values in sort order): the column share choosing it.
    /// Excluded codes get rows apart ([`RowKind::NonSubstantive`]).
    pub fn rows_single(mut self, question: impl AsRef<str>) -> Self {
        self.rows
            .push(RowSpec::Single(question.as_ref().to_string()));
        self
    }

    /// A net: the column share choosing any of `codes` (e.g. "Top-2" = 4, 5).
    pub fn rows_net<C: Into<f64>>(
        mut self,
        question: impl AsRef<str>,
        label: impl AsRef<str>,
        codes: impl IntoIterator<Item = C>,
    ) -> Self {
        self.rows.push(RowSpec::Net(
            question.as_ref().to_string(),
            label.as_ref().to_string(),
            codes.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// One row per option of a multiple-response question (added with
    /// [`crate::DatasetBuilder::multiple_response`], or, in data read from a file, its 0/1
    /// columns named `{question}_{code}`): the share choosing it among the column's
    /// respondents who chose at least one option ("% of cases").
    pub fn rows_multiple(mut self, question: impl AsRef<str>) -> Self {
        self.rows
            .push(RowSpec::Multiple(question.as_ref().to_string()));
        self
    }

    /// A five-point rating item (codes 1–5): top box (4–5), bottom box (1–2) and mean
    /// score; other codes leave the base, excluded codes are shown apart.
    pub fn rows_likert(self, question: impl AsRef<str>) -> Self {
        self.rows_likert_on(question, &LikertScale::five_point())
    }

    /// [`BannerBuilder::rows_likert`] on another scale (its scores, top and bottom boxes),
    /// e.g. one made from a questionnaire's Likert question.
    ///
    /// ```
    /// use survey_stats::estimate::LikertScale;
    /// use survey_stats::{Dataset, Survey};
    /// // A four-point scale where 1 is the best answer.
    /// let scale = LikertScale {
    ///     scores: vec![(1.0, 4.0), (2.0, 3.0), (3.0, 2.0), (4.0, 1.0)],
    ///     top: vec![1.0, 2.0],
    ///     bottom: vec![3.0, 4.0],
    /// };
    /// let data = Dataset::builder().column("g", vec![1u8, 1, 2, 2]).column("q", vec![1u8, 3, 4, 4]).build()?;
    /// let table = Survey::srs(data)?.banner(["g"]).rows_likert_on("q", &scale).build()?;
    /// assert_eq!(table.rows()[0].label(), "top box (1–2)");
    /// assert_eq!(table.cell(0, 1).unwrap().value(), 0.5);
    /// assert_eq!(table.cell(2, 2).unwrap().value(), 1.0); // mean score of g = 2
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn rows_likert_on(mut self, question: impl AsRef<str>, scale: &LikertScale) -> Self {
        self.rows.push(RowSpec::Likert(
            question.as_ref().to_string(),
            scale.clone(),
        ));
        self
    }

    /// The mean of a numeric variable.
    pub fn rows_mean(mut self, variable: impl AsRef<str>) -> Self {
        self.rows.push(RowSpec::Mean(variable.as_ref().to_string()));
        self
    }

    /// Codes left out of the base of every single-choice, net, Likert and mean row (e.g.
    /// 9 = "hard to answer"); a single-choice or Likert question shows each that occurs as
    /// a row apart. Each code must occur in at least one of those questions.
    pub fn exclude<C: Into<f64>>(mut self, codes: impl IntoIterator<Item = C>) -> Self {
        self.exclude.extend(codes.into_iter().map(Into::into));
        self
    }

    /// The confidence level of the tests (default 0.95): a pair is significant when its
    /// adjusted p-value is below `1 − level`.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// The multiple-comparison adjustment over the pairs of one row and one banner
    /// variable (default none).
    pub fn adjust(mut self, adjust: Adjust) -> Self {
        self.adjust = adjust;
        self
    }

    /// The smallest unweighted base a cell is tested at (default 30); cells under it are
    /// flagged and get no letters.
    pub fn min_base(mut self, min_base: u64) -> Self {
        self.min_base = min_base;
        self
    }

    /// Computes the banner.
    ///
    /// # Errors
    /// No row asked for; a banner variable, question or variable missing from the data or
    /// not numeric; a banner variable listed twice; a net's code or an excluded code that does not occur; a
    /// multiple-response option holding something other than 0 or 1; a confidence level
    /// outside (0, 1); a single-choice question with more than 200 distinct codes; a banner
    /// variable with more than 60 categories; the design's variance errors.
    pub fn build(self) -> Result<Banner> {
        let level = ConfidenceLevel::new(self.level).map_err(|e| ErrorKind::InvalidSetting {
            setting: "level".into(),
            value: self.level.to_string(),
            reason: e.to_string(),
        })?;
        if self.rows.is_empty() {
            return Err(ErrorKind::InvalidSetting {
                setting: "banner rows".into(),
                value: "none".into(),
                reason:
                    "ask for rows: rows_single, rows_net, rows_multiple, rows_likert or rows_mean"
                        .into(),
            }
            .into());
        }
        // A variable listed twice would give its columns twice, each tested against its copy.
        if let Some((i, b)) =
            (self.banner.iter().enumerate()).find(|(i, b)| self.banner[..*i].contains(b))
        {
            return Err(ErrorKind::InvalidSetting {
                setting: format!("banner variables[{i}]"),
                value: format!("{b:?}"),
                reason: "listed twice: each banner variable gives its columns once".into(),
            }
            .into());
        }
        let options = EstimateOptions {
            level,
            ..EstimateOptions::default()
        };
        let data = self.survey.data();
        let mut notes = Vec::new();
        let measures = self.measures(data, &mut notes)?;
        let (columns, groups) = self.columns(data, &mut notes)?;
        let mut table = Banner {
            columns,
            rows: Vec::with_capacity(measures.len()),
            level: self.level,
            adjust: self.adjust,
            min_base: self.min_base,
            df: Some(self.survey.design().degrees_of_freedom()).filter(|d| d.is_finite()),
            notes: Vec::new(),
        };
        let mut empty = BTreeSet::new();
        let (mut low, mut single) = (false, false);
        for m in measures {
            let row = self.row(&m, &table.columns, &groups, &options)?;
            for (c, cell) in row.cells.iter().enumerate() {
                match cell {
                    None => {
                        empty.insert((m.question.clone(), c));
                    }
                    Some(cell) => {
                        low |= cell.low_base;
                        single |= cell.n == 1;
                    }
                }
            }
            table.rows.push(row);
        }
        let mut by_question: Vec<(String, Vec<String>)> = Vec::new();
        for (q, c) in empty {
            let name = column_name(&table.columns[c]);
            match by_question.iter_mut().find(|(k, _)| *k == q) {
                Some((_, cols)) => cols.push(name),
                None => by_question.push((q, vec![name])),
            }
        }
        for (q, cols) in by_question {
            notes.push(format!(
                "{q}: no respondent (with a weight) in {}: no cells",
                cols.join(", ")
            ));
        }
        if low {
            notes.push(format!(
                "*: unweighted base under {}: not tested, no letters",
                self.min_base
            ));
        }
        if single {
            notes.push("a base of one has a value but no standard error, and is not tested".into());
        }
        if table.df.is_some_and(|d| d <= 0.0) {
            notes.push("the design has no degrees of freedom: no tests, no letters".into());
        }
        notes.push(format!(
            "letters: the column's estimate is higher than that of the lettered column of the same banner variable (design-based t test, level {}, adjustment {})",
            self.level,
            match self.adjust {
                Adjust::None => "none",
                Adjust::Bonferroni => "Bonferroni",
                Adjust::Holm => "Holm",
            }
        ));
        table.notes = notes;
        Ok(table)
    }

    /// The Total column and one per category of each banner variable (those that occur,
    /// and, for a numeric one, the codes its labels or the spec's questionnaire list), with
    /// each banner variable's domains and the column of each domain.
    fn columns(
        &self,
        data: &Dataset,
        notes: &mut Vec<String>,
    ) -> Result<(Vec<BannerColumn>, Vec<Group>)> {
        let mut columns = vec![BannerColumn {
            variable: None,
            value: None,
            label: "Total".into(),
            letter: None,
        }];
        let mut groups = Vec::new();
        for b in &self.banner {
            let domains = self.survey.domains(std::slice::from_ref(b))?;
            let numeric = matches!(data.column(b), Ok(Column::Numeric(_)));
            // (code for ordering, domain, value as in the data)
            let mut entries: Vec<(Option<f64>, Option<usize>, String)> = (0..domains.len())
                .map(|d| {
                    let value = domains.label(d).get(b).cloned().unwrap_or_default();
                    let code = value.parse::<f64>().ok().filter(|_| numeric);
                    (code, Some(d), value)
                })
                .collect();
            if numeric {
                let listed = data.labelled_codes(b).iter().map(|(c, _)| *c).chain(
                    self.categories
                        .iter()
                        .filter(|(v, _)| v == b)
                        .flat_map(|(_, c)| c.iter().copied()),
                );
                for code in listed {
                    if !entries.iter().any(|(c, _, _)| *c == Some(code)) {
                        entries.push((Some(code), None, show_number(code)));
                    }
                }
                entries.sort_by(|a, b| a.0.unwrap_or(f64::NAN).total_cmp(&b.0.unwrap_or(f64::NAN)));
            }
            if entries.is_empty() {
                notes.push(format!("{b}: no row has a value: no columns"));
                continue;
            }
            if entries.len() > MAX_COLUMNS {
                return Err(too_many(
                    format!("banner variable {b:?}"),
                    format!("{} categories", entries.len()),
                    format!(
                        "a banner variable has at most {MAX_COLUMNS} categories (each pair is tested): group its values first"
                    ),
                ));
            }
            let mut of_domain = vec![0; domains.len()];
            for (code, d, value) in entries {
                let label = code
                    .and_then(|c| data.label(b, c))
                    .map_or_else(|| value.clone(), String::from);
                if let Some(d) = d {
                    of_domain[d] = columns.len();
                }
                let letter = letter(columns.len() - 1);
                columns.push(BannerColumn {
                    variable: Some(b.clone()),
                    value: Some(value),
                    label,
                    letter: Some(letter),
                });
            }
            groups.push((std::sync::Arc::clone(&domains), of_domain));
        }
        Ok((columns, groups))
    }

    /// The rows' measures, with the notes of excluded codes.
    fn measures<'d>(&self, data: &'d Dataset, notes: &mut Vec<String>) -> Result<Vec<Measure<'d>>> {
        let mut out = Vec::new();
        let mut excluded: Excluded = BTreeMap::new();
        for spec in &self.rows {
            match spec {
                RowSpec::Single(q) if matches!(data.column(q), Ok(Column::Categorical(_))) => {
                    out.extend(text_answers(data, q)?);
                }
                RowSpec::Single(q) | RowSpec::Likert(q, _) => {
                    let col = data.numeric(q)?;
                    let ex = &self.excluded_for(q);
                    let codes = distinct(col);
                    if matches!(spec, RowSpec::Single(_)) {
                        if codes.len() > MAX_CODES {
                            return Err(too_many(
                                format!("rows_single({q:?})"),
                                format!("{} distinct codes", codes.len()),
                                format!(
                                    "a single-choice question has at most {MAX_CODES} codes: use rows_mean for a number"
                                ),
                            ));
                        }
                        for &c in codes.iter().filter(|c| !ex.contains(c)) {
                            out.push(Measure::share(
                                q,
                                col,
                                RowKind::Category,
                                code_label(data, q, c),
                                vec![c],
                                ex,
                            ));
                        }
                    } else if let RowSpec::Likert(_, scale) = spec {
                        let items = [
                            (RowKind::TopBox, "top box", scale.top.clone()),
                            (RowKind::BottomBox, "bottom box", scale.bottom.clone()),
                            (RowKind::MeanScore, "mean score", Vec::new()),
                        ];
                        for (kind, label, box_codes) in items {
                            let label = match kind {
                                RowKind::MeanScore => label.to_string(),
                                _ => format!("{label} ({})", show_codes(&box_codes)),
                            };
                            out.push(Measure::likert(q, col, scale, kind, label, box_codes, ex));
                        }
                    }
                    note_excluded(q, col, ex, &mut excluded);
                    for &c in codes.iter().filter(|c| ex.contains(c)) {
                        let label = code_label(data, q, c);
                        out.push(Measure {
                            question: q.clone(),
                            kind: RowKind::NonSubstantive,
                            label,
                            codes: vec![c],
                            value: Box::new(move |r| col.get(r).map(|v| f64::from(v == c))),
                        });
                    }
                }
                RowSpec::Net(q, label, codes) => {
                    let col = data.numeric(q)?;
                    let present = distinct(col);
                    check_codes(q, codes, &present)?;
                    let ex = &self.excluded_for(q);
                    note_excluded(q, col, ex, &mut excluded);
                    out.push(Measure::share(
                        q,
                        col,
                        RowKind::Net,
                        label.clone(),
                        codes.clone(),
                        ex,
                    ));
                }
                RowSpec::Mean(q) => {
                    let col = data.numeric(q)?;
                    let ex = self.excluded_for(q);
                    note_excluded(q, col, &ex, &mut excluded);
                    out.push(Measure {
                        question: q.clone(),
                        kind: RowKind::Mean,
                        label: "mean".into(),
                        codes: Vec::new(),
                        value: Box::new(move |r| col.get(r).filter(|v| !ex.contains(v))),
                    });
                }
                RowSpec::Multiple(q) => {
                    out.extend(self.multiple(data, q)?);
                }
            }
        }
        let found = |c: &f64| excluded.contains_key(&OrderedCode(*c));
        if let Some(c) = self.exclude.iter().find(|c| !found(c)) {
            return Err(ErrorKind::UnknownCode {
                variable: self.questions().join(", "),
                code: c.to_string(),
                known: "see each question's codes".into(),
            }
            .into());
        }
        for (code, questions) in excluded {
            let questions: Vec<String> = questions.into_iter().collect();
            notes.push(format!(
                "code {} left out of the base of {} (a single-choice or Likert question shows it apart, as a share of all answers)",
                show_number(code.0),
                questions.join(", ")
            ));
        }
        Ok(out)
    }

    /// The codes left out of `q`'s base: the banner's and those listed for `q`.
    fn excluded_for(&self, q: &str) -> Vec<f64> {
        let mut ex = self.exclude.clone();
        for (question, codes) in &self.listed {
            if question == q {
                ex.extend(codes.iter().filter(|c| !self.exclude.contains(c)));
            }
        }
        ex
    }

    /// Codes left out of one question's base without the check that they occur (the
    /// spec's questionnaire lists its non-substantive codes, which need not occur).
    pub(crate) fn exclude_listed(mut self, question: &str, codes: Vec<f64>) -> Self {
        self.listed.push((question.to_string(), codes));
        self
    }

    /// Codes of a numeric banner variable that are columns even when no row holds them.
    pub(crate) fn categories_of(mut self, variable: &str, codes: Vec<f64>) -> Self {
        self.categories.push((variable.to_string(), codes));
        self
    }

    /// The questions of the single, net, Likert and mean rows.
    fn questions(&self) -> Vec<String> {
        let mut qs: Vec<String> = Vec::new();
        for spec in &self.rows {
            let q = match spec {
                RowSpec::Single(q)
                | RowSpec::Net(q, _, _)
                | RowSpec::Likert(q, _)
                | RowSpec::Mean(q) => q,
                RowSpec::Multiple(_) => continue,
            };
            if !qs.contains(q) {
                qs.push(q.clone());
            }
        }
        qs
    }

    /// The options of a multiple-response question, each checked to hold 0, 1 or nothing.
    fn multiple<'d>(&self, data: &'d Dataset, q: &str) -> Result<Vec<Measure<'d>>> {
        let named = option_columns(data, q);
        let set = match data.multiple_response_columns(q) {
            Some(set) => set,
            None if !named.is_empty() => &named,
            None => {
                return Err(crate::data::DataError::MissingColumn {
                    column: format!(
                        "{q} (a multiple-response question: no columns {q}_1, {q}_2, …)"
                    ),
                }
                .into());
            }
        };
        let cols = set
            .iter()
            .map(|(_, c)| data.numeric(c))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let design = self.survey.design();
        for ((_, name), col) in set.iter().zip(&cols) {
            let bad = (0..data.n_rows()).find_map(|i| {
                col.get(i)
                    .filter(|v| *v != 0.0 && *v != 1.0)
                    .map(|v| (i, v))
            });
            if let Some((i, value)) = bad {
                return Err(EstimateError::InvalidValue {
                    column: name.clone(),
                    row: design.source_row(i) + 1,
                    value,
                    reason: "is not 0 or 1 (a multiple-response option is chosen or not)".into(),
                }
                .into());
            }
        }
        let cols = std::sync::Arc::new(cols);
        Ok(set
            .iter()
            .enumerate()
            .map(|(j, (code, column))| {
                let cols = std::sync::Arc::clone(&cols);
                Measure {
                    question: q.to_string(),
                    kind: RowKind::Option,
                    label: data
                        .label(q, *code)
                        .map_or_else(|| column.clone(), String::from),
                    codes: vec![*code],
                    value: Box::new(move |r| {
                        let chose = |c: &NumericColumn| c.get(r) == Some(1.0);
                        cols.iter()
                            .any(|c| chose(c))
                            .then(|| f64::from(chose(cols[j])))
                    }),
                }
            })
            .collect())
    }

    /// One row: its cells in every column, the tests and letters of each banner variable.
    fn row(
        &self,
        m: &Measure<'_>,
        columns: &[BannerColumn],
        groups: &[Group],
        options: &EstimateOptions,
    ) -> Result<BannerRow> {
        let design = self.survey.design();
        let mut cells: Vec<Option<Cell>> = vec![None; columns.len()];
        let mut tests = Vec::new();
        let whole = Domains::whole();
        let total = [0usize];
        let sets: Vec<(&Domains, &[usize])> = std::iter::once((&whole, &total[..]))
            .chain(groups.iter().map(|(d, c)| (&**d, c.as_slice())))
            .collect();
        let domains: Vec<&Domains> = sets.iter().map(|s| s.0).collect();
        // Slot `o` is a domain of one set; its column in the banner.
        let column_of: Vec<usize> = sets.iter().flat_map(|s| s.1.iter().copied()).collect();
        let pass = domain_value_totals(design, &domains, |r| (m.value)(r));
        let mut n = vec![0u64; column_of.len()];
        for r in 0..design.n_rows() {
            if (m.value)(r).is_none() {
                continue;
            }
            let mut offset = 0;
            for g in &domains {
                if let Some(d) = g.code_of(r) {
                    n[offset + d] += 1;
                }
                offset += g.len();
            }
        }
        let mut offset = 0;
        for (k, g) in domains.iter().enumerate() {
            let slots = offset..offset + g.len();
            offset += g.len();
            let mut testable = Vec::new();
            for o in slots {
                let nd = n[o];
                if nd == 0 {
                    continue;
                }
                let Some((value, se)) = domain_mean(design, &pass, options, &m.question, o)? else {
                    continue;
                };
                let low_base = nd < self.min_base;
                let std_error = se.filter(|_| nd > 1);
                if k > 0 && !low_base && nd > 1 && std_error.is_some() {
                    testable.push(o);
                }
                cells[column_of[o]] = Some(Cell {
                    value,
                    std_error,
                    n: nd,
                    weighted_n: pass.totals[2 * o + 1],
                    letters: Vec::new(),
                    low_base,
                    note: (nd == 1)
                        .then(|| "base of one: no standard error, not tested".to_string()),
                });
            }
            let pairs: Vec<_> = testable
                .iter()
                .enumerate()
                .flat_map(|(i, &a)| testable[i + 1..].iter().map(move |&b| (a, b)))
                .collect();
            let found = test_pairs(
                design,
                &pass,
                options,
                &m.question,
                &pairs,
                &column_of,
                self.adjust,
            )?;
            for t in &found {
                if !t.significant || t.difference == 0.0 {
                    continue;
                }
                let (high, lowc) = if t.difference > 0.0 {
                    (t.a, t.b)
                } else {
                    (t.b, t.a)
                };
                if let (Some(cell), Some(letter)) =
                    (cells[high].as_mut(), columns[lowc].letter.clone())
                {
                    cell.letters.push(letter);
                }
            }
            tests.extend(found);
        }
        for cell in cells.iter_mut().flatten() {
            cell.letters
                .sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        }
        Ok(BannerRow {
            question: m.question.clone(),
            kind: m.kind,
            label: m.label.clone(),
            codes: m.codes.clone(),
            cells,
            tests,
        })
    }
}

/// A banner variable's domains and the column of each domain.
type Group = (std::sync::Arc<Domains>, Vec<usize>);

/// One row's value per data row: `Some(y)` in the base, `None` outside.
type RowValue<'d> = Box<dyn Fn(usize) -> Option<f64> + Sync + 'd>;

/// A row to compute: what it is and its value per data row.
struct Measure<'d> {
    question: String,
    kind: RowKind,
    label: String,
    codes: Vec<f64>,
    value: RowValue<'d>,
}

impl<'d> Measure<'d> {
    /// The share holding one of `codes`, excluded codes out of the base.
    fn share(
        q: &str,
        col: &'d NumericColumn,
        kind: RowKind,
        label: String,
        codes: Vec<f64>,
        ex: &[f64],
    ) -> Self {
        Self::coded(q, col, None, kind, label, codes, ex)
    }

    /// A Likert box (`codes`) or, with no codes, the mean score; codes off the scale and
    /// excluded codes out of the base.
    fn likert(
        q: &str,
        col: &'d NumericColumn,
        scale: &LikertScale,
        kind: RowKind,
        label: String,
        codes: Vec<f64>,
        ex: &[f64],
    ) -> Self {
        Self::coded(q, col, Some(scale.clone()), kind, label, codes, ex)
    }

    /// A row of a coded question: in the base, the rows with a code that is not excluded
    /// (and on the `scale`, when there is one); the value, the indicator of `codes`, or the
    /// scale's score for [`RowKind::MeanScore`].
    fn coded(
        q: &str,
        col: &'d NumericColumn,
        scale: Option<LikertScale>,
        kind: RowKind,
        label: String,
        codes: Vec<f64>,
        ex: &[f64],
    ) -> Self {
        let ex = ex.to_vec();
        let counted = codes.clone();
        Measure {
            question: q.to_string(),
            kind,
            label,
            codes,
            value: Box::new(move |r| {
                let v = col.get(r).filter(|v| !ex.contains(v))?;
                let score = match &scale {
                    Some(scale) => Some(scale.score(v)?),
                    None => None,
                };
                Some(match (kind, score) {
                    (RowKind::MeanScore, Some(score)) => score,
                    _ => f64::from(counted.contains(&v)),
                })
            }),
        }
    }
}

/// A setting that makes too many rows or columns.
fn too_many(setting: String, value: String, reason: String) -> crate::Error {
    ErrorKind::InvalidSetting {
        setting,
        value,
        reason,
    }
    .into()
}

/// The distinct values of a column, ascending (at most `MAX_CODES + 1` of them).
fn distinct(col: &NumericColumn) -> Vec<f64> {
    let mut set = BTreeSet::new();
    for i in 0..col.len() {
        if let Some(v) = col.get(i) {
            set.insert(OrderedCode(v));
            if set.len() > MAX_CODES {
                break;
            }
        }
    }
    set.into_iter().map(|c| c.0).collect()
}

/// The questions each excluded code occurs in.
type Excluded = BTreeMap<OrderedCode, BTreeSet<String>>;

/// Records which of the excluded codes `ex` occur in `q`'s column.
fn note_excluded(q: &str, col: &NumericColumn, ex: &[f64], excluded: &mut Excluded) {
    for &c in ex {
        if (0..col.len()).any(|i| col.get(i) == Some(c)) {
            excluded
                .entry(OrderedCode(c))
                .or_default()
                .insert(q.to_string());
        }
    }
}

/// A finite code, ordered.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedCode(f64);
impl Eq for OrderedCode {}
impl PartialOrd for OrderedCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrderedCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The option columns `{q}_{code}` of a dataset read without a declared multiple-response
/// question (as from a CSV file), by code.
fn option_columns(data: &Dataset, q: &str) -> Vec<(f64, String)> {
    let prefix = format!("{q}_");
    let mut set: Vec<(f64, String)> = data
        .names()
        .iter()
        .filter_map(|n| {
            let code = n.strip_prefix(&prefix)?.parse::<f64>().ok()?;
            code.is_finite().then(|| (code, n.clone()))
        })
        .collect();
    set.sort_by(|a, b| a.0.total_cmp(&b.0));
    set
}

/// Each of a net's `codes` must occur.
fn check_codes(q: &str, codes: &[f64], present: &[f64]) -> Result<()> {
    match codes.iter().find(|c| !present.contains(c)) {
        Some(c) => Err(ErrorKind::UnknownCode {
            variable: q.to_string(),
            code: c.to_string(),
            known: present
                .iter()
                .take(30)
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into()),
        None => Ok(()),
    }
}

/// A code's label from the data, else the code.
fn code_label(data: &Dataset, q: &str, code: f64) -> String {
    data.label(q, code)
        .map_or_else(|| code.to_string(), String::from)
}

/// The answers of a text column, one row per value (sorted), with no codes; missing
/// values leave the base.
fn text_answers<'d>(data: &'d Dataset, q: &str) -> Result<Vec<Measure<'d>>> {
    let factor = data.factor(q)?;
    let labels: Vec<String> = factor.labels().into_iter().map(String::from).collect();
    if labels.len() > MAX_CODES {
        return Err(too_many(
            format!("rows_single({q:?})"),
            format!("{} distinct values", labels.len()),
            format!("a single-choice question has at most {MAX_CODES} answers"),
        ));
    }
    let codes = std::sync::Arc::new(factor.into_codes());
    Ok(labels
        .into_iter()
        .enumerate()
        .map(|(k, label)| {
            let codes = std::sync::Arc::clone(&codes);
            let k = k as u32;
            Measure {
                question: q.to_string(),
                kind: RowKind::Category,
                label,
                codes: Vec::new(),
                value: Box::new(move |r| {
                    let c = codes[r];
                    (c != u32::MAX).then(|| f64::from(c == k))
                }),
            }
        })
        .collect())
}

/// Codes as a label: `4–5` for a run of consecutive whole codes, else `1, 3`.
fn show_codes(codes: &[f64]) -> String {
    let run = codes.len() > 1 && codes.windows(2).all(|w| w[1] == w[0] + 1.0);
    match (run, codes.first(), codes.last()) {
        (true, Some(a), Some(b)) => format!("{}–{}", show_number(*a), show_number(*b)),
        _ => codes
            .iter()
            .map(|c| show_number(*c))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The name of a column in notes: `region = 3 (East)`.
fn column_name(c: &BannerColumn) -> String {
    match (&c.variable, &c.value) {
        (Some(v), Some(x)) if *x != c.label => format!("{v} = {x} ({})", c.label),
        (Some(v), Some(x)) => format!("{v} = {x}"),
        _ => c.label.clone(),
    }
}

/// The letter of the `i`-th banner column (from 0): A … Z, AA, AB, ….
fn letter(i: usize) -> String {
    let mut i = i;
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::letter;

    #[test]
    fn letters_run_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(26 + 26 * 26), "AAA");
    }
}
