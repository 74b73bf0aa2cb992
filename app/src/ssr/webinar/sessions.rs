//! A webinar session's rules: its join code, its test windows and what each stage offers.

use crate::model::auth::Role;
use crate::model::webinar::{Stage, Window};
use crate::ssr::db::entities::webinar_session;
use crate::ssr::time::format_local;
use chrono::{DateTime, Utc};

/// slide or typed on a phone: no O/0, I/1/L, and no U/V pair.
pub(crate) const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTWXYZ23456789";
pub const CODE_LEN: usize = 6;

/// A fresh random join code.
pub fn new_code() -> String {
    crate::ssr::tokens::random_code(CODE_ALPHABET, CODE_LEN)
}

/// A join code as typed: case, spaces and dashes do not matter. `None` when it cannot be one.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Whether a window is open at `now`.
pub fn window(
    opens: Option<DateTime<Utc>>,
    closes: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    zone: &str,
) -> Window {
    let local = |t: DateTime<Utc>| format_local(t, zone);
    match (opens, closes) {
        (_, Some(c)) if now >= c => Window::Closed,
        (Some(o), c) if now >= o => Window::Open {
            closes: c.map(local),
        },
        (o, _) => Window::NotOpen {
            opens: o.map(local),
        },
    }
}

pub(crate) fn stage_window(
    session: &webinar_session::Model,
    stage: Stage,
    now: DateTime<Utc>,
) -> Window {
    let (opens, closes) = match stage {
        Stage::Pre => (session.pre_opens_at, session.pre_closes_at),
        Stage::Post => (session.post_opens_at, session.post_closes_at),
    };
    window(opens, closes, now, &session.time_zone)
}

pub(crate) fn stage_module(session: &webinar_session::Model, stage: Stage) -> Option<&str> {
    match stage {
        Stage::Pre => session.pre_module.as_deref(),
        Stage::Post => Some(&session.post_module),
    }
}

pub(crate) fn materials(session: &webinar_session::Model) -> Vec<String> {
    serde_json::from_str(&session.materials).unwrap_or_default()
}

/// What completing a session takes, in words.
pub fn rule_text(session: &webinar_session::Model) -> String {
    let mut parts = Vec::new();
    if session.requires_pre && session.pre_module.is_some() {
        parts.push("mengikuti pre-test".to_string());
    }
    if session.min_post_score > 0 {
        parts.push(format!(
            "nilai post-test minimal {}",
            session.min_post_score
        ));
    } else {
        parts.push("mengumpulkan post-test".to_string());
    }
    let what = if session.issues_certificates {
        format!("Sertifikat dan {} JP diberikan setelah", session.jp)
    } else {
        format!("{} JP diberikan setelah", session.jp)
    };
    format!("{what} {}.", parts.join(" dan "))
}

/// Staff who may run webinars.
pub const HOST_ROLES: &[Role] = &[Role::Host, Role::Operator, Role::Admin];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::webinar::board::Tally;
    use chrono::TimeZone;

    #[test]
    fn join_codes_avoid_look_alikes() {
        for _ in 0..500 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LEN);
            assert!(!code.contains(['O', '0', 'I', '1', 'L']), "{code}");
            assert_eq!(
                normalize_code(&code.to_lowercase()).as_deref(),
                Some(code.as_str())
            );
        }
        assert_eq!(normalize_code(" ab-c 234 ").as_deref(), Some("ABC234"));
        assert_eq!(normalize_code("ABCDE0"), None);
        assert_eq!(normalize_code("ABCDE"), None);
        assert_eq!(normalize_code("ABCDEFG"), None);
    }

    #[test]
    fn windows_follow_open_and_close_times() {
        let t = |h: u32| {
            Utc.with_ymd_and_hms(2026, 11, 25, h, 0, 0)
                .single()
                .expect("time")
        };
        assert_eq!(
            window(None, None, t(8), "WIB"),
            Window::NotOpen { opens: None }
        );
        assert!(matches!(
            window(Some(t(9)), None, t(8), "WIB"),
            Window::NotOpen { opens: Some(_) }
        ));
        assert!(window(Some(t(8)), None, t(8), "WIB").is_open());
        assert!(window(Some(t(8)), Some(t(10)), t(9), "WIB").is_open());
        assert_eq!(
            window(Some(t(8)), Some(t(10)), t(10), "WIB"),
            Window::Closed
        );
        assert_eq!(window(None, Some(t(7)), t(8), "WIB"), Window::Closed);
    }

    #[test]
    fn local_times_use_the_session_zone() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 25, 1, 30, 0)
            .single()
            .expect("time");
        assert_eq!(format_local(at, "WIB"), "25-11-2026 08:30 WIB");
        assert_eq!(format_local(at, "WITA"), "25-11-2026 09:30 WITA");
        assert_eq!(format_local(at, "WIT"), "25-11-2026 10:30 WIT");
    }

    #[test]
    fn distribution_has_ten_buckets_and_counts_every_score() {
        let mut t = Tally::default();
        for score in [0, 9, 10, 55, 99, 100] {
            t.add(Some(score), 1);
        }
        // Groups of attendees alike count with their size; no score counts nothing.
        t.add(Some(100), 2);
        t.add(None, 5);
        let d = t.distribution();
        assert_eq!(d.len(), 10);
        assert_eq!(d.iter().map(|b| b.count).sum::<u64>(), 8);
        assert_eq!(d[0].count, 2);
        assert_eq!(d[9].count, 4);
        assert_eq!((d[9].from, d[9].to), (90, 100));
        assert_eq!(t.count(), 8);
        assert_eq!(t.average(), Some((9 + 10 + 55 + 99 + 300) as f64 / 8.0));
        assert_eq!(Tally::default().average(), None);
    }
}

/// Session rows by join code, each read from the database at most once a second per process:
/// in a webinar's rush every arrival renders the session's page (twice, with the
/// identification), and the row changes only when the host opens or closes a test, which
/// forgets it here at once (another replica sees the change within the second).
///
/// It also remembers which employees this process has seen joined to which session, so the
/// session page does not ask the database again for every attendee it was just told about.
/// Participant rows are never deleted, so what is remembered stays true; another replica that
/// does not remember asks the database.
#[derive(Default)]
pub struct SessionRows {
    rows: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, webinar_session::Model)>,
    >,
    joined: std::sync::Mutex<std::collections::HashSet<(i64, i64)>>,
}

/// How long a row is kept, and how many rows at most (a flood of made-up codes finds nothing
/// to keep: only rows that exist are kept).
const ROW_SECONDS: u64 = 1;
const MAX_ROWS: usize = 1_000;
/// (session, employee) pairs remembered as joined at most (a few MB; forgotten all at once
/// when full, after which the database is asked again).
const MAX_JOINED: usize = 200_000;

impl SessionRows {
    /// The session with this (normalised) code.
    pub async fn by_code(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        code: &str,
    ) -> Result<Option<webinar_session::Model>, sea_orm::DbErr> {
        if let Ok(rows) = self.rows.lock() {
            if let Some((at, row)) = rows.get(code) {
                if at.elapsed().as_secs() < ROW_SECONDS {
                    return Ok(Some(row.clone()));
                }
            }
        }
        let row = crate::ssr::db::webinars::by_code(db, code).await?;
        if let (Some(row), Ok(mut rows)) = (&row, self.rows.lock()) {
            if rows.len() >= MAX_ROWS {
                rows.clear();
            }
            rows.insert(code.to_string(), (std::time::Instant::now(), row.clone()));
        }
        Ok(row)
    }

    /// The host changed the session: read it afresh next time.
    pub fn forget(&self, code: &str) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.remove(code);
        }
    }

    /// Whether `employee_id` is known here to have joined session `session_id`.
    pub fn known_joined(&self, session_id: i64, employee_id: i64) -> bool {
        self.joined
            .lock()
            .is_ok_and(|joined| joined.contains(&(session_id, employee_id)))
    }

    /// `employee_id` is recorded as a participant of `session_id` (committed).
    pub fn joined(&self, session_id: i64, employee_id: i64) {
        if let Ok(mut joined) = self.joined.lock() {
            if joined.len() >= MAX_JOINED {
                joined.clear();
            }
            joined.insert((session_id, employee_id));
        }
    }
}
