//! Reads the bundled test sample into plain vectors, as another program would hand them
//! over (the tasks never see the CSV).

use super::tasks::Answers;

/// The sample of `tests/data/library_face.csv` (made by `tests/data/library_face_R.R`).
pub fn answers() -> Answers {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/library_face.csv");
    let mut reader = csv::Reader::from_path(path).expect("the bundled sample");
    let header = reader.headers().expect("a header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (region, psu, w, sex, q1, income) = (
        at("region"),
        at("psu"),
        at("w"),
        at("sex"),
        at("q1"),
        at("income"),
    );
    let options: Vec<usize> = (1..=5).map(|j| at(&format!("q5_{j}"))).collect();
    let mut a = Answers {
        region: vec![],
        psu: vec![],
        weight: vec![],
        sex: vec![],
        q1: vec![],
        q5: vec![],
        income: vec![],
    };
    for record in reader.records() {
        let r = record.expect("a record");
        let num = |i: usize| r[i].parse::<f64>().expect("a number");
        a.region.push(num(region) as u8);
        a.psu.push(num(psu) as u16);
        a.weight.push(num(w));
        a.sex.push(num(sex) as u8);
        a.q1.push(num(q1) as u8);
        a.income.push(num(income));
        a.q5.push(
            (1..=5u8)
                .zip(&options)
                .filter(|&(_, &i)| num(i) == 1.0)
                .map(|(code, _)| code)
                .collect(),
        );
    }
    a
}
