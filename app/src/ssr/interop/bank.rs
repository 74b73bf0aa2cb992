//! The bank model both formats share: one question as a Netra `questions.toml` table, the
//! per-question report, and reading or writing a whole bank.

use super::text::html_to_text;
use super::{gift, moodle_xml};
use crate::model::catalog::LegalBasis;
use crate::model::quiz::QuestionKind;
use crate::ssr::content::{Module, Question};
use std::collections::HashSet;
use std::fmt;

/// The prefix of a general-feedback line that carries one legal basis, so it survives a trip
/// through Moodle: `Dasar hukum: <regulation> — <article>`.
pub const BASIS_PREFIX: &str = "Dasar hukum:";
pub(super) const BASIS_SEPARATOR: &str = " — ";
/// The tag (Moodle XML) or meta comment (GIFT) that marks a scenario question.
pub const SCENARIO_TAG: &str = "skenario";
/// The tag prefix naming a catalogue entry a question practises.
pub const VIOLATION_TAG: &str = "pelanggaran:";

/// One question in Netra's bank format, as imported or about to be exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankQuestion {
    pub id: String,
    pub kind: QuestionKind,
    pub topic: Option<String>,
    pub scenario: bool,
    pub stem: String,
    /// For single and multiple choice; empty for true/false.
    pub options: Vec<BankOption>,
    /// For true/false only.
    pub answer: Option<bool>,
    pub explanation: String,
    pub legal_basis: Vec<LegalBasis>,
    pub violations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankOption {
    pub key: String,
    pub text: String,
    pub correct: bool,
}

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gift,
    MoodleXml,
}

impl Format {
    /// Guesses from the file name, then from the content (`<?xml` or `<quiz`).
    pub fn detect(file_name: &str, text: &str) -> Format {
        let lower = file_name.to_ascii_lowercase();
        let head = text.trim_start_matches('\u{feff}').trim_start();
        if lower.ends_with(".xml") || head.starts_with("<?xml") || head.starts_with("<quiz") {
            Format::MoodleXml
        } else {
            Format::Gift
        }
    }
}

/// Where a question came from: a line (GIFT) or a position among the questions (XML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Line(usize),
    Position(usize),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "baris {n}"),
            Place::Position(n) => write!(f, "soal ke-{n}"),
        }
    }
}

/// What happened to one question of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Imported { id: String, warnings: Vec<String> },
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    pub place: Place,
    /// The question's name in the source, or the start of its text.
    pub name: String,
    pub outcome: Outcome,
}

impl fmt::Display for ReportLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Imported { id, warnings } if warnings.is_empty() => {
                write!(f, "{}: diimpor `{id}` ({})", self.place, self.name)
            }
            Outcome::Imported { id, warnings } => {
                write!(
                    f,
                    "{}: diimpor `{id}` ({}) dengan peringatan: {}",
                    self.place,
                    self.name,
                    warnings.join("; ")
                )
            }
            Outcome::Skipped { reason } => {
                write!(f, "{}: dilewati ({}): {reason}", self.place, self.name)
            }
        }
    }
}

/// The result of reading a file: the questions Netra can use and a line for every question seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Import {
    pub questions: Vec<BankQuestion>,
    pub report: Vec<ReportLine>,
}

impl Import {
    pub fn skipped(&self) -> usize {
        self.report
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Skipped { .. }))
            .count()
    }
}

/// Malformed input: the file cannot be read as the format at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("baris {line}, kolom {column}: {message}")]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Questions one bank may hold: far more than any module needs (the shipped ones hold about
/// 50), few enough that a bank is converted in well under a second.
pub const MAX_QUESTIONS: usize = 5_000;

/// Reads `text` in the given format. A bank over [`MAX_QUESTIONS`] is refused whole; the readers
/// stop at the first question over the limit, so a huge file costs no more than a full bank.
pub fn import(format: Format, text: &str) -> Result<Import, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Gift => gift::parse(text),
        Format::MoodleXml => moodle_xml::parse(text),
    }
}

impl Import {
    /// Called by a reader before it reads another question: refuses the bank when it already
    /// holds [`MAX_QUESTIONS`].
    pub(crate) fn make_room(&self) -> Result<(), SyntaxError> {
        if self.report.len() < MAX_QUESTIONS {
            return Ok(());
        }
        Err(SyntaxError {
            line: 1,
            column: 1,
            message: format!(
                "berkas berisi lebih dari {MAX_QUESTIONS} soal; satu bank paling banyak \
                 {MAX_QUESTIONS} soal. Pisahkan per modul atau per topik lalu unggah satu per satu."
            ),
        })
    }
}

impl BankQuestion {
    /// The question as the loaded content holds it.
    pub fn from_content(q: &Question) -> Self {
        let tf = q.kind == QuestionKind::TrueFalse;
        BankQuestion {
            id: q.id.clone(),
            kind: q.kind,
            topic: q.topic.clone(),
            scenario: q.scenario,
            stem: q.stem.clone(),
            options: if tf {
                vec![]
            } else {
                q.options
                    .iter()
                    .map(|o| BankOption {
                        key: o.key.clone(),
                        text: o.text.clone(),
                        correct: o.correct,
                    })
                    .collect()
            },
            answer: tf.then(|| q.options.iter().any(|o| o.key == "benar" && o.correct)),
            explanation: q.explanation.clone(),
            legal_basis: q.legal_basis.clone(),
            violations: q.violations.clone(),
        }
    }

    /// Explanation followed by one `Dasar hukum:` line per legal basis: the general feedback
    /// that carries the legal basis into Moodle and back.
    pub fn general_feedback(&self) -> String {
        let mut out = self.explanation.clone();
        for b in &self.legal_basis {
            out.push_str("\n\n");
            out.push_str(BASIS_PREFIX);
            out.push(' ');
            out.push_str(&b.regulation);
            if !b.article.is_empty() {
                out.push_str(BASIS_SEPARATOR);
                out.push_str(&b.article);
            }
        }
        out
    }

    /// Tags carried through Moodle: scenario and catalogue entries.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self
            .scenario
            .then(|| SCENARIO_TAG.to_string())
            .into_iter()
            .collect();
        tags.extend(
            self.violations
                .iter()
                .map(|v| format!("{VIOLATION_TAG}{v}")),
        );
        tags
    }
}

/// Pairs each question with the category path to declare before it: `Some` whenever its topic
/// differs from the previous question's (topics become sub-categories of `root`).
pub(crate) fn with_categories<'a>(
    questions: &'a [BankQuestion],
    root: &'a str,
) -> impl Iterator<Item = (Option<String>, &'a BankQuestion)> {
    let mut last: Option<Option<&str>> = None;
    questions.iter().map(move |q| {
        let topic = q.topic.as_deref();
        let change = (last != Some(topic)).then(|| match topic {
            Some(t) => format!("{root}/{t}"),
            None => root.to_string(),
        });
        last = Some(topic);
        (change, q)
    })
}

/// Splits general feedback into the explanation and the legal bases it carries.
pub fn split_feedback(feedback: &str) -> (String, Vec<LegalBasis>) {
    let mut explanation = Vec::new();
    let mut basis = Vec::new();
    for line in feedback.lines() {
        match line.trim().strip_prefix(BASIS_PREFIX) {
            Some(rest) => {
                let (regulation, article) = rest
                    .trim()
                    .split_once(BASIS_SEPARATOR.trim())
                    .unwrap_or((rest.trim(), ""));
                basis.push(LegalBasis {
                    regulation: regulation.trim().to_string(),
                    article: article.trim().to_string(),
                });
            }
            None => explanation.push(line),
        }
    }
    (explanation.join("\n").trim().to_string(), basis)
}

/// Applies tags read from the source: scenario, catalogue entries; anything else is reported.
pub(crate) fn apply_tags(q: &mut BankQuestion, tags: &[String], warnings: &mut Vec<String>) {
    for tag in tags {
        let tag = tag.trim();
        if tag == SCENARIO_TAG {
            q.scenario = true;
        } else if let Some(v) = tag.strip_prefix(VIOLATION_TAG) {
            q.violations.push(v.trim().to_string());
        } else if !tag.is_empty() {
            warnings.push(format!("tag `{tag}` tidak dipakai"));
        }
    }
}

/// The last segment of a category path as a topic token: `$course$/top/Netralitas/Media Sosial`
/// becomes `media-sosial`.
pub fn topic_from_category(category: &str) -> Option<String> {
    let last = category
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .trim();
    let last = last
        .strip_prefix("$course$")
        .or(last.strip_prefix("$system$"))
        .unwrap_or(last);
    let token = slug(last);
    (!token.is_empty() && token != "top" && token != "default").then_some(token)
}

/// Lowercase a-z, 0-9 and single dashes; other characters become dashes.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// What a question's id is derived from: the id its source gives, else its name, else its text.
/// A name is reduced to plain text first (tags dropped, entities decoded): Moodle names may carry
/// HTML (`Question with <strong>invalid grades</strong>`), and tag names belong in no id.
pub(crate) fn id_source(given: Option<&str>, name: &str, stem: &str) -> String {
    if let Some(id) = given {
        return id.to_string();
    }
    let name = html_to_text(name).0;
    if name.is_empty() {
        stem.to_string()
    } else {
        name
    }
}

/// The ids given so far in one import, with the next free suffix per base id, so that a bank of
/// n questions with the same name gets its ids in O(n), not O(n^2).
#[derive(Debug, Default)]
pub(crate) struct TakenIds {
    taken: HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
}

/// Gives every question an id that is valid and unique (within the import and against `taken`).
pub(crate) fn unique_id(name: &str, position: usize, taken: &mut TakenIds) -> String {
    let mut base = slug(name);
    if base.len() > 48 {
        base.truncate(48);
        base = base.trim_end_matches('-').to_string();
    }
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base = if base.is_empty() {
            format!("soal-{position}")
        } else {
            format!("soal-{base}")
        };
    }
    if taken.taken.insert(base.clone()) {
        return base;
    }
    // A suffixed id may itself have been taken by a question named "x-2"; skip it then.
    let n = taken.next_suffix.entry(base.clone()).or_insert(2);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if taken.taken.insert(id.clone()) {
            return id;
        }
    }
}

/// Option keys a, b, c, ... z, then aa, ab, ...
pub(crate) fn option_key(i: usize) -> String {
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    if i < 26 {
        (letters[i] as char).to_string()
    } else {
        format!(
            "{}{}",
            letters[(i / 26 - 1) % 26] as char,
            letters[i % 26] as char
        )
    }
}

/// Every question of a module, ready to export.
pub fn module_questions(module: &Module) -> Vec<BankQuestion> {
    module
        .questions
        .iter()
        .map(BankQuestion::from_content)
        .collect()
}

/// Writes questions as `[[question]]` tables in the house style of `questions.toml`.
pub fn to_toml(questions: &[BankQuestion]) -> String {
    let s = |v: &str| toml::Value::String(v.to_string()).to_string();
    let list = |items: &[String]| {
        format!(
            "[{}]",
            items.iter().map(|i| s(i)).collect::<Vec<_>>().join(", ")
        )
    };
    let mut out = String::new();
    for q in questions {
        out.push_str("\n[[question]]\n");
        out.push_str(&format!("id = {}\n", s(&q.id)));
        let kind = match q.kind {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true_false",
        };
        out.push_str(&format!("type = \"{kind}\"\n"));
        if let Some(topic) = &q.topic {
            out.push_str(&format!("topic = {}\n", s(topic)));
        }
        if q.scenario {
            out.push_str("scenario = true\n");
        }
        out.push_str(&format!("stem = {}\n", s(&q.stem)));
        if let Some(answer) = q.answer {
            out.push_str(&format!("answer = {answer}\n"));
        } else {
            out.push_str("options = [\n");
            for o in &q.options {
                let correct = if o.correct { ", correct = true" } else { "" };
                out.push_str(&format!(
                    "  {{ key = {}, text = {}{correct} }},\n",
                    s(&o.key),
                    s(&o.text)
                ));
            }
            out.push_str("]\n");
        }
        out.push_str(&format!("explanation = {}\n", s(&q.explanation)));
        let basis: Vec<String> = q
            .legal_basis
            .iter()
            .map(|b| match b.article.is_empty() {
                true => format!("{{ regulation = {} }}", s(&b.regulation)),
                false => format!(
                    "{{ regulation = {}, article = {} }}",
                    s(&b.regulation),
                    s(&b.article)
                ),
            })
            .collect();
        out.push_str(&format!("legal_basis = [{}]\n", basis.join(", ")));
        if !q.violations.is_empty() {
            out.push_str(&format!("violations = {}\n", list(&q.violations)));
        }
    }
    out
}

/// One answer as both formats give it: text, grade in percent (may be negative), feedback.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourceAnswer {
    pub text: String,
    pub weight: f64,
    pub feedback: String,
}

/// What both readers know about a multiple-choice question before it is mapped to Netra.
pub(crate) struct SourceChoice {
    pub answers: Vec<SourceAnswer>,
    /// Moodle XML's `<single>`; GIFT infers it from the grades.
    pub single: Option<bool>,
    pub general_feedback: String,
}

/// Maps a multiple-choice question onto Netra's single or multiple type. Netra scores a
/// question all or nothing: the options with a positive grade are the key, so choosing any
/// option with a zero or negative grade loses the question. Partial credit that cannot be kept
/// is reported as a warning; a question with no positively graded option is skipped.
pub(crate) fn choice_question(
    src: SourceChoice,
    warnings: &mut Vec<String>,
) -> Result<(QuestionKind, Vec<BankOption>, String, Vec<LegalBasis>), String> {
    if src.answers.len() < 2 {
        return Err("pilihan ganda memerlukan minimal dua pilihan".into());
    }
    let full = src.answers.iter().filter(|a| a.weight >= 99.99).count();
    let positive = src.answers.iter().filter(|a| a.weight > 0.0).count();
    if positive == 0 {
        return Err("tidak ada pilihan bernilai positif (jawaban benar)".into());
    }
    let single = match src.single {
        Some(single) => single,
        None => full == 1,
    };
    let correct: Vec<bool> = if single {
        if full != 1 {
            return Err(format!(
                "soal satu jawaban harus punya tepat satu pilihan bernilai 100% (ada {full})"
            ));
        }
        for a in src
            .answers
            .iter()
            .filter(|a| a.weight > 0.0 && a.weight < 99.99)
        {
            warnings.push(format!(
                "nilai parsial {}% untuk \"{}\" dianggap salah (Netra menilai benar/salah)",
                a.weight, a.text
            ));
        }
        src.answers.iter().map(|a| a.weight >= 99.99).collect()
    } else {
        let sum: f64 = src
            .answers
            .iter()
            .filter(|a| a.weight > 0.0)
            .map(|a| a.weight)
            .sum();
        if (sum - 100.0).abs() > 0.5 {
            warnings.push(format!("jumlah nilai pilihan benar {sum:.1}%, bukan 100%"));
        }
        src.answers.iter().map(|a| a.weight > 0.0).collect()
    };
    let options = src
        .answers
        .iter()
        .zip(correct)
        .enumerate()
        .map(|(i, (a, correct))| BankOption {
            key: option_key(i),
            text: a.text.clone(),
            correct,
        })
        .collect();
    let (mut explanation, basis) = split_feedback(&src.general_feedback);
    let per_answer: Vec<String> = src
        .answers
        .iter()
        .filter(|a| !a.feedback.trim().is_empty())
        .map(|a| format!("- {}: {}", a.text, a.feedback.trim()))
        .collect();
    if !per_answer.is_empty() {
        warnings.push("umpan balik per pilihan digabung ke penjelasan".into());
        if !explanation.is_empty() {
            explanation.push_str("\n\n");
        }
        explanation.push_str(&per_answer.join("\n"));
    }
    let kind = if single {
        QuestionKind::Single
    } else {
        QuestionKind::Multiple
    };
    Ok((kind, options, explanation, basis))
}

/// Checks an imported question against Netra's rules and says what an author must still do.
pub(crate) fn netra_warnings(q: &BankQuestion) -> Vec<String> {
    let mut w = Vec::new();
    if q.explanation.is_empty() {
        w.push(
            "tidak ada umpan balik umum: isi `explanation` sebelum `netra check-content`"
                .to_string(),
        );
    }
    if q.legal_basis.is_empty() {
        w.push(
            "dasar hukum belum ada: isi `legal_basis` sebelum `netra check-content`".to_string(),
        );
    }
    w
}

/// Converts an uploaded bank for the host's converter page: the report in the page's shape, with
/// a warning on every question that still needs what Netra's content check requires.
pub fn convert_upload(
    file_name: &str,
    bytes: &[u8],
    format: Option<Format>,
) -> Result<crate::model::bank::BankConversion, crate::error::AppError> {
    use crate::error::AppError;
    use crate::model::bank::{BankConversion, ConversionLine};
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(AppError::invalid(
            "file",
            "Berkas bukan teks UTF-8. Simpan ulang sebagai UTF-8 lalu unggah lagi.",
        ));
    };
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(AppError::invalid(
            "file",
            "Pilih berkas GIFT (.txt/.gift) atau Moodle XML (.xml), atau tempelkan isinya.",
        ));
    }
    let format = format.unwrap_or_else(|| Format::detect(file_name, text));
    let result = import(format, text).map_err(|e| AppError::invalid("file", e.to_string()))?;
    let by_id: std::collections::HashMap<&str, &BankQuestion> = result
        .questions
        .iter()
        .map(|q| (q.id.as_str(), q))
        .collect();
    let lines = result
        .report
        .iter()
        .map(|line| {
            let (id, notes) = match &line.outcome {
                Outcome::Imported { id, warnings } => {
                    let mut notes = warnings.clone();
                    if let Some(q) = by_id.get(id.as_str()) {
                        if q.legal_basis.is_empty() {
                            notes.push(
                                "belum ada dasar hukum: isi `legal_basis` sebelum soal dipakai"
                                    .into(),
                            );
                        }
                        if q.explanation.trim().is_empty() {
                            notes.push("belum ada penjelasan (umpan balik umum)".into());
                        }
                    }
                    (Some(id.clone()), notes)
                }
                Outcome::Skipped { reason } => (None, vec![reason.clone()]),
            };
            ConversionLine {
                place: line.place.to_string(),
                name: line.name.clone(),
                id,
                notes,
            }
        })
        .collect();
    Ok(BankConversion {
        file_name: file_name.to_string(),
        format: match format {
            Format::Gift => "GIFT",
            Format::MoodleXml => "Moodle XML",
        }
        .to_string(),
        imported: result.questions.len(),
        skipped: result.skipped(),
        lines,
        toml: to_toml(&result.questions),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_become_topic_tokens() {
        assert_eq!(
            topic_from_category("$course$/top/Netralitas/Media Sosial").as_deref(),
            Some("media-sosial")
        );
        assert_eq!(topic_from_category("$course$/top").as_deref(), None);
        assert_eq!(
            topic_from_category("Sanksi & Hukuman/").as_deref(),
            Some("sanksi-hukuman")
        );
    }

    #[test]
    fn a_bank_over_the_question_limit_is_refused_whole_with_a_message() {
        let bank = |n: usize| -> String {
            (0..n)
                .map(|i| format!("::x:: Pernyataan nomor {i} benar? {{T}}\n\n"))
                .collect()
        };
        let ok = import(Format::Gift, &bank(MAX_QUESTIONS)).expect("at the limit");
        assert_eq!(ok.questions.len(), MAX_QUESTIONS);
        let err = import(Format::Gift, &bank(MAX_QUESTIONS + 1)).expect_err("over the limit");
        assert!(err.message.contains("paling banyak 5000 soal"), "{err}");
    }

    #[test]
    fn many_questions_with_one_name_get_consecutive_ids_in_linear_time() {
        let mut taken = TakenIds::default();
        // A question named "x-3" first takes that id; the third "x" must skip it.
        assert_eq!(unique_id("x-3", 0, &mut taken), "x-3");
        let ids: Vec<String> = (1..=5).map(|i| unique_id("x", i, &mut taken)).collect();
        assert_eq!(ids, ["x", "x-2", "x-4", "x-5", "x-6"]);
        // Each duplicate is placed from its base's counter (probing from "-2" each time made a
        // bank of n same-named questions cost n^2/2 tries: hours for 200,000).
        for i in 0..200_000 {
            unique_id("soal", i, &mut taken);
        }
        assert_eq!(taken.taken.len(), 6 + 200_000);
        assert_eq!(taken.next_suffix.get("soal"), Some(&200_001));
    }

    #[test]
    fn ids_are_valid_and_unique() {
        let mut taken = TakenIds::default();
        assert_eq!(
            unique_id("Soal Netralitas #1", 1, &mut taken),
            "soal-netralitas-1"
        );
        assert_eq!(
            unique_id("Soal netralitas 1", 2, &mut taken),
            "soal-netralitas-1-2"
        );
        assert_eq!(unique_id("2024 pemilu", 3, &mut taken), "soal-2024-pemilu");
        assert_eq!(unique_id("", 4, &mut taken), "soal-4");
    }

    #[test]
    fn legal_basis_travels_in_general_feedback() {
        let basis = vec![
            LegalBasis {
                regulation: "PP No. 94 Tahun 2021".into(),
                article: "Pasal 5 huruf n, Pasal 8".into(),
            },
            LegalBasis {
                regulation: "SKB Netralitas 2022".into(),
                article: String::new(),
            },
        ];
        let q = BankQuestion {
            id: "q".into(),
            kind: QuestionKind::TrueFalse,
            topic: None,
            scenario: false,
            stem: "S".into(),
            options: vec![],
            answer: Some(true),
            explanation: "Karena begitu.\nBaris kedua.".into(),
            legal_basis: basis.clone(),
            violations: vec![],
        };
        assert_eq!(
            split_feedback(&q.general_feedback()),
            ("Karena begitu.\nBaris kedua.".to_string(), basis)
        );
    }

    #[test]
    fn toml_output_loads_as_a_question_bank() {
        let q = BankQuestion {
            id: "kutip".into(),
            kind: QuestionKind::Single,
            topic: Some("media-sosial".into()),
            scenario: true,
            stem: "Tanda \"kutip\" dan \\ garis miring\nbaris baru".into(),
            options: vec![
                BankOption {
                    key: "a".into(),
                    text: "Ya".into(),
                    correct: true,
                },
                BankOption {
                    key: "b".into(),
                    text: "Tidak".into(),
                    correct: false,
                },
            ],
            answer: None,
            explanation: "E".into(),
            legal_basis: vec![LegalBasis {
                regulation: "R".into(),
                article: "A".into(),
            }],
            violations: vec!["v-1".into()],
        };
        let text = to_toml(std::slice::from_ref(&q));
        let parsed: toml::Value = toml::from_str(&text).expect("valid TOML");
        let first = &parsed["question"][0];
        assert_eq!(first["stem"].as_str(), Some(q.stem.as_str()));
        assert_eq!(first["options"][0]["correct"].as_bool(), Some(true));
        assert_eq!(first["violations"][0].as_str(), Some("v-1"));
    }

    #[test]
    fn an_id_comes_from_the_given_id_then_the_plain_text_name_then_the_stem() {
        assert_eq!(
            id_source(Some("<b>x</b>"), "nama", "soal"),
            "<b>x</b>",
            "a given id is the author's choice and is kept"
        );
        assert_eq!(
            id_source(
                None,
                "Question with <strong>invalid grades</strong> x 1 x",
                "soal"
            ),
            "Question with invalid grades x 1 x"
        );
        assert_eq!(id_source(None, "Caf&eacute;", "soal"), "Café");
        assert_eq!(id_source(None, "<img src=x>", "Teks soal"), "Teks soal");
        let mut taken = TakenIds::default();
        assert_eq!(
            unique_id(
                &id_source(
                    None,
                    "Question with <strong>invalid grades</strong> x 1 x",
                    ""
                ),
                1,
                &mut taken
            ),
            "question-with-invalid-grades-x-1-x"
        );
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Text built from the characters that carry meaning in GIFT, so the generator reaches the
    /// parser's corners (braces, escapes, weights, feedback, names, categories, comments).
    fn gift_like() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("{".to_string()),
                Just("}".to_string()),
                Just("=".to_string()),
                Just("~".to_string()),
                Just("#".to_string()),
                Just("####".to_string()),
                Just("::".to_string()),
                Just("\\".to_string()),
                Just("%".to_string()),
                Just("%-50%".to_string()),
                Just("->".to_string()),
                Just("\n".to_string()),
                Just("\n\n".to_string()),
                Just("// [tag:x] [id:".to_string()),
                Just("$CATEGORY: a/b".to_string()),
                Just("[html]<p>".to_string()),
                Just("TRUE".to_string()),
                Just("é ü 中".to_string()),
                "[a-zA-Z0-9 ]{0,6}".prop_map(|s| s),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn the_gift_reader_never_panics_on_gift_like_text(text in gift_like()) {
            let _ = import(Format::Gift, &text);
        }

        /// Repeated and clashing names ("x", "x-2" typed by hand, "X", "x!") always give unique
        /// ids, one per imported question.
        #[test]
        fn repeated_names_give_unique_ids(names in proptest::collection::vec(
            prop_oneof![Just("x"), Just("x-2"), Just("X"), Just("x!"), Just("y"), Just("")], 1..200
        )) {
            let bank: String = names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("::{n}:: Pernyataan {i}? {{T}}\n\n"))
                .collect();
            let result = import(Format::Gift, &bank).expect("a valid bank");
            let ids: HashSet<&str> = result.questions.iter().map(|q| q.id.as_str()).collect();
            prop_assert_eq!(ids.len(), names.len());
        }

        #[test]
        fn the_gift_reader_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = import(Format::Gift, &text);
        }

        #[test]
        fn the_xml_reader_never_panics(text in any::<String>(), body in gift_like()) {
            let _ = import(Format::MoodleXml, &text);
            let xml = format!("<quiz><question type=\"multichoice\"><questiontext><text>{}</text></questiontext><answer fraction=\"{}\"><text>x</text></answer></question></quiz>", super::super::text::escape(&body), body.len());
            let _ = import(Format::MoodleXml, &xml);
        }

        #[test]
        fn html_to_text_never_panics(text in any::<String>()) {
            let _ = html_to_text(&text);
        }
    }
}
