//! The shipped criteria files: every criterion of CRITERIA.md present, valid, round-tripping,
//! with English and Japanese feedback; broken files give errors with line numbers.

use ugoki::criteria::{parse, shipped, shipped_texts, to_toml};
use ugoki::movement::Movement;

const IDS: [(Movement, &[&str]); 4] = [
    (
        Movement::Hinge,
        &["H1", "H2", "H3", "H4", "H5", "H6", "H-SM"],
    ),
    (Movement::Sts, &["S1", "S2", "S3", "S4", "S-F1", "S-SM"]),
    (
        Movement::Gait,
        &["G-F1", "G-F2", "G-F3", "G1", "G2", "G3", "G4", "G5"],
    ),
    (Movement::Rotation, &["R1", "R2", "R3", "R-SM"]),
];

#[test]
fn every_criterion_is_shipped_with_both_languages_and_sources() {
    for (movement, ids) in IDS {
        let file = shipped(movement);
        let got: Vec<&str> = file.criterion.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(got, ids.to_vec(), "{movement:?}");
        let japanese =
            |text: Option<&String>| text.is_some_and(|t| t.chars().any(|ch| ch > '\u{3000}'));
        for c in &file.criterion {
            assert!(
                !c.feedback.en.is_empty() && c.feedback.en.is_ascii(),
                "{}",
                c.id
            );
            assert!(japanese(Some(&c.feedback.ja)), "{}: no Japanese", c.id);
            assert!(japanese(c.name_ja.as_ref()), "{}: no Japanese name", c.id);
            assert!(
                c.assessable || japanese(c.never_reason_ja.as_ref()),
                "{}: no Japanese reason why no video can assess it",
                c.id
            );
            for band in c.pass.iter().chain(c.warn.iter()) {
                assert!(!band.source.is_empty(), "{}", c.id);
            }
        }
    }
    let g3 = shipped(Movement::Gait)
        .criterion
        .into_iter()
        .find(|c| c.id == "G3")
        .unwrap();
    assert!(!g3.assessable && g3.pass.is_none() && g3.never_reason.is_some());
}

#[test]
fn shipped_files_round_trip_through_toml() {
    for (movement, name, _) in shipped_texts() {
        let file = shipped(movement);
        let text = to_toml(&file);
        assert_eq!(parse(&text, name).unwrap(), file, "{name}");
    }
}

fn error_line(text: &str) -> (usize, String) {
    let e = parse(text, "test.toml").unwrap_err();
    (e.line, e.to_string())
}

#[test]
fn errors_name_the_line() {
    let (_, _, hinge) = shipped_texts().next().unwrap();
    let line_of = |needle: &str| hinge.lines().position(|l| l.contains(needle)).unwrap() + 1;

    // A syntax error: an unterminated string.
    let broken = hinge.replacen(
        "name = \"Slow repetitions\"",
        "name = \"Slow repetitions",
        1,
    );
    let (line, msg) = error_line(&broken);
    assert_eq!(line, line_of("name = \"Slow repetitions\""), "{msg}");
    assert!(msg.starts_with(&format!("test.toml:{line}: ")), "{msg}");

    // A semantic error: a warn band inside the pass band, reported at its [[criterion]].
    let broken = hinge.replacen("warn = { min = 1.2,", "warn = { min = 2.5,", 1);
    let (line, msg) = error_line(&broken);
    let h5 = line_of("id = \"H5\"") - 1;
    assert!((h5..=h5 + 1).contains(&line), "{line} vs {h5}: {msg}");
    assert!(
        msg.contains("warn band must contain the pass band"),
        "{msg}"
    );

    // An unknown quantity and a unit that does not match.
    let (_, msg) =
        error_line(&hinge.replacen("quantity = \"rep_duration\"", "quantity = \"bounce\"", 1));
    assert!(
        msg.contains("quantity 'bounce' is not measured for hinge"),
        "{msg}"
    );
    let (_, msg) = error_line(&hinge.replacen("unit = \"s\"", "unit = \"min\"", 1));
    assert!(msg.contains("measured in s, not min"), "{msg}");

    // An unknown field.
    let broken = hinge.replacen("views = [\"side\"]", "views = [\"side\"]\ncolour = 3", 1);
    let (line, msg) = error_line(&broken);
    assert!(msg.contains("colour"), "{msg}");
    assert!(line > 1, "{msg}");

    // A missing Japanese text.
    let broken = hinge.replacen(
        "feedback.ja = \"曲げる前に",
        "feedback.jp = \"曲げる前に",
        1,
    );
    assert!(parse(&broken, "t").is_err());
}
