//! Large files are parsed in parallel blocks; the result must be exactly the sequential
//! reader's, and anything unusual must fall back to it.

use survey_stats::data::{CsvOptions, DataError, Dataset, read_csv, read_csv_from_reader};

/// A file of about 6 MB: numbers, missing values, a text column, ids, with `eol` line ends.
fn big_file(eol: &str, extra: impl Fn(usize) -> Option<String>) -> String {
    let mut s = format!("\u{feff}id,region,w,score,note{eol}");
    for i in 0..250_000usize {
        let score = if i % 13 == 0 {
            String::new()
        } else {
            format!("{}.{}", i % 97, i % 7)
        };
        let region = ["Almaty", "Karaganda", "ШҚО"][i % 3];
        let note = extra(i).unwrap_or_else(|| {
            if i % 5 == 0 {
                "NA".into()
            } else {
                format!("n{}", i % 11)
            }
        });
        s.push_str(&format!(
            "{i},{region},{}.25,{score},{note}{eol}",
            1 + i % 4
        ));
    }
    s
}

fn both(text: &str, name: &str) -> (Result<Dataset, DataError>, Result<Dataset, DataError>) {
    let path = std::env::temp_dir().join(format!(
        "survey-stats-csv-{}-{name}.csv",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    let fast = read_csv(&path, &CsvOptions::default());
    let slow = read_csv_from_reader(
        text.as_bytes(),
        &path.display().to_string(),
        &CsvOptions::default(),
    );
    std::fs::remove_file(&path).unwrap();
    (fast, slow)
}

fn assert_same(a: &Dataset, b: &Dataset) {
    assert_eq!(a.names(), b.names());
    assert_eq!(a.n_rows(), b.n_rows());
    for n in a.names() {
        assert_eq!(a.column(n).unwrap(), b.column(n).unwrap(), "column {n}");
    }
}

#[test]
fn parallel_blocks_equal_the_sequential_reader() {
    for (eol, name) in [("\n", "lf"), ("\r\n", "crlf")] {
        let text = big_file(eol, |_| None);
        assert!(text.len() > 4 << 20, "large enough for the parallel path");
        let (fast, slow) = both(&text, name);
        let (fast, slow) = (fast.unwrap(), slow.unwrap());
        assert_same(&fast, &slow);
        assert_eq!(fast.n_rows(), 250_000);
    }
}

#[test]
fn unusual_files_fall_back_to_the_sequential_reader() {
    // A quoted field with a comma, a number turning into text late, a ragged row far down:
    // each gives the sequential reader's result or error.
    let quoted = big_file("\n", |i| (i == 200_000).then(|| "\"a, b\"".to_string()));
    let (fast, slow) = both(&quoted, "quoted");
    assert_same(&fast.unwrap(), &slow.unwrap());
    let late_text = big_file("\n", |i| {
        Some(if i == 240_000 {
            "text".into()
        } else {
            format!("{i}")
        })
    });
    let (fast, slow) = both(&late_text, "late");
    assert_same(&fast.unwrap(), &slow.unwrap());
    let mut ragged = big_file("\n", |_| None);
    ragged.push_str("1,2,3\n");
    match both(&ragged, "ragged") {
        (Err(DataError::RaggedRow { row: a, .. }), Err(DataError::RaggedRow { row: b, .. })) => {
            assert_eq!(a, b);
            assert_eq!(a, 250_002);
        }
        other => panic!("expected ragged rows, got {other:?}"),
    }
}
