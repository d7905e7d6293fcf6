//! A banner as text cells: the crate's [`Table`] (aligned text, Markdown, CSV).

use super::{Banner, BannerRow, Cell};
use crate::table::Table;
use std::fmt;

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
        let mut headers = vec!["question".to_string(), "row".to_string()];
        headers.extend(self.columns.iter().map(|c| match &c.letter {
            Some(l) => format!("{} ({l})", c.label),
            None => c.label.clone(),
        }));
        let mut t = Table::new(headers);
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
        t
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
        super::RowKind::NonSubstantive => format!("{} (of all answers)", row.label),
        super::RowKind::Mean => "mean".to_string(),
        _ => row.label.clone(),
    }
}

impl fmt::Display for Banner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_table().to_text())?;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}
