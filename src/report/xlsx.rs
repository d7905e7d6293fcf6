//! The workbook of a report: one sheet per table or set of result rows (feature `xlsx`).

use super::{Block, Cell, Report, banner_lines, grid, output_error};
use crate::banner::Banner;
use crate::table::looks_numeric;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// A valid, unique sheet name from a caption: no `[]:*?/\`, no leading or trailing
/// apostrophe, at most 31 characters, not empty, not Excel's reserved `History`; a
/// repeated name gets ` (2)`, ` (3)`, … within the 31 characters.
pub(super) fn sheet_name(caption: &str, used: &[String]) -> String {
    let clean: String = caption
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let mut base: String = clean.chars().take(31).collect();
    base = base.trim_end().to_string();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("Sheet{}", used.len() + 1);
    }
    let taken = |name: &str| used.iter().any(|u| u.to_lowercase() == name.to_lowercase());
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|k| {
            let suffix = format!(" ({k})");
            let keep = 31 - suffix.chars().count();
            let stem: String = base.chars().take(keep).collect();
            format!("{}{suffix}", stem.trim_end())
        })
        .find(|n| !taken(n))
        .unwrap_or_default()
}

fn write_grid(
    ws: &mut Worksheet,
    caption: &str,
    headers: &[String],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let value = Format::new().set_num_format("0.0000");
    let count = Format::new().set_num_format("0");
    let number = Format::new().set_num_format("#,##0.00");
    ws.write_string_with_format(0, 0, caption, &bold)?;
    for (j, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, j as u16, h, &bold)?;
        ws.set_column_width(j as u16, (h.chars().count() as f64 + 2.0).max(11.0))?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        for (j, c) in r.iter().enumerate() {
            let col = j as u16;
            match c {
                Cell::Value(v) => ws.write_number_with_format(row, col, *v, &value)?,
                Cell::Number(v) => ws.write_number_with_format(row, col, *v, &number)?,
                Cell::Count(n) => ws.write_number_with_format(row, col, *n as f64, &count)?,
                Cell::Text(t) => ws.write_string(row, col, t)?,
                Cell::Empty => ws,
            };
        }
    }
    ws.set_freeze_panes(2, 0)?;
    Ok(())
}

/// A banner's sheet: per banner column a value column and a letters column; bases on
/// their own rows; `*` in the letters cell of a low base.
fn write_banner(ws: &mut Worksheet, caption: &str, banner: &Banner) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let mean = Format::new().set_num_format("0.00");
    let count = Format::new().set_num_format("0");
    let weighted = Format::new().set_num_format("#,##0.0");
    ws.write_string_with_format(0, 0, caption, &bold)?;
    ws.write_string_with_format(1, 0, "question", &bold)?;
    ws.write_string_with_format(1, 1, "row", &bold)?;
    for (j, c) in banner.columns().iter().enumerate() {
        let col = 2 + 2 * j as u16;
        let head = match c.letter() {
            Some(l) => format!("{} ({l})", c.label()),
            None => c.label().to_string(),
        };
        ws.write_string_with_format(1, col, &head, &bold)?;
        ws.write_string_with_format(1, col + 1, "sig.", &bold)?;
        ws.set_column_width(col, (head.chars().count() as f64 + 2.0).max(10.0))?;
        ws.set_column_width(col + 1, 5.0)?;
    }
    ws.set_column_width(1, 28.0)?;
    let lines = banner_lines(banner);
    for (i, line) in lines.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string(row, 0, &line.question)?;
        ws.write_string(row, 1, &line.label)?;
        for (j, cell) in line.cells.iter().enumerate() {
            let col = 2 + 2 * j as u16;
            if let Some(v) = cell.value {
                let format = match (line.base, line.share, line.label.as_str()) {
                    (true, _, "base (n)") => &count,
                    (true, _, _) => &weighted,
                    (false, true, _) => &pct,
                    (false, false, _) => &mean,
                };
                ws.write_number_with_format(row, col, v, format)?;
            }
            let mut flag = cell.letters.clone();
            if cell.low && !line.base {
                flag.insert(0, '*');
            }
            if !flag.is_empty() {
                ws.write_string(row, col + 1, &flag)?;
            }
        }
    }
    ws.set_freeze_panes(2, 2)?;
    for (k, note) in banner.notes().iter().enumerate() {
        let row = 3 + lines.len() as u32 + k as u32;
        ws.write_string(row, 0, note)?;
    }
    Ok(())
}

impl Report {
    /// The workbook as bytes: one sheet per table and per set of result rows, named after
    /// its caption (made valid and unique); numbers as numbers with number formats
    /// (estimates `0.0000`, bases `0`, weighted bases `#,##0.00`), each in its own cell.
    ///
    /// ```
    /// use survey_stats::report::Report;
    /// use survey_stats::table::Table;
    /// let mut t = Table::new(vec!["region".into(), "share".into()]);
    /// t.push(vec!["Алматы".into(), "0.47".into()]);
    /// let bytes = Report::new("R").table("Shares by region", &t).to_xlsx()?;
    /// assert_eq!(&bytes[..2], b"PK"); // an OOXML package is a zip file
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Output`](crate::ErrorKind::Output) when the workbook cannot be made.
    pub fn to_xlsx(&self) -> crate::Result<Vec<u8>> {
        self.workbook()
            .and_then(|mut w| w.save_to_buffer())
            .map_err(|e| output_error(Path::new("workbook"), e))
    }

    /// Writes the workbook to `path` (see [`Report::to_xlsx`]).
    ///
    /// # Errors
    /// [`ErrorKind::Output`](crate::ErrorKind::Output) naming the file when it cannot be
    /// written.
    pub fn write_xlsx(&self, path: impl AsRef<Path>) -> crate::Result<()> {
        let path = path.as_ref();
        let bytes = self.to_xlsx()?;
        std::fs::write(path, bytes).map_err(|e| output_error(path, e))
    }

    fn workbook(&self) -> Result<Workbook, XlsxError> {
        let mut book = Workbook::new();
        let mut used: Vec<String> = Vec::new();
        for b in &self.blocks {
            let (caption, headers, rows) = match b {
                Block::Table { caption, table } => {
                    let rows = table
                        .rows()
                        .iter()
                        .map(|r| {
                            r.iter()
                                .map(|c| match c.trim().parse::<f64>() {
                                    Ok(v) if v.is_finite() && looks_numeric(c) => Cell::Value(v),
                                    _ if c.is_empty() => Cell::Empty,
                                    _ => Cell::Text(c.clone()),
                                })
                                .collect()
                        })
                        .collect();
                    (caption, table.headers().to_vec(), rows)
                }
                Block::Results { caption, rows } => {
                    let (h, r) = grid(rows);
                    (caption, h, r)
                }
                Block::Banner { caption, banner } => {
                    let name = sheet_name(caption, &used);
                    used.push(name.clone());
                    let ws = book.add_worksheet();
                    ws.set_name(&name)?;
                    write_banner(ws, caption, banner)?;
                    continue;
                }
                _ => continue,
            };
            let name = sheet_name(caption, &used);
            used.push(name.clone());
            let ws = book.add_worksheet();
            ws.set_name(&name)?;
            write_grid(ws, caption, &headers, &rows)?;
        }
        if used.is_empty() {
            let ws = book.add_worksheet();
            ws.write_string(0, 0, &self.title)?;
        }
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = Vec::new();
        for caption in [
            "F8: satisfaction [q5]/all?",
            "F8: satisfaction [q5]/all?",
            "",
            "history",
            "'quoted'",
            "Әр көрсеткіш өңірлер бойынша (бағалау және 95% CI)",
            "Әр көрсеткіш өңірлер бойынша (бағалау және 95% CI)",
        ] {
            let n = sheet_name(caption, &used);
            assert!(!n.is_empty() && n.chars().count() <= 31, "{n}");
            assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
            assert!(!n.starts_with('\'') && !n.ends_with('\''), "{n}");
            assert!(!used.contains(&n), "{n} twice");
            used.push(n);
        }
        assert_eq!(used[0], "F8  satisfaction  q5  all");
        assert_eq!(used[1], "F8  satisfaction  q5  all (2)");
    }
}
