//! The parallel CSV reader against the simple one: on hand-written edge cases and on
//! generated files (quotes with commas, quotes and line ends inside, missing tokens, text
//! columns, CRLF and CR line ends, a BOM, blank and `""` lines, ragged rows, bytes that
//! are not UTF-8, questionnaire errors), each read with blocks and chunks so small that
//! block and chunk boundaries fall everywhere, including inside quoted fields. Outcomes
//! must agree exactly: every value's bits, validity, levels, codes, or the error with its
//! row, column and value.

use std::collections::HashSet;
use std::fmt::Write as _;
use survey_stats::data::{
    Column, CsvOptions, CsvTuning, DataError, Dataset, read_csv, read_csv_from_reader,
    read_csv_from_reader_tuned, read_csv_reference_from_reader, read_csv_tuned,
};
use survey_stats::questionnaire::Questionnaire;

/// Everything a reader produced, as text: names, kinds, value bits, validity, levels,
/// codes, or the error's every field.
fn describe(r: Result<Dataset, DataError>) -> String {
    let ds = match r {
        Ok(ds) => ds,
        Err(e) => return format!("error {e:?}"),
    };
    let mut out = format!("{} rows\n", ds.n_rows());
    for name in ds.names() {
        match ds.column(name).expect("listed column") {
            Column::Numeric(c) => {
                let _ = write!(out, "{name:?} numeric, {} missing:", c.count_missing());
                for i in 0..c.len() {
                    let valid = c.validity().is_valid(i);
                    let _ = write!(
                        out,
                        " {:x}{}",
                        c.values()[i].to_bits(),
                        ["?", ""][valid as usize]
                    );
                    // The row as read one at a time, which a column held as small
                    // integers answers from those.
                    let get = c.get(i).map(f64::to_bits);
                    let raw = c.raw(i).map(f64::to_bits);
                    let _ = write!(out, "/{get:x?}/{raw:x?}");
                }
                let f = ds.factor(name).expect("a numeric column has a factor");
                let _ = writeln!(out, "\n  levels {:?} codes {:?}", f.labels(), f.codes());
            }
            Column::Categorical(c) => {
                let _ = writeln!(out, "{name:?} categorical {:?} {:?}", c.levels(), c.codes());
            }
        }
    }
    out
}

fn tunings() -> Vec<CsvTuning> {
    let t = |block_bytes, min_chunk_bytes, threads| CsvTuning {
        block_bytes,
        min_chunk_bytes,
        threads,
    };
    // Threads are few where blocks are tiny (a block is about a record, and threads are
    // started per block); chunks are up to four per thread.
    vec![
        t(1, 1, 1),
        t(2, 1, 1),
        t(3, 1, 2),
        t(7, 1, 2),
        t(16, 2, 3),
        t(64, 1, 4),
        t(1 << 20, 1, 4),
        CsvTuning::default(),
    ]
}

/// Asserts that the parallel reader (with every tuning) and the simple one agree on `text`.
fn assert_same(text: &[u8], options: &CsvOptions<'_>) {
    assert_same_with(text, options, &tunings());
}

/// As [`assert_same`], with the given tunings.
fn assert_same_with(text: &[u8], options: &CsvOptions<'_>, tunings: &[CsvTuning]) {
    let want = describe(read_csv_reference_from_reader(text, "t.csv", options));
    let got = describe(read_csv_from_reader(text, "t.csv", options));
    assert_eq!(
        got,
        want,
        "default reader, input {:?}",
        String::from_utf8_lossy(text)
    );
    for tuning in tunings {
        let got = describe(read_csv_from_reader_tuned(text, "t.csv", options, tuning));
        assert_eq!(
            got,
            want,
            "{tuning:?}, input {:?}",
            String::from_utf8_lossy(text)
        );
    }
}

fn same(text: &str) {
    assert_same(text.as_bytes(), &CsvOptions::default());
}

#[test]
fn edge_cases_match_the_simple_reader() {
    let cases = [
        "",
        "\n",
        "\n\n\r\n",
        "\u{feff}",
        "\u{feff}a,b\n1,2\n",
        "\u{feff}\"a\",b\n1,2\n",
        "\u{feff}\u{feff}a,b\n1,2\n",
        "a,b",
        "a,b\n",
        "a,b\n\n",
        "\n\na,b\n1,2",
        "a,b\n1,2",
        "a,b\n1,2\n\n",
        "a,b\n1,2\n\n\n3,4\n",
        "a,b\r\n1,2\r\n3,4\r\n",
        "a,b\r1,2\r3,4\r",
        "a,b\n\r1,2\n\r",
        "a,b\n1,\n,2\n,\n",
        "a,b\n1,2,\n",
        "a,b\n1\n",
        "a,b\n1,2\n3\n",
        "a,b\n1,2\n\"\"\n3,4\n",
        "a\n\"\"\n1\n\n",
        "a,b\r\n1,2\r\n\"\"\r\n3,4\r\n",
        "a,b\r1,2\r\"\"\r3,4\r\"\"",
        "a,b\n1,2\n\"\"\"\"\n\"\"x\n\"\" \n",
        "a\n1\n\n2\n",
        "a\n\n",
        "a,a\n1,2\n",
        " a , b \n1,2\n",
        "a,b\n\"1\",\"2.5\"\n",
        "a,b\n\"x,y\",1\n\"p\nq\",2\n",
        "a,b\n\"say \"\"hi\"\"\",1\n",
        "a,b\n\"q\"tail,1\n",
        "a,b\nx\"y,1\n\"z\"\"\n",
        "a,b\n\"unterminated,1\n2,3\n",
        "a,b\n1,\"2\"",
        "a,b\n1,\"2\"\"",
        "a,b\n1,\"\r\n\"\n",
        "a,b\n1,2\n3,x\n4,5\n",
        "a,b\n1.0,2\n-0,x\n1e3,1\n",
        "a,b\nNaN,1\ninf,2\nx,3\n",
        "a,b\nNan,1\n-Infinity,2\n1e400,3\n4,4\nx,5\n",
        "a,b\n1,2\n3,NaN\n1e400,4\n",
        "a,b\n1,\"2\"\n\"3,4\n5,6\n7,8\n",
        "a,b\n1,2\n3,\"4\r\n5,6\r\n",
        "a,b\n1,2\n\"",
        "a,\"b\n1,2\n",
        "a,b\n1,2\n3,\"x\"\"\n",
        "a,b\n 1,2\n1 ,3\n",
        "a,b\nNA,1\n,2\nNA,NA\n",
        "a,b\n9007199254740993,0.1\n0.30000000000000004,1e400\n",
        "a,b\n١,2\n",
        "a,b\nx,1\ny,2\nx,3\n",
    ];
    for case in cases {
        same(case);
    }
    // Bytes that are not UTF-8: in a number column, a text column, the header.
    assert_same(b"a,b\n1,2\n\xff,3\n", &CsvOptions::default());
    assert_same(b"a,b\nx,2\n\xff,3\n", &CsvOptions::default());
    assert_same(b"a,\xffb\n1,2\n", &CsvOptions::default());
    assert_same(b"a,b\n1,2\n\"\xff\",3\n", &CsvOptions::default());
    // A BOM in a later line is text, not skipped.
    same("a,b\n1,2\n\u{feff}3,4\n");
    same("a,b\n1,2\n\u{feff}\"3\",4\n");
}

#[test]
fn options_match_the_simple_reader() {
    let text = "id,w,region\n001,2.5,North\n002,NA,South\n003,,\n-9,-9,-9\n";
    let mut options = CsvOptions::default();
    assert_same(text.as_bytes(), &options);
    options.text_columns = HashSet::from(["id".to_string()]);
    assert_same(text.as_bytes(), &options);
    options.missing = vec!["-9".to_string()];
    assert_same(text.as_bytes(), &options);
    options.missing = vec![];
    assert_same(text.as_bytes(), &options);
    options.missing = vec!["x".repeat(70), String::new()];
    assert_same(
        format!("a,b\n1,{}\n2,3\n", "x".repeat(70)).as_bytes(),
        &options,
    );
}

const QUESTIONNAIRE: &str = r#"{
  "questions": [
    {"id": "q1", "kind": "single_choice",
     "options": [{"code": 1}, {"code": 2}, {"code": 9}],
     "missing_codes": [{"code": 9, "kind": "dont_know"}]},
    {"id": "age", "kind": "numeric", "range": [15, 99]},
    {"id": "q2", "kind": "multiple_response",
     "options": [{"code": 1}, {"code": 2}, {"code": 9}],
     "storage": {"type": "binary"}, "max_choices": 1, "exclusive": 9}
  ]
}"#;

/// A small random generator (splitmix64), so that the cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "-3",
    "4.5",
    "12.25",
    "1e2",
    "-0",
    "007",
    ".5",
    "5.",
    "NaN",
    "inf",
    " 3",
    "3 ",
    "1.0",
    "100",
    "9007199254740993",
    "0.1",
    "123456.789",
    "-17.03",
    "+4",
];
const TEXTS: &[&str] = &[
    "x",
    "North",
    "é",
    "a b",
    "1a",
    "-",
    "NA ",
    "..",
    "South",
    "Region North",
    "Region North-East",
    "Region North-West",
    "x\u{0}",
];
const ODD: &[&str] = &[
    "\"a,b\"",
    "\"line\nbreak\"",
    "\"cr\r\nlf\"",
    "\"say \"\"hi\"\"\"",
    "\"\"",
    "\"q\"tail",
    "a\"b",
    "\"\"\"\"",
    "\"7\"",
    "\",\n,\"",
];

/// One field of a column read in `mode`: 0 numbers, 1 numbers then (rarely) text,
/// 2 anything, 3 quoted numbers and text.
fn field(rng: &mut Rng, mode: usize) -> String {
    if rng.chance(12) {
        return rng.pick(&["", "NA", "-9"]).to_string();
    }
    let number = |rng: &mut Rng| -> String {
        match rng.below(3) {
            0 => rng.pick(NUMBERS).to_string(),
            1 => rng.below(1000).to_string(),
            _ => format!("{}.{:02}", rng.below(100), rng.below(100)),
        }
    };
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    match mode {
        0 => number(rng),
        1 if rng.chance(4) => rng.pick(TEXTS).to_string(),
        1 => number(rng),
        2 => match rng.below(4) {
            0 => number(rng),
            1 => rng.pick(TEXTS).to_string(),
            2 => rng.pick(ODD).to_string(),
            _ => quote(rng.pick(TEXTS)),
        },
        _ if rng.chance(50) => quote(&number(rng)),
        _ => quote(rng.pick(TEXTS)),
    }
}

/// A random CSV text and whether it carries a questionnaire's columns.
fn random_csv(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.chance(15) {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    if rng.chance(5) {
        out.extend_from_slice(b"\n\r\n");
    }
    let ends = ["\n", "\r\n", "\r"];
    let style = rng.below(4);
    let end = |rng: &mut Rng| -> &str {
        match style {
            3 => rng.pick(&ends),
            s if s < 2 => "\n",
            _ => "\r\n",
        }
    };
    let n_cols = 1 + rng.below(4);
    let mut names: Vec<String> = (0..n_cols).map(|j| format!("c{j}")).collect();
    if rng.chance(3) && n_cols > 1 {
        names[1] = "c0".to_string();
    }
    let header: Vec<String> = names
        .iter()
        .map(|n| {
            if rng.chance(20) {
                format!("\"{n}\"")
            } else {
                n.clone()
            }
        })
        .collect();
    out.extend_from_slice(header.join(",").as_bytes());
    out.extend_from_slice(end(rng).as_bytes());
    let modes: Vec<usize> = (0..n_cols).map(|_| rng.below(4)).collect();
    let n_rows = rng.below(40);
    for _ in 0..n_rows {
        let mut fields: Vec<String> = modes.iter().map(|&m| field(rng, m)).collect();
        if rng.chance(1) {
            fields.push("1".to_string());
        } else if rng.chance(1) {
            fields.pop();
        }
        if rng.chance(1) {
            out.extend_from_slice(b"\xff");
        }
        out.extend_from_slice(fields.join(",").as_bytes());
        out.extend_from_slice(end(rng).as_bytes());
        if rng.chance(4) {
            out.extend_from_slice(end(rng).as_bytes());
        }
        if rng.chance(2) {
            out.extend_from_slice(b"\"\"");
            out.extend_from_slice(end(rng).as_bytes());
        }
    }
    if rng.chance(30) {
        // No line end after the last record.
        while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            out.pop();
        }
    }
    out
}

#[test]
fn random_files_match_the_simple_reader() {
    let mut rng = Rng(20240601);
    let options = [
        CsvOptions::default(),
        CsvOptions {
            missing: vec!["NA".to_string(), "-9".to_string()],
            ..CsvOptions::default()
        },
        CsvOptions {
            text_columns: HashSet::from(["c1".to_string()]),
            ..CsvOptions::default()
        },
    ];
    let all = tunings();
    let mut outcomes = std::collections::BTreeMap::new();
    for case in 0..600 {
        let text = random_csv(&mut rng);
        let options = &options[case % options.len()];
        let outcome = match read_csv_reference_from_reader(&text[..], "t.csv", options) {
            Ok(ds)
                if ds
                    .names()
                    .iter()
                    .any(|n| matches!(ds.column(n), Ok(Column::Categorical(_)))) =>
            {
                "text".to_string()
            }
            Ok(_) => "numbers".to_string(),
            Err(e) => format!("{e:?}")
                .split([' ', '{'])
                .next()
                .unwrap_or("")
                .to_string(),
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
        // Three of the tunings per case, in turn.
        let some: Vec<CsvTuning> = (0..3)
            .map(|i| all[(case + i * 3) % all.len()].clone())
            .collect();
        assert_same_with(&text, options, &some);
    }
    // The cases cover successes of both kinds and each error.
    eprintln!("{outcomes:?}");
    for kind in ["text", "numbers", "RaggedRow", "Malformed", "HeaderOnly"] {
        assert!(
            outcomes.get(kind).copied().unwrap_or(0) >= 5,
            "{kind}: {outcomes:?}"
        );
    }
}

/// Columns of answer codes and ids, which the reader keeps as small integers until a
/// value is not one (a fraction, a negative number, `-0`, 65535 and beyond, `NaN`, text),
/// in any chunk: every value, row, code and level as the simple reader has them.
#[test]
fn small_integer_columns_match_the_simple_reader() {
    let mut rng = Rng(20261207);
    let odd = [
        "0.5", "-1", "-0", "65534", "65535", "70000", "NaN", "inf", "1e2", "x", "2.0",
    ];
    let all = tunings();
    let options = CsvOptions {
        missing: vec!["NA".to_string()],
        ..CsvOptions::default()
    };
    for case in 0..300 {
        let n_cols = 1 + rng.below(3);
        let n_rows = rng.below(120);
        // Per column: how often (per thousand) a value is not a small integer.
        let rates: Vec<usize> = (0..n_cols).map(|_| [0, 0, 5, 20][rng.below(4)]).collect();
        let mut text = (0..n_cols)
            .map(|j| format!("c{j}"))
            .collect::<Vec<_>>()
            .join(",");
        text.push('\n');
        for _ in 0..n_rows {
            let fields: Vec<String> = rates
                .iter()
                .map(|&rate| {
                    if rng.below(1000) < rate {
                        rng.pick(&odd).to_string()
                    } else if rng.chance(8) {
                        rng.pick(&["", "NA"]).to_string()
                    } else {
                        let top = [6, 3, 40_000][rng.below(3)];
                        rng.below(top).to_string()
                    }
                })
                .collect();
            text.push_str(&fields.join(","));
            text.push('\n');
        }
        let some: Vec<CsvTuning> = (0..3)
            .map(|i| all[(case + i * 3) % all.len()].clone())
            .collect();
        assert_same_with(text.as_bytes(), &options, &some);
    }
}

/// Rows for the questionnaire's columns `w,q1,age,q2_1,q2_2,q2_9`, now and then invalid.
fn questionnaire_csv(rng: &mut Rng, rows: usize, bad_percent: usize) -> String {
    let mut out = String::from("w,q1,age,q2_1,q2_2,q2_9\n");
    for _ in 0..rows {
        let bad = rng.chance(bad_percent);
        let w = format!("{}.{}", 1 + rng.below(3), rng.below(10));
        let q1 = if bad && rng.chance(30) {
            rng.pick(&["4", "x", "1.5", "NaN", "\"2\""]).to_string()
        } else {
            rng.pick(&["1", "2", "9", "", "NA"]).to_string()
        };
        let age = if bad && rng.chance(30) {
            rng.pick(&["130", "thirty", "14", "-1", "\"\u{200b}\""])
                .to_string()
        } else if rng.chance(10) {
            String::new()
        } else {
            (15 + rng.below(85)).to_string()
        };
        let mut q2 = ["0", "0", "0"];
        if bad && rng.chance(30) {
            q2 = [rng.pick(&["1", "2"]), "1", rng.pick(&["0", "1"])];
        } else {
            q2[rng.below(3)] = "1";
        }
        let _ = writeln!(out, "{w},{q1},{age},{}", q2.join(","));
    }
    out
}

#[test]
fn questionnaire_errors_name_the_first_bad_row() {
    let q = Questionnaire::from_json(QUESTIONNAIRE).expect("questionnaire");
    let options = CsvOptions {
        questionnaire: Some(&q),
        ..CsvOptions::default()
    };
    let mut rng = Rng(7);
    let mut errors = 0;
    for case in 0..120 {
        let text = questionnaire_csv(&mut rng, 1 + case % 60, [0, 1, 3, 10][case % 4]);
        errors +=
            read_csv_reference_from_reader(text.as_bytes(), "t.csv", &options).is_err() as usize;
        assert_same(text.as_bytes(), &options);
    }
    assert!(errors > 20, "too few invalid cases ({errors})");
}

/// A larger file: numbers in every column but one of quoted text, a column that turns to
/// text late, CRLF line ends; read with blocks of a few kilobytes on several threads.
#[test]
fn a_larger_file_matches_the_simple_reader() {
    let mut rng = Rng(99);
    let mut text = String::from("\u{feff}id,region,weight,score,late,q_num\r\n");
    let n = 20_000;
    for i in 0..n {
        let late = if i == 15_000 {
            "text".to_string()
        } else {
            rng.below(5).to_string()
        };
        let q_num = if rng.chance(8) {
            String::new()
        } else {
            format!("{:.2}", rng.below(10_000) as f64 / 7.0)
        };
        let region = ["\"North\"", "\"South, coast\"", "\"East\nside\"", "West"][rng.below(4)];
        let _ = write!(
            text,
            "{i},{region},{}.{:04},{},{late},{q_num}\r\n",
            900 + rng.below(600),
            rng.below(10_000),
            1 + rng.below(5),
        );
    }
    let options = CsvOptions::default();
    let want = describe(read_csv_reference_from_reader(
        text.as_bytes(),
        "t.csv",
        &options,
    ));
    assert!(
        want.contains("\"late\" categorical"),
        "the late column turns to text"
    );
    for (block_bytes, min_chunk_bytes, threads) in [
        (4096, 256, 2),
        (10_000, 700, 3),
        (1 << 16, 1 << 12, 4),
        (333, 1, 2),
    ] {
        let tuning = CsvTuning {
            block_bytes,
            min_chunk_bytes,
            threads,
        };
        let got = describe(read_csv_from_reader_tuned(
            text.as_bytes(),
            "t.csv",
            &options,
            &tuning,
        ));
        assert!(got == want, "{tuning:?} differs");
    }
    // Without quotes, every chunk takes the one-pass route.
    let plain = text
        .replace(['"', '\n'], "")
        .replace('\r', "\n")
        .replace("South, coast", "South");
    let plain = plain.replace("Eastside", "East");
    let want = describe(read_csv_reference_from_reader(
        plain.as_bytes(),
        "t.csv",
        &options,
    ));
    let tuning = CsvTuning {
        block_bytes: 5000,
        min_chunk_bytes: 300,
        threads: 3,
    };
    let got = describe(read_csv_from_reader_tuned(
        plain.as_bytes(),
        "t.csv",
        &options,
        &tuning,
    ));
    assert!(got == want, "plain text differs");
}

/// Reading a file sizes the columns from its length: rows longer at the start than later
/// make the first guess too small, and the columns grow.
#[test]
fn file_reading_matches_and_grows_columns() {
    let dir = std::env::temp_dir().join(format!("survey-stats-csv-par-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("grow.csv");
    let mut text = String::from("a,b,c\n");
    for i in 0..3000 {
        if i < 50 {
            let _ = writeln!(text, "{i}.000000000001,{},x{}", i * 1000, i % 7);
        } else {
            let _ = writeln!(text, "{},{},x{}", i % 10, i % 3, i % 7);
        }
    }
    std::fs::write(&path, &text).expect("write");
    let options = CsvOptions::default();
    let want = describe(read_csv_reference_from_reader(
        text.as_bytes(),
        "t.csv",
        &options,
    ));
    let got = describe(read_csv(&path, &options));
    assert_eq!(got, want);
    for tuning in tunings() {
        let got = describe(read_csv_tuned(&path, &options, &tuning));
        assert!(got == want, "{tuning:?} differs");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
