//! The fast path of CSV reading: a file without quotes, cut at line ends into one block
//! per core, each block parsed into its own columns, the blocks joined in order.
//!
//! It gives exactly what the sequential reader gives, or nothing: on anything unusual (a
//! quote, a blank line inside the file, a ragged row, a column that turns from numbers to
//! text inside a block or differs between blocks, a value the questionnaire refuses) it
//! returns `None` and the sequential reader runs, so errors and edge cases keep its
//! wording and its first-row-in-file-order reporting.

use super::Dataset;
use super::column::{CategoricalBuilder, Column, NumericColumn};
use super::csv::{CsvOptions, parse_number};
use crate::questionnaire::Question;

/// Files smaller than this are read sequentially.
const MIN_BYTES: usize = 4 << 20;

enum Block<'q> {
    Numeric(NumericColumn),
    Text(CategoricalBuilder),
    Question(NumericColumn, &'q Question),
}

/// Parses `bytes` (a whole CSV file) on several threads, or returns `None` to let the
/// sequential reader handle it.
pub(crate) fn read_parallel(bytes: &[u8], options: &CsvOptions<'_>) -> Option<Dataset> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || bytes.len() < MIN_BYTES || bytes.contains(&b'"') {
        return None;
    }
    let header_end = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(trim_cr(&bytes[..header_end])).ok()?;
    let names: Vec<String> = header
        .split(',')
        .map(|n| n.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return None;
        }
    }
    let body = &bytes[header_end + 1..];
    if body.is_empty() {
        return None;
    }
    // Block boundaries just after a line end.
    let mut cuts = vec![0];
    for t in 1..threads {
        let from = (body.len() * t / threads).max(*cuts.last()?);
        let at = body[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| from + p + 1)?;
        cuts.push(at);
    }
    cuts.push(body.len());
    cuts.dedup();
    let missing: Vec<&[u8]> = options.missing.iter().map(|s| s.as_bytes()).collect();
    let blocks: Vec<Option<Vec<Block<'_>>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let (names, missing) = (&names, &missing);
                let part = &body[w[0]..w[1]];
                scope.spawn(move || parse_block(part, names, missing, options))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut blocks: Vec<Vec<Block<'_>>> = blocks.into_iter().collect::<Option<_>>()?;
    let mut columns = Vec::with_capacity(names.len());
    for (j, name) in names.iter().enumerate().rev() {
        let parts: Vec<Block<'_>> = blocks.iter_mut().map(|b| b.swap_remove(j)).collect();
        columns.push((name.clone(), join(parts)?));
    }
    columns.reverse();
    let n = columns.first().map_or(0, |(_, c)| c.len());
    (n > 0)
        .then(|| Dataset::from_columns(columns).ok())
        .flatten()
}

/// Joins one column's blocks in order: all numbers, or all text from each block's first row.
fn join(parts: Vec<Block<'_>>) -> Option<Column> {
    let mut parts = parts.into_iter();
    match parts.next()? {
        Block::Numeric(mut first) | Block::Question(mut first, _) => {
            for p in parts {
                match p {
                    Block::Numeric(c) | Block::Question(c, _) => first.append(&c),
                    Block::Text(_) => return None,
                }
            }
            Some(Column::Numeric(first))
        }
        Block::Text(mut first) => {
            for p in parts {
                match p {
                    Block::Text(b) => first.absorb(b),
                    _ => return None,
                }
            }
            Some(Column::Categorical(first.finish()))
        }
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn parse_block<'q>(
    part: &[u8],
    names: &[String],
    missing: &[&[u8]],
    options: &CsvOptions<'q>,
) -> Option<Vec<Block<'q>>> {
    let rows_hint = part.len() / (names.len() * 4).max(1);
    let mut blocks: Vec<Block<'q>> = names
        .iter()
        .map(|n| {
            if options.text_columns.contains(n) {
                return Block::Text(CategoricalBuilder::default());
            }
            match options.questionnaire.and_then(|q| q.question_for_column(n)) {
                Some(q) => Block::Question(NumericColumn::with_capacity(rows_hint), q),
                None => Block::Numeric(NumericColumn::with_capacity(rows_hint)),
            }
        })
        .collect();
    let mut lines = part.split(|&b| b == b'\n').peekable();
    let mut row = 0usize;
    while let Some(raw) = lines.next() {
        let line = trim_cr(raw);
        if line.is_empty() {
            // Only the end of the block (the file's last line end) may be empty.
            if lines.peek().is_none() {
                break;
            }
            return None;
        }
        let mut fields = line.split(|&b| b == b',');
        for (j, block) in blocks.iter_mut().enumerate() {
            let field = fields.next()?;
            let is_missing = missing.contains(&field);
            match block {
                Block::Numeric(col) => {
                    if is_missing {
                        col.push(None);
                    } else if let Some(v) = parse_number(field) {
                        col.push(Some(v));
                    } else if row == 0 {
                        let mut b = CategoricalBuilder::default();
                        b.push(std::str::from_utf8(field).ok()?);
                        *block = Block::Text(b);
                    } else {
                        return None;
                    }
                }
                Block::Text(b) => {
                    if is_missing {
                        b.push_missing();
                    } else {
                        b.push(std::str::from_utf8(field).ok()?);
                    }
                }
                Block::Question(col, q) => {
                    if is_missing {
                        col.push(None);
                    } else {
                        let v = parse_number(field).filter(|v| v.is_finite())?;
                        q.check_value(&names[j], v).ok()?;
                        col.push(Some(v));
                    }
                }
            }
        }
        if fields.next().is_some() {
            return None;
        }
        row += 1;
    }
    Some(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: usize) -> String {
        let mut s = String::from("id,g,x\n");
        for i in 0..rows {
            s.push_str(&format!("{i},{},{}.5\n", ["a", "b"][i % 2], i % 10));
        }
        s
    }

    #[test]
    fn large_clean_files_take_the_parallel_path() {
        let text = file(400_000);
        assert!(text.len() > MIN_BYTES);
        let parallel = read_parallel(text.as_bytes(), &CsvOptions::default());
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            let ds = parallel.expect("a clean file is read in parallel");
            assert_eq!(ds.n_rows(), 400_000);
        }
        let quoted = text.replacen("a", "\"a\"", 1);
        assert!(read_parallel(quoted.as_bytes(), &CsvOptions::default()).is_none());
    }
}
