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

/// The reader keeps columns of small integers (answer codes, 0/1 choices, ids) as 16-bit
/// numbers and makes their values only when asked. Estimates that read them that way
/// (factors and domains, means with excluded codes, multiple-response choices, the PSUs
/// and strata of a design, rows grouped by PSU) agree with the same data held as numbers,
/// and so does the error for a choice that is not 0 or 1.
#[test]
fn columns_kept_as_small_integers_estimate_as_numbers() {
    use survey_stats::data::{Column, NumericColumn};
    use survey_stats::design::{Design, DesignOptions};
    use survey_stats::estimate::{
        CategorySelection, Domains, EstimateOptions, MultipleBase, mean, multiple_response,
        proportion,
    };
    let mut text = String::from("w,region,psu,q,m1,m2,m3,local,fpc\n");
    for i in 0..3000u64 {
        let h = i.wrapping_mul(2654435761) % 1000;
        let missing = |k: u64| (h + k).is_multiple_of(13);
        let choice = |k: u64| {
            if missing(k) {
                String::new()
            } else {
                ((h >> k) & 1).to_string()
            }
        };
        let q = if missing(0) {
            String::new()
        } else {
            [1, 2, 3, 4, 5, 9][(h % 6) as usize].to_string()
        };
        // `local`: PSU ids that repeat across regions (nest); `fpc`: a size per region.
        text += &format!(
            "{}.{},{},{},{q},{},{},{},{},{}\n",
            1 + h % 7,
            h % 10,
            1 + i % 3,
            (i % 3) * 1000 + i % 40,
            choice(1),
            choice(2),
            choice(3),
            i % 40,
            5000 + i % 3,
        );
    }
    // The same columns, as numbers.
    let as_numbers = |small: &Dataset| {
        Dataset::from_columns(
            small
                .names()
                .iter()
                .map(|name| {
                    let Ok(Column::Numeric(c)) = small.column(name) else {
                        panic!("{name} is numeric");
                    };
                    let values = (0..c.len()).map(|i| c.get(i)).collect();
                    let c = NumericColumn::from_options(values);
                    (name.to_string(), Column::Numeric(c))
                })
                .collect(),
        )
        .expect("the same columns")
    };
    let small = read_csv_from_reader(text.as_bytes(), "t.csv", &CsvOptions::default())
        .expect("the file reads");
    let numbers = as_numbers(&small);
    let plain = DesignOptions {
        weights: Some("w".into()),
        strata: Some("region".into()),
        clusters: vec!["psu".into()],
        ..DesignOptions::default()
    };
    let nested = DesignOptions {
        clusters: vec!["local".into()],
        nest: true,
        fpc: vec!["fpc".into()],
        ..plain.clone()
    };
    let exclude = EstimateOptions {
        exclude: vec!["9".into()],
        ..EstimateOptions::default()
    };
    let choices = ["m1".to_string(), "m2".to_string(), "m3".to_string()];
    let results = |data: &mut Dataset, options: &DesignOptions, grouped: bool| -> String {
        let design = if grouped {
            Design::new_grouped(data, options)
        } else {
            Design::new(data, options)
        }
        .expect("a design");
        let data = &*data;
        let by = Domains::by(data, &["region"]).expect("domains");
        let mut out = format!("{:?}\n", mean(data, &design, "q", &by, &exclude));
        out += &format!(
            "{:?}\n",
            proportion(
                data,
                &design,
                "q",
                &CategorySelection::All,
                &Domains::whole(),
                &EstimateOptions::default()
            )
        );
        let net = CategorySelection::Net {
            categories: vec!["1".into(), "2".into()],
            label: "top two".into(),
        };
        out += &format!(
            "{:?}\n",
            proportion(data, &design, "q", &net, &by, &exclude)
        );
        for base in [
            MultipleBase::Cases,
            MultipleBase::All,
            MultipleBase::Responses,
        ] {
            let r = multiple_response(
                data,
                &design,
                &choices,
                base,
                &by,
                &EstimateOptions::default(),
            );
            out += &format!("{r:?}\n");
        }
        out
    };
    for (options, grouped) in [(&plain, false), (&plain, true), (&nested, false)] {
        let want = results(&mut numbers.clone(), options, grouped);
        assert!(want.contains("estimate: Some("), "{want}");
        assert_eq!(
            results(&mut small.clone(), options, grouped),
            want,
            "{options:?}, grouped: {grouped}"
        );
    }
    // A design's errors name the same row and values either way: a missing stratum or
    // PSU id, a PSU in two strata.
    let lines: Vec<&str> = text.lines().collect();
    let edited = |row: usize, column: usize, value: &str| -> String {
        let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut fields: Vec<&str> = lines[row].split(',').collect();
        fields[column] = value;
        lines[row] = fields.join(",");
        lines.join("\n")
    };
    for (text, what, says) in [
        (
            edited(1500, 1, ""),
            "missing stratum",
            "\"region\", data row 1500",
        ),
        (edited(2000, 2, ""), "missing PSU", "\"psu\", data row 2000"),
        (
            edited(2500, 1, "3"),
            "a PSU in two strata",
            "cluster \"19\" of column \"psu\" appears in strata \"1\" and \"3\"",
        ),
    ] {
        let small = read_csv_from_reader(text.as_bytes(), "t.csv", &CsvOptions::default())
            .expect("the file reads");
        let numbers = as_numbers(&small);
        let error = |data: &Dataset| Design::new(data, &plain).expect_err(what).to_string();
        let said = error(&small);
        assert!(said.contains(says), "{what}: {said}");
        assert_eq!(said, error(&numbers), "{what}");
    }
    // A choice that is not 0 or 1 is the same error either way.
    let odd = {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let last = lines.len() - 1;
        let mut fields: Vec<&str> = lines[last].split(',').collect();
        fields[5] = "7";
        lines[last] = fields.join(",");
        lines.join("\n")
    };
    let small = read_csv_from_reader(odd.as_bytes(), "t.csv", &CsvOptions::default())
        .expect("the file reads");
    let Ok(Column::Numeric(m2)) = small.column("m2") else {
        panic!("m2 is numeric");
    };
    let numbers = Dataset::from_columns(vec![
        (
            "m2".to_string(),
            Column::Numeric(NumericColumn::from_options(
                (0..m2.len()).map(|i| m2.get(i)).collect(),
            )),
        ),
        ("m1".to_string(), small.column("m1").expect("m1").clone()),
    ])
    .expect("two columns");
    let error = |data: &Dataset| {
        let design = Design::new(data, &DesignOptions::default()).expect("a design");
        let cols = ["m1".to_string(), "m2".to_string()];
        multiple_response(
            data,
            &design,
            &cols,
            MultipleBase::All,
            &Domains::whole(),
            &EstimateOptions::default(),
        )
        .expect_err("7 is not a choice")
        .to_string()
    };
    let want = error(&numbers);
    assert!(
        want.contains("column \"m2\"") && want.contains("row 3000"),
        "{want}"
    );
    assert_eq!(error(&small), want);
}
