//! The violation catalogue as the browser sees it.

use super::catalog::LegalBasis;
use serde::{Deserialize, Serialize};

/// Which body of rules a violation falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Etik,
    Disiplin,
    Status,
    Pidana,
}

/// The consequence a violation carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sanction {
    Moral,
    Ringan,
    Sedang,
    Berat,
    Ptdh,
    Pidana,
    Kasus,
}

/// Which elections a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Election {
    Pemilu,
    Pilkada,
    Keduanya,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Etik,
        Category::Disiplin,
        Category::Status,
        Category::Pidana,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Etik => "etik",
            Category::Disiplin => "disiplin",
            Category::Status => "status",
            Category::Pidana => "pidana",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Etik => "Kode etik",
            Category::Disiplin => "Disiplin",
            Category::Status => "Status kepegawaian",
            Category::Pidana => "Pidana",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl Sanction {
    pub const ALL: [Sanction; 7] = [
        Sanction::Moral,
        Sanction::Ringan,
        Sanction::Sedang,
        Sanction::Berat,
        Sanction::Ptdh,
        Sanction::Pidana,
        Sanction::Kasus,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Sanction::Moral => "moral",
            Sanction::Ringan => "ringan",
            Sanction::Sedang => "sedang",
            Sanction::Berat => "berat",
            Sanction::Ptdh => "ptdh",
            Sanction::Pidana => "pidana",
            Sanction::Kasus => "kasus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sanction::Moral => "Sanksi moral (PP 42/2004)",
            Sanction::Ringan => "Hukuman disiplin ringan",
            Sanction::Sedang => "Hukuman disiplin sedang",
            Sanction::Berat => "Hukuman disiplin berat",
            Sanction::Ptdh => "Pemberhentian tidak dengan hormat",
            Sanction::Pidana => "Ancaman pidana",
            Sanction::Kasus => "Diputuskan per kasus",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl Election {
    pub fn label(self) -> &'static str {
        match self {
            Election::Pemilu => "Pemilu",
            Election::Pilkada => "Pilkada",
            Election::Keduanya => "Pemilu dan Pilkada",
        }
    }
}

/// A lesson that teaches a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonRef {
    pub href: String,
    pub title: String,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: Category,
    pub sanction: Sanction,
    pub election: Election,
    pub legal_basis: Vec<LegalBasis>,
    pub examples: Vec<String>,
    pub caveat: Option<String>,
    pub lessons: Vec<LessonRef>,
    /// The modules whose quizzes practise this violation, with how many questions each.
    pub quizzes: Vec<QuizRef>,
}

impl ViolationView {
    /// How many quiz questions practise this violation, across all modules.
    pub fn question_count(&self) -> usize {
        self.quizzes.iter().map(|q| q.questions).sum()
    }
}

/// A module whose question bank practises a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizRef {
    pub href: String,
    pub title: String,
    pub questions: usize,
}

/// Filters of `/pelanggaran`, all optional. Text search ignores case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationFilter {
    pub category: Option<Category>,
    pub sanction: Option<Sanction>,
    pub text: String,
}

impl ViolationFilter {
    pub fn matches(&self, v: &ViolationView) -> bool {
        let text = self.text.trim().to_lowercase();
        self.category.is_none_or(|c| c == v.category)
            && self.sanction.is_none_or(|s| s == v.sanction)
            && (text.is_empty()
                || [&v.name, &v.description]
                    .into_iter()
                    .chain(v.examples.iter())
                    .any(|t| t.to_lowercase().contains(&text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(category: Category, sanction: Sanction, name: &str) -> ViolationView {
        ViolationView {
            id: "x".into(),
            name: name.into(),
            description: "Uraian".into(),
            category,
            sanction,
            election: Election::Keduanya,
            legal_basis: vec![],
            examples: vec!["Memakai mobil dinas".into()],
            caveat: None,
            lessons: vec![],
            quizzes: vec![],
        }
    }

    #[test]
    fn filters_combine_category_sanction_and_text() {
        let v = entry(
            Category::Disiplin,
            Sanction::Berat,
            "Kampanye dengan fasilitas negara",
        );
        assert!(ViolationFilter::default().matches(&v));
        assert!(ViolationFilter {
            category: Some(Category::Disiplin),
            ..Default::default()
        }
        .matches(&v));
        assert!(!ViolationFilter {
            category: Some(Category::Etik),
            ..Default::default()
        }
        .matches(&v));
        assert!(!ViolationFilter {
            sanction: Some(Sanction::Sedang),
            ..Default::default()
        }
        .matches(&v));
        // Text matches name, description or examples, ignoring case.
        assert!(ViolationFilter {
            text: "MOBIL".into(),
            ..Default::default()
        }
        .matches(&v));
        assert!(ViolationFilter {
            text: "fasilitas".into(),
            sanction: Some(Sanction::Berat),
            ..Default::default()
        }
        .matches(&v));
        assert!(!ViolationFilter {
            text: "baliho".into(),
            ..Default::default()
        }
        .matches(&v));
    }

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        for s in Sanction::ALL {
            assert_eq!(Sanction::from_code(s.code()), Some(s));
        }
        assert_eq!(Category::from_code("lain"), None);
    }
}
