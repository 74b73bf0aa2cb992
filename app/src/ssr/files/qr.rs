//! QR codes of a verification or join URL, as SVG (for pages and slides) and PNG.

use super::layout::{clean, xml_escape};
use super::pdf::{RenderError, MAX_FIELD_CHARS};
use qrcode::{Color as QrColor, EcLevel, QrCode};
use std::fmt::Write as _;

/// Renders `text` as a standalone SVG QR code with a 4-module quiet zone.
///
/// The SVG scales to its container (`width`/`height` 100%, square `viewBox`), draws all dark
/// modules as one crisp `<path>` on a white background and carries a `<title>` for screen
/// readers.
pub fn qr_svg(text: &str) -> Result<String, RenderError> {
    let qr = QrMatrix::new(text)?;
    let side = qr.width + 2 * QUIET_ZONE;

    let mut path = String::new();
    for run in qr.dark_runs() {
        // `write!` into a String cannot fail.
        let _ = write!(
            path,
            "M{} {}h{}v1h-{}z",
            run.x + QUIET_ZONE,
            run.y + QUIET_ZONE,
            run.len,
            run.len
        );
    }

    let title = xml_escape(&clean(text, MAX_FIELD_CHARS));
    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" "#,
            r#"width="100%" height="100%" shape-rendering="crispEdges" role="img">"#,
            "<title>Kode QR: {title}</title>",
            r##"<rect width="{side}" height="{side}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{path}"/>"##,
            "</svg>"
        ),
        side = side,
        title = title,
        path = path,
    ))
}

/// Renders `text` as a 1-bit grayscale PNG QR code with a 4-module quiet zone, each module
/// `module_px` pixels square. The image is `(modules + 8) * module_px` pixels wide and high.
///
/// `module_px` must be at least 1 and the image at most 8192 pixels wide.
pub fn qr_png(text: &str, module_px: u32) -> Result<Vec<u8>, RenderError> {
    const MAX_SIDE_PX: u32 = 8192;

    let qr = QrMatrix::new(text)?;
    let side_modules =
        u32::try_from(qr.width + 2 * QUIET_ZONE).map_err(|_| RenderError::ModuleSize(module_px))?;
    let side_px = side_modules
        .checked_mul(module_px)
        .filter(|&px| px > 0 && px <= MAX_SIDE_PX)
        .ok_or(RenderError::ModuleSize(module_px))?;
    // Both fit in u32 (checked above), so they fit in usize on every supported target.
    let side_px_usize = side_px as usize;
    let module_px_usize = module_px as usize;

    // One bit per pixel, most significant bit first, 1 = white.
    let row_bytes = side_px_usize.div_ceil(8);
    let mut image = Vec::with_capacity(row_bytes * side_px_usize);
    let mut row = vec![0u8; row_bytes];
    for y in 0..side_modules as usize {
        row.fill(0);
        for px in 0..side_px_usize {
            let x = px / module_px_usize;
            if !qr.is_dark_padded(x, y) {
                row[px / 8] |= 0x80 >> (px % 8);
            }
        }
        for _ in 0..module_px {
            image.extend_from_slice(&row);
        }
    }

    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_px, side_px);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().map_err(RenderError::Png)?;
    writer.write_image_data(&image).map_err(RenderError::Png)?;
    writer.finish().map_err(RenderError::Png)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// QR codes.

/// Width of the light margin around a QR code, in modules (the minimum the standard asks for).
pub(super) const QUIET_ZONE: usize = 4;

/// The module matrix of a QR code, without quiet zone.
pub(super) struct QrMatrix {
    pub(super) width: usize,
    /// Row-major, `true` = dark.
    pub(super) dark: Vec<bool>,
}

/// A horizontal run of dark modules.
pub(super) struct Run {
    pub(super) x: usize,
    pub(super) y: usize,
    pub(super) len: usize,
}

impl QrMatrix {
    pub(super) fn new(text: &str) -> Result<Self, RenderError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(RenderError::Qr)?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == QrColor::Dark)
            .collect();
        Ok(Self { width, dark })
    }

    pub(super) fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// Like [`Self::is_dark`] but in coordinates that include the quiet zone.
    pub(super) fn is_dark_padded(&self, x: usize, y: usize) -> bool {
        match (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) {
            (Some(x), Some(y)) => self.is_dark(x, y),
            _ => false,
        }
    }

    /// Dark modules merged into horizontal runs, row by row.
    pub(super) fn dark_runs(&self) -> impl Iterator<Item = Run> + '_ {
        (0..self.width).flat_map(move |y| {
            let mut runs = Vec::new();
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push(Run {
                        x: start,
                        y,
                        len: x - start,
                    });
                } else {
                    x += 1;
                }
            }
            runs
        })
    }
}
