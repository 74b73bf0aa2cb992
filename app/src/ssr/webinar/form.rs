//! The host's new-session form: every field checked, all problems reported at once.

use crate::error::{AppError, FieldError};
use crate::ssr::db::entities::webinar_session;
use crate::ssr::time::{parse_local, zone_offset};
use crate::ssr::AppState;
use chrono::{DateTime, Utc};
use sea_orm::Set;

/// The new-session form as submitted.
#[derive(Debug, Clone, Default)]
pub struct SessionForm {
    pub title: String,
    pub organiser: String,
    /// `YYYY-MM-DDTHH:MM` as given by `<input type="datetime-local">`, in `time_zone`.
    pub starts_at: String,
    pub time_zone: String,
    pub pre_module: String,
    pub post_module: String,
    pub materials: Vec<String>,
    pub jp: String,
    pub min_post_score: String,
    pub requires_pre: bool,
    pub issues_certificates: bool,
    pub signer_name: String,
    pub signer_nip: String,
    pub signer_position: String,
    /// Optional schedule, `YYYY-MM-DDTHH:MM` in `time_zone`: each window opens and closes by
    /// itself at these times (the host's one-click buttons still override them).
    pub pre_opens_at: String,
    pub pre_closes_at: String,
    pub post_opens_at: String,
    pub post_closes_at: String,
}

pub(crate) fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks the form and reports every problem at once, in Indonesian.
pub fn validate(
    state: &AppState,
    form: &SessionForm,
) -> Result<webinar_session::ActiveModel, AppError> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, label: &str, required: bool, max: usize| {
        let value = clean(value);
        if required && value.chars().count() < 3 {
            errors.push(FieldError::new(field, format!("{label} wajib diisi.")));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                format!("{label} terlalu panjang (maksimal {max} karakter)."),
            ));
        }
        value
    };
    let title = text("title", &form.title, "Judul", true, 200);
    let organiser = text("organiser", &form.organiser, "Penyelenggara", true, 120);
    let signer = crate::ssr::learning::certificates::Signer::parse(
        &form.signer_name,
        &form.signer_nip,
        &form.signer_position,
        &mut errors,
    );
    let zone = form.time_zone.trim().to_ascii_uppercase();
    let offset = zone_offset(&zone);
    if offset.is_none() {
        errors.push(FieldError::new(
            "time_zone",
            "Pilih zona waktu: WIB, WITA atau WIT.",
        ));
    }
    let starts_at = offset.and_then(|o| parse_local(&form.starts_at, o));
    if starts_at.is_none() && offset.is_some() {
        errors.push(FieldError::new(
            "starts_at",
            "Isi tanggal dan jam mulai dengan benar.",
        ));
    }
    // The optional schedule: each time in the session's zone, each window closing after it opens.
    let mut scheduled = |field: &str, value: &str, label: &str| -> Option<DateTime<Utc>> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let at = offset.and_then(|o| parse_local(value, o));
        if at.is_none() {
            errors.push(FieldError::new(
                field,
                format!("{label}: isi tanggal dan jam dengan benar."),
            ));
        }
        at
    };
    let pre_window = (
        scheduled("pre_opens_at", &form.pre_opens_at, "Pre-test dibuka"),
        scheduled("pre_closes_at", &form.pre_closes_at, "Pre-test ditutup"),
    );
    let post_window = (
        scheduled("post_opens_at", &form.post_opens_at, "Post-test dibuka"),
        scheduled("post_closes_at", &form.post_closes_at, "Post-test ditutup"),
    );
    for ((opens, closes), field, label) in [
        (pre_window, "pre_closes_at", "Pre-test"),
        (post_window, "post_closes_at", "Post-test"),
    ] {
        if let (Some(opens), Some(closes)) = (opens, closes) {
            if closes <= opens {
                errors.push(FieldError::new(
                    field,
                    format!("{label} harus ditutup setelah waktu dibuka."),
                ));
            }
        }
    }
    let module_ok = |slug: &str| {
        state
            .catalog
            .module(slug)
            .is_some_and(|m| !m.questions.is_empty())
    };
    let pre_module = form.pre_module.trim().to_string();
    if !pre_module.is_empty() && !module_ok(&pre_module) {
        errors.push(FieldError::new(
            "pre_module",
            "Modul pre-test tidak dikenal.",
        ));
    }
    let post_module = form.post_module.trim().to_string();
    if !module_ok(&post_module) {
        errors.push(FieldError::new(
            "post_module",
            "Pilih modul untuk post-test.",
        ));
    }
    let mut material_slugs = Vec::new();
    for slug in &form.materials {
        let slug = slug.trim();
        if slug.is_empty() || material_slugs.iter().any(|s: &String| s == slug) {
            continue;
        }
        if state.catalog.module(slug).is_none() {
            errors.push(FieldError::new(
                "materials",
                format!("Materi \"{slug}\" tidak dikenal."),
            ));
        } else {
            material_slugs.push(slug.to_string());
        }
    }
    let jp = match form.jp.trim().parse::<i32>() {
        Ok(jp) if (0..=40).contains(&jp) => jp,
        _ => {
            errors.push(FieldError::new(
                "jp",
                "JP harus bilangan bulat 0 sampai 40.",
            ));
            0
        }
    };
    let min_post_score = match form.min_post_score.trim() {
        "" => 0,
        s => match s.parse::<i32>() {
            Ok(v) if (0..=100).contains(&v) => v,
            _ => {
                errors.push(FieldError::new(
                    "min_post_score",
                    "Nilai minimal post-test harus 0 sampai 100.",
                ));
                0
            }
        },
    };
    if pre_module.is_empty() && (pre_window.0.is_some() || pre_window.1.is_some()) {
        errors.push(FieldError::new(
            "pre_opens_at",
            "Jadwal pre-test hanya bisa diisi bila modul pre-test dipilih.",
        ));
    }
    if form.requires_pre && pre_module.is_empty() {
        errors.push(FieldError::new(
            "requires_pre",
            "Syarat pre-test hanya bisa dipakai bila modul pre-test dipilih.",
        ));
    }
    let (Some(starts_at), true) = (starts_at, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    Ok(webinar_session::ActiveModel {
        title: Set(title),
        organiser: Set(organiser),
        starts_at: Set(starts_at),
        time_zone: Set(zone),
        pre_module: Set((!pre_module.is_empty()).then_some(pre_module)),
        post_module: Set(post_module),
        materials: Set(serde_json::to_string(&material_slugs).unwrap_or_else(|_| "[]".into())),
        jp: Set(jp),
        min_post_score: Set(min_post_score),
        requires_pre: Set(form.requires_pre),
        issues_certificates: Set(form.issues_certificates),
        signer_name: Set(signer.name),
        signer_nip: Set(signer.nip),
        signer_position: Set(signer.position),
        pre_opens_at: Set(pre_window.0),
        pre_closes_at: Set(pre_window.1),
        post_opens_at: Set(post_window.0),
        post_closes_at: Set(post_window.1),
        ..Default::default()
    })
}
