//! A banner as text cells: the crate's [`Table`] (aligned text, Markdown, CSV).

use super::{Banner, BannerRow, Cell, RowKind};
use crate::table::{Format, Table};
use std::fmt;
use unicode_width::UnicodeWidthStr;

impl Banner {
    /// The banner as a [`Table`]: a `question` and a `row` column, then one column per
    /// banner column headed `label (letter)`. Shares are percentages with one decimal,
    /// means have two; letters follow the value (`45.2 BC`); `*` marks a base under the
    /// minimum, `–` a column with no respondent. A `base (n)` and a `base (weighted)` row
    /// precede each block of rows sharing a base.
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey};
    /// let data = Dataset::builder().column("g", vec![1u8, 1, 2, 2]).column("q", vec![1u8, 2, 2, 2]).build()?;
    /// let table = Survey::srs(data)?.banner(["g"]).rows_single("q").build()?.to_table();
    /// let csv = table.to_csv();
    /// assert!(csv.starts_with("question,row,Total,1 (A),2 (B)\n"));
    /// assert!(csv.contains("q,base (n),4*,2*,2*\n"));
    /// assert!(csv.contains("q,1,25.0*,50.0*,0.0*\n"));
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn to_table(&self) -> Table {
        let (headers, lines) = self.lines();
        let mut t = Table::new(headers);
        for line in lines {
            t.push(line);
        }
        t
    }

    /// The table's headers and lines of cells.
    fn lines(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut headers = vec!["question".to_string(), "row".to_string()];
        headers.extend(self.columns.iter().map(|c| match &c.letter {
            Some(l) => format!("{} ({l})", c.label),
            None => c.label.clone(),
        }));
        let mut t = Vec::new();
        let mut last: Option<(&str, Vec<Option<u64>>)> = None;
        for row in &self.rows {
            let bases: Vec<Option<u64>> =
                row.cells.iter().map(|c| c.as_ref().map(|c| c.n)).collect();
            let same = last
                .as_ref()
                .is_some_and(|(q, b)| *q == row.question && *b == bases);
            if !same {
                t.push(self.base_line(row, "base (n)", |c| c.n.to_string()));
                t.push(self.base_line(row, "base (weighted)", |c| format!("{:.1}", c.weighted_n)));
                last = Some((&row.question, bases));
            }
            let mut line = vec![row.question.clone(), row_label(row)];
            line.extend(row.cells.iter().map(|c| match c {
                None => "–".to_string(),
                Some(c) => {
                    let value = if row.kind.is_share() {
                        format!("{:.1}", c.value * 100.0)
                    } else {
                        format!("{:.2}", c.value)
                    };
                    let mut s = value;
                    if c.low_base {
                        s.push('*');
                    }
                    if !c.letters.is_empty() {
                        s.push(' ');
                        s.push_str(&c.letters.concat());
                    }
                    s
                }
            }));
            t.push(line);
        }
        (headers, t)
    }

    fn base_line(
        &self,
        row: &BannerRow,
        what: &str,
        show: impl Fn(&Cell) -> String,
    ) -> Vec<String> {
        let mut line = vec![row.question.clone(), what.to_string()];
        line.extend(row.cells.iter().map(|c| match c {
            None => "0".to_string(),
            Some(c) if c.low_base => format!("{}*", show(c)),
            Some(c) => show(c),
        }));
        line
    }
}

/// A row's label in the table: a non-substantive answer says so.
fn row_label(row: &BannerRow) -> String {
    match row.kind {
        RowKind::NonSubstantive => format!("{} (of all answers)", row.label),
        RowKind::Mean => "mean".to_string(),
        _ => row.label.clone(),
    }
}

impl Banner {
    /// The banner in a command-line format: aligned text with its notes, Markdown with the
    /// notes as a list, CSV (the table only), or JSON (the full structure: columns, rows,
    /// cells, tests, notes).
    ///
    /// ```
    /// use survey_stats::{Dataset, Survey, table::Format};
    /// let data = Dataset::builder().column("g", vec![1u8, 2]).column("y", vec![1.0, 2.0]).build()?;
    /// let table = Survey::srs(data)?.banner(["g"]).rows_mean("y").build()?;
    /// let json: serde_json::Value = serde_json::from_str(&table.render(Format::Json)).unwrap();
    /// assert_eq!(json["rows"][0]["cells"][2]["value"], 2.0);
    /// assert!(table.render(Format::Markdown).contains("- note: "));
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn render(&self, format: Format) -> String {
        let notes = |prefix: &str| {
            self.notes
                .iter()
                .map(|n| format!("{prefix}note: {n}\n"))
                .collect::<String>()
        };
        match format {
            Format::Json => serde_json::to_string_pretty(self).unwrap_or_default(),
            Format::Csv => self.to_table().to_csv(),
            Format::Markdown => format!("{}\n{}", self.to_table().to_markdown(), notes("- ")),
            _ => self.to_string(),
        }
    }

    /// Replaces codes by labels (`label(question, code)`): the banner columns' headings
    /// and the rows of answers and options (the spec's questionnaire).
    pub(crate) fn label_codes(&mut self, label: impl Fn(&str, f64) -> Option<String>) {
        for c in &mut self.columns {
            let (Some(v), Some(x)) = (&c.variable, &c.value) else {
                continue;
            };
            if let Some(l) = x.parse::<f64>().ok().and_then(|x| label(v, x)) {
                c.label = l;
            }
        }
        for r in &mut self.rows {
            let coded = matches!(
                r.kind,
                RowKind::Category | RowKind::NonSubstantive | RowKind::Option
            );
            if let (true, [code]) = (coded, r.codes.as_slice())
                && let Some(l) = label(&r.question, *code)
            {
                r.label = l;
            }
        }
    }
}

impl fmt::Display for Banner {
    /// Aligned text: numbers right-aligned within each column, letters after them, then
    /// the notes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (headers, mut lines) = self.lines();
        for j in 2..headers.len() {
            let split = |cell: &str| match cell.split_once(' ') {
                Some((v, rest)) => (v.width(), format!(" {rest}")),
                None => (cell.width(), String::new()),
            };
            let w = lines.iter().map(|l| split(&l[j]).0).max().unwrap_or(0);
            let r = lines
                .iter()
                .map(|l| split(&l[j]).1.width())
                .max()
                .unwrap_or(0);
            for line in &mut lines {
                let (vw, rest) = split(&line[j]);
                let value = line[j].split(' ').next().unwrap_or_default().to_string();
                line[j] = format!(
                    "{}{value}{rest}{}",
                    " ".repeat(w - vw),
                    " ".repeat(r - rest.width())
                );
            }
        }
        let mut t = Table::new(headers);
        for line in lines {
            t.push(line);
        }
        f.write_str(&t.to_text())?;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}
