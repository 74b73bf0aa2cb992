//! E-certificates: issuing with a sequential number per organiser and year, the public
//! verification code, revocation and the PDF.

use crate::error::{AppError, FieldError};
use crate::model::assurance::Assurance;
use crate::model::auth::mask_nip_for_public;
use crate::model::quiz::CertificateCheck;
use crate::ssr::db::claims::Holder;
use crate::ssr::db::{
    self,
    entities::{certificate, employee},
};
use crate::ssr::files::{certificate_pdf, CertificateDoc};
use crate::ssr::respond::{db_error, fail, OrFail};
use crate::ssr::tokens::random_code;
use crate::ssr::AppState;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{DbErr, Set, SqlErr};

/// Crockford-style base 32: no I, L, O, U, so a code read aloud or typed is unambiguous.
const VERIFY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 16 characters x 5 bits = 80 random bits.
pub const VERIFY_CODE_LEN: usize = 16;

/// The official who signs certificates, as entered on a form (every part may be left empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signer {
    pub name: String,
    pub nip: String,
    pub position: String,
}

impl Signer {
    /// Tidies the three fields and adds a message to `errors` for each that is wrong.
    pub fn parse(name: &str, nip: &str, position: &str, errors: &mut Vec<FieldError>) -> Signer {
        let mut text = |field: &str, value: &str, label: &str, max: usize| {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if value.chars().count() > max {
                errors.push(FieldError::new(
                    field,
                    format!("{label} terlalu panjang (maksimal {max} karakter)."),
                ));
            } else if value.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    field,
                    format!("{label} berisi karakter yang tidak diizinkan."),
                ));
            }
            value
        };
        let name = text("signer_name", name, "Nama penandatangan", 120);
        let position = text("signer_position", position, "Jabatan penandatangan", 160);
        let nip: String = nip.chars().filter(|c| !c.is_whitespace()).collect();
        if !(nip.is_empty() || (nip.len() == 18 && nip.chars().all(|c| c.is_ascii_digit()))) {
            errors.push(FieldError::new(
                "signer_nip",
                "NIP penandatangan harus 18 angka (boleh dikosongkan).",
            ));
        }
        Signer {
            name,
            nip,
            position,
        }
    }
}

/// A fresh, unguessable verification code.
pub fn new_verify_code() -> String {
    random_code(VERIFY_ALPHABET, VERIFY_CODE_LEN)
}

/// Whether a string could be a verification code (checked before any database lookup).
pub fn is_verify_code(code: &str) -> bool {
    code.len() == VERIFY_CODE_LEN && code.bytes().all(|b| VERIFY_ALPHABET.contains(&b))
}

/// The organiser's part of certificate numbers: upper-case letters and digits joined by
/// dashes, e.g. "BKPSDM KAB. Sleman" -> "BKPSDM-KAB-SLEMAN" (at most 40 characters).
pub fn organiser_key(organiser: &str) -> String {
    let words: Vec<String> = organiser
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let mut key = words.join("-");
    key.truncate(40);
    let key = key.trim_end_matches('-').to_string();
    if key.is_empty() {
        "NETRA".into()
    } else {
        key
    }
}

/// "00012/BKPSDM-KAB-SLEMAN/NETRA/2026".
pub fn format_number(seq: i32, key: &str, year: i32) -> String {
    format!("{seq:05}/{key}/NETRA/{year}")
}

/// What a certificate is for.
pub struct Award<'a> {
    pub holder: &'a employee::Model,
    pub title: &'a str,
    pub organiser: &'a str,
    pub event_date: NaiveDate,
    pub jp: i32,
    pub session_id: Option<i64>,
    pub module_slug: Option<&'a str>,
    /// For a mandatory module: the assignment (cycle) it was passed in.
    pub assignment_id: Option<i64>,
    /// The self-declared claim that earned it (0: the employee's own record).
    pub claim_id: i64,
    /// How sure the record is of who earned it.
    pub assurance: Assurance,
}

/// Issues a certificate with the next number of its organiser and year. Concurrent issuers
/// may pick the same number; the unique index lets one win and the others retry with the next.
/// Errors are returned as they are (no HTTP status is set): issuing follows a stored submission,
/// and the caller decides whether a failure matters to the response.
pub async fn issue(
    state: &AppState,
    award: Award<'_>,
    now: DateTime<Utc>,
) -> Result<certificate::Model, AppError> {
    let key = organiser_key(award.organiser);
    let year = now.year();
    let mut last_error = None;
    for _ in 0..20 {
        let mut row = certificate::ActiveModel {
            organiser_key: Set(key.clone()),
            year: Set(year),
            verify_code: Set(new_verify_code()),
            employee_id: Set(award.holder.id),
            claim_id: Set(award.claim_id),
            assurance: Set(award.assurance.code().to_string()),
            holder_name: Set(award.holder.name.clone()),
            holder_nip: Set(award.holder.nip.clone()),
            instansi: Set(award.holder.instansi.clone()),
            title: Set(award.title.to_string()),
            organiser: Set(award.organiser.to_string()),
            event_date: Set(award.event_date),
            jp: Set(award.jp),
            source: Set(if award.session_id.is_some() {
                "session"
            } else {
                "module"
            }
            .into()),
            webinar_session_id: Set(award.session_id),
            module_slug: Set(award.module_slug.map(str::to_string)),
            assignment_id: Set(award.assignment_id),
            issued_at: Set(now),
            revoked_at: Set(None),
            revoked_reason: Set(None),
            ..Default::default()
        };
        let key = key.clone();
        let issued = state
            .writer
            .run(move |txn| async move {
                // One issuer per organiser at a time (SQLite's write lock already serialises
                // writers).
                db::certificates::lock_numbering(&txn, &key).await?;
                let seq = db::certificates::last_seq(&txn, &key, year).await? + 1;
                row.number = Set(format_number(seq, &key, year));
                row.seq = Set(seq);
                let cert = db::certificates::insert(&txn, row).await?;
                txn.commit().await?;
                Ok::<_, DbErr>(cert)
            })
            .await;
        match issued {
            Ok(cert) => return Ok(cert),
            // Anything but a taken number or certificate rolled back and is reported as it is.
            Err(e) => {
                if !matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                    return Err(db_error(e));
                }
                // The holder already has this session's (or cycle's) certificate: a concurrent
                // request issued it.
                let existing = match (award.session_id, award.assignment_id) {
                    (Some(session), _) => {
                        let holder = Holder::claim(award.holder.id, award.claim_id);
                        db::certificates::for_session_holder(&state.db, session, holder)
                            .await
                            .map_err(db_error)?
                    }
                    (None, Some(assignment)) => db::certificates::for_assignment_holder(
                        &state.db,
                        assignment,
                        award.holder.id,
                    )
                    .await
                    .map_err(db_error)?,
                    (None, None) => None,
                };
                if let Some(existing) = existing {
                    return Ok(existing);
                }
                last_error = Some(e);
            }
        }
    }
    tracing::error!(error = ?last_error, "could not allocate a certificate number");
    Err(AppError::Internal)
}

/// Public facts of a certificate for `/verifikasi/{code}`.
pub async fn check(state: &AppState, code: &str) -> Result<CertificateCheck, AppError> {
    let code = code.trim().to_ascii_uppercase();
    if !is_verify_code(&code) {
        return Err(fail(AppError::NotFound));
    }
    let cert = db::certificates::by_verify_code(&state.db, &code)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .or_fail()?;
    Ok(CertificateCheck {
        number: cert.number,
        holder_name: cert.holder_name,
        holder_nip_masked: mask_nip_for_public(&cert.holder_nip),
        assurance: Assurance::from_code(&cert.assurance),
        instansi: cert.instansi,
        title: cert.title,
        organiser: cert.organiser,
        date: format_date(cert.event_date),
        jp: cert.jp.max(0) as u32,
        revoked_reason: cert
            .revoked_at
            .map(|_| cert.revoked_reason.unwrap_or_default()),
    })
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "25 November 2026".
pub fn format_date(date: NaiveDate) -> String {
    let month = MONTHS
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", date.day(), date.year())
}

/// The public verification address of a certificate.
pub fn verify_url(state: &AppState, code: &str) -> String {
    state.public_url(&format!("/verifikasi/{code}"))
}

/// What a certificate's PDF is rendered from: the certificate and its signer, looked up
/// beforehand so rendering needs no database.
struct Printable {
    cert: certificate::Model,
    signer: (String, String, String),
    url: String,
}

impl Printable {
    fn render(&self) -> Result<Vec<u8>, crate::ssr::files::RenderError> {
        let date_text = format_date(self.cert.event_date);
        let (signer_name, signer_nip, signer_position) = &self.signer;
        certificate_pdf(&CertificateDoc {
            number: &self.cert.number,
            holder_name: &self.cert.holder_name,
            holder_nip: &self.cert.holder_nip,
            instansi: &self.cert.instansi,
            title: &self.cert.title,
            organiser: &self.cert.organiser,
            date_text: &date_text,
            jp: self.cert.jp.max(0) as u32,
            signer_name,
            signer_nip,
            signer_position,
            verify_url: &self.url,
        })
    }
}

/// The certificate as a PDF, signed by its session's official or, for a mandatory module, by the
/// official the agency configured.
pub async fn pdf(state: &AppState, cert: &certificate::Model) -> Result<Vec<u8>, AppError> {
    let signer = db::certificates::signer_of(&state.db, cert)
        .await
        .or_fail()?;
    let printable = Printable {
        url: verify_url(state, &cert.verify_code),
        cert: cert.clone(),
        signer,
    };
    // Layout and font subsetting take a few milliseconds of CPU: keep them off the I/O threads.
    tokio::task::spawn_blocking(move || printable.render())
        .await
        .map_err(|e| AppError::internal("certificate rendering task failed", e))?
        .map_err(|e| AppError::internal("certificate rendering failed", e))
}

/// Bytes of ZIP gathered before they are handed to the client.
const ZIP_CHUNK: usize = 256 * 1024;
/// Chunks waiting for a slow client before rendering pauses.
const ZIP_CHUNKS_AHEAD: usize = 4;

/// The valid (not revoked) certificates among `certs` as one ZIP of PDFs, streamed: each PDF is
/// rendered and sent before the next, so the server holds a few certificates at a time however
/// many there are, and a client that goes away stops the rendering.
pub async fn zip_stream(
    state: &AppState,
    certs: Vec<certificate::Model>,
) -> Result<axum::body::Body, AppError> {
    use std::collections::HashMap;
    // One signer lookup per session or assignment, not per certificate.
    let mut signers = HashMap::new();
    let mut printables = Vec::new();
    for cert in certs.into_iter().filter(|c| c.revoked_at.is_none()) {
        let key = (cert.webinar_session_id, cert.assignment_id);
        let signer = match signers.get(&key).cloned() {
            Some(signer) => signer,
            None => {
                let signer = db::certificates::signer_of(&state.db, &cert)
                    .await
                    .or_fail()?;
                signers.insert(key, signer.clone());
                signer
            }
        };
        printables.push(Printable {
            url: verify_url(state, &cert.verify_code),
            cert,
            signer,
        });
    }
    let (sender, receiver) = tokio::sync::mpsc::channel(ZIP_CHUNKS_AHEAD);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkSender {
            buffer: Vec::with_capacity(ZIP_CHUNK),
            sender,
        };
        if let Err(e) = write_zip(&printables, &mut out) {
            // The client sees a cut-off download rather than a ZIP that looks whole.
            tracing::warn!(error = %e, "certificate ZIP stopped");
            let _ = out
                .sender
                .blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    let chunks = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Ok(axum::body::Body::from_stream(chunks))
}

fn write_zip(
    printables: &[Printable],
    out: &mut ChunkSender,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new_stream(&mut *out);
    // PDFs are compressed already: store them as they are.
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for printable in printables {
        let pdf = printable.render()?;
        zip.start_file(file_name(&printable.cert), options)?;
        zip.write_all(&pdf)?;
    }
    zip.finish()?;
    out.flush()?;
    Ok(())
}

/// Gathers the ZIP's bytes into chunks and hands each to the response body, waiting while the
/// client is behind; fails once the client has gone.
struct ChunkSender {
    buffer: Vec<u8>,
    sender: tokio::sync::mpsc::Sender<Result<bytes::Bytes, std::io::Error>>,
}

impl std::io::Write for ChunkSender {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= ZIP_CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = bytes::Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(ZIP_CHUNK),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

/// File name for a downloaded certificate: "sertifikat-00012-BKPSDM-2026.pdf".
pub fn file_name(cert: &certificate::Model) -> String {
    let safe: String = cert
        .number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("sertifikat-{safe}.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_codes_are_80_bits_and_recognised() {
        let a = new_verify_code();
        let b = new_verify_code();
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
        assert!(is_verify_code(&a));
        assert!(!is_verify_code("0000000000000O00"));
        assert!(!is_verify_code("SHORT"));
        // 32 symbols carry 5 bits each.
        assert_eq!(VERIFY_ALPHABET.len(), 32);
    }

    #[test]
    fn organiser_keys_are_stable_and_safe() {
        assert_eq!(organiser_key("BKPSDM Kab. Sleman"), "BKPSDM-KAB-SLEMAN");
        assert_eq!(organiser_key("  "), "NETRA");
        assert_eq!(format_number(12, "BKN", 2026), "00012/BKN/NETRA/2026");
    }

    #[test]
    fn dates_are_written_in_indonesian() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        assert_eq!(format_date(d), "25 November 2026");
    }
}
