//! What the learner sees of the catalogue: modules, lessons and their status.

use serde::{Deserialize, Serialize};

/// A regulation and the article a statement rests on, e.g. "PP 94/2021", "Pasal 8".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    pub regulation: String,
    pub article: String,
}

impl std::fmt::Display for LegalBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.article.is_empty() {
            f.write_str(&self.regulation)
        } else {
            write!(f, "{}, {}", self.regulation, self.article)
        }
    }
}

/// The learner's standing in one module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleStatus {
    /// Nobody identified, or nothing opened yet.
    NotStarted,
    /// Some lessons read, no passing attempt yet.
    InProgress { lessons_read: usize },
    /// Best attempt passed.
    Passed { best_score: u32 },
    /// Attempted but not passed yet.
    NotPassed { best_score: u32 },
}

impl ModuleStatus {
    pub fn label(&self) -> String {
        match self {
            ModuleStatus::NotStarted => "Belum mulai".into(),
            ModuleStatus::InProgress { lessons_read } => {
                format!("Sedang belajar ({lessons_read} materi dibaca)")
            }
            ModuleStatus::Passed { best_score } => format!("Lulus (nilai terbaik {best_score})"),
            ModuleStatus::NotPassed { best_score } => {
                format!("Belum lulus (nilai terbaik {best_score})")
            }
        }
    }
}

/// One row of the catalogue on `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub estimated_minutes: u32,
    pub jp: u32,
    pub lesson_count: usize,
    pub status: ModuleStatus,
}

/// A lesson's title and whether the learner has read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonLink {
    pub slug: String,
    pub title: String,
    pub read: bool,
}

/// The module overview page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleDetail {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub version: String,
    pub estimated_minutes: u32,
    pub jp: u32,
    pub passing_score: u32,
    pub attempt_limit: Option<u32>,
    pub time_limit_minutes: Option<u32>,
    pub question_count: u32,
    pub legal_basis: Vec<LegalBasis>,
    pub lessons: Vec<LessonLink>,
    pub status: ModuleStatus,
}

impl ModuleDetail {
    /// Percentage of lessons read, 0..=100.
    pub fn progress_percent(&self) -> u32 {
        let read = self.lessons.iter().filter(|l| l.read).count();
        if self.lessons.is_empty() {
            0
        } else {
            (read * 100 / self.lessons.len()) as u32
        }
    }
}

/// One lesson page: sanitised HTML rendered from Markdown on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonPage {
    pub module_slug: String,
    pub module_title: String,
    pub slug: String,
    pub title: String,
    pub html: String,
    pub position: usize,
    pub total: usize,
    pub previous: Option<LessonLink>,
    pub next: Option<LessonLink>,
    pub lessons_read: usize,
}

/// Who is taking quizzes in this browser, and how sure Netra is of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    pub nip: String,
    pub name: String,
    pub instansi: String,
    pub unit_kerja: String,
    pub assurance: super::assurance::Assurance,
}
