//! Item statistics of a module's questions from the database's counts: facility index,
//! discrimination index (upper minus lower 27%) and how often each option was chosen, in the
//! module's question order. Which attempts count is the caller's choice
//! (`db::item_stats::Population`).

use crate::model::quiz::{OptionShare, QuestionStat};
use crate::ssr::content::Module;
use crate::ssr::db::item_stats::{self, ChoiceCount, ItemCounts, Population};
use crate::ssr::files::{Column, ExportError, Format, TableWriter};
use crate::ssr::time::wib;
use std::collections::HashMap;

const COLUMNS: &[Column] = &[
    Column::text("Kode soal", 24.0),
    Column::text("Soal", 60.0),
    Column::int("Dijawab", 10.0),
    Column::int("Benar", 10.0),
    Column::decimal("Indeks kesukaran (% benar)", 14.0),
    Column::decimal("Daya beda (atas - bawah 27%)", 14.0),
    Column::bool("Perlu ditinjau", 10.0),
    Column::text("Sebaran pilihan", 60.0),
    Column::text("Dasar hukum", 40.0),
];

/// "a 40% (kunci); b 35%; c 25%".
fn spread(q: &QuestionStat) -> String {
    q.options
        .iter()
        .map(|o| {
            format!(
                "{} {:.0}%{}",
                o.key,
                q.option_share(o),
                if o.correct { " (kunci)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The statistics as an XLSX or CSV table, a row per question in the given order.
pub fn table(stats: Vec<QuestionStat>, format: Format) -> Result<Vec<u8>, ExportError> {
    let mut table = TableWriter::new(format, "Statistik soal", COLUMNS, wib())?;
    for q in stats {
        let facility = (q.answered > 0).then(|| q.share_correct());
        table.push_row(&[
            q.id.clone().into(),
            q.stem.clone().into(),
            q.answered.into(),
            q.correct.into(),
            facility.into(),
            q.discrimination.into(),
            q.needs_review().into(),
            spread(&q).into(),
            q.basis.clone().into(),
        ])?;
    }
    table.finish()
}

/// Share right in a group, when the group answered at all.
fn share((answered, right): (u64, u64)) -> Option<f64> {
    (answered > 0).then(|| right as f64 / answered as f64)
}

/// Every question of `module` with its figures (zeros for questions nobody answered).
pub fn combine(
    module: &Module,
    counts: &[ItemCounts],
    choices: &[ChoiceCount],
) -> Vec<QuestionStat> {
    let counts: HashMap<&str, &ItemCounts> =
        counts.iter().map(|c| (c.question_id.as_str(), c)).collect();
    let mut chosen: HashMap<(&str, String), u64> = HashMap::new();
    for c in choices {
        // A stored choice is a JSON array of option keys; an unreadable one counts for none.
        let keys: Vec<String> = serde_json::from_str(&c.chosen).unwrap_or_default();
        for key in keys {
            *chosen.entry((c.question_id.as_str(), key)).or_default() += c.count;
        }
    }
    module
        .questions
        .iter()
        .map(|q| {
            let c = counts.get(q.id.as_str());
            let discrimination = c.and_then(|c| Some(share(c.upper)? - share(c.lower)?));
            QuestionStat {
                id: q.id.clone(),
                stem: q.stem.clone(),
                answered: c.map_or(0, |c| c.answered),
                correct: c.map_or(0, |c| c.correct),
                discrimination,
                options: q
                    .options
                    .iter()
                    .map(|o| OptionShare {
                        key: o.key.clone(),
                        text: o.text.clone(),
                        correct: o.correct,
                        chosen: chosen
                            .get(&(q.id.as_str(), o.key.clone()))
                            .copied()
                            .unwrap_or(0),
                    })
                    .collect(),
                basis: q
                    .legal_basis
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect()
}

/// The statistics of `module`'s questions over the attempts of `population`, hardest first.
pub(crate) async fn hardest_first_over(
    db: &impl sea_orm::ConnectionTrait,
    module: &Module,
    population: &Population<'_>,
) -> Result<Vec<QuestionStat>, sea_orm::DbErr> {
    let counts = item_stats::item_counts(db, population).await?;
    let choices = item_stats::choice_counts(db, population).await?;
    let mut stats = combine(module, &counts, &choices);
    hardest_first(&mut stats);
    Ok(stats)
}

/// Hardest first; questions nobody has answered yet go last.
pub fn hardest_first(stats: &mut [QuestionStat]) {
    stats.sort_by(|x, y| {
        (x.answered == 0, x.share_correct())
            .partial_cmp(&(y.answered == 0, y.share_correct()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::quiz::QuestionKind;
    use crate::ssr::content::{AnswerOption, Question};

    fn question(id: &str) -> Question {
        let options = ["a", "b", "c"]
            .iter()
            .map(|k| AnswerOption {
                key: (*k).into(),
                text: format!("Pilihan {k}"),
                correct: *k == "a",
            })
            .collect();
        Question::for_tests(id, QuestionKind::Single, &format!("Soal {id}?"), options)
    }

    /// Ten attempts answered q1 and q2. Top 27% (3 attempts): q1 right 3 of 3, q2 right 1 of 3.
    /// Bottom 27% (3 attempts): q1 right 0 of 3, q2 right 2 of 3. So by hand: q1 facility 5/10,
    /// discrimination 1 - 0 = 1.00; q2 facility 4/10, discrimination 1/3 - 2/3 = -0.33 (a
    /// question the best learners get wrong: flagged for review). q3 was never drawn.
    #[test]
    fn facility_discrimination_and_options_match_the_hand_computed_fixture() {
        let module = Module::for_tests(vec![question("q1"), question("q2"), question("q3")]);
        let counts = vec![
            ItemCounts {
                question_id: "q1".into(),
                answered: 10,
                correct: 5,
                upper: (3, 3),
                lower: (3, 0),
            },
            ItemCounts {
                question_id: "q2".into(),
                answered: 10,
                correct: 4,
                upper: (3, 1),
                lower: (3, 2),
            },
        ];
        let choice = |q: &str, chosen: &str, count| ChoiceCount {
            question_id: q.into(),
            chosen: chosen.into(),
            count,
        };
        let choices = vec![
            choice("q1", r#"["a"]"#, 5),
            choice("q1", r#"["b"]"#, 3),
            choice("q1", r#"[]"#, 2),
            choice("q2", r#"["a"]"#, 4),
            choice("q2", r#"["c"]"#, 6),
            choice("q2", "not json", 1),
        ];
        let stats = combine(&module, &counts, &choices);
        assert_eq!(stats.len(), 3);
        let (q1, q2, q3) = (&stats[0], &stats[1], &stats[2]);
        assert_eq!((q1.answered, q1.correct), (10, 5));
        assert!((q1.share_correct() - 50.0).abs() < 1e-9);
        assert_eq!(q1.discrimination, Some(1.0));
        assert!(!q1.needs_review());
        let chosen: Vec<u64> = q1.options.iter().map(|o| o.chosen).collect();
        assert_eq!(chosen, vec![5, 3, 0], "blank answers choose no option");
        assert!((q1.option_share(&q1.options[1]) - 30.0).abs() < 1e-9);
        let d2 = q2.discrimination.expect("both groups answered");
        assert!((d2 + 1.0 / 3.0).abs() < 1e-9, "{d2}");
        assert!(q2.needs_review());
        assert_eq!(q2.options[2].chosen, 6);
        assert_eq!((q3.answered, q3.discrimination), (0, None));
        assert!(!q3.needs_review());

        let mut sorted = stats.clone();
        hardest_first(&mut sorted);
        let order: Vec<&str> = sorted.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(
            order,
            vec!["q2", "q1", "q3"],
            "hardest first, unanswered last"
        );
    }

    #[test]
    fn a_group_that_never_answered_gives_no_discrimination() {
        let module = Module::for_tests(vec![question("q1")]);
        let counts = vec![ItemCounts {
            question_id: "q1".into(),
            answered: 2,
            correct: 1,
            upper: (1, 1),
            lower: (0, 0),
        }];
        assert_eq!(combine(&module, &counts, &[])[0].discrimination, None);
    }
}
