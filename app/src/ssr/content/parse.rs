//! Reading a content directory: manifests, lessons and question banks, with file:line errors.

use super::{
    line_of, markdown, relative, AnswerOption, Catalog, ContentError, ContentErrors, Lesson,
    Module, Question,
};
use crate::model::catalog::LegalBasis;
use crate::model::quiz::QuestionKind;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Slugs that would collide with fixed routes under `/modul/{slug}/`.
const RESERVED_LESSON_SLUGS: &[&str] = &["kuis", "hasil"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    slug: Spanned<String>,
    title: String,
    summary: String,
    version: String,
    estimated_minutes: u32,
    jp: u32,
    passing_score: Spanned<u32>,
    attempt_limit: Option<Spanned<u32>>,
    time_limit_minutes: Option<Spanned<u32>>,
    questions_per_attempt: Spanned<u32>,
    #[serde(default)]
    legal_basis: Vec<BasisToml>,
    /// The other form of a pre-test/post-test pair: a quiz-only module with the same topics.
    parallel_to: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BasisToml {
    regulation: String,
    #[serde(default)]
    article: String,
}

impl From<BasisToml> for LegalBasis {
    fn from(b: BasisToml) -> Self {
        LegalBasis {
            regulation: b.regulation.trim().to_string(),
            article: b.article.trim().to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BankToml {
    #[serde(default)]
    question: Vec<QuestionToml>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum KindToml {
    Single,
    Multiple,
    TrueFalse,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionToml {
    id: Spanned<String>,
    #[serde(rename = "type")]
    kind: KindToml,
    stem: String,
    #[serde(default)]
    options: Vec<OptionToml>,
    /// Only for `true_false`.
    answer: Option<bool>,
    explanation: String,
    #[serde(default)]
    legal_basis: Vec<BasisToml>,
    /// Short kebab-case topic; draws are balanced across topics when every question has one.
    topic: Option<String>,
    /// The stem is a workplace scenario rather than recall of a rule.
    #[serde(default)]
    scenario: bool,
    /// Catalogue entries (`pelanggaran.toml` ids) this question tests.
    #[serde(default)]
    violations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionToml {
    key: String,
    text: String,
    #[serde(default)]
    correct: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    /// Catalogue entries (`pelanggaran.toml` ids) this lesson teaches.
    #[serde(default)]
    violations: Vec<String>,
}

/// Collects errors for one file.
struct Report<'a> {
    errors: &'a mut Vec<ContentError>,
    file: PathBuf,
    text: &'a str,
}

impl Report<'_> {
    fn at(&mut self, offset: Option<usize>, message: impl Into<String>) {
        self.errors.push(ContentError {
            file: self.file.clone(),
            line: offset.map(|o| line_of(self.text, o)),
            message: message.into(),
        });
    }

    fn toml_error(&mut self, err: &toml::de::Error, line_offset: usize) {
        let line = err
            .span()
            .map(|s| line_of(self.text, s.start) + line_offset);
        self.errors.push(ContentError {
            file: self.file.clone(),
            line,
            message: toml_message(err),
        });
    }
}

/// The parser's message for a TOML error. Some errors (a NUL byte, say) come without one: they
/// still get a sentence, so no reported problem is blank.
pub(super) fn toml_message(err: &toml::de::Error) -> String {
    match err.message().trim() {
        "" => "invalid TOML here (a control character or a stray byte-order mark?)".to_string(),
        message => message.to_string(),
    }
}

/// Loads and validates every module folder under `root`.
pub fn load_catalog(root: &Path) -> Result<Catalog, ContentErrors> {
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) => {
            return Err(ContentErrors(vec![ContentError {
                file: root.to_path_buf(),
                line: None,
                message: format!("cannot read content directory: {e}"),
            }]))
        }
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join("module.toml").is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        errors.push(ContentError {
            file: root.to_path_buf(),
            line: None,
            message: "no module found (expected folders containing module.toml)".into(),
        });
    }
    let mut modules = Vec::new();
    let mut slugs = HashSet::new();
    for dir in dirs {
        if let Some(module) = load_module(root, &dir, &mut errors) {
            if !slugs.insert(module.slug.clone()) {
                errors.push(ContentError {
                    file: relative(&dir.join("module.toml"), root),
                    line: Some(1),
                    message: format!("duplicate module slug `{}`", module.slug),
                });
            }
            modules.push(module);
        }
    }
    check_parallel_forms(root, &modules, &mut errors);
    let mut catalog = Catalog::new(modules);
    catalog.catalogue = super::violations::load(root, &catalog, &mut errors);
    if errors.is_empty() {
        Ok(catalog)
    } else {
        Err(ContentErrors(errors))
    }
}

/// A pre-test and its post-test must be interchangeable: each names the other, draws the same
/// number of questions, and covers the same topics with the same number of questions each, so
/// the difference between the two scores measures learning rather than a harder form.
fn check_parallel_forms(root: &Path, modules: &[Module], errors: &mut Vec<ContentError>) {
    for module in modules {
        let Some((other_slug, line)) = &module.parallel_to else {
            continue;
        };
        let manifest = relative(&module.dir.join("module.toml"), root);
        let mut err = |message: String| {
            errors.push(ContentError {
                file: manifest.clone(),
                line: Some(*line),
                message,
            })
        };
        let Some(other) = modules.iter().find(|m| &m.slug == other_slug) else {
            err(format!("parallel_to names unknown module `{other_slug}`"));
            continue;
        };
        if other.parallel_to.as_ref().map(|(s, _)| s.as_str()) != Some(module.slug.as_str()) {
            err(format!(
                "`{other_slug}` must name `{}` in its own parallel_to",
                module.slug
            ));
        }
        if other.questions_per_attempt != module.questions_per_attempt {
            err(format!(
                "questions_per_attempt differs from its parallel form `{other_slug}` ({} vs {})",
                module.questions_per_attempt, other.questions_per_attempt
            ));
        }
        if let Some(q) = module.questions.iter().find(|q| q.topic.is_none()) {
            err(format!(
                "every question of a parallel form needs a topic; `{}` has none",
                q.id
            ));
            continue;
        }
        let (mine, theirs) = (topic_counts(module), topic_counts(other));
        if other.questions.iter().all(|q| q.topic.is_some()) && mine != theirs {
            err(format!(
                "topics differ from its parallel form `{other_slug}`: {mine:?} vs {theirs:?}"
            ));
        }
    }
}

fn topic_counts(module: &Module) -> std::collections::BTreeMap<&str, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for topic in module.questions.iter().filter_map(|q| q.topic.as_deref()) {
        *counts.entry(topic).or_insert(0) += 1;
    }
    counts
}

fn read(path: &Path, root: &Path, errors: &mut Vec<ContentError>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(
            text.strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text),
        ),
        Err(e) => {
            errors.push(ContentError {
                file: relative(path, root),
                line: None,
                message: format!("cannot read file: {e}"),
            });
            None
        }
    }
}

fn valid_token(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn load_module(root: &Path, dir: &Path, errors: &mut Vec<ContentError>) -> Option<Module> {
    let before = errors.len();
    let mut hasher = Sha256::new();

    let manifest_path = dir.join("module.toml");
    let manifest_text = read(&manifest_path, root, errors)?;
    hash_file(&mut hasher, "module.toml", &manifest_text);
    let mut report = Report {
        errors,
        file: relative(&manifest_path, root),
        text: &manifest_text,
    };
    let manifest: ManifestToml = match toml::from_str(&manifest_text) {
        Ok(m) => m,
        Err(e) => {
            report.toml_error(&e, 0);
            return None;
        }
    };
    let slug = manifest.slug.get_ref().clone();
    if !valid_token(&slug) || slug.chars().any(|c| c.is_ascii_uppercase()) {
        report.at(
            Some(manifest.slug.span().start),
            "slug may contain only a-z, 0-9, '-' and '_'",
        );
    }
    if *manifest.passing_score.get_ref() > 100 {
        report.at(
            Some(manifest.passing_score.span().start),
            "passing_score is a percentage (0-100)",
        );
    }
    for (field, value) in [
        ("attempt_limit", &manifest.attempt_limit),
        ("time_limit_minutes", &manifest.time_limit_minutes),
    ] {
        if let Some(v) = value {
            if *v.get_ref() == 0 {
                report.at(
                    Some(v.span().start),
                    format!("{field} must be at least 1 (leave it out for no limit)"),
                );
            }
        }
    }
    if manifest.title.trim().is_empty() {
        report.at(Some(0), "title must not be empty");
    }

    // Lessons, ordered by file name.
    let lessons_dir = dir.join("lessons");
    let mut lesson_files: Vec<PathBuf> = std::fs::read_dir(&lessons_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect()
        })
        .unwrap_or_default();
    lesson_files.sort();
    // A pre-test/post-test form is quiz-only; every other module teaches before it tests.
    if lesson_files.is_empty() && manifest.parallel_to.is_none() {
        errors.push(ContentError {
            file: relative(&lessons_dir, root),
            line: None,
            message: "module has no lessons (expected lessons/NN-slug.md files)".into(),
        });
    }
    let mut lessons = Vec::new();
    let mut lesson_slugs = HashSet::new();
    for path in &lesson_files {
        let Some(text) = read(path, root, errors) else {
            continue;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        hash_file(&mut hasher, &format!("lessons/{name}"), &text);
        let mut report = Report {
            errors,
            file: relative(path, root),
            text: &text,
        };
        if let Some(lesson) = parse_lesson(&name, &text, &mut report, &relative(path, root)) {
            if !lesson_slugs.insert(lesson.slug.clone()) {
                report.at(Some(0), format!("duplicate lesson slug `{}`", lesson.slug));
            }
            lessons.push(lesson);
        }
    }

    // Question bank.
    let bank_path = dir.join("questions.toml");
    let mut questions = Vec::new();
    if let Some(bank_text) = read(&bank_path, root, errors) {
        hash_file(&mut hasher, "questions.toml", &bank_text);
        let mut report = Report {
            errors,
            file: relative(&bank_path, root),
            text: &bank_text,
        };
        match toml::from_str::<BankToml>(&bank_text) {
            Ok(bank) => questions = validate_bank(bank, &mut report, &bank_text),
            Err(e) => report.toml_error(&e, 0),
        }
    }
    let draw = *manifest.questions_per_attempt.get_ref();
    if draw == 0 || draw as usize > questions.len() {
        errors.push(ContentError {
            file: relative(&manifest_path, root),
            line: Some(line_of(
                &manifest_text,
                manifest.questions_per_attempt.span().start,
            )),
            message: format!(
                "questions_per_attempt is {draw} but the bank has {} valid question(s)",
                questions.len()
            ),
        });
    }

    if errors.len() > before {
        return None;
    }
    Some(Module {
        slug,
        title: manifest.title.trim().to_string(),
        summary: manifest.summary.trim().to_string(),
        version: manifest.version.trim().to_string(),
        estimated_minutes: manifest.estimated_minutes,
        jp: manifest.jp,
        passing_score: *manifest.passing_score.get_ref(),
        attempt_limit: manifest.attempt_limit.map(|v| *v.get_ref()),
        time_limit_minutes: manifest.time_limit_minutes.map(|v| *v.get_ref()),
        questions_per_attempt: draw,
        legal_basis: manifest.legal_basis.into_iter().map(Into::into).collect(),
        parallel_to: manifest.parallel_to.map(|p| {
            (
                p.get_ref().trim().to_string(),
                line_of(&manifest_text, p.span().start),
            )
        }),
        lessons,
        questions,
        content_hash: hex::encode(hasher.finalize()),
        dir: dir.to_path_buf(),
    })
}

fn hash_file(hasher: &mut Sha256, name: &str, text: &str) {
    hasher.update(name.as_bytes());
    hasher.update([0]);
    hasher.update(text.as_bytes());
    hasher.update([0]);
}

fn parse_lesson(
    file_name: &str,
    text: &str,
    report: &mut Report<'_>,
    file: &Path,
) -> Option<Lesson> {
    let stem = file_name.trim_end_matches(".md");
    let slug = match stem.split_once('-') {
        Some((order, rest)) if order.chars().all(|c| c.is_ascii_digit()) && !order.is_empty() => {
            rest.to_string()
        }
        _ => {
            report.at(
                None,
                "lesson file name must look like NN-slug.md (NN gives the order)",
            );
            return None;
        }
    };
    if !valid_token(&slug) || RESERVED_LESSON_SLUGS.contains(&slug.as_str()) {
        report.at(
            None,
            format!("lesson slug `{slug}` is not allowed (a-z, 0-9, '-', not kuis/hasil)"),
        );
        return None;
    }
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        report.at(
            Some(0),
            "lesson must start with TOML front matter between +++ lines",
        );
        return None;
    };
    let Some(end) = rest.find("\n+++") else {
        report.at(
            Some(0),
            "front matter is not closed: add a line with +++ after it",
        );
        return None;
    };
    let front = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    let meta: FrontMatter = match toml::from_str(front) {
        Ok(m) => m,
        Err(e) => {
            // Front matter starts on line 2 of the file.
            let line = e.span().map(|s| line_of(front, s.start) + 1);
            report.errors.push(ContentError {
                file: report.file.clone(),
                line,
                message: toml_message(&e),
            });
            return None;
        }
    };
    if meta.title.trim().is_empty() {
        report.at(Some(4), "title must not be empty");
        return None;
    }
    if body.trim().is_empty() {
        report.at(
            Some(text.len()),
            "lesson has no text after the front matter",
        );
        return None;
    }
    Some(Lesson {
        slug,
        title: meta.title.trim().to_string(),
        html: markdown::render(body),
        violations: meta.violations,
        file: file.to_path_buf(),
    })
}

fn validate_bank(bank: BankToml, report: &mut Report<'_>, text: &str) -> Vec<Question> {
    let mut seen = HashSet::new();
    let mut questions = Vec::new();
    if bank.question.is_empty() {
        report.at(None, "question bank is empty (add [[question]] tables)");
    }
    for q in bank.question {
        let at = Some(q.id.span().start);
        let line = line_of(text, q.id.span().start);
        let id = q.id.get_ref().trim().to_string();
        let mut ok = true;
        let topic = q.topic.map(|t| t.trim().to_string());
        if topic.as_deref().is_some_and(|t| !valid_token(t)) {
            report.at(
                at,
                format!("question `{id}`: topic may contain only letters, digits, '-' and '_'"),
            );
            ok = false;
        }
        // Ids become form field names (`answers[<id>][]`); one starting with a digit would be read
        // as a list index by the form decoder.
        if !valid_token(&id) || !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
            report.at(at, format!("question id `{id}` must start with a letter and contain only letters, digits, '-' and '_'"));
            ok = false;
        }
        if !seen.insert(id.clone()) {
            report.at(at, format!("duplicate question id `{id}`"));
            ok = false;
        }
        if q.stem.trim().is_empty() {
            report.at(at, format!("question `{id}` has an empty stem"));
            ok = false;
        }
        if q.explanation.trim().is_empty() {
            report.at(at, format!("question `{id}` needs an explanation"));
            ok = false;
        }
        if q.legal_basis.is_empty() || q.legal_basis.iter().any(|b| b.regulation.trim().is_empty())
        {
            report.at(
                at,
                format!("question `{id}` needs a legal_basis (regulation and article)"),
            );
            ok = false;
        }
        let (kind, options) = match q.kind {
            KindToml::TrueFalse => {
                if !q.options.is_empty() {
                    report.at(
                        at,
                        format!(
                            "true_false question `{id}` takes `answer = true|false`, not options"
                        ),
                    );
                    ok = false;
                }
                let Some(answer) = q.answer else {
                    report.at(
                        at,
                        format!(
                            "true_false question `{id}` needs `answer = true` or `answer = false`"
                        ),
                    );
                    continue;
                };
                (
                    QuestionKind::TrueFalse,
                    vec![
                        AnswerOption {
                            key: "benar".into(),
                            text: "Benar".into(),
                            correct: answer,
                        },
                        AnswerOption {
                            key: "salah".into(),
                            text: "Salah".into(),
                            correct: !answer,
                        },
                    ],
                )
            }
            kind @ (KindToml::Single | KindToml::Multiple) => {
                if q.answer.is_some() {
                    report.at(at, format!("question `{id}`: `answer` is only for true_false; mark options with correct = true"));
                    ok = false;
                }
                let mut keys = HashSet::new();
                for o in &q.options {
                    if !valid_token(&o.key) || !keys.insert(o.key.clone()) {
                        report.at(
                            at,
                            format!(
                                "question `{id}`: option key `{}` is invalid or repeated",
                                o.key
                            ),
                        );
                        ok = false;
                    }
                    if o.text.trim().is_empty() {
                        report.at(
                            at,
                            format!("question `{id}`: option `{}` has no text", o.key),
                        );
                        ok = false;
                    }
                }
                let correct = q.options.iter().filter(|o| o.correct).count();
                if q.options.len() < 2 {
                    report.at(at, format!("question `{id}` needs at least two options"));
                    ok = false;
                }
                let kind = match kind {
                    KindToml::Single => QuestionKind::Single,
                    _ => QuestionKind::Multiple,
                };
                if correct == 0 {
                    report.at(at, format!("question `{id}` has no correct option"));
                    ok = false;
                } else if kind == QuestionKind::Single && correct > 1 {
                    report.at(at, format!("single-answer question `{id}` has {correct} correct options (use type = \"multiple\")"));
                    ok = false;
                }
                let options = q
                    .options
                    .into_iter()
                    .map(|o| AnswerOption {
                        key: o.key,
                        text: o.text.trim().to_string(),
                        correct: o.correct,
                    })
                    .collect();
                (kind, options)
            }
        };
        if ok {
            questions.push(Question {
                id,
                kind,
                stem: q.stem.trim().to_string(),
                options,
                explanation: q.explanation.trim().to_string(),
                legal_basis: q.legal_basis.into_iter().map(Into::into).collect(),
                topic,
                scenario: q.scenario,
                violations: q.violations,
                source: report.file.clone(),
                line,
            });
        }
    }
    questions
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct TempContent(PathBuf);

    impl TempContent {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("netra-content-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(dir.join("m/lessons")).expect("temp dir");
            TempContent(dir)
        }
        fn write(&self, rel: &str, text: &str) {
            fs::write(self.0.join(rel), text).expect("write");
        }
    }

    impl Drop for TempContent {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const MANIFEST: &str = "slug = \"m\"\ntitle = \"Modul\"\nsummary = \"s\"\nversion = \"1\"\nestimated_minutes = 5\njp = 1\npassing_score = 70\nquestions_per_attempt = 1\n";
    const LESSON: &str = "+++\ntitle = \"Pelajaran\"\n+++\n\nIsi **materi**.\n";
    const BANK: &str = "[[question]]\nid = \"q1\"\ntype = \"single\"\nstem = \"Soal?\"\noptions = [\n  { key = \"a\", text = \"Ya\", correct = true },\n  { key = \"b\", text = \"Tidak\" },\n]\nexplanation = \"Karena.\"\nlegal_basis = [{ regulation = \"UU 20/2023\", article = \"Pasal 24\" }]\n";

    fn valid(name: &str) -> TempContent {
        let t = TempContent::new(name);
        t.write("m/module.toml", MANIFEST);
        t.write("m/lessons/01-satu.md", LESSON);
        t.write("m/questions.toml", BANK);
        t
    }

    fn errors_of(t: &TempContent) -> Vec<String> {
        match load_catalog(&t.0) {
            Ok(_) => vec![],
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_valid_module_loads_with_rendered_lessons() {
        let t = valid("ok");
        let catalog = load_catalog(&t.0).expect("valid content");
        let module = catalog.module("m").expect("module m");
        assert_eq!(module.lessons[0].slug, "satu");
        assert!(module.lessons[0].html.contains("<strong>materi</strong>"));
        assert_eq!(module.questions[0].correct_keys(), vec!["a".to_string()]);
        assert_eq!(module.content_hash.len(), 64);
    }

    #[test]
    fn a_duplicate_question_id_names_the_file_and_line() {
        let t = valid("dup");
        t.write("m/questions.toml", &format!("{BANK}{BANK}"));
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("questions.toml:12:")
                    && e.contains("duplicate question id `q1`")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_question_without_a_correct_option_is_rejected() {
        let t = valid("nocorrect");
        t.write("m/questions.toml", &BANK.replace(", correct = true", ""));
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("questions.toml:2:") && e.contains("no correct option")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_question_id_must_start_with_a_letter() {
        let t = valid("digitid");
        t.write(
            "m/questions.toml",
            &BANK.replace("id = \"q1\"", "id = \"1a\""),
        );
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("questions.toml:2:") && e.contains("must start with a letter")),
            "{errors:?}"
        );
    }

    #[test]
    fn drawing_more_questions_than_the_bank_holds_is_rejected() {
        let t = valid("draw");
        t.write(
            "m/module.toml",
            &MANIFEST.replace("questions_per_attempt = 1", "questions_per_attempt = 5"),
        );
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("module.toml:8:") && e.contains("bank has 1")),
            "{errors:?}"
        );
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_line() {
        let t = valid("unknown");
        t.write("m/module.toml", &format!("{MANIFEST}colour = \"red\"\n"));
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("module.toml:9:") && e.contains("unknown field")),
            "{errors:?}"
        );
    }

    const ENTRY: &str = "[[violation]]\nid = \"v\"\nname = \"N\"\ndescription = \"D\"\ncategory = \"etik\"\nsanction = \"moral\"\nelection = \"keduanya\"\nlegal_basis = [{ regulation = \"R\", article = \"A\" }]\n";

    #[test]
    fn catalogue_entries_list_the_lessons_and_questions_that_name_them() {
        let t = valid("violations");
        t.write("pelanggaran.toml", ENTRY);
        t.write(
            "m/lessons/01-satu.md",
            &LESSON.replace("+++\n\n", "violations = [\"v\"]\n+++\n\n"),
        );
        t.write("m/questions.toml", &format!("{BANK}violations = [\"v\"]\n"));
        let catalog = load_catalog(&t.0).expect("valid catalogue");
        let entry = &catalog.violations()[0];
        assert_eq!(entry.lessons[0].href, "/modul/m/satu");
        assert_eq!(entry.quizzes[0].href, "/modul/m");
        assert_eq!(entry.question_count(), 1);
    }

    #[test]
    fn naming_an_unknown_violation_is_reported_at_the_question() {
        let t = valid("unknown-violation");
        t.write("pelanggaran.toml", ENTRY);
        t.write(
            "m/questions.toml",
            &format!("{BANK}violations = [\"tidak-ada\"]\n"),
        );
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("questions.toml:2:")
                    && e.contains("unknown violation `tidak-ada`")),
            "{errors:?}"
        );
        t.write("pelanggaran.toml", &ENTRY.replace("etik", "etika"));
        assert!(
            errors_of(&t)
                .iter()
                .any(|e| e.contains("pelanggaran.toml:5:")),
            "bad category line"
        );
    }

    #[test]
    fn parallel_forms_must_name_each_other_and_share_topics() {
        let t = valid("parallel");
        let form = |slug: &str, other: &str, topic: &str| {
            fs::create_dir_all(t.0.join(slug)).expect("form dir");
            t.write(
                &format!("{slug}/module.toml"),
                &MANIFEST
                    .replace("slug = \"m\"", &format!("slug = \"{slug}\""))
                    .replace(
                        "questions_per_attempt = 1\n",
                        &format!("questions_per_attempt = 1\nparallel_to = \"{other}\"\n"),
                    ),
            );
            t.write(
                &format!("{slug}/questions.toml"),
                &format!("{BANK}topic = \"{topic}\"\n"),
            );
        };
        form("pre", "post", "asas");
        form("post", "pre", "asas");
        let catalog = load_catalog(&t.0).expect("forms without lessons load");
        assert!(catalog.module("pre").is_some_and(|m| m.lessons.is_empty()));
        form("post", "pre", "sanksi");
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("pre/module.toml:9:") && e.contains("topics differ")),
            "{errors:?}"
        );
        form("post", "m", "asas");
        let errors = errors_of(&t);
        assert!(
            errors.iter().any(|e| e.contains("`post` must name `pre`")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_module_without_lessons_is_rejected_unless_it_is_a_test_form() {
        let t = valid("nolessons");
        fs::remove_file(t.0.join("m/lessons/01-satu.md")).expect("remove lesson");
        assert!(errors_of(&t)
            .iter()
            .any(|e| e.contains("module has no lessons")));
    }

    #[test]
    fn broken_front_matter_is_reported() {
        let t = valid("front");
        t.write("m/lessons/01-satu.md", "+++\ntitle = \n+++\nIsi\n");
        let errors = errors_of(&t);
        assert!(
            errors.iter().any(|e| e.contains("01-satu.md:2:")),
            "{errors:?}"
        );
        t.write("m/lessons/01-satu.md", "Tanpa front matter\n");
        let errors = errors_of(&t);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("01-satu.md:1:") && e.contains("front matter")),
            "{errors:?}"
        );
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn content_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
    }

    /// Every file of the shipped content, relative to its root.
    fn content_files() -> Vec<PathBuf> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else if let Ok(rel) = path.strip_prefix(root) {
                    out.push(rel.to_path_buf());
                }
            }
        }
        let mut out = Vec::new();
        walk(&content_root(), &content_root(), &mut out);
        out.sort();
        out
    }

    fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_tree(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), target)?;
            }
        }
        Ok(())
    }

    /// Text an author's slip (or a bad merge) can put into a TOML manifest or a lesson.
    fn damage() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("\"".to_string()),
            Just("[[questions]]\n".to_string()),
            Just("id = \"\"\n".to_string()),
            Just("correct = [99]\n".to_string()),
            Just("options = []\n".to_string()),
            Just("questions_per_attempt = 0\n".to_string()),
            Just("passing_score = 1000\n".to_string()),
            Just("---\ntitle = \n---\n".to_string()),
            Just("\u{0}\u{feff}".to_string()),
            Just("[".to_string()),
            Just("é中".to_string()),
            any::<String>(),
        ]
    }

    // app/proptest-regressions/ssr/content/parse.txt keeps the case that found blank messages
    // for TOML errors (a NUL and a byte-order mark spliced into a manifest): it runs first.
    proptest! {
        // Each case copies the content tree: a few hundred cases keep this under a few seconds.
        #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

        /// One file of the real content, cut or spliced at a random place: loading reports
        /// errors (with the file) or succeeds, and never panics.
        #[test]
        fn damaged_content_is_reported_never_a_panic(
            file_pick in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            cut in any::<bool>(),
            insert in damage(),
        ) {
            let files = content_files();
            prop_assume!(!files.is_empty());
            let rel = &files[file_pick.index(files.len())];
            let dir = std::env::temp_dir().join(format!("netra-content-fuzz-{:016x}", rand::random::<u64>()));
            copy_tree(&content_root(), &dir).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let path = dir.join(rel);
            let original = std::fs::read(&path).unwrap_or_default();
            let mut at = at.index(original.len() + 1);
            // Splice on a character boundary so most cases stay valid UTF-8 and reach the parsers.
            while at < original.len() && (original[at] & 0xC0) == 0x80 {
                at += 1;
            }
            let mut damaged = original[..at].to_vec();
            damaged.extend_from_slice(insert.as_bytes());
            if !cut {
                damaged.extend_from_slice(&original[at..]);
            }
            std::fs::write(&path, &damaged).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let outcome = load_catalog(&dir);
            let _ = std::fs::remove_dir_all(&dir);
            if let Err(errors) = outcome {
                prop_assert!(!errors.0.is_empty());
                for e in &errors.0 {
                    prop_assert!(!e.message.is_empty(), "{} cut at {at}: {e:?}", rel.display());
                }
            }
        }

        #[test]
        fn markdown_rendering_never_panics(text in any::<String>()) {
            let _ = super::super::markdown::render(&text);
        }
    }
}
