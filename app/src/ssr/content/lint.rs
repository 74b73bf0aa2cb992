//! The content linter (`netra content lint`, also run by `check-content`): does the *form* of a
//! question give its key away? A learner who knows nothing should not pass by picking the
//! longest option, always answering "Benar", or matching words between stem and key.
//!
//! Per bank it measures the share of single-choice keys that are the strictly longest option and
//! the balance of true/false keys; per item it finds duplicate options, "semua benar"-style
//! options, negative stems without emphasis, a stem that echoes the key's words, and an
//! explanation that never mentions the key. Limits are configurable ([`Limits`]).

use super::{Catalog, Module, Question};
use crate::model::quiz::QuestionKind;
use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The limits a bank must keep. The defaults are what the shipped content meets.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// At most this share of single-choice keys may be the strictly longest option.
    pub max_longest_key_share: f64,
    /// The share of true/false items whose key is "Benar" must lie within these bounds...
    pub min_true_share: f64,
    pub max_true_share: f64,
    /// ...once a bank has at least this many true/false items (a handful cannot balance).
    pub min_true_false_items: usize,
    /// A stem may share at most this many distinctive words with the key alone.
    pub max_echoed_words: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_longest_key_share: 0.30,
            min_true_share: 0.40,
            max_true_share: 0.60,
            min_true_false_items: 4,
            max_echoed_words: 2,
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// Too many single-choice keys are the longest option.
    LongestKey,
    /// True/false keys lean to one side.
    TrueFalseBalance,
    /// Two options say the same thing.
    DuplicateOptions,
    /// An option such as "semua benar" or "tidak ada yang benar".
    AllOrNone,
    /// A question asked in the negative without the negation in capitals.
    NegativeStem,
    /// The stem repeats words that only the key contains.
    StemEchoesKey,
    /// The explanation shares no word with the key.
    ExplanationMissesKey,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::LongestKey => "longest-key",
            Rule::TrueFalseBalance => "true-false-balance",
            Rule::DuplicateOptions => "duplicate-options",
            Rule::AllOrNone => "all-or-none",
            Rule::NegativeStem => "negative-stem",
            Rule::StemEchoesKey => "stem-echoes-key",
            Rule::ExplanationMissesKey => "explanation-misses-key",
        }
    }
}

/// One problem, with where to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub module: String,
    /// The question, for item rules; `None` for a whole bank.
    pub question: Option<String>,
    pub source: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: [{}] {}{}",
            self.source.display(),
            self.line,
            self.rule.name(),
            self.question
                .as_deref()
                .map(|q| format!("{q}: "))
                .unwrap_or_default(),
            self.message
        )
    }
}

/// The form figures of one bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankStats {
    pub module: String,
    pub single: usize,
    /// Single-choice items whose key is the strictly longest option.
    pub longest_key: usize,
    pub true_false: usize,
    /// True/false items whose key is "Benar".
    pub true_keys: usize,
}

impl BankStats {
    pub fn longest_key_share(&self) -> f64 {
        share(self.longest_key, self.single)
    }

    pub fn true_share(&self) -> f64 {
        share(self.true_keys, self.true_false)
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Every bank's figures and every finding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub banks: Vec<BankStats>,
    pub findings: Vec<Finding>,
}

/// Lints every bank of the catalogue.
pub fn lint(catalog: &Catalog, limits: &Limits) -> Report {
    lint_modules(catalog.modules(), limits)
}

/// Lints the given modules' banks.
pub fn lint_modules(modules: &[Arc<Module>], limits: &Limits) -> Report {
    let mut report = Report::default();
    for module in modules {
        let stats = bank_stats(module);
        let bank_finding = |rule, message| Finding {
            rule,
            module: module.slug.clone(),
            question: None,
            source: module
                .questions
                .first()
                .map(|q| q.source.clone())
                .unwrap_or_else(|| module.dir.clone()),
            line: 1,
            message,
        };
        if stats.single > 0 && stats.longest_key_share() > limits.max_longest_key_share {
            report.findings.push(bank_finding(
                Rule::LongestKey,
                format!(
                    "the key is the strictly longest option in {} of {} single-choice items ({:.0}%, limit {:.0}%)",
                    stats.longest_key,
                    stats.single,
                    100.0 * stats.longest_key_share(),
                    100.0 * limits.max_longest_key_share
                ),
            ));
        }
        let true_share = stats.true_share();
        if stats.true_false >= limits.min_true_false_items
            && !(limits.min_true_share..=limits.max_true_share).contains(&true_share)
        {
            report.findings.push(bank_finding(
                Rule::TrueFalseBalance,
                format!(
                    "{} of {} true/false keys are \"Benar\" ({:.0}%, allowed {:.0}-{:.0}%)",
                    stats.true_keys,
                    stats.true_false,
                    100.0 * true_share,
                    100.0 * limits.min_true_share,
                    100.0 * limits.max_true_share
                ),
            ));
        }
        for q in &module.questions {
            for (rule, message) in item_findings(q, limits) {
                report.findings.push(Finding {
                    rule,
                    module: module.slug.clone(),
                    question: Some(q.id.clone()),
                    source: q.source.clone(),
                    line: q.line,
                    message,
                });
            }
        }
        report.banks.push(stats);
    }
    report
}

fn bank_stats(module: &Module) -> BankStats {
    let single: Vec<&Question> = module
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Single)
        .collect();
    let true_false: Vec<&Question> = module
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::TrueFalse)
        .collect();
    BankStats {
        module: module.slug.clone(),
        single: single.len(),
        longest_key: single.iter().filter(|q| key_is_longest(q)).count(),
        true_false: true_false.len(),
        true_keys: true_false
            .iter()
            .filter(|q| q.options.iter().any(|o| o.key == "benar" && o.correct))
            .count(),
    }
}

/// The key is longer than every other option (a tie gives nothing away).
fn key_is_longest(q: &Question) -> bool {
    let length = |text: &str| text.chars().count();
    let Some(key) = q.options.iter().find(|o| o.correct) else {
        return false;
    };
    q.options
        .iter()
        .filter(|o| !o.correct)
        .all(|o| length(&o.text) < length(&key.text))
}

/// Words that carry meaning: lower case, letters and digits, at least five characters, not one
/// of the connecting words every option uses.
fn words(text: &str) -> BTreeSet<String> {
    const COMMON: &[&str] = &[
        "karena",
        "dengan",
        "kepada",
        "adalah",
        "bahwa",
        "yang",
        "untuk",
        "dalam",
        "tidak",
        "hanya",
        "selama",
        "asalkan",
        "tetapi",
        "sebagai",
        "secara",
        "tersebut",
        "dapat",
        "harus",
        "boleh",
        "pegawai",
        "netralitas",
        "pasal",
        "tahun",
        "nomor",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 5 && !COMMON.contains(&w.as_str()))
        .collect()
}

/// Every token of two or more characters that is not a connecting word, numbers included.
fn tokens(text: &str) -> BTreeSet<String> {
    const CONNECTING: &[&str] = &[
        "ya", "di", "ke", "dan", "atau", "yang", "karena", "dengan", "tidak", "hanya", "bila",
        "asalkan", "juga", "oleh", "pada", "dari", "itu", "ini", "hari", "tahun",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !CONNECTING.contains(&w.as_str()))
        .collect()
}

/// Text compared for sameness: case, spacing and punctuation do not count.
fn normalised(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The question sentence of a stem: what follows the last full stop before its end.
fn question_sentence(stem: &str) -> &str {
    let trimmed = stem.trim_end();
    let body = trimmed.strip_suffix('?').unwrap_or(trimmed);
    match body.rfind(['.', '!', '\n']) {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// The lower-case negation a question asks by ("Manakah yang tidak ...?", "... kecuali ...?"), if
/// any. A negation that describes someone ("PPPK yang tidak netral") is not a negative question:
/// only "kecuali", or "tidak"/"bukan" right after a question word (with or without "yang"), is.
fn negative_question(asked: &str) -> Option<&'static str> {
    const QUESTION_WORDS: &[&str] = &["mana", "manakah", "apa", "apakah", "siapa", "berikut"];
    let words: Vec<&str> = asked
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains(&"kecuali") {
        return Some("kecuali");
    }
    for (i, w) in words.iter().enumerate() {
        let negation = match *w {
            "tidak" => "tidak",
            "bukan" => "bukan",
            _ => continue,
        };
        let before = |n: usize| i.checked_sub(n).map(|j| words[j].to_lowercase());
        let asks = |w: Option<String>| w.is_some_and(|w| QUESTION_WORDS.contains(&w.as_str()));
        if asks(before(1)) || (before(1).as_deref() == Some("yang") && asks(before(2))) {
            return Some(negation);
        }
    }
    None
}

fn item_findings(q: &Question, limits: &Limits) -> Vec<(Rule, String)> {
    let mut found = Vec::new();
    if q.kind == QuestionKind::TrueFalse {
        return found;
    }
    let texts: Vec<String> = q.options.iter().map(|o| normalised(&o.text)).collect();
    for (i, a) in texts.iter().enumerate() {
        if let Some(b) = texts[i + 1..].iter().position(|b| b == a) {
            found.push((
                Rule::DuplicateOptions,
                format!(
                    "options {} and {} say the same thing",
                    q.options[i].key,
                    q.options[i + 1 + b].key
                ),
            ));
        }
    }
    const ALL_OR_NONE: &[&str] = &[
        "semua benar",
        "semua salah",
        "semua jawaban",
        "semua pilihan",
        "semua di atas",
        "tidak ada yang benar",
        "tidak ada jawaban",
    ];
    for (o, text) in q.options.iter().zip(&texts) {
        if ALL_OR_NONE.iter().any(|p| text.contains(p)) {
            found.push((
                Rule::AllOrNone,
                format!(
                    "option {} (\"{}\") rewards guessing, not knowledge",
                    o.key, o.text
                ),
            ));
        }
    }
    let asked = question_sentence(&q.stem);
    if asked.trim_end().ends_with('?') {
        if let Some(negation) = negative_question(asked) {
            found.push((
                Rule::NegativeStem,
                format!(
                    "the question is asked in the negative (\"{negation}\"): write it in capitals ({}) or ask positively",
                    negation.to_uppercase()
                ),
            ));
        }
    }
    let stem_words = words(&q.stem);
    let keys: Vec<_> = q.options.iter().filter(|o| o.correct).collect();
    if q.kind == QuestionKind::Single {
        if let Some(key) = keys.first() {
            let others: BTreeSet<String> = q
                .options
                .iter()
                .filter(|o| !o.correct)
                .flat_map(|o| words(&o.text))
                .collect();
            let echoed: Vec<String> = words(&key.text)
                .into_iter()
                .filter(|w| stem_words.contains(w) && !others.contains(w))
                .collect();
            if echoed.len() > limits.max_echoed_words {
                found.push((
                    Rule::StemEchoesKey,
                    format!(
                        "the stem and only the key share the words {}",
                        echoed.join(", ")
                    ),
                ));
            }
        }
    }
    // Short keys ("7 hari", "BKN", "246 Tahun 2022") are matched on every token, numbers too.
    let explanation = tokens(&q.explanation);
    let key_tokens: BTreeSet<String> = keys.iter().flat_map(|k| tokens(&k.text)).collect();
    let mentions_key = key_tokens.iter().any(|w| explanation.contains(w));
    if !key_tokens.is_empty() && !mentions_key {
        found.push((
            Rule::ExplanationMissesKey,
            "the explanation shares no word with the correct option: say why the key is right"
                .to_string(),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::content::AnswerOption;

    fn option(key: &str, text: &str, correct: bool) -> AnswerOption {
        AnswerOption {
            key: key.into(),
            text: text.into(),
            correct,
        }
    }

    fn question(id: &str, kind: QuestionKind, stem: &str, options: Vec<AnswerOption>) -> Question {
        Question {
            explanation: "Kampanye di media sosial dilarang bagi pegawai.".into(),
            ..Question::for_tests(id, kind, stem, options)
        }
    }

    fn true_false(id: &str, answer: bool) -> Question {
        question(
            id,
            QuestionKind::TrueFalse,
            "Pernyataan.",
            vec![
                option("benar", "Benar", answer),
                option("salah", "Salah", !answer),
            ],
        )
    }

    fn module(questions: Vec<Question>) -> Arc<Module> {
        Arc::new(Module::for_tests(questions))
    }

    /// A single-choice item whose key is as long as its longest distractor.
    fn fair(id: &str) -> Question {
        question(
            id,
            QuestionKind::Single,
            "Apa yang berlaku bagi unggahan kampanye?",
            vec![
                option("a", "Dilarang, juga di akun pribadi", true),
                option("b", "Boleh, asalkan di luar jam dinas", false),
                option("c", "Boleh, bila tanpa seragam dinas", false),
            ],
        )
    }

    fn rules(questions: Vec<Question>) -> Vec<Rule> {
        lint_modules(&[module(questions)], &Limits::default())
            .findings
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_fair_bank_has_no_findings() {
        let mut bank: Vec<Question> = (0..4).map(|i| fair(&format!("q{i}"))).collect();
        bank.extend([
            true_false("t1", true),
            true_false("t2", false),
            true_false("t3", true),
            true_false("t4", false),
        ]);
        assert_eq!(rules(bank), Vec::<Rule>::new());
    }

    #[test]
    fn a_bank_whose_keys_are_the_longest_options_fails() {
        let long_key = question(
            "q",
            QuestionKind::Single,
            "Apa yang berlaku bagi unggahan kampanye?",
            vec![
                option(
                    "a",
                    "Dilarang, termasuk di akun pribadi di luar jam dinas",
                    true,
                ),
                option("b", "Boleh", false),
                option("c", "Boleh di akun pribadi", false),
            ],
        );
        let found = rules(vec![long_key, fair("f1"), fair("f2")]);
        assert!(found.contains(&Rule::LongestKey), "{found:?}");
    }

    #[test]
    fn true_false_keys_leaning_to_one_side_fail() {
        let found = rules(vec![
            true_false("t1", true),
            true_false("t2", true),
            true_false("t3", true),
            true_false("t4", false),
        ]);
        assert_eq!(found, vec![Rule::TrueFalseBalance]);
    }

    #[test]
    fn duplicate_options_are_found_whatever_their_case_and_punctuation() {
        let mut q = fair("q");
        q.options[2].text = "boleh  asalkan di luar jam dinas!".into();
        assert_eq!(rules(vec![q]), vec![Rule::DuplicateOptions]);
    }

    #[test]
    fn all_or_none_options_are_found() {
        let mut q = fair("q");
        q.options[2].text = "Semua jawaban di atas benar".into();
        assert_eq!(rules(vec![q]), vec![Rule::AllOrNone]);
    }

    #[test]
    fn a_negative_question_needs_its_negation_in_capitals() {
        let mut q = fair("q");
        q.stem = "Pak Darto PNS. Manakah yang tidak dilarang?".into();
        assert_eq!(rules(vec![q.clone()]), vec![Rule::NegativeStem]);
        q.stem = "Pak Darto PNS. Manakah yang TIDAK dilarang?".into();
        assert_eq!(rules(vec![q.clone()]), Vec::<Rule>::new());
        q.stem = "Sebutkan sanksinya. Semua benar, kecuali yang mana?".into();
        assert_eq!(rules(vec![q.clone()]), vec![Rule::NegativeStem]);
        // A negation in the scenario, or one that describes someone, is not a negative question.
        q.stem = "Bu Sari tidak datang ke TPS. Bagaimana menilainya?".into();
        assert_eq!(rules(vec![q.clone()]), Vec::<Rule>::new());
        q.stem = "Sanksi bagi PPPK yang tidak netral diatur di mana?".into();
        assert_eq!(rules(vec![q]), Vec::<Rule>::new());
    }

    #[test]
    fn a_stem_that_echoes_only_the_key_is_found() {
        let mut q = fair("q");
        q.options[0].text = "Dilarang, juga di akun pribadi keluarga".into();
        q.options[1].text = "Boleh, asalkan dilakukan di luar jam dinas".into();
        q.stem = "Apa yang berlaku bagi unggahan kampanye di akun pribadi keluarga yang dilarang?"
            .into();
        assert_eq!(rules(vec![q]), vec![Rule::StemEchoesKey]);
    }

    #[test]
    fn an_explanation_must_speak_of_the_key() {
        let mut q = fair("q");
        q.explanation = "Lihat peraturan terkait.".into();
        assert_eq!(rules(vec![q]), vec![Rule::ExplanationMissesKey]);
    }

    #[test]
    fn a_tie_for_the_longest_option_gives_nothing_away() {
        let q = fair("q");
        assert!(!key_is_longest(&q));
        let mut longer = q.clone();
        longer.options[0].text = "Dilarang, juga di akun pribadi mana pun".into();
        assert!(key_is_longest(&longer));
    }
}
