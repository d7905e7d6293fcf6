//! The parallel CSV reader behind [`super::read_csv`].
//!
//! The file is read in blocks (32 MiB by default); each block is cut after its last record
//! and the rest carried to the next. A block's records are split into chunks at record
//! boundaries, and the chunks are parsed on all cores in two passes:
//!
//! 1. count the records of each chunk (a `memchr` scan for line ends when the chunk holds
//!    no quote, the tokenizer otherwise);
//! 2. grow the final columns to hold them (once, from an estimate made with the file's
//!    size, when reading a file) and let each chunk write its rows straight into its own
//!    slice of every column.
//!
//! So the data are held once, as columns, plus one block of text; nothing is concatenated.
//!
//! The tokenizer follows the `csv` crate's state machine (comma, `"` quotes with `""` as a
//! quote, `\n`, `\r` and `\r\n` ending records, blank lines skipped, a quote only opening a
//! field at its start, a UTF-8 BOM skipped at the start of the file), and every check and
//! message is the simple reader's ([`super::csv::read_csv_reference_from_reader`]): each
//! chunk stops at its first error and the error of the earliest chunk wins, so the error
//! names the first offending row in file order.
//!
//! Text: each chunk codes a text column's values with its own dictionary; the dictionaries
//! are merged once, at the end, by sorting all their values (which gives the sorted levels)
//! and recoding each chunk's rows in parallel. A number column that meets text switches
//! to text in that chunk from that row on; the merge then converts it as the simple reader
//! does (the numbers before its first text row in file order become their `Display` text,
//! the rows from there on keep their own text), reading again as text only the rows that
//! later chunks of the same block had read as numbers. Later blocks read it as text.
//!
//! Numbers: plain decimals (`12`, `-3.25`) are read in the same pass that finds the end of
//! the field, exactly (see [`parse_number_fast`]); others go to `str::parse`.
//!
//! Chunk boundaries: the block is scanned for quotes; without any, a chunk ends after a
//! `\n` or `\r`. With quotes, the scan follows the quoting state from quote to quote (a
//! quote opens a field only after a comma, a line end or at the start of a record; inside,
//! `""` is a quote and any other quote closes), so a boundary never falls inside a quoted
//! field. That scan is sequential, but jumps from quote to quote with `memchr`.

use super::Dataset;
use super::column::{CategoricalColumn, Column, MISSING_CODE, NumericColumn, Validity};
use super::csv::{
    CsvOptions, dataset_of, first_not_finite, header_names, parse_number, question_number,
    unclosed_error, value_error,
};
use super::error::{DataError, Result};
use crate::questionnaire::Question;
use memchr::{memchr, memchr_iter, memchr2, memchr2_iter, memrchr2};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How the reader splits its work. The defaults suit large files; tests shrink the blocks
/// and chunks to a few bytes so that every boundary case occurs.
#[derive(Debug, Clone)]
pub struct CsvTuning {
    /// Bytes read per block (a block grows when a record does not fit).
    pub block_bytes: usize,
    /// The smallest chunk worth a thread's time.
    pub min_chunk_bytes: usize,
    /// Threads; 0 = as many as the machine offers.
    pub threads: usize,
}

impl Default for CsvTuning {
    fn default() -> Self {
        Self {
            block_bytes: 32 << 20,
            min_chunk_bytes: 1 << 20,
            threads: 0,
        }
    }
}

impl CsvTuning {
    fn threads(&self) -> usize {
        match self.threads {
            0 => crate::parallel::cores(),
            n => n,
        }
    }
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Reads a whole CSV text; `size_hint` (the file's length, when known) sizes the columns.
pub(crate) fn read<R: Read>(
    mut reader: R,
    file: &str,
    options: &CsvOptions<'_>,
    tuning: &CsvTuning,
    size_hint: Option<u64>,
) -> Result<Dataset> {
    // A small file needs no more than its size.
    let block = match size_hint {
        Some(size) => tuning
            .block_bytes
            .min(usize::try_from(size).unwrap_or(usize::MAX)),
        None => tuning.block_bytes,
    }
    .max(1);
    let threads = tuning.threads().max(1);
    let mut buf: Vec<u8> = Vec::new();
    // At least the BOM's length, to see whether there is one.
    let mut eof =
        fill(&mut reader, &mut buf, block.max(BOM.len())).map_err(|e| io_error(file, 1, e))?;
    // Bytes dropped from the front of `buf` so far.
    let mut consumed: u64 = 0;
    let mut pos = if buf.starts_with(BOM) { BOM.len() } else { 0 };

    // The header: the first record (blank lines before it are skipped).
    let mut loader = loop {
        let cut = if eof {
            Some(buf.len())
        } else {
            scan_boundaries(&buf, pos, &[]).1
        };
        let Some(cut) = cut else {
            let want = buf.len() * 2;
            eof = fill(&mut reader, &mut buf, want).map_err(|e| io_error(file, 1, e))?;
            continue;
        };
        let mut tok = Tok::new(&buf[..cut], pos);
        if tok.start_record() {
            let mut spans = Vec::new();
            tok.read_record(&mut spans);
            if let Some(quote) = tok.unclosed {
                return Err(unclosed_error(
                    file,
                    &[],
                    1,
                    spans.len() - 1,
                    &buf[..cut],
                    quote,
                ));
            }
            let fields: Vec<&[u8]> = spans.iter().map(|s| tok.field(s)).collect();
            let names = header_names(&fields, file)?;
            pos = tok.pos;
            break Loader::new(names, file, options, threads);
        }
        if eof {
            return Err(DataError::EmptyFile {
                file: file.to_string(),
            });
        }
        consumed += cut as u64;
        buf.drain(..cut);
        pos = 0;
        eof = fill(&mut reader, &mut buf, block).map_err(|e| io_error(file, 1, e))?;
    };

    // The data, block by block.
    loop {
        let avail = buf.len() - pos;
        let n_chunks = (avail / tuning.min_chunk_bytes.max(1)).clamp(1, threads * 4);
        let targets: Vec<usize> = (1..n_chunks).map(|i| pos + avail * i / n_chunks).collect();
        let (bounds, last) = scan_boundaries(&buf, pos, &targets);
        let cut = if eof {
            buf.len()
        } else if let Some(last) = last {
            last
        } else {
            // Not one whole record in the block: read more.
            let want = (buf.len() * 2).max(block);
            eof = fill(&mut reader, &mut buf, want)
                .map_err(|e| io_error(file, loader.filled as u64 + 2, e))?;
            continue;
        };
        let mut edges = Vec::with_capacity(bounds.len() + 2);
        edges.push(pos);
        for b in bounds {
            if b > *edges.last().unwrap_or(&pos) && b < cut {
                edges.push(b);
            }
        }
        edges.push(cut);
        let remaining = size_hint.map(|h| h.saturating_sub(consumed + cut as u64));
        loader.region(&buf, &edges, remaining)?;
        if eof {
            break;
        }
        consumed += cut as u64;
        buf.drain(..cut);
        pos = 0;
        let want = block.max(buf.len() * 2);
        eof = fill(&mut reader, &mut buf, want)
            .map_err(|e| io_error(file, loader.filled as u64 + 2, e))?;
    }
    loader.finish(options)
}

/// Reads until `buf` holds `want` bytes or the input ends; true at the end of the input.
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    if buf.len() >= want {
        return Ok(false);
    }
    let need = want - buf.len();
    // The buffer grows as the text comes (a short text is not given a whole block) and
    // keeps its size for the next blocks.
    buf.reserve(need.min(1 << 20));
    let got = reader.take(need as u64).read_to_end(buf)?;
    Ok(got < need)
}

fn io_error(file: &str, row: u64, e: std::io::Error) -> DataError {
    DataError::Malformed {
        file: file.to_string(),
        row,
        message: ::csv::Error::from(e).to_string(),
    }
}

/// Record boundaries in `buf[from..]`, where `from` starts a record: for each target (in
/// increasing order), the position just after the first line end (`\n` or `\r`) outside
/// quotes at or after it (targets with none are left out), and the position after the last
/// such line end. (After a `\r` the next record may start with the `\n` of a `\r\n`,
/// which the tokenizer skips as it skips blank lines.) The scan stops where the quoting
/// depends on bytes beyond `buf` (a quoted field still open, or a quote as the last byte).
fn scan_boundaries(buf: &[u8], from: usize, targets: &[usize]) -> (Vec<usize>, Option<usize>) {
    let n = buf.len();
    let mut out = Vec::with_capacity(targets.len());
    let mut ti = 0;
    let mut last = None;
    let mut pos = from;
    loop {
        // Outside quotes from `pos` to the next quote (or the end).
        let quote = memchr(b'"', &buf[pos..]).map(|i| pos + i);
        let seg_end = quote.unwrap_or(n);
        while ti < targets.len() && targets[ti] < seg_end {
            let t = targets[ti].max(pos);
            match memchr2(b'\n', b'\r', &buf[t..seg_end]) {
                Some(i) => {
                    out.push(t + i + 1);
                    ti += 1;
                }
                None => break,
            }
        }
        if let Some(i) = memrchr2(b'\n', b'\r', &buf[pos..seg_end]) {
            last = Some(pos + i + 1);
        }
        let Some(q) = quote else {
            return (out, last);
        };
        // A quote opens a quoted field only at the start of a field; elsewhere it is text.
        if q != from && !matches!(buf[q - 1], b',' | b'\n' | b'\r') {
            pos = q + 1;
            continue;
        }
        let mut p = q + 1;
        loop {
            let Some(i) = memchr(b'"', &buf[p..]) else {
                return (out, last);
            };
            let c = p + i;
            if c + 1 >= n {
                return (out, last);
            }
            if buf[c + 1] == b'"' {
                p = c + 2;
            } else {
                pos = c + 1;
                break;
            }
        }
    }
}

/// Where one field lies: in the text itself, or (a quoted field, unescaped) in the
/// tokenizer's scratch.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    scratch: bool,
}

impl Span {
    fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A tokenizer over a slice that starts at a record start; the slice's end is the end of
/// the input (a chunk always ends after a record, or at the end of the file).
struct Tok<'b> {
    buf: &'b [u8],
    pos: usize,
    scratch: Vec<u8>,
    /// Where a quoted field opened that the text ends inside (only ever in the last
    /// record of the file: chunks end after records).
    unclosed: Option<usize>,
}

impl<'b> Tok<'b> {
    fn new(buf: &'b [u8], pos: usize) -> Self {
        Self {
            buf,
            pos,
            scratch: Vec::new(),
            unclosed: None,
        }
    }

    /// Skips line ends (blank lines); false when no record is left.
    #[inline]
    fn start_record(&mut self) -> bool {
        while self.pos < self.buf.len() && matches!(self.buf[self.pos], b'\n' | b'\r') {
            self.pos += 1;
        }
        self.pos < self.buf.len()
    }

    /// Reads one record (after [`Tok::start_record`] said there is one).
    #[inline]
    fn read_record(&mut self, spans: &mut Vec<Span>) {
        spans.clear();
        self.scratch.clear();
        loop {
            let (span, more) = self.read_field();
            spans.push(span);
            if !more {
                break;
            }
        }
    }

    /// Reads one field; true when a comma follows (another field of the same record).
    #[inline]
    fn read_field(&mut self) -> (Span, bool) {
        let buf = self.buf;
        let n = buf.len();
        let s = self.pos;
        if s < n && buf[s] == b'"' {
            return self.read_quoted();
        }
        let mut p = s;
        while p < n {
            let c = buf[p];
            if c == b',' || c == b'\n' || c == b'\r' {
                break;
            }
            p += 1;
        }
        let more = p < n && buf[p] == b',';
        self.pos = if p < n { p + 1 } else { p };
        (
            Span {
                start: s,
                end: p,
                scratch: false,
            },
            more,
        )
    }

    /// A field that opens with a quote: `""` is a quote, another quote closes it, and any
    /// text after the closing quote up to the next comma or line end belongs to the field.
    /// Its text goes to the scratch; true when a comma follows.
    #[cold]
    fn read_quoted(&mut self) -> (Span, bool) {
        let start = self.scratch.len();
        let more = self.quoted::<true>();
        let span = Span {
            start,
            end: self.scratch.len(),
            scratch: true,
        };
        (span, more)
    }

    /// Moves past a record (after [`Tok::start_record`] said there is one) without copying.
    fn skip_record(&mut self) {
        loop {
            let more = if self.buf.get(self.pos) == Some(&b'"') {
                self.quoted::<false>()
            } else {
                let e = field_end(self.buf, self.pos);
                self.pos = (e + 1).min(self.buf.len());
                self.buf.get(e) == Some(&b',')
            };
            if !more {
                break;
            }
        }
    }

    /// Reads a quoted field, its text appended to the scratch when `COPY`.
    fn quoted<const COPY: bool>(&mut self) -> bool {
        let buf = self.buf;
        let n = buf.len();
        let mut p = self.pos + 1;
        loop {
            let Some(i) = memchr(b'"', &buf[p..]) else {
                if COPY {
                    self.scratch.extend_from_slice(&buf[p..]);
                }
                self.unclosed = Some(self.pos);
                self.pos = n;
                return false;
            };
            let q = p + i;
            if COPY {
                self.scratch.extend_from_slice(&buf[p..q]);
            }
            if q + 1 < n && buf[q + 1] == b'"' {
                if COPY {
                    self.scratch.push(b'"');
                }
                p = q + 2;
            } else {
                p = q + 1;
                break;
            }
        }
        let mut more = false;
        while p < n {
            let c = buf[p];
            p += 1;
            match c {
                b',' => {
                    more = true;
                    break;
                }
                b'\n' | b'\r' => break,
                _ if COPY => self.scratch.push(c),
                _ => {}
            }
        }
        self.pos = p;
        more
    }

    #[inline]
    fn field(&self, s: &Span) -> &[u8] {
        if s.scratch {
            &self.scratch[s.start..s.end]
        } else {
            &self.buf[s.start..s.end]
        }
    }
}

/// Whether a record is the one-empty-field record that the simple reader skips (a line
/// holding only `""`, in a file of more than one column).
#[inline]
fn skipped(spans: &[Span], n_cols: usize) -> bool {
    spans.len() == 1 && spans[0].is_empty() && n_cols != 1
}

/// [`skipped`] before reading the record at `pos`: the only record of one empty field is
/// a line holding just `""` (a line without quotes is never empty, blank lines being
/// skipped before records).
#[inline]
fn skipped_at(buf: &[u8], pos: usize, n_cols: usize) -> bool {
    n_cols != 1
        && buf[pos..].starts_with(b"\"\"")
        && buf.get(pos + 2).is_none_or(|&c| c == b'\n' || c == b'\r')
}

/// The number of rows in a chunk, and whether it holds a quote.
fn count_records(chunk: &[u8], n_cols: usize) -> (usize, bool) {
    if chunk.is_empty() {
        return (0, false);
    }
    if memchr(b'"', chunk).is_some() {
        let mut tok = Tok::new(chunk, 0);
        let mut n = 0;
        while tok.start_record() {
            if skipped_at(chunk, tok.pos, n_cols) {
                tok.pos += 2;
                continue;
            }
            tok.skip_record();
            n += 1;
        }
        return (n, true);
    }
    // Without quotes a record is a run of bytes between line ends.
    let mut n = 0;
    let is_end = |b: u8| b == b'\n' || b == b'\r';
    if memchr(b'\r', chunk).is_none() {
        for p in memchr_iter(b'\n', chunk) {
            if p > 0 && chunk[p - 1] != b'\n' {
                n += 1;
            }
        }
    } else {
        for p in memchr2_iter(b'\n', b'\r', chunk) {
            if p > 0 && !is_end(chunk[p - 1]) {
                n += 1;
            }
        }
    }
    if !is_end(chunk[chunk.len() - 1]) {
        n += 1;
    }
    (n, false)
}

/// The texts that mean "missing", with a quick test of their lengths.
struct Missing {
    tokens: Vec<Vec<u8>>,
    short_lengths: u64,
    any_long: bool,
}

impl Missing {
    fn new(tokens: &[String]) -> Self {
        let mut short_lengths = 0u64;
        let mut any_long = false;
        for t in tokens {
            if t.len() < 64 {
                short_lengths |= 1 << t.len();
            } else {
                any_long = true;
            }
        }
        Self {
            tokens: tokens.iter().map(|t| t.as_bytes().to_vec()).collect(),
            short_lengths,
            any_long,
        }
    }

    #[inline]
    fn contains(&self, f: &[u8]) -> bool {
        let possible = if f.len() < 64 {
            self.short_lengths >> f.len() & 1 != 0
        } else {
            self.any_long
        };
        possible
            && self
                .tokens
                .iter()
                .any(|t| t.len() == f.len() && t.iter().zip(f).all(|(a, b)| a == b))
    }
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// [`parse_number`], with a fast path for plain decimals such as `12`, `-3.25`, `.5`.
///
/// A decimal of at most 19 characters whose digits, read as an integer `m`, are at most
/// 2^53 is `m / 10^k` with both exactly representable, and one IEEE division rounds
/// correctly, so the result is bit-identical to `str::parse` (Clinger's fast path, which
/// the standard library takes too). Everything else goes to [`parse_number`].
#[inline(always)]
pub(crate) fn parse_number_fast(f: &[u8]) -> Option<f64> {
    let (neg, digits) = match f.first() {
        Some(b'-') => (true, &f[1..]),
        Some(b'+') => (false, &f[1..]),
        _ => (false, f),
    };
    if digits.is_empty() || digits.len() > 19 {
        return parse_number(f);
    }
    let mut m: u64 = 0;
    let mut n_digits = 0u32;
    let mut frac = 0usize;
    let mut dot = false;
    for &c in digits {
        let d = c.wrapping_sub(b'0');
        if d < 10 {
            m = m * 10 + u64::from(d);
            n_digits += 1;
            frac += usize::from(dot);
        } else if c == b'.' && !dot {
            dot = true;
        } else {
            return parse_number(f);
        }
    }
    if n_digits == 0 || m > 1 << 53 {
        return parse_number(f);
    }
    let v = if frac == 0 {
        m as f64
    } else {
        m as f64 / POW10[frac]
    };
    Some(if neg { -v } else { v })
}

/// How a column is being read.
#[derive(Clone, Copy)]
enum Kind<'q> {
    Number,
    Question(&'q Question),
    Text,
}

/// A column as it fills: `values`/`bits` (or the text store's codes) are allocated for
/// `Loader::cap` rows, the first `Loader::filled` of which are read.
enum Store {
    Num {
        values: Vec<f64>,
        bits: Vec<u64>,
        /// The values as small integers (see [`NumericColumn::from_small_ints`]), kept
        /// while no chunk has found a value that is not one (`wide`).
        small: Vec<u16>,
        wide: bool,
        missing: usize,
        /// The first number that is not finite (row, text), reported if the column stays
        /// numeric.
        not_finite: Option<(u64, String)>,
    },
    Text(TextStore),
}

/// One chunk's share of a column.
enum Out<'s> {
    Num {
        values: &'s mut [f64],
        /// The validity words whose first row is in the chunk.
        words: &'s mut [u64],
        small: &'s mut [u16],
    },
    Text {
        codes: &'s mut [u32],
    },
}

/// A chunk's dictionary of text values: local codes in order of first appearance.
#[derive(Default)]
struct LocalDict {
    index: HashMap<Box<[u8]>, u32>,
}

impl LocalDict {
    /// The code of a value, `None` when a new value is not UTF-8.
    #[inline]
    fn code(&mut self, f: &[u8]) -> Option<u32> {
        if let Some(&c) = self.index.get(f) {
            return Some(c);
        }
        std::str::from_utf8(f).ok()?;
        let c = self.index.len() as u32;
        self.index.insert(f.into(), c);
        Some(c)
    }

    /// The values in code order.
    fn into_levels(self) -> Vec<Box<[u8]>> {
        let mut levels: Vec<Box<[u8]>> = vec![Box::default(); self.index.len()];
        for (text, code) in self.index {
            levels[code as usize] = text;
        }
        levels
    }
}

/// A text column as it fills: each run of rows (a segment) holds codes into its own list
/// of values; [`TextStore::finish`] merges the lists, sorts the levels and recodes.
#[derive(Default)]
struct TextStore {
    codes: Vec<u32>,
    segments: Vec<Segment>,
}

/// Rows `start..start + len` of a text column, coded into `levels`.
struct Segment {
    start: usize,
    len: usize,
    levels: Vec<Box<[u8]>>,
}

impl TextStore {
    fn push_segment(&mut self, start: usize, len: usize, dict: LocalDict) {
        if len > 0 {
            self.segments.push(Segment {
                start,
                len,
                levels: dict.into_levels(),
            });
        }
    }

    /// The column of the first `n` rows: one dictionary of all segments' values, sorted,
    /// and every row's code turned into its level's index (in parallel by segment).
    fn finish(self, n: usize, threads: usize) -> CategoricalColumn {
        let TextStore {
            mut codes,
            mut segments,
        } = self;
        codes.truncate(n);
        codes.shrink_to_fit();
        // Every segment's values, sorted by their first eight bytes and then in full (the
        // order of `str`), so that equal values are neighbours; no hashing, and the
        // comparisons rarely leave the sort keys.
        let text = |s: u32, i: u32| &segments[s as usize].levels[i as usize][..];
        let mut entries: Vec<(u64, u32, u32)> = segments
            .iter()
            .enumerate()
            .flat_map(|(s, seg)| {
                seg.levels.iter().enumerate().map(move |(i, l)| {
                    let mut head = [0u8; 8];
                    let k = l.len().min(8);
                    head[..k].copy_from_slice(&l[..k]);
                    (u64::from_be_bytes(head), s as u32, i as u32)
                })
            })
            .collect();
        entries.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| text(a.1, a.2).cmp(text(b.1, b.2)))
        });
        let mut maps: Vec<Vec<u32>> = segments.iter().map(|s| vec![0; s.levels.len()]).collect();
        let mut levels: Vec<String> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let value = text(e.1, e.2);
            let new = i == 0 || {
                let p = entries[i - 1];
                p.0 != e.0 || text(p.1, p.2) != value
            };
            if new {
                levels.push(String::from_utf8_lossy(value).into_owned());
            }
            maps[e.1 as usize][e.2 as usize] = levels.len() as u32 - 1;
        }
        drop(entries);
        // Recode each segment's rows.
        let mut by_start: Vec<(usize, usize, Vec<u32>)> = segments
            .iter()
            .zip(maps)
            .map(|(seg, map)| (seg.start, seg.len, map))
            .collect();
        segments.clear();
        by_start.sort_unstable_by_key(|t| t.0);
        let mut tasks = Vec::with_capacity(by_start.len());
        let mut rest = &mut codes[..];
        let mut at = 0;
        for (start, len, map) in by_start {
            let (_, tail) = std::mem::take(&mut rest).split_at_mut(start - at);
            let (rows, tail) = tail.split_at_mut(len);
            rest = tail;
            at = start + len;
            tasks.push((rows, map));
        }
        run_parallel(threads, tasks, |(rows, map)| {
            for code in rows {
                if *code != MISSING_CODE {
                    *code = map[*code as usize];
                }
            }
        });
        CategoricalColumn::from_parts(codes, levels)
    }
}

/// A number column's rows from `from` (a chunk's row) on, read as text once row `from`
/// held text: `codes` index the dictionary.
struct LocalText {
    from: usize,
    codes: Vec<u32>,
    dict: LocalDict,
}

/// What a chunk found about one column.
#[derive(Default)]
struct ColDone {
    missing: usize,
    /// Whether the chunk holds a value that is not a small integer (see [`Store::Num`]).
    wide: bool,
    /// The chunk's first number that is not finite (row, text) while the column held numbers.
    not_finite: Option<(u64, String)>,
    /// The validity word the chunk shares with the previous chunk (index, bits).
    head: Option<(usize, u64)>,
    /// In a number column, its rows from the first that holds text, as text.
    text: Option<LocalText>,
    dict: Option<LocalDict>,
}

struct Chunk<'s> {
    start: usize,
    end: usize,
    /// Whether the chunk holds a quote.
    quotes: bool,
    /// Index of the first row among all data rows (0-based).
    row0: usize,
    rows: usize,
    outs: Vec<Out<'s>>,
}

/// The shared, read-only part of the loading.
struct Ctx<'a, 'q> {
    file: &'a str,
    names: Vec<String>,
    kinds: Vec<Kind<'q>>,
    missing: Missing,
}

struct Loader<'a, 'q> {
    ctx: Ctx<'a, 'q>,
    stores: Vec<Store>,
    filled: usize,
    cap: usize,
    threads: usize,
}

impl<'a, 'q> Loader<'a, 'q> {
    fn new(names: Vec<String>, file: &'a str, options: &CsvOptions<'q>, threads: usize) -> Self {
        let kinds: Vec<Kind<'q>> = names
            .iter()
            .map(|n| {
                if options.text_columns.contains(n) {
                    return Kind::Text;
                }
                match options.questionnaire.and_then(|q| q.question_for_column(n)) {
                    Some(q) => Kind::Question(q),
                    None => Kind::Number,
                }
            })
            .collect();
        let stores = kinds
            .iter()
            .map(|k| match k {
                Kind::Text => Store::Text(TextStore::default()),
                _ => Store::Num {
                    values: Vec::new(),
                    bits: Vec::new(),
                    small: Vec::new(),
                    wide: false,
                    missing: 0,
                    not_finite: None,
                },
            })
            .collect();
        Self {
            ctx: Ctx {
                file,
                names,
                kinds,
                missing: Missing::new(&options.missing),
            },
            stores,
            filled: 0,
            cap: 0,
            threads,
        }
    }

    /// Reads the records of `buf[edges[0]..edges[last]]`, chunk `i` being
    /// `edges[i]..edges[i + 1]`; `remaining` is how many bytes of the file follow.
    fn region(&mut self, buf: &[u8], edges: &[usize], remaining: Option<u64>) -> Result<()> {
        let n_cols = self.ctx.names.len();
        let ranges: Vec<(usize, usize)> = edges.windows(2).map(|w| (w[0], w[1])).collect();
        let counted = run_parallel(self.threads, ranges.clone(), |(a, b)| {
            count_records(&buf[a..b], n_cols)
        });
        let counts: Vec<usize> = counted.iter().map(|c| c.0).collect();
        let total: usize = counts.iter().sum();
        if total == 0 {
            return Ok(());
        }
        self.reserve(total, edges[edges.len() - 1] - edges[0], remaining);

        // Hand each chunk its slices of the columns.
        let first = self.filled;
        let mut chunks: Vec<Chunk<'_>> = Vec::with_capacity(ranges.len());
        let mut row0 = first;
        for (&(start, end), &(rows, quotes)) in ranges.iter().zip(&counted) {
            chunks.push(Chunk {
                start,
                end,
                quotes,
                row0,
                rows,
                outs: Vec::with_capacity(n_cols),
            });
            row0 += rows;
        }
        for store in &mut self.stores {
            match store {
                Store::Num {
                    values,
                    bits,
                    small,
                    wide,
                    ..
                } => {
                    let mut values = &mut values[first..first + total];
                    let mut words = &mut bits[first.div_ceil(64)..(first + total).div_ceil(64)];
                    // A column found wide in an earlier region has no slots: its chunks
                    // get none and start wide.
                    let mut small = match wide {
                        true => &mut [][..],
                        false => &mut small[first..first + total],
                    };
                    for c in &mut chunks {
                        let (v, rest) = std::mem::take(&mut values).split_at_mut(c.rows);
                        values = rest;
                        let (s, rest) = std::mem::take(&mut small).split_at_mut(match *wide {
                            true => 0,
                            false => c.rows,
                        });
                        small = rest;
                        let n_words = (c.row0 + c.rows).div_ceil(64) - c.row0.div_ceil(64);
                        let (w, rest) = std::mem::take(&mut words).split_at_mut(n_words);
                        words = rest;
                        c.outs.push(Out::Num {
                            values: v,
                            words: w,
                            small: s,
                        });
                    }
                }
                Store::Text(t) => {
                    let mut codes = &mut t.codes[first..first + total];
                    for c in &mut chunks {
                        let (v, rest) = std::mem::take(&mut codes).split_at_mut(c.rows);
                        codes = rest;
                        c.outs.push(Out::Text { codes: v });
                    }
                }
            }
        }
        let ctx = &self.ctx;
        let results = run_parallel(self.threads, chunks, |c| parse_chunk(ctx, buf, c));
        let mut done = Vec::with_capacity(results.len());
        for r in results {
            done.push(r?);
        }

        // Merge what the chunks found.
        let starts: Vec<usize> = counts
            .iter()
            .scan(first, |row, &n| {
                let r = *row;
                *row += n;
                Some(r)
            })
            .collect();
        let mut conversions = Vec::new();
        for (j, store) in self.stores.iter_mut().enumerate() {
            match store {
                Store::Num {
                    values,
                    bits,
                    small,
                    missing,
                    not_finite,
                    wide,
                } => {
                    // One chunk holding numbers (or text) makes the whole column numbers.
                    if !*wide && done.iter().any(|d| d[j].wide || d[j].text.is_some()) {
                        numbers_of_small(&small[..first], &mut values[..first]);
                        for (c, d) in done.iter().enumerate() {
                            if !d[j].wide {
                                let rows = starts[c]..starts[c] + counts[c];
                                numbers_of_small(&small[rows.clone()], &mut values[rows]);
                            }
                        }
                        *wide = true;
                        *small = Vec::new();
                    }
                    for d in &mut done {
                        let col = &mut d[j];
                        *missing += col.missing;
                        if let Some((w, word)) = col.head {
                            bits[w] |= word;
                        }
                        if not_finite.is_none() {
                            *not_finite = col.not_finite.take();
                        }
                    }
                    if let Some(c) = done.iter().position(|d| d[j].text.is_some()) {
                        conversions.push((j, c));
                    }
                }
                Store::Text(t) => {
                    for (c, d) in done.iter_mut().enumerate() {
                        if let Some(dict) = d[j].dict.take() {
                            t.push_segment(starts[c], counts[c], dict);
                        }
                    }
                }
            }
        }
        for (j, c) in conversions {
            let texts: Vec<Option<LocalText>> = done.iter_mut().map(|d| d[j].text.take()).collect();
            self.convert_to_text(j, buf, &ranges, &starts, &counts, c, texts);
        }
        self.filled = first + total;
        Ok(())
    }

    /// Makes room for `rows` more rows; the first time, from the file's size when known.
    fn reserve(&mut self, rows: usize, region_bytes: usize, remaining: Option<u64>) {
        let needed = self.filled + rows;
        if needed <= self.cap {
            return;
        }
        let cap = if self.cap == 0 {
            match remaining {
                Some(rest) => {
                    let per_row = region_bytes as f64 / rows as f64;
                    needed + (rest as f64 / per_row * 1.02) as usize + 16
                }
                None => needed,
            }
        } else {
            needed.max(self.cap + self.cap / 2)
        };
        for store in &mut self.stores {
            match store {
                Store::Num {
                    values,
                    bits,
                    small,
                    wide,
                    ..
                } => {
                    grow(bits, cap.div_ceil(64), 0);
                    if *wide {
                        grow(values, cap, 0.0);
                        *small = Vec::new();
                    } else {
                        // No number has been written (the column's rows are small
                        // integers): a fresh zeroed block, whose pages stay untouched unless
                        // the column widens, rather than zeros written over a larger one.
                        *values = Vec::new();
                        grow(values, cap, 0.0);
                        grow(small, cap, 0);
                    }
                }
                Store::Text(t) => grow(&mut t.codes, cap, 0),
            }
        }
        self.cap = cap;
    }

    /// Turns number column `j` into text as the simple reader does, chunk `c0` of this
    /// region being the first where it held text: the rows before hold their numbers'
    /// `Display` text, the rows from there on their own text. `texts` are the chunks' rows
    /// read as text from their own first text row on; the rows of later chunks before
    /// theirs are read again as text.
    #[allow(clippy::too_many_arguments)]
    fn convert_to_text(
        &mut self,
        j: usize,
        buf: &[u8],
        ranges: &[(usize, usize)],
        starts: &[usize],
        counts: &[usize],
        c0: usize,
        mut texts: Vec<Option<LocalText>>,
    ) {
        let Store::Num { values, bits, .. } =
            std::mem::replace(&mut self.stores[j], Store::Text(TextStore::default()))
        else {
            return;
        };
        let mut store = TextStore {
            codes: vec![0u32; self.cap],
            segments: Vec::new(),
        };
        let at = starts[c0] + texts[c0].as_ref().map_or(0, |t| t.from);
        let mut dict = LocalDict::default();
        let mut seen: HashMap<u64, u32> = HashMap::new();
        for (i, code) in store.codes.iter_mut().enumerate().take(at) {
            // A number that is not finite (`NaN`) becomes its text too; missing tokens
            // left their value at 0.
            let v = values[i];
            *code = if bits[i / 64] >> (i % 64) & 1 != 0 || !v.is_finite() {
                *seen
                    .entry(v.to_bits())
                    .or_insert_with(|| dict.code(format!("{v}").as_bytes()).unwrap_or(MISSING_CODE))
            } else {
                MISSING_CODE
            };
        }
        store.push_segment(0, at, dict);
        drop(values);
        drop(bits);
        let n_cols = self.ctx.names.len();
        let mut spans = Vec::new();
        for c in c0..ranges.len() {
            let text = texts[c].take();
            let from = text.as_ref().map_or(counts[c], |t| t.from);
            if c > c0 && from > 0 {
                // Rows this chunk read as numbers: read them again as text.
                let (start, stop) = ranges[c];
                let mut tok = Tok::new(&buf[..stop], start);
                let mut dict = LocalDict::default();
                let mut row = starts[c];
                while row < starts[c] + from && tok.start_record() {
                    tok.read_record(&mut spans);
                    if skipped(&spans, n_cols) {
                        continue;
                    }
                    let f = tok.field(&spans[j]);
                    store.codes[row] = if self.ctx.missing.contains(f) {
                        MISSING_CODE
                    } else {
                        // The chunk's parse found every field UTF-8.
                        dict.code(f).unwrap_or(MISSING_CODE)
                    };
                    row += 1;
                }
                store.push_segment(starts[c], from, dict);
            }
            if let Some(text) = text {
                let begin = starts[c] + text.from;
                let end = starts[c] + counts[c];
                debug_assert_eq!(text.codes.len(), end - begin);
                store.codes[begin..end].copy_from_slice(&text.codes);
                store.push_segment(begin, end - begin, text.dict);
            }
        }
        self.stores[j] = Store::Text(store);
        self.ctx.kinds[j] = Kind::Text;
    }

    fn finish(self, options: &CsvOptions<'_>) -> Result<Dataset> {
        let file = self.ctx.file;
        let n = self.filled;
        let threads = self.threads;
        if n == 0 {
            return Err(DataError::HeaderOnly {
                file: file.to_string(),
            });
        }
        first_not_finite(
            file,
            &self.ctx.names,
            self.stores.iter().map(|s| match s {
                Store::Num { not_finite, .. } => not_finite.clone(),
                Store::Text(_) => None,
            }),
        )?;
        let columns = self
            .ctx
            .names
            .into_iter()
            .zip(self.stores)
            .map(|(name, store)| {
                let col = match store {
                    Store::Num {
                        mut values,
                        mut bits,
                        mut small,
                        wide,
                        missing,
                        ..
                    } => {
                        bits.truncate(n.div_ceil(64));
                        bits.shrink_to_fit();
                        let validity = Validity::from_parts(bits, n, missing);
                        Column::Numeric(if wide {
                            values.truncate(n);
                            values.shrink_to_fit();
                            NumericColumn::from_parts(values, validity)
                        } else {
                            // The numbers were never written (their pages never touched).
                            drop(values);
                            small.truncate(n);
                            small.shrink_to_fit();
                            NumericColumn::from_small_ints(small, validity)
                        })
                    }
                    Store::Text(t) => Column::Categorical(t.finish(n, threads)),
                };
                (name, col)
            })
            .collect();
        dataset_of(columns, file, options)
    }
}

/// Grows a vector to `len` zeros; a new one is allocated zeroed (pages the system zeroes
/// when first touched, so rows that never come cost nothing).
fn grow<T: Clone + Default>(v: &mut Vec<T>, len: usize, zero: T) {
    if v.is_empty() {
        *v = vec![zero; len];
    } else if v.len() < len {
        v.resize(len, zero);
    }
}

/// Runs `f` on every task, on up to `threads` threads; results in task order.
fn run_parallel<T: Send, R: Send>(
    threads: usize,
    tasks: Vec<T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || tasks.len() <= 1 {
        return tasks.into_iter().map(f).collect();
    }
    let n = tasks.len();
    let tasks: Vec<Mutex<Option<T>>> = tasks.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let task = tasks[i].lock().map(|mut t| t.take()).ok().flatten();
            if let Some(task) = task {
                let r = f(task);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(r);
                }
            }
        }
    };
    // On the crate's kept threads (see `crate::parallel`); a worker that starts late finds
    // the tasks taken and stops.
    let work = &work;
    crate::parallel::in_order((0..threads.min(n).max(1)).map(|_| move || work()));
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .expect("every task ran to completion")
        })
        .collect()
}

/// Parses one chunk into its slices of the columns, stopping at its first error.
fn parse_chunk(ctx: &Ctx<'_, '_>, buf: &[u8], chunk: Chunk<'_>) -> Result<Vec<ColDone>> {
    let Chunk {
        start,
        end,
        quotes,
        row0,
        rows,
        mut outs,
    } = chunk;
    let n_cols = ctx.names.len();
    let mut done: Vec<ColDone> = ctx
        .kinds
        .iter()
        .zip(&outs)
        .map(|(k, out)| ColDone {
            dict: matches!(k, Kind::Text).then(LocalDict::default),
            // A number column without slots for small integers is wide already.
            wide: matches!(out, Out::Num { small, .. } if small.len() < rows),
            ..ColDone::default()
        })
        .collect();
    // The validity word being filled, per column.
    let mut cur = vec![0u64; n_cols];
    let first_word = row0.div_ceil(64);
    let flush = |outs: &mut [Out<'_>], done: &mut [ColDone], cur: &mut [u64], w: usize| {
        for (j, out) in outs.iter_mut().enumerate() {
            if let Out::Num { words, .. } = out {
                if w >= first_word {
                    words[w - first_word] = cur[j];
                } else {
                    done[j].head = Some((w, cur[j]));
                }
                cur[j] = 0;
            }
        }
    };
    let buf = &buf[..end];
    let k = if quotes {
        parse_records::<true>(
            ctx, buf, start, row0, rows, &mut outs, &mut done, &mut cur, &flush,
        )?
    } else {
        parse_records::<false>(
            ctx, buf, start, row0, rows, &mut outs, &mut done, &mut cur, &flush,
        )?
    };
    if k > 0 && (row0 + k - 1) % 64 != 63 {
        flush(&mut outs, &mut done, &mut cur, (row0 + k - 1) / 64);
    }
    debug_assert_eq!(k, rows);
    Ok(done)
}

/// Parses the records of `buf[start..]` as rows `row0..` (of at most `rows`) into `outs`;
/// the number of rows. `QUOTES`: whether the text holds a quote (without, the quote
/// checks are left out).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn parse_records<const QUOTES: bool>(
    ctx: &Ctx<'_, '_>,
    buf: &[u8],
    start: usize,
    row0: usize,
    rows: usize,
    outs: &mut [Out<'_>],
    done: &mut [ColDone],
    cur: &mut [u64],
    flush: &impl Fn(&mut [Out<'_>], &mut [ColDone], &mut [u64], usize),
) -> Result<usize> {
    let n_cols = ctx.names.len();
    let n = buf.len();
    let mut tok = Tok::new(buf, start);
    let mut k = 0usize;
    while tok.start_record() {
        let row = (row0 + k + 2) as u64;
        if QUOTES && skipped_at(buf, tok.pos, n_cols) {
            tok.pos += 2;
            continue;
        }
        if k >= rows {
            return Err(miscount(ctx, row));
        }
        let g = row0 + k;
        let bit = 1u64 << (g % 64);
        // Each field is read and parsed in one go, straight from the text (a quoted one
        // from the scratch). A value's error waits until the record is known not to be
        // ragged, since a ragged record is reported first.
        let mut j = 0;
        let mut pending = None;
        loop {
            let s = tok.pos;
            let more;
            let r = if QUOTES && s < n && buf[s] == b'"' {
                tok.scratch.clear();
                let (span, m) = tok.read_quoted();
                more = m;
                (j < n_cols && pending.is_none()).then(|| {
                    let f = tok.field(&span);
                    let parse = || parse_number_fast(f);
                    put_field(ctx, j, f, parse, &mut outs[j], &mut done[j], k, row)
                })
            } else {
                let (e, fast) = match ctx.kinds.get(j) {
                    Some(Kind::Number | Kind::Question(_)) => scan_number(buf, s),
                    _ => (field_end(buf, s), None),
                };
                more = e < n && buf[e] == b',';
                tok.pos = (e + 1).min(n);
                (j < n_cols && pending.is_none()).then(|| {
                    let f = &buf[s..e];
                    let parse = || fast.or_else(|| parse_number(f));
                    put_field(ctx, j, f, parse, &mut outs[j], &mut done[j], k, row)
                })
            };
            match r {
                Some(Ok(true)) => cur[j] |= bit,
                Some(Err(err)) => pending = Some(err),
                _ => {}
            }
            j += 1;
            if !more {
                break;
            }
        }
        if QUOTES && let Some(quote) = tok.unclosed {
            return Err(unclosed_error(ctx.file, &ctx.names, row, j - 1, buf, quote));
        }
        if j != n_cols {
            return Err(ragged(ctx, row, j));
        }
        if let Some(err) = pending {
            return Err(err);
        }
        k += 1;
        if g % 64 == 63 {
            flush(outs, done, cur, g / 64);
        }
    }
    Ok(k)
}

/// Stores field `f` of column `j` as row `k` of the chunk; true when the row holds a valid
/// number (its validity bit is to be set). `parse` is [`parse_number`] of `f`, asked only
/// once `f` is known not to be a missing token.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn put_field(
    ctx: &Ctx<'_, '_>,
    j: usize,
    f: &[u8],
    parse: impl FnOnce() -> Option<f64>,
    out: &mut Out<'_>,
    col: &mut ColDone,
    k: usize,
    row: u64,
) -> Result<bool> {
    match (out, ctx.kinds[j]) {
        (Out::Num { .. }, Kind::Number) if col.text.is_some() => {
            let Some(text) = &mut col.text else {
                return Ok(false);
            };
            let code = if ctx.missing.contains(f) {
                MISSING_CODE
            } else {
                text.dict.code(f).ok_or_else(|| not_utf8(ctx, row, j))?
            };
            text.codes.push(code);
            Ok(false)
        }
        (Out::Num { values, small, .. }, Kind::Number) => {
            if ctx.missing.contains(f) {
                col.missing += 1;
            } else if let Some(v) = parse() {
                store_number(v, values, small, k, &mut col.wide);
                if v.is_finite() {
                    return Ok(true);
                }
                col.missing += 1;
                if col.not_finite.is_none() {
                    col.not_finite = Some((row, String::from_utf8_lossy(f).into_owned()));
                }
            } else if std::str::from_utf8(f).is_err() {
                return Err(not_utf8(ctx, row, j));
            } else {
                // From here on the column is text (the simple reader's conversion).
                let mut dict = LocalDict::default();
                let code = dict.code(f).ok_or_else(|| not_utf8(ctx, row, j))?;
                col.text = Some(LocalText {
                    from: k,
                    codes: vec![code],
                    dict,
                });
            }
            Ok(false)
        }
        (Out::Num { values, small, .. }, Kind::Question(q)) => {
            if ctx.missing.contains(f) {
                col.missing += 1;
                return Ok(false);
            }
            let name = &ctx.names[j];
            let v = question_number(parse(), ctx.file, row, name, f)?;
            if let Err(problem) = q.check_value(name, v) {
                return Err(value_error(ctx.file, row, name, q, v, problem));
            }
            store_number(v, values, small, k, &mut col.wide);
            Ok(true)
        }
        (Out::Text { codes }, _) => {
            codes[k] = if ctx.missing.contains(f) {
                MISSING_CODE
            } else {
                let dict = col.dict.get_or_insert_with(LocalDict::default);
                dict.code(f).ok_or_else(|| not_utf8(ctx, row, j))?
            };
            Ok(false)
        }
        (Out::Num { .. }, Kind::Text) => unreachable!("a text column is stored as text"),
    }
}

/// Stores `v` as row `k` of a chunk's column: as a small integer (`v + 1`) while the
/// chunk's column has held only integers in `0..65535`, else as a number, the chunk's
/// earlier rows turned into numbers first (once: the column is `wide` from then on).
#[inline(always)]
fn store_number(v: f64, values: &mut [f64], small: &mut [u16], k: usize, wide: &mut bool) {
    if !*wide {
        if let Some(s) = NumericColumn::small_int(v) {
            small[k] = s;
            return;
        }
        *wide = true;
        numbers_of_small(&small[..k], &mut values[..k]);
    }
    values[k] = v;
}

/// The numbers small integers stand for (`s - 1`; 0 in a missing row's slot).
fn numbers_of_small(small: &[u16], values: &mut [f64]) {
    for (v, &s) in values.iter_mut().zip(small) {
        *v = super::column::small_number(s);
    }
}

/// The end of the unquoted field starting at `s` (the comma, line end or end of text).
#[inline(always)]
fn field_end(buf: &[u8], s: usize) -> usize {
    let mut p = s;
    while p < buf.len() && !matches!(buf[p], b',' | b'\n' | b'\r') {
        p += 1;
    }
    p
}

/// The end of the unquoted field starting at `s`, and its value when it is a plain decimal
/// that [`parse_number_fast`]'s fast path reads (otherwise `None`: parse it slowly).
#[inline(always)]
fn scan_number(buf: &[u8], s: usize) -> (usize, Option<f64>) {
    let n = buf.len();
    let mut p = s;
    let neg = p < n && buf[p] == b'-';
    if p < n && (buf[p] == b'-' || buf[p] == b'+') {
        p += 1;
    }
    let digits = p;
    let mut m: u64 = 0;
    while p < n {
        let d = buf[p].wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        p += 1;
    }
    let mut n_digits = p - digits;
    let mut frac = 0;
    if p < n && buf[p] == b'.' {
        p += 1;
        let f0 = p;
        while p < n {
            let d = buf[p].wrapping_sub(b'0');
            if d >= 10 {
                break;
            }
            m = m.wrapping_mul(10).wrapping_add(u64::from(d));
            p += 1;
        }
        frac = p - f0;
        n_digits += frac;
    }
    if p < n && !matches!(buf[p], b',' | b'\n' | b'\r') {
        return (field_end(buf, p), None);
    }
    if n_digits == 0 || n_digits > 19 || m > 1 << 53 {
        return (p, None);
    }
    // An integer needs no division (slow, and most fields are integers).
    let v = if frac == 0 {
        m as f64
    } else {
        m as f64 / POW10[frac]
    };
    (p, Some(if neg { -v } else { v }))
}

fn ragged(ctx: &Ctx<'_, '_>, row: u64, found: usize) -> DataError {
    DataError::RaggedRow {
        file: ctx.file.to_string(),
        row,
        expected: ctx.names.len(),
        found,
    }
}

/// The count and the parse of a chunk disagree: a bug, reported rather than written out of
/// bounds.
fn miscount(ctx: &Ctx<'_, '_>, row: u64) -> DataError {
    DataError::Malformed {
        file: ctx.file.to_string(),
        row,
        message: "internal error: a chunk holds more records than counted".to_string(),
    }
}

fn not_utf8(ctx: &Ctx<'_, '_>, row: u64, j: usize) -> DataError {
    DataError::Malformed {
        file: ctx.file.to_string(),
        row,
        message: format!("column {:?} is not UTF-8", ctx.names[j]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`parse_number_fast`] and [`scan_number`] (on the field followed by each separator or
    /// by nothing) agree with [`parse_number`] bit for bit.
    fn check_number(c: &str) {
        let want = parse_number(c.as_bytes()).map(f64::to_bits);
        assert_eq!(
            parse_number_fast(c.as_bytes()).map(f64::to_bits),
            want,
            "{c:?}"
        );
        for sep in ["", ",", "\n", "\r", ",9"] {
            let text = format!("{c}{sep}");
            let (end, fast) = scan_number(text.as_bytes(), 0);
            assert_eq!(end, c.len(), "{text:?}");
            if let Some(v) = fast {
                assert_eq!(Some(v.to_bits()), want, "{text:?}");
            }
        }
    }

    #[test]
    fn fast_numbers_match_the_standard_parser() {
        let cases = [
            "0",
            "-0",
            "+0",
            "1",
            "12",
            "-3.25",
            ".5",
            "5.",
            ".",
            "-",
            "+",
            "",
            "1e5",
            "1.5E-3",
            "9007199254740992",
            "9007199254740993",
            "1234567890123456789",
            "12345678901234567890",
            "0.1",
            "0.30000000000000004",
            "123.456",
            "00000000000000000001",
            "1.2.3",
            " 1",
            "1 ",
            "inf",
            "-NaN",
            "infinity",
            "1_0",
            "0x10",
            "١",
            "1036.3391",
            "-.5",
            "+.5e1",
            "0.0000000000000000001",
            "999999999999999999.9",
        ];
        for c in cases {
            check_number(c);
        }
        // Every decimal with few digits, and random ones.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 20) as usize;
            let mut s = String::new();
            if x & (1 << 40) != 0 {
                s.push('-');
            }
            let mut y = x;
            for d in 0..digits {
                if d == (x >> 50) as usize % (digits + 1) {
                    s.push('.');
                }
                s.push(char::from(b'0' + (y % 10) as u8));
                y /= 10;
                if y == 0 {
                    y = x.rotate_left(i as u32 % 64) | 1;
                }
            }
            check_number(&s);
        }
    }

    #[test]
    fn boundaries_skip_quoted_line_ends() {
        let text = b"a,\"x\ny\",b\nc,d\n\"\"\"\n\",e\nf\"g\nh,i\n";
        let (b, last) = scan_boundaries(text, 0, &[1, 12, 20]);
        assert_eq!(b, vec![10, 14, 22]);
        assert_eq!(last, Some(text.len()));
        let (b, last) = scan_boundaries(b"a,b\r1,2\r\n3", 0, &[1, 5]);
        assert_eq!(b, vec![4, 8]);
        assert_eq!(last, Some(9));
    }
}
