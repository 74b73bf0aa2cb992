//! E-certificate (e-sertifikat) rendering: a one-page A4 landscape PDF plus QR codes as SVG
//! and PNG.
//!
//! All text comes from users, so nothing here may panic on odd input: text is cleaned
//! (control characters and runs of whitespace become single spaces, bidi controls and
//! characters the font cannot draw, such as emoji, are dropped), clipped to a sane length, and
//! then wrapped or shrunk until it fits its box. Text is shaped with `rustybuzz` (the shaper
//! krilla itself uses) and drawn from those very glyphs, so the widths used for centring are
//! exactly the advances that end up in the PDF. Lines are not reordered by the bidi algorithm:
//! a line in one right-to-left script renders correctly, mixed-direction lines keep logical
//! order.
//!
//! The PDF is deterministic: no timestamps are written and krilla derives the document IDs and
//! font-subset tags from the content, so the same input always yields the same bytes. The DejaVu
//! fonts are compiled into the binary and embedded (subset) in every PDF, so the certificate
//! looks the same on any machine.

use super::layout::*;
use super::qr::{QrMatrix, QUIET_ZONE};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::Document;
use qrcode::types::QrError;

/// The data printed on one certificate. Every field is free text supplied by users or admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateDoc<'a> {
    /// Certificate number, e.g. `00012/BKPSDM-KAB-CONTOH/NETRA/2026`.
    pub number: &'a str,
    /// Full name of the participant.
    pub holder_name: &'a str,
    /// Participant's NIP. Printed as `19850312 201001 1 004` when it is exactly 18 digits,
    /// otherwise as given; the line is omitted when empty.
    pub holder_nip: &'a str,
    /// The participant's agency (instansi); the line is omitted when empty.
    pub instansi: &'a str,
    /// Title of the webinar or module. Wrapped to at most three lines (shrunk if needed).
    pub title: &'a str,
    /// The organiser (penyelenggara).
    pub organiser: &'a str,
    /// The event date, already formatted, e.g. `25 November 2026`.
    pub date_text: &'a str,
    /// Credit hours (jam pelajaran); the line is omitted when zero.
    pub jp: u32,
    /// Name of the signing official; may be empty.
    pub signer_name: &'a str,
    /// NIP of the signing official; may be empty.
    pub signer_nip: &'a str,
    /// Position (jabatan) of the signing official; may be empty.
    pub signer_position: &'a str,
    /// Verification URL: encoded in the QR code and printed small below it (both are left out
    /// when it is empty).
    pub verify_url: &'a str,
}

/// Why a certificate or QR code could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A bundled font could not be parsed (a build problem, not an input problem).
    #[error("bundled font {0} could not be loaded")]
    Font(&'static str),
    /// The text does not fit in a QR code (it is too long).
    #[error("text cannot be encoded as a QR code: {0}")]
    Qr(#[source] QrError),
    /// The PDF writer failed.
    #[error("PDF could not be generated: {0}")]
    Pdf(String),
    /// The PNG encoder failed.
    #[error("PNG could not be encoded: {0}")]
    Png(#[source] png::EncodingError),
    /// The requested QR module size is zero or would make an unreasonably large image.
    #[error("QR module size of {0} px is out of range")]
    ModuleSize(u32),
}

static REGULAR_TTF: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));
static BOLD_TTF: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans-Bold.ttf"
));

// ---------------------------------------------------------------------------------------------
// Page geometry (PDF points, origin top-left, y grows downwards as in krilla).

pub(super) const PAGE_W: f32 = 842.0;
pub(super) const PAGE_H: f32 = 595.0;
pub(super) const CENTER_X: f32 = PAGE_W / 2.0;
/// Width available to the centred body text.
pub(super) const BODY_W: f32 = 640.0;
/// The body (everything between the heading and the bottom row) is centred vertically here.
pub(super) const BODY_TOP: f32 = 142.0;
pub(super) const BODY_BOTTOM: f32 = 422.0;
/// Top of the bottom row (QR code on the left, signature on the right).
pub(super) const FOOTER_TOP: f32 = 438.0;
pub(super) const QR_X: f32 = 62.0;
pub(super) const QR_SIZE: f32 = 84.0;
pub(super) const QR_CAPTION_W: f32 = 280.0;
pub(super) const SIGN_CENTER_X: f32 = PAGE_W - 62.0 - 125.0;
pub(super) const SIGN_W: f32 = 250.0;

/// DejaVu Sans vertical metrics (hhea ascender/descender), in em.
pub(super) const ASCENT: f32 = 0.928;
pub(super) const DESCENT: f32 = 0.236;

/// Longest text (in characters) taken from any field; the boxes hold far less anyway, so this
/// only bounds the work done on hostile input.
pub(super) const MAX_FIELD_CHARS: usize = 400;

pub(super) const NAVY: (u8, u8, u8) = (0x1b, 0x36, 0x5d);
pub(super) const GOLD: (u8, u8, u8) = (0xb0, 0x8d, 0x3c);
pub(super) const INK: (u8, u8, u8) = (0x1f, 0x23, 0x28);
pub(super) const MUTED: (u8, u8, u8) = (0x4d, 0x55, 0x60);

/// Renders the certificate as a one-page A4 landscape PDF.
///
/// Fails only if the verification URL is too long for a QR code or the PDF writer fails.
pub fn certificate_pdf(doc: &CertificateDoc) -> Result<Vec<u8>, RenderError> {
    let regular = Face::load(REGULAR_TTF, "DejaVuSans")?;
    let bold = Face::load(BOLD_TTF, "DejaVuSans-Bold")?;
    let verify_url = doc.verify_url.trim();
    let qr = match verify_url {
        "" => None,
        url => Some(QrMatrix::new(url)?),
    };

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("Sertifikat {}", clean(doc.number, MAX_FIELD_CHARS)))
            .creator("Netra".to_owned())
            .language("id".to_owned()),
    );

    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| RenderError::Pdf("invalid page size".to_owned()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    draw_frame(&mut surface);
    draw_heading(&mut surface, &regular, &bold, doc);
    draw_body(&mut surface, &regular, &bold, doc);
    if let Some(qr) = &qr {
        draw_qr_block(&mut surface, &regular, qr, verify_url);
    }
    draw_signature(&mut surface, &regular, &bold, doc);

    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|err| RenderError::Pdf(err.to_string()))
}
// ---------------------------------------------------------------------------------------------
// Page sections.

/// A double frame: a strong navy border with a thin gold line inside and small corner marks.
fn draw_frame(surface: &mut Surface<'_>) {
    stroke_rect(surface, 18.0, 18.0, PAGE_W - 36.0, PAGE_H - 36.0, NAVY, 3.0);
    stroke_rect(surface, 27.0, 27.0, PAGE_W - 54.0, PAGE_H - 54.0, GOLD, 0.8);

    // Small gold squares on the corners of the inner line.
    let mark = 7.0;
    for (x, y) in [
        (27.0, 27.0),
        (PAGE_W - 27.0, 27.0),
        (27.0, PAGE_H - 27.0),
        (PAGE_W - 27.0, PAGE_H - 27.0),
    ] {
        fill_rect(surface, x - mark / 2.0, y - mark / 2.0, mark, mark, GOLD);
    }
}

/// "SERTIFIKAT", a short gold rule and the certificate number.
fn draw_heading(surface: &mut Surface<'_>, regular: &Face, bold: &Face, doc: &CertificateDoc) {
    let heading = bold.shape("SERTIFIKAT").tracked(0.08);
    draw_centered(surface, bold, &heading, 38.0, CENTER_X, 88.0, NAVY);
    fill_rect(surface, CENTER_X - 70.0, 102.0, 140.0, 1.2, GOLD);

    let number = clean(doc.number, MAX_FIELD_CHARS);
    if !number.is_empty() {
        let block = fit(regular, &format!("Nomor: {number}"), BODY_W, (11.0, 7.0), 1);
        draw_block_centered(surface, regular, &block, CENTER_X, 123.0, 0.0, MUTED);
    }
}

/// One paragraph of the centred body.
struct Para<'f> {
    face: &'f Face,
    block: Block,
    color: (u8, u8, u8),
    /// Distance from the previous paragraph's last baseline to this one's first baseline.
    advance: f32,
    /// Baseline distance between the lines of this paragraph.
    leading: f32,
    /// Draw a thin rule under the paragraph (used for the holder's name).
    underline: bool,
}

impl<'f> Para<'f> {
    fn new(
        face: &'f Face,
        text: &str,
        stages: &[Stage],
        color: (u8, u8, u8),
        advance: f32,
        underline: bool,
    ) -> Self {
        let block = fit_staged(face, text, BODY_W, stages);
        let leading = block.size * 1.28;
        Self {
            face,
            block,
            color,
            advance,
            leading,
            underline,
        }
    }
}

/// The centred body, from "diberikan kepada" down to the credit hours, centred vertically
/// between the heading and the bottom row.
fn draw_body(surface: &mut Surface<'_>, regular: &Face, bold: &Face, doc: &CertificateDoc) {
    let mut paras: Vec<Para> = Vec::new();
    let mut push = |face, text: &str, stages: &[Stage], color, advance, underline| {
        paras.push(Para::new(face, text, stages, color, advance, underline));
    };
    let stage = |max, min, lines| Stage { max, min, lines };

    let given = "diberikan kepada";
    push(regular, given, &[stage(13.0, 13.0, 1)], MUTED, 0.0, false);
    // A long name first shrinks on one line, then takes two lines rather than get cut.
    let name_stages = [stage(28.0, 20.0, 1), stage(20.0, 15.0, 2)];
    push(bold, doc.holder_name, &name_stages, INK, 40.0, true);
    let nip = format_nip(doc.holder_nip);
    if !nip.is_empty() {
        let line = format!("NIP {nip}");
        push(regular, &line, &[stage(12.0, 8.0, 1)], INK, 30.0, false);
    }
    if !clean(doc.instansi, 1).is_empty() {
        let advance = if nip.is_empty() { 30.0 } else { 18.0 };
        let stages = [stage(12.0, 9.0, 2)];
        push(regular, doc.instansi, &stages, INK, advance, false);
    }
    let intro = "atas partisipasinya dalam";
    push(regular, intro, &[stage(13.0, 13.0, 1)], MUTED, 32.0, false);
    if !clean(doc.title, 1).is_empty() {
        push(bold, doc.title, &[stage(19.0, 11.0, 3)], NAVY, 29.0, false);
    }
    let held = held_by_line(doc);
    if !held.is_empty() {
        push(regular, &held, &[stage(12.0, 9.0, 2)], INK, 28.0, false);
    }
    if doc.jp > 0 {
        let jp = format!("dengan bobot {} JP (jam pelajaran)", doc.jp);
        push(regular, &jp, &[stage(12.0, 12.0, 1)], INK, 19.0, false);
    }

    let (Some(first), Some(last)) = (paras.first(), paras.last()) else {
        return;
    };
    // Height from the top of the first line to the bottom of the last one, split into what the
    // text itself needs and the gaps between paragraphs, which shrink when space runs out.
    let mut text_height = ASCENT * first.block.size + DESCENT * last.block.size;
    let mut gaps = 0.0;
    for (i, para) in paras.iter().enumerate() {
        if i > 0 {
            gaps += para.advance;
        }
        text_height += para.leading * para.block.lines.len().saturating_sub(1) as f32;
    }
    let available = BODY_BOTTOM - BODY_TOP;
    let squeeze = if text_height + gaps > available && gaps > 0.0 {
        ((available - text_height) / gaps).clamp(0.5, 1.0)
    } else {
        1.0
    };
    let height = text_height + gaps * squeeze;
    let top = BODY_TOP + ((available - height) / 2.0).max(0.0);

    let mut baseline = top + ASCENT * first.block.size;
    for (i, para) in paras.iter().enumerate() {
        if i > 0 {
            baseline += para.advance * squeeze;
        }
        let block = &para.block;
        draw_block_centered(
            surface,
            para.face,
            block,
            CENTER_X,
            baseline,
            para.leading,
            para.color,
        );
        baseline += para.leading * block.lines.len().saturating_sub(1) as f32;
        if para.underline {
            let width = (block.max_width() + 40.0).clamp(300.0, BODY_W);
            let y = baseline + DESCENT * block.size + 4.0;
            fill_rect(surface, CENTER_X - width / 2.0, y, width, 0.8, GOLD);
        }
    }
}

/// "diselenggarakan oleh {organiser} pada {date}", leaving out whichever part is empty.
fn held_by_line(doc: &CertificateDoc) -> String {
    let organiser = clean(doc.organiser, MAX_FIELD_CHARS);
    let date = clean(doc.date_text, MAX_FIELD_CHARS);
    match (organiser.is_empty(), date.is_empty()) {
        (false, false) => format!("diselenggarakan oleh {organiser} pada {date}"),
        (false, true) => format!("diselenggarakan oleh {organiser}"),
        (true, false) => format!("diselenggarakan pada {date}"),
        (true, true) => String::new(),
    }
}

/// Bottom left: the QR code as vector squares and the verification URL below it.
fn draw_qr_block(surface: &mut Surface<'_>, regular: &Face, qr: &QrMatrix, verify_url: &str) {
    // The page is white; the frame and the caption keep a quiet zone of 4 modules clear.
    let module = QR_SIZE / qr.width as f32;
    let mut builder = PathBuilder::new();
    for run in qr.dark_runs() {
        let rect = Rect::from_xywh(
            QR_X + run.x as f32 * module,
            FOOTER_TOP + run.y as f32 * module,
            run.len as f32 * module,
            module,
        );
        if let Some(rect) = rect {
            builder.push_rect(rect);
        }
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(Some(fill_of((0, 0, 0))));
        surface.draw_path(&path);
    }

    let caption = format!(
        "Verifikasi keaslian: {}",
        clean(verify_url, MAX_FIELD_CHARS)
    );
    let block = fit(regular, &caption, QR_CAPTION_W, (7.0, 5.5), 3);
    let quiet_zone = QUIET_ZONE as f32 * module;
    let mut y = FOOTER_TOP + QR_SIZE + quiet_zone + ASCENT * block.size;
    for line in &block.lines {
        draw_line(surface, regular, line, block.size, QR_X, y, MUTED);
        y += block.size * 1.25;
    }
}

/// Bottom right: position, room for the signature, name (bold, underlined) and NIP. Empty
/// fields are left out; the name and NIP keep their place so the block lines up with the QR.
fn draw_signature(surface: &mut Surface<'_>, regular: &Face, bold: &Face, doc: &CertificateDoc) {
    const NAME_BASELINE: f32 = FOOTER_TOP + 80.0;
    const NIP_BASELINE: f32 = NAME_BASELINE + 15.0;
    /// Baseline of the last line of the position, leaving room for the signature below it.
    const POSITION_LAST_BASELINE: f32 = FOOTER_TOP + 26.0;

    let position = clean(doc.signer_position, MAX_FIELD_CHARS);
    if !position.is_empty() {
        let block = fit(regular, &position, SIGN_W, (11.0, 8.0), 2);
        let leading = block.size * 1.3;
        let first = POSITION_LAST_BASELINE - leading * block.lines.len().saturating_sub(1) as f32;
        draw_block_centered(surface, regular, &block, SIGN_CENTER_X, first, leading, INK);
    }

    let name = clean(doc.signer_name, MAX_FIELD_CHARS);
    if !name.is_empty() {
        let block = fit(bold, &name, SIGN_W, (11.0, 8.0), 1);
        draw_block_centered(
            surface,
            bold,
            &block,
            SIGN_CENTER_X,
            NAME_BASELINE,
            0.0,
            INK,
        );
        let width = block.max_width();
        fill_rect(
            surface,
            SIGN_CENTER_X - width / 2.0,
            NAME_BASELINE + 2.5,
            width,
            0.6,
            INK,
        );
    }

    let nip = format_nip(doc.signer_nip);
    if !nip.is_empty() {
        let block = fit(regular, &format!("NIP {nip}"), SIGN_W, (10.0, 7.0), 1);
        draw_block_centered(
            surface,
            regular,
            &block,
            SIGN_CENTER_X,
            NIP_BASELINE,
            0.0,
            INK,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing helpers.

fn fill_of((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn fill_rect(surface: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
    let mut builder = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
        builder.push_rect(rect);
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(Some(fill_of(color)));
        surface.draw_path(&path);
    }
}

fn stroke_rect(
    surface: &mut Surface<'_>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    (r, g, b): (u8, u8, u8),
    width: f32,
) {
    let mut builder = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
        builder.push_rect(rect);
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(r, g, b).into(),
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

/// Draws a shaped line with its left end at `x` and its baseline at `y`.
fn draw_line(
    surface: &mut Surface<'_>,
    face: &Face,
    line: &Line,
    size: f32,
    x: f32,
    y: f32,
    color: (u8, u8, u8),
) {
    if line.glyphs.is_empty() {
        return;
    }
    surface.set_fill(Some(fill_of(color)));
    surface.draw_glyphs(
        Point::from_xy(x, y),
        &line.glyphs,
        face.pdf.clone(),
        &line.text,
        size,
        false,
    );
}

/// Draws a shaped line centred on `center_x`.
fn draw_centered(
    surface: &mut Surface<'_>,
    face: &Face,
    line: &Line,
    size: f32,
    center_x: f32,
    y: f32,
    color: (u8, u8, u8),
) {
    let x = center_x - line.width_em * size / 2.0;
    draw_line(surface, face, line, size, x, y, color);
}

/// Draws every line of `block` centred on `center_x`, the first baseline at `y`.
fn draw_block_centered(
    surface: &mut Surface<'_>,
    face: &Face,
    block: &Block,
    center_x: f32,
    y: f32,
    leading: f32,
    color: (u8, u8, u8),
) {
    let mut baseline = y;
    for line in &block.lines {
        draw_centered(surface, face, line, block.size, center_x, baseline, color);
        baseline += leading;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::files::qr::{qr_png, qr_svg};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn sample() -> CertificateDoc<'static> {
        CertificateDoc {
            number: "00012/BKPSDM-KAB-CONTOH/NETRA/2026",
            holder_name: "Dra. Siti Nurhaliza Ramadhani, M.Si.",
            holder_nip: "198503122010011004",
            instansi: "Dinas Pendidikan dan Kebudayaan Kabupaten Contoh",
            title: "Webinar Transformasi Digital Pelayanan Publik: Penerapan SPBE \
                    di Lingkungan Pemerintah Daerah",
            organiser: "BKPSDM Kabupaten Contoh",
            date_text: "25 November 2026",
            jp: 2,
            signer_name: "Dr. Bambang Sutrisno, S.H., M.AP.",
            signer_nip: "197001011995031002",
            signer_position: "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            verify_url: "https://netra.contoh.go.id/v/00012-8f3a9c",
        }
    }

    #[test]
    fn pdf_is_a_complete_pdf_file() -> TestResult {
        let pdf = certificate_pdf(&sample())?;
        assert!(pdf.starts_with(b"%PDF"));
        let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(16)..]).into_owned();
        assert!(tail.trim_end().ends_with("%%EOF"), "tail: {tail:?}");
        Ok(())
    }

    #[test]
    fn pdf_is_deterministic() -> TestResult {
        let doc = sample();
        assert_eq!(certificate_pdf(&doc)?, certificate_pdf(&doc)?);
        Ok(())
    }

    #[test]
    fn long_fields_still_render() -> TestResult {
        let long_title = "Pelatihan Kepemimpinan Administrator Angkatan XXV ".repeat(40);
        let long_name = "Muhammad Abdurrahman Wahid Kusumawardhani Prawirodirdjo ".repeat(10);
        let unbroken = "x".repeat(5000);
        let doc = CertificateDoc {
            title: &long_title,
            holder_name: &long_name,
            instansi: &unbroken,
            organiser: &long_title,
            signer_position: &long_title,
            signer_name: &long_name,
            number: &unbroken,
            ..sample()
        };
        let pdf = certificate_pdf(&doc)?;
        assert!(pdf.starts_with(b"%PDF"));
        Ok(())
    }

    #[test]
    fn odd_unicode_does_not_panic() -> TestResult {
        let weird = "Ñoño Ğüzel 👩🏽‍💻 \u{202E}evil\u{202C} مرحبا بالعالم שלום \u{0}\u{7}\t\r\n \
                     e\u{301}\u{301}\u{301} \u{FEFF}\u{200D}\u{FFFF} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 中文";
        let doc = CertificateDoc {
            number: weird,
            holder_name: "Ni Luh Putu Ayu Kadék Ëka Pratiwi 🙂",
            holder_nip: weird,
            instansi: weird,
            title: weird,
            organiser: weird,
            date_text: weird,
            jp: u32::MAX,
            signer_name: weird,
            signer_nip: "\u{0}",
            signer_position: weird,
            verify_url: weird,
        };
        certificate_pdf(&doc)?;
        assert!(qr_svg(weird)?.contains("<svg"));
        qr_png(weird, 3)?;
        Ok(())
    }

    #[test]
    fn empty_fields_render() -> TestResult {
        let doc = CertificateDoc {
            number: "",
            holder_name: "",
            holder_nip: "",
            instansi: "",
            title: "",
            organiser: "",
            date_text: "",
            jp: 0,
            signer_name: "",
            signer_nip: "",
            signer_position: "",
            verify_url: "",
        };
        assert!(certificate_pdf(&doc)?.starts_with(b"%PDF"));
        Ok(())
    }

    #[test]
    fn url_too_long_for_a_qr_code_is_an_error() {
        let huge = "a".repeat(10_000);
        let doc = CertificateDoc {
            verify_url: &huge,
            ..sample()
        };
        assert!(matches!(certificate_pdf(&doc), Err(RenderError::Qr(_))));
        assert!(matches!(qr_svg(&huge), Err(RenderError::Qr(_))));
        assert!(matches!(qr_png(&huge, 4), Err(RenderError::Qr(_))));
    }

    #[test]
    fn svg_has_one_path_title_and_quiet_zone() -> TestResult {
        let svg = qr_svg("https://netra.contoh.go.id/v/<1>&\"2\"")?;
        let width = QrMatrix::new("https://netra.contoh.go.id/v/<1>&\"2\"")?.width;
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(svg.contains(r#"shape-rendering="crispEdges""#));
        assert!(svg.contains(&format!(r#"viewBox="0 0 {0} {0}""#, width + 8)));
        assert!(svg.contains("<title>Kode QR: https://netra.contoh.go.id/v/&lt;1&gt;&amp;"));
        // The top-left finder pattern starts right after the quiet zone.
        assert!(svg.contains(r#"d="M4 4h7v1h-7z"#));
        Ok(())
    }

    #[test]
    fn png_decodes_to_the_expected_size() -> TestResult {
        let text = "https://netra.contoh.go.id/v/00012-8f3a9c";
        let width = QrMatrix::new(text)?.width as u32;
        for module_px in [1, 4, 7] {
            let bytes = qr_png(text, module_px)?;
            let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
            let mut reader = decoder.read_info()?;
            let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
            let info = reader.next_frame(&mut buf)?;
            assert_eq!(info.width, (width + 8) * module_px);
            assert_eq!(info.height, (width + 8) * module_px);
            assert_eq!(info.color_type, png::ColorType::Grayscale);
            // Quiet zone: the first row is all white; the finder pattern's corner is black.
            let stride = info.line_size;
            assert!(buf[..stride - 1].iter().all(|&b| b == 0xff));
            let px = (4 * module_px) as usize;
            let byte = buf[px * stride + px / 8];
            assert_eq!(byte & (0x80 >> (px % 8)), 0);
        }
        Ok(())
    }

    #[test]
    fn png_rejects_bad_module_sizes() {
        assert!(matches!(qr_png("x", 0), Err(RenderError::ModuleSize(0))));
        assert!(matches!(
            qr_png("x", u32::MAX),
            Err(RenderError::ModuleSize(_))
        ));
    }

    #[test]
    fn nip_is_grouped_only_when_it_has_18_digits() {
        assert_eq!(format_nip("198503122010011004"), "19850312 201001 1 004");
        assert_eq!(format_nip(" 198503122010011004 "), "19850312 201001 1 004");
        assert_eq!(format_nip("12345"), "12345");
        assert_eq!(format_nip("19850312 201001 1 004"), "19850312 201001 1 004");
        assert_eq!(format_nip("١٩٨٥٠٣١٢٢٠١٠٠١١٠٠٤"), "١٩٨٥٠٣١٢٢٠١٠٠١١٠٠٤");
    }

    #[test]
    fn clean_collapses_whitespace_and_controls() {
        assert_eq!(clean("  a\t\n b\u{0}c  ", 100), "a b c");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("\u{202E}evil\u{202C} \u{FEFF}x", 100), "evil x");
    }

    #[test]
    fn unsupported_characters_are_left_out() -> TestResult {
        let face = Face::load(REGULAR_TTF, "DejaVuSans")?;
        assert_eq!(face.printable("Ayu 👩🏽\u{200D}💻 Pratiwi 🙂"), "Ayu Pratiwi");
        assert_eq!(face.printable("Kadék Ëka"), "Kadék Ëka");
        // Mapped to .notdef by the font's cmap: would print as an empty box.
        assert_eq!(face.printable("a\u{FFFF}b"), "ab");
        Ok(())
    }

    #[test]
    fn fitting_respects_width_and_line_limits() -> TestResult {
        let face = Face::load(REGULAR_TTF, "DejaVuSans")?;
        let text = "Pelatihan Dasar CPNS Golongan III Angkatan 12 ".repeat(20);
        let block = fit(
            &face,
            &clean(&text, MAX_FIELD_CHARS),
            300.0,
            (18.0, 10.0),
            3,
        );
        assert_eq!(block.size, 10.0);
        assert_eq!(block.lines.len(), 3);
        assert!(block.max_width() <= 300.0);
        assert!(block.lines[2].text.ends_with('…'));

        let short = fit(&face, "Pelatihan singkat", 300.0, (18.0, 10.0), 3);
        assert_eq!((short.size, short.lines.len()), (18.0, 1));

        let word = "x".repeat(300);
        let block = fit(&face, &word, 100.0, (10.0, 10.0), 5);
        assert!(block.lines.iter().all(|l| l.width_em * 10.0 <= 100.0));
        Ok(())
    }
}
