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
    let dict = check_dictionary(&mut reader).map_err(|m| bad_file(file, Format::Sav, m))?;
    let raw_sets = &dict.sets;
    let kz1048 = match dict.encoding.as_deref() {
        Some(name) if is_kz1048(name) => true,
        Some(name) if encoding_rs::Encoding::for_label(name.trim().as_bytes()).is_none() => {
            return Err(bad_file(
                file,
                Format::Sav,
                format!(
                    "its text is in the encoding {name:?}, which this reader does not know; save it from SPSS as UTF-8"
                ),
            ));
        }
        _ => false,
    };
    std::io::Seek::rewind(&mut reader).map_err(|e| DataError::Io {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut scanner = ambers::scan_sav_from_reader(reader, 1 << 20).map_err(bad)?;
    let meta = scanner.metadata().clone();
    // ambers drops the names of an MR set it cannot resolve; a set must keep them all.
    for (set, members) in raw_sets {
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
    let mut raw = Raw {
        columns: out,
        meta: FileMeta {
            title: Some(meta.file_label.clone()),
            vars,
            mr_sets,
        },
    };
    if kz1048 {
        redecode_kz1048(&mut raw);
    }
    Ok(raw)
}

/// Whether an encoding name is KZ-1048 (Kazakh Cyrillic), which `ambers` reads as
/// Windows-1252.
fn is_kz1048(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        n.as_str(),
        "kz1048" | "rk1048" | "strk10482002" | "cp1048" | "windows1048"
    )
}

/// Windows-1252's characters for the bytes 0x80–0x9F (the undefined five as the C1
/// controls, as the WHATWG decoder gives them).
#[rustfmt::skip]
const WIN1252_HIGH: [char; 32] = ['\u{20ac}', '\u{0081}', '\u{201a}', '\u{0192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02c6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008d}', '\u{017d}', '\u{008f}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{02dc}', '\u{2122}', '\u{0161}', '\u{203a}', '\u{0153}', '\u{009d}', '\u{017e}', '\u{0178}'];

/// KZ-1048's characters for the bytes 0x80–0xFF (0x98, undefined, as U+0098).
#[rustfmt::skip]
const KZ1048_HIGH: [char; 128] = ['\u{0402}', '\u{0403}', '\u{201a}', '\u{0453}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{20ac}', '\u{2030}', '\u{0409}', '\u{2039}', '\u{040a}', '\u{049a}', '\u{04ba}', '\u{040f}', '\u{0452}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{0098}', '\u{2122}', '\u{0459}', '\u{203a}', '\u{045a}', '\u{049b}', '\u{04bb}', '\u{045f}', '\u{00a0}', '\u{04b0}', '\u{04b1}', '\u{04d8}', '\u{00a4}', '\u{04e8}', '\u{00a6}', '\u{00a7}', '\u{0401}', '\u{00a9}', '\u{0492}', '\u{00ab}', '\u{00ac}', '\u{00ad}', '\u{00ae}', '\u{04ae}', '\u{00b0}', '\u{00b1}', '\u{0406}', '\u{0456}', '\u{04e9}', '\u{00b5}', '\u{00b6}', '\u{00b7}', '\u{0451}', '\u{2116}', '\u{0493}', '\u{00bb}', '\u{04d9}', '\u{04a2}', '\u{04a3}', '\u{04af}', '\u{0410}', '\u{0411}', '\u{0412}', '\u{0413}', '\u{0414}', '\u{0415}', '\u{0416}', '\u{0417}', '\u{0418}', '\u{0419}', '\u{041a}', '\u{041b}', '\u{041c}', '\u{041d}', '\u{041e}', '\u{041f}', '\u{0420}', '\u{0421}', '\u{0422}', '\u{0423}', '\u{0424}', '\u{0425}', '\u{0426}', '\u{0427}', '\u{0428}', '\u{0429}', '\u{042a}', '\u{042b}', '\u{042c}', '\u{042d}', '\u{042e}', '\u{042f}', '\u{0430}', '\u{0431}', '\u{0432}', '\u{0433}', '\u{0434}', '\u{0435}', '\u{0436}', '\u{0437}', '\u{0438}', '\u{0439}', '\u{043a}', '\u{043b}', '\u{043c}', '\u{043d}', '\u{043e}', '\u{043f}', '\u{0440}', '\u{0441}', '\u{0442}', '\u{0443}', '\u{0444}', '\u{0445}', '\u{0446}', '\u{0447}', '\u{0448}', '\u{0449}', '\u{044a}', '\u{044b}', '\u{044c}', '\u{044d}', '\u{044e}', '\u{044f}'];

/// Text that `ambers` decoded as Windows-1252, decoded as KZ-1048 instead (every
/// Windows-1252 character stands for one byte).
fn kz1048(text: &str) -> String {
    text.chars()
        .map(|c| {
            let byte = match u32::from(c) {
                0..0x80 => return c,
                0xA0..=0xFF => u32::from(c) as usize,
                _ => match WIN1252_HIGH.iter().position(|&w| w == c) {
                    Some(k) => 0x80 + k,
                    None => return c,
                },
            };
            KZ1048_HIGH[byte - 0x80]
        })
        .collect()
}

/// Every text of a KZ-1048 file decoded again: names, labels, text columns' levels.
fn redecode_kz1048(raw: &mut Raw) {
    use crate::data::Column;
    use crate::data::column::CategoricalBuilder;
    for (name, column) in &mut raw.columns {
        *name = kz1048(name);
        if let Column::Categorical(c) = column {
            let mut b = CategoricalBuilder::default();
            let levels: Vec<String> = c.levels().iter().map(|l| kz1048(l)).collect();
            for &code in c.codes() {
                match code {
                    crate::data::MISSING_CODE => b.push_missing(),
                    k => b.push(&levels[k as usize]),
                }
            }
            *c = b.finish();
        }
    }
    let meta = &mut raw.meta;
    meta.title = meta.title.as_deref().map(kz1048);
    for v in &mut meta.vars {
        v.name = kz1048(&v.name);
        v.label = v.label.as_deref().map(kz1048);
        for (_, l) in &mut v.values {
            *l = kz1048(l);
        }
    }
    for s in &mut meta.mr_sets {
        s.name = kz1048(&s.name);
        s.label = kz1048(&s.label);
        for v in &mut s.variables {
            *v = kz1048(v);
        }
    }
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

/// What the dictionary walk found.
#[derive(Default)]
struct Dict {
    /// The MR sets as written.
    sets: Vec<RawSet>,
    /// The encoding record's name, if any.
    encoding: Option<String>,
}

/// Walks the dictionary's records for what `ambers` lets pass silently: a value-label
/// record naming a variable slot the file does not have (an error), and the member names
/// of the MR sets as written (to compare with the ones `ambers` resolves). Anything else
/// odd (truncation, unknown records) is left to `ambers` to report.
fn check_dictionary(r: &mut impl std::io::Read) -> Result<Dict, String> {
    let mut header = [0u8; 176];
    if r.read_exact(&mut header).is_err() {
        return Ok(Dict::default());
    }
    // Layout code 2 or 3 tells the byte order.
    let layout = i32::from_le_bytes([header[64], header[65], header[66], header[67]]);
    let mut w = Words {
        r,
        big: !matches!(layout, 2 | 3),
    };
    let mut slots = 0i64;
    let mut sets = Vec::new();
    let mut encoding = None;
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
                    if matches!(subtype, 7 | 19 | 20) && len < 1 << 24 {
                        let mut text = vec![0u8; usize::try_from(len).ok()?];
                        w.r.read_exact(&mut text).ok()?;
                        if subtype == 20 {
                            encoding = Some(String::from_utf8_lossy(&text).trim().to_string());
                        } else {
                            sets.extend(text.split(|&b| b == b'\n').filter_map(mr_set_members));
                        }
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
    Ok(Dict { sets, encoding })
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
