//! Webinar sessions as the pages see them: the attendee's view, the host's view, the live
//! board's figures, and certificates.

use super::catalog::Learner;
use serde::{Deserialize, Serialize};

/// The two tests of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    Pre,
    Post,
}

impl Stage {
    /// The path segment: `/w/{code}/pre-test`.
    pub fn segment(self) -> &'static str {
        match self {
            Stage::Pre => "pre-test",
            Stage::Post => "post-test",
        }
    }

    pub fn from_segment(s: &str) -> Option<Self> {
        match s {
            "pre-test" => Some(Stage::Pre),
            "post-test" => Some(Stage::Post),
            _ => None,
        }
    }

    /// The attempt context stored in the database.
    pub fn context(self) -> &'static str {
        match self {
            Stage::Pre => "webinar_pre",
            Stage::Post => "webinar_post",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Pre => "Pre-test",
            Stage::Post => "Post-test",
        }
    }
}

/// Whether a test can be taken now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// Not opened yet; opens at the given local time when scheduled.
    NotOpen {
        opens: Option<String>,
    },
    /// Open; closes at the given local time when scheduled.
    Open {
        closes: Option<String>,
    },
    Closed,
}

impl Window {
    pub fn is_open(&self) -> bool {
        matches!(self, Window::Open { .. })
    }

    pub fn label(&self) -> String {
        match self {
            Window::NotOpen { opens: Some(at) } => format!("Belum dibuka (dibuka {at})"),
            Window::NotOpen { opens: None } => "Belum dibuka".into(),
            Window::Open { closes: Some(at) } => format!("Dibuka sampai {at}"),
            Window::Open { closes: None } => "Dibuka".into(),
            Window::Closed => "Sudah ditutup".into(),
        }
    }
}

/// One test as the attendee sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    pub stage: Stage,
    pub module_title: String,
    pub window: Window,
    /// An attempt started and not yet submitted.
    pub in_progress: bool,
    /// The submitted score, once taken.
    pub score: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialLink {
    pub slug: String,
    pub title: String,
}

/// A certificate as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateLink {
    pub id: i64,
    pub number: String,
    pub verify_code: String,
    pub revoked: bool,
}

/// `/w/{code}` for an attendee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendeeView {
    pub code: String,
    pub title: String,
    pub organiser: String,
    pub starts: String,
    pub jp: u32,
    /// What completing the session takes, in words.
    pub rule: String,
    /// `None` until the attendee identifies (then the page shows the form).
    pub learner: Option<Learner>,
    pub pre: Option<StageView>,
    pub post: StageView,
    pub materials: Vec<MaterialLink>,
    pub completed: bool,
    pub certificate: Option<CertificateLink>,
}

/// A session in the host's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub starts: String,
    pub participants: u64,
}

/// A module that can be chosen as a test or material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleChoice {
    pub slug: String,
    pub title: String,
    /// Parallel pre-test/post-test forms come first and are labelled.
    pub is_test: bool,
}

/// The host's home: their sessions and what a new one can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostHome {
    pub sessions: Vec<SessionSummary>,
    pub modules: Vec<ModuleChoice>,
    pub default_organiser: String,
}

/// A certificate row in the host's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCertificate {
    pub id: i64,
    pub number: String,
    pub holder_name: String,
    pub holder_nip_masked: String,
    pub verify_code: String,
    pub revoked_reason: Option<String>,
}

/// `/host/sesi/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostSessionView {
    pub id: i64,
    pub code: String,
    pub join_url: String,
    pub title: String,
    pub organiser: String,
    pub starts: String,
    pub jp: u32,
    pub rule: String,
    pub pre: Option<(String, Window)>,
    pub post: (String, Window),
    pub participants: u64,
    pub certificates: Vec<IssuedCertificate>,
}

/// One bucket of a score histogram: scores in `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub from: u32,
    pub to: u32,
    pub count: u64,
}

/// How many attendees got a question right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionShare {
    pub stage: Stage,
    pub question_id: String,
    pub stem: String,
    pub answered: u64,
    pub correct: u64,
}

impl QuestionShare {
    pub fn percent(&self) -> u32 {
        (self.correct * 100 + self.answered / 2)
            .checked_div(self.answered)
            .unwrap_or(0) as u32
    }
}

/// Averages for one agency (the team view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub instansi: String,
    pub participants: u64,
    pub pre_average: Option<f64>,
    pub post_average: Option<f64>,
}

/// Everything the live board shows. Sent whole on every update: it is small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LiveStats {
    pub joined: u64,
    pub pre_submitted: u64,
    pub post_submitted: u64,
    pub pre_average: Option<f64>,
    pub post_average: Option<f64>,
    /// Attendees with both tests, and their average of post minus pre.
    pub paired: u64,
    pub gain_average: Option<f64>,
    pub pre_distribution: Vec<Bucket>,
    pub post_distribution: Vec<Bucket>,
    pub questions: Vec<QuestionShare>,
    pub teams: Vec<TeamRow>,
    pub completed: u64,
}

/// Formats an average score for display ("-" when there is none).
pub fn format_average(avg: Option<f64>) -> String {
    match avg {
        Some(v) => format!("{v:.1}"),
        None => "-".into(),
    }
}

/// Formats a signed gain ("+12.5").
pub fn format_gain(gain: Option<f64>) -> String {
    match gain {
        Some(v) => format!("{v:+.1}"),
        None => "-".into(),
    }
}

/// Why a typed join code leads nowhere: no session has it (`code` as typed, cut to 20
/// characters). Said by the join form's server check and by `/w/{code}` alike.
pub fn unknown_code_reason(code: &str) -> String {
    let shown: String = code.chars().take(20).collect();
    format!("Tidak ada sesi dengan kode {shown}. Periksa lagi kode dari penyelenggara.")
}
