//! The loaded content: the catalogue of modules, lessons and questions, and content errors with
//! their file and line.

use crate::model::catalog::LegalBasis;
use crate::model::quiz::QuestionKind;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One problem in the content, pointing at a file and (when known) a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// All problems found in one pass, so an author can fix them together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ContentErrors {}

/// A validated catalogue of modules, in display order.
#[derive(Debug, Default)]
pub struct Catalog {
    pub(super) modules: Vec<Arc<Module>>,
    pub(super) by_slug: HashMap<String, usize>,
    pub(super) catalogue: super::violations::CatalogueData,
}

impl Catalog {
    pub fn new(modules: Vec<Module>) -> Self {
        let modules: Vec<Arc<Module>> = modules.into_iter().map(Arc::new).collect();
        let by_slug = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.slug.clone(), i))
            .collect();
        Self {
            modules,
            by_slug,
            catalogue: Default::default(),
        }
    }

    /// The violation catalogue (`pelanggaran.toml`), in file order.
    pub fn violations(&self) -> &[crate::model::violations::ViolationView] {
        &self.catalogue.violations
    }

    /// Self-check rules, actions and recorded non-violations from the catalogue file.
    pub fn self_check(&self) -> &super::violations::CatalogueData {
        &self.catalogue
    }

    pub fn modules(&self) -> &[Arc<Module>] {
        &self.modules
    }

    pub fn module(&self, slug: &str) -> Option<&Arc<Module>> {
        self.by_slug.get(slug).map(|&i| &self.modules[i])
    }

    /// A module's title, or its slug when the module is no longer in the content (old records).
    pub fn title_of(&self, slug: &str) -> String {
        self.module(slug)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| slug.to_string())
    }

    pub fn lesson_count(&self) -> usize {
        self.modules.iter().map(|m| m.lessons.len()).sum()
    }

    pub fn question_count(&self) -> usize {
        self.modules.iter().map(|m| m.questions.len()).sum()
    }
}

/// A training module as authored.
#[derive(Debug, Clone)]
pub struct Module {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub version: String,
    pub estimated_minutes: u32,
    pub jp: u32,
    pub passing_score: u32,
    pub attempt_limit: Option<u32>,
    pub time_limit_minutes: Option<u32>,
    pub questions_per_attempt: u32,
    pub legal_basis: Vec<LegalBasis>,
    /// For a pre-test/post-test form: the other form's slug and the manifest line naming it.
    pub parallel_to: Option<(String, usize)>,
    pub lessons: Vec<Lesson>,
    pub questions: Vec<Question>,
    /// SHA-256 over every file of the module: a changed file is a new content version.
    pub content_hash: String,
    pub dir: PathBuf,
}

impl Module {
    /// A pre-test or post-test form (it has a parallel form, or no lessons): taken only inside a
    /// webinar session, never listed in the catalogue, assigned, or started as one's own quiz,
    /// so its key cannot be harvested while a session's test is open.
    pub fn is_test_only(&self) -> bool {
        self.parallel_to.is_some() || self.lessons.is_empty()
    }

    /// A module a learner may study and take as their own quiz (and an agency may assign).
    pub fn is_self_study(&self) -> bool {
        !self.is_test_only() && !self.questions.is_empty()
    }

    pub fn lesson(&self, slug: &str) -> Option<(usize, &Lesson)> {
        self.lessons
            .iter()
            .enumerate()
            .find(|(_, l)| l.slug == slug)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct Lesson {
    pub slug: String,
    pub title: String,
    /// Sanitised HTML, rendered once at load time.
    pub html: String,
    /// Catalogue entries this lesson teaches.
    pub violations: Vec<String>,
    /// Where it was read from, relative to the content directory's parent.
    pub file: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<AnswerOption>,
    pub explanation: String,
    pub legal_basis: Vec<LegalBasis>,
    pub topic: Option<String>,
    /// The stem describes a workplace scenario.
    pub scenario: bool,
    /// Catalogue entries this question tests.
    pub violations: Vec<String>,
    /// The bank file and the line of the question's id, for error messages and reports.
    pub source: PathBuf,
    pub line: usize,
}

impl Question {
    pub fn correct_keys(&self) -> Vec<String> {
        self.options
            .iter()
            .filter(|o| o.correct)
            .map(|o| o.key.clone())
            .collect()
    }

    pub fn option(&self, key: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.key == key)
    }
}

#[derive(Debug, Clone)]
pub struct AnswerOption {
    pub key: String,
    pub text: String,
    pub correct: bool,
}

/// Byte offset -> 1-based line number.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

pub(crate) fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root.parent().unwrap_or(root))
        .unwrap_or(path)
        .to_path_buf()
}

#[cfg(test)]
impl Question {
    /// A question with the given form and no explanation, legal basis or topic, for unit tests
    /// of what reads banks.
    pub(crate) fn for_tests(
        id: &str,
        kind: QuestionKind,
        stem: &str,
        options: Vec<AnswerOption>,
    ) -> Question {
        Question {
            id: id.into(),
            kind,
            stem: stem.into(),
            options,
            explanation: String::new(),
            legal_basis: Vec::new(),
            topic: None,
            scenario: false,
            violations: Vec::new(),
            source: PathBuf::from("content/uji/questions.toml"),
            line: 1,
        }
    }
}

#[cfg(test)]
impl Module {
    /// A module holding only `questions`, for unit tests of what reads banks.
    pub(crate) fn for_tests(questions: Vec<Question>) -> Module {
        Module {
            slug: "uji".into(),
            title: "Uji".into(),
            summary: String::new(),
            version: "1.0.0".into(),
            estimated_minutes: 10,
            jp: 1,
            passing_score: 80,
            attempt_limit: None,
            time_limit_minutes: None,
            questions_per_attempt: 1,
            legal_basis: Vec::new(),
            parallel_to: None,
            lessons: Vec::new(),
            questions,
            content_hash: String::new(),
            dir: PathBuf::from("content/uji"),
        }
    }
}
