//! SPSS `.sav` and `.zsav` through the `ambers` crate: its Arrow batch becomes the
//! columns, its dictionary the [`FileMeta`] (variable labels, value labels, missing-value
//! specs, multiple-response sets). `ambers` decodes the file's code page (Windows-1251 and
//! the other single-byte pages as well as UTF-8).

use std::path::Path;

use super::arrow::{Part, Place};
use super::{FileMeta, Format, MrSetMeta, Raw, VarMeta, bad_file};
use crate::data::DataError;

/// Reads a `.sav`/`.zsav` file (only `columns`, when given; an MR set's name stands for
/// its variables).
pub(crate) fn read(path: &Path, file: &str, columns: Option<&[String]>) -> Result<Raw, DataError> {
    let bad = |e: ambers::error::SpssError| bad_file(file, Format::Sav, e);
    let handle = std::fs::File::open(path).map_err(|e| DataError::Io {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, handle);
    let raw_sets = check_dictionary(&mut reader).map_err(|m| bad_file(file, Format::Sav, m))?;
    std::io::Seek::rewind(&mut reader).map_err(|e| DataError::Io {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut scanner = ambers::scan_sav_from_reader(reader, 1 << 20).map_err(bad)?;
    let meta = scanner.metadata().clone();
    // ambers drops the names of an MR set it cannot resolve; a set must keep them all.
    for (set, members) in &raw_sets {
        let resolved = meta.mr_sets.get(set).map_or(0, |s| s.variables.len());
        if resolved < members.len() {
            let known = |m: &String| {
                meta.variable_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(m))
            };
            let absent = members.iter().find(|m| !known(m)).unwrap_or(&members[0]);
            return Err(bad_file(
                file,
                Format::Sav,
                format!(
                    "multiple-response set ${set} lists variable {absent:?}, which the file does not have"
                ),
            ));
        }
    }
    let names: Vec<String> = match columns {
        None => meta.variable_names.clone(),
        Some(want) => {
            let mut keep: Vec<&str> = Vec::new();
            for w in want {
                keep.push(w);
                let set = meta.mr_sets.iter().find(|(k, s)| {
                    k.trim_start_matches('$') == w || s.name.trim_start_matches('$') == w
                });
                if let Some((_, s)) = set {
                    keep.extend(s.variables.iter().map(String::as_str));
                }
            }
            meta.variable_names
                .iter()
                .filter(|n| keep.contains(&n.as_str()))
                .cloned()
                .collect()
        }
    };
    if columns.is_some() {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        scanner.select(&refs).map_err(bad)?;
    }
    let batch = scanner.collect_single().map_err(bad)?;
    if let Some(expected) = meta.number_rows.filter(|&n| n >= 0)
        && expected as usize != batch.num_rows()
        && (columns.is_none() || !names.is_empty())
    {
        return Err(bad_file(
            file,
            Format::Sav,
            format!(
                "the header says {expected} cases but the data hold {} (the file is cut short?)",
                batch.num_rows()
            ),
        ));
    }
    let mut out = Vec::with_capacity(names.len());
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let place = Place {
            file,
            format: Format::Sav,
            column: field.name(),
            first_case: 1,
        };
        let mut part = Part::new(field.data_type(), &place)?;
        part.push(array.as_ref(), &place)?;
        out.push((field.name().clone(), Part::merge(vec![part])));
    }
    let vars = names
        .iter()
        .map(|name| VarMeta {
            name: name.clone(),
            label: meta
                .variable_labels
                .get(name)
                .filter(|l| !l.trim().is_empty())
                .cloned(),
            values: meta
                .variable_value_labels
                .get(name)
                .map(|labels| {
                    labels
                        .iter()
                        .filter_map(|(v, l)| match v {
                            ambers::Value::Numeric(x) => Some((*x, l.clone())),
                            ambers::Value::String(_) => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            missing: spec_values(meta.variable_missing_values.get(name)),
            missing_ranges: meta
                .variable_missing_values
                .get(name)
                .map(|specs| {
                    specs
                        .iter()
                        .filter_map(|s| match s {
                            ambers::MissingSpec::Range { lo, hi } => Some((*lo, *hi)),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let mut mr_sets = Vec::new();
    for (key, set) in &meta.mr_sets {
        let name = if set.name.is_empty() { key } else { &set.name };
        let counted = match set.mr_type {
            ambers::MrType::MultipleDichotomy => {
                let text = set.counted_value.as_deref().unwrap_or("1").trim();
                match text.parse::<f64>() {
                    Ok(v) => Some(v),
                    // A set counting a text value has no 0/1 columns to stand on.
                    Err(_) => continue,
                }
            }
            ambers::MrType::MultipleCategory => None,
        };
        if let Some(absent) = set
            .variables
            .iter()
            .find(|v| !meta.variable_names.contains(v))
        {
            return Err(bad_file(
                file,
                Format::Sav,
                format!(
                    "multiple-response set {name} lists variable {absent:?}, which the file does not have"
                ),
            ));
        }
        mr_sets.push(MrSetMeta {
            name: name.trim_start_matches('$').to_string(),
            label: set.label.clone(),
            counted,
            variables: set.variables.clone(),
        });
    }
    Ok(Raw {
        columns: out,
        meta: FileMeta {
            title: Some(meta.file_label.clone()),
            vars,
            mr_sets,
        },
    })
}

/// The discrete numeric user-missing values of a variable's specs.
fn spec_values(specs: Option<&Vec<ambers::MissingSpec>>) -> Vec<f64> {
    specs
        .map(|specs| {
            specs
                .iter()
                .filter_map(|s| match s {
                    ambers::MissingSpec::Value(v) => Some(*v),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// 4-byte words of a file in its byte order.
struct Words<R> {
    r: R,
    big: bool,
}

impl<R: std::io::Read> Words<R> {
    fn int(&mut self) -> Option<i64> {
        let mut b = [0u8; 4];
        self.r.read_exact(&mut b).ok()?;
        Some(i64::from(if self.big {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        }))
    }

    fn skip(&mut self, n: i64) -> Option<()> {
        let n = u64::try_from(n).ok()?;
        let copied = std::io::copy(
            &mut std::io::Read::take(&mut self.r, n),
            &mut std::io::sink(),
        )
        .ok()?;
        (copied == n).then_some(())
    }
}

/// An MR set's name and member names as the file writes them.
type RawSet = (String, Vec<String>);

/// Walks the dictionary's records for what `ambers` lets pass silently: a value-label
/// record naming a variable slot the file does not have (an error), and the member names
/// of the MR sets as written (to compare with the ones `ambers` resolves). Anything else
/// odd (truncation, unknown records) is left to `ambers` to report.
fn check_dictionary(r: &mut impl std::io::Read) -> Result<Vec<RawSet>, String> {
    let mut header = [0u8; 176];
    if r.read_exact(&mut header).is_err() {
        return Ok(Vec::new());
    }
    // Layout code 2 or 3 tells the byte order.
    let layout = i32::from_le_bytes([header[64], header[65], header[66], header[67]]);
    let mut w = Words {
        r,
        big: !matches!(layout, 2 | 3),
    };
    let mut slots = 0i64;
    let mut sets = Vec::new();
    let mut walk = || -> Option<Result<(), String>> {
        loop {
            match w.int()? {
                2 => {
                    let (_, has_label, n_missing) = (w.int()?, w.int()?, w.int()?);
                    slots += 1;
                    // Print and write formats, the 8-byte name; the label; missing values.
                    w.skip(16)?;
                    if has_label != 0 {
                        let len = w.int()?;
                        w.skip((len.max(0) + 3) / 4 * 4)?;
                    }
                    w.skip(n_missing.abs() * 8)?;
                }
                3 => {
                    let count = w.int()?;
                    for _ in 0..count.clamp(0, 1 << 20) {
                        // The value, a length byte, the label padded to a multiple of 8.
                        w.skip(8)?;
                        let mut len = [0u8; 1];
                        w.r.read_exact(&mut len).ok()?;
                        w.skip((i64::from(len[0]) + 1 + 7) / 8 * 8 - 1)?;
                    }
                    if w.int()? != 4 {
                        return None;
                    }
                    let n = w.int()?;
                    for _ in 0..n.clamp(0, 1 << 20) {
                        let index = w.int()?;
                        if index < 1 || index > slots {
                            return Some(Err(format!(
                                "a value-label record names variable {index}, but the file has {slots} variable slots"
                            )));
                        }
                    }
                }
                6 => {
                    let n = w.int()?;
                    w.skip(n.max(0) * 80)?;
                }
                7 => {
                    let (subtype, size, count) = (w.int()?, w.int()?, w.int()?);
                    let len = size.max(0).saturating_mul(count.max(0));
                    if matches!(subtype, 7 | 19) && len < 1 << 24 {
                        let mut text = vec![0u8; usize::try_from(len).ok()?];
                        w.r.read_exact(&mut text).ok()?;
                        sets.extend(text.split(|&b| b == b'\n').filter_map(mr_set_members));
                    } else {
                        w.skip(len)?;
                    }
                }
                // 999 ends the dictionary; anything else is for ambers to judge.
                _ => return Some(Ok(())),
            }
        }
    };
    walk().unwrap_or(Ok(()))?;
    Ok(sets)
}

/// The name and member names of one line of an MR-set record:
/// `$name=D<n> <counted> <m> <label> vars…`, `$name=E 1 <n> <counted> <m> <label> vars…`
/// or `$name=C <m> <label> vars…` (lengths in bytes).
fn mr_set_members(line: &[u8]) -> Option<RawSet> {
    let line = line.strip_prefix(b"$")?;
    let eq = line.iter().position(|&b| b == b'=')?;
    let name = String::from_utf8_lossy(&line[..eq]).into_owned();
    let rest = &line[eq + 1..];
    // A decimal length, then one space, then that many bytes: what follows them.
    fn counted(s: &[u8]) -> Option<&[u8]> {
        let s = s.trim_ascii_start();
        let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
        let n: usize = std::str::from_utf8(&s[..digits]).ok()?.parse().ok()?;
        let s = &s[digits..];
        let s = s.strip_prefix(b" ").unwrap_or(s);
        s.get(n..)
    }
    let after = match rest.first()? {
        b'D' => counted(&rest[1..])?,
        b'E' => {
            let s = rest[1..].trim_ascii_start();
            let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
            counted(&s[digits..])?
        }
        b'C' => &rest[1..],
        _ => return None,
    };
    let members = counted(after)?
        .split(|b| b.is_ascii_whitespace())
        .filter(|m| !m.is_empty())
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect();
    Some((name, members))
}
