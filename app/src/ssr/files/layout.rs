//! Text shaping, measuring and fitting for the certificate PDF: user text is cleaned, wrapped
//! or shrunk until it fits its box, measured with the very glyphs that are drawn.

use super::pdf::*;
use krilla::text::{Font, GlyphId, KrillaGlyph};

// ---------------------------------------------------------------------------------------------
// Text shaping, measuring and fitting.

/// One font, loaded both for the PDF writer and for the shaper.
pub(super) struct Face {
    pub(super) pdf: Font,
    pub(super) shaper: rustybuzz::Face<'static>,
    pub(super) units_per_em: f32,
}

impl Face {
    pub(super) fn load(data: &'static [u8], name: &'static str) -> Result<Self, RenderError> {
        let shaper = rustybuzz::Face::from_slice(data, 0).ok_or(RenderError::Font(name))?;
        let pdf = Font::new(data.into(), 0).ok_or(RenderError::Font(name))?;
        let units_per_em = shaper.units_per_em() as f32;
        if units_per_em <= 0.0 {
            return Err(RenderError::Font(name));
        }
        Ok(Self {
            pdf,
            shaper,
            units_per_em,
        })
    }

    /// `text` without the characters this font has no glyph for (emoji, most CJK), so they
    /// are left out instead of printed as empty boxes, with whitespace tidied up again.
    pub(super) fn printable(&self, text: &str) -> String {
        let kept: Vec<char> = text
            .chars()
            .filter(|&c| c == ' ' || self.shaper.glyph_index(c).is_some_and(|g| g.0 != 0))
            .collect();
        // Joiners only mean something between two visible characters; next to a space they
        // are leftovers of a dropped emoji sequence.
        let visible = |c: Option<&char>| c.is_some_and(|c| *c != ' ');
        let kept: String = kept
            .iter()
            .enumerate()
            .filter(|&(i, &c)| {
                !matches!(c, '\u{200C}' | '\u{200D}')
                    || (visible(i.checked_sub(1).and_then(|j| kept.get(j)))
                        && visible(kept.get(i + 1)))
            })
            .map(|(_, &c)| c)
            .collect();
        clean(&kept, MAX_FIELD_CHARS)
    }

    /// Shapes one line of text (kerning and ligatures applied).
    pub(super) fn shape(&self, text: &str) -> Line {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(&self.shaper, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();

        // A glyph stands for the text from its cluster start up to the next cluster start (in
        // logical order, whatever the direction), which krilla needs for copy/paste.
        let mut starts: Vec<usize> = infos.iter().map(|info| info.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();

        let em = self.units_per_em;
        let mut width_em = 0.0;
        let glyphs = infos
            .iter()
            .zip(positions)
            .map(|(info, pos)| {
                let start = (info.cluster as usize).min(text.len());
                let next = starts.partition_point(|&s| s <= start);
                let end = starts.get(next).copied().unwrap_or(text.len());
                width_em += pos.x_advance as f32 / em;
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / em,
                    pos.x_offset as f32 / em,
                    pos.y_offset as f32 / em,
                    pos.y_advance as f32 / em,
                    start..end,
                    None,
                )
            })
            .collect();

        Line {
            text: text.to_owned(),
            glyphs,
            width_em,
        }
    }
}

/// A shaped single line of text.
pub(super) struct Line {
    pub(super) text: String,
    pub(super) glyphs: Vec<KrillaGlyph>,
    /// Total advance at a font size of 1 pt.
    pub(super) width_em: f32,
}

impl Line {
    /// Adds `em` of letter spacing between the glyphs.
    pub(super) fn tracked(mut self, em: f32) -> Self {
        let gaps = self.glyphs.len().saturating_sub(1);
        for glyph in self.glyphs.iter_mut().take(gaps) {
            glyph.x_advance += em;
        }
        self.width_em += em * gaps as f32;
        self
    }
}

/// Text laid out at one font size.
pub(super) struct Block {
    pub(super) size: f32,
    pub(super) lines: Vec<Line>,
}

impl Block {
    /// Width in points of the widest line.
    pub(super) fn max_width(&self) -> f32 {
        self.lines
            .iter()
            .map(|line| line.width_em * self.size)
            .fold(0.0, f32::max)
    }
}

/// One way of laying text out: the largest font size from `max` down to `min` (in 0.5 pt
/// steps) at which the text needs at most `lines` lines.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stage {
    pub(super) max: f32,
    pub(super) min: f32,
    pub(super) lines: usize,
}

/// Lays `text` out in lines no wider than `max_width` points, using the largest font size in
/// `max_size..=min_size` that needs at most `max_lines` lines. If even the smallest size needs
/// more, the text is cut after `max_lines` lines and ends with "…".
pub(super) fn fit(
    face: &Face,
    text: &str,
    max_width: f32,
    sizes: (f32, f32),
    max_lines: usize,
) -> Block {
    let (max, min) = sizes;
    fit_staged(
        face,
        text,
        max_width,
        &[Stage {
            max,
            min,
            lines: max_lines,
        }],
    )
}

/// Like [`fit`], but tries each stage in turn (e.g. "one line, shrinking to 20 pt" before "two
/// lines"); only the last stage cuts the text when nothing fits.
pub(super) fn fit_staged(face: &Face, text: &str, max_width: f32, stages: &[Stage]) -> Block {
    let text = face.printable(text);
    let mut last = Stage {
        max: 12.0,
        min: 12.0,
        lines: 1,
    };
    for &stage in stages {
        last = Stage {
            max: stage.max.max(1.0),
            min: stage.min.clamp(1.0, stage.max.max(1.0)),
            lines: stage.lines.max(1),
        };
        let mut size = last.max;
        loop {
            let lines = wrap(face, &text, max_width / size, last.lines + 1);
            if lines.len() <= last.lines {
                return Block { size, lines };
            }
            if size <= last.min {
                break;
            }
            size = (size - 0.5).max(last.min);
        }
    }

    let limit_em = max_width / last.min;
    let mut lines = wrap(face, &text, limit_em, last.lines + 1);
    lines.truncate(last.lines);
    if let Some(line) = lines.pop() {
        let n = fitting_chars(face, "", &line.text, "…", limit_em);
        lines.push(face.shape(&compose("", &line.text, n, "…")));
    }
    Block {
        size: last.min,
        lines,
    }
}

/// Greedy word wrap into lines at most `limit_em` wide, stopping after `max_count` lines.
/// Words wider than a whole line (URLs, long codes) are broken between characters, preferably
/// after a URL separator, starting on the current line.
pub(super) fn wrap(face: &Face, text: &str, limit_em: f32, max_count: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current: Option<Line> = None;

    for word in text.split(' ') {
        if lines.len() >= max_count {
            return lines;
        }
        if let Some(line) = &current {
            let joined = face.shape(&format!("{} {word}", line.text));
            if joined.width_em <= limit_em {
                current = Some(joined);
                continue;
            }
        }

        let mut rest = word;
        match current.take() {
            Some(line) if face.shape(word).width_em > limit_em => {
                // The word needs breaking anyway: let its first piece fill this line.
                let lead = format!("{} ", line.text);
                match break_point(face, &lead, rest, limit_em) {
                    0 => lines.push(line),
                    n => {
                        let (head, tail) = split_at_char(rest, n);
                        lines.push(face.shape(&format!("{lead}{head}")));
                        rest = tail;
                    }
                }
            }
            Some(line) => lines.push(line),
            None => {}
        }

        // Put the rest of the word on fresh lines, breaking it where it overflows.
        while lines.len() < max_count {
            let shaped = face.shape(rest);
            if shaped.width_em <= limit_em {
                current = Some(shaped);
                break;
            }
            let (head, tail) = split_at_char(rest, break_point(face, "", rest, limit_em).max(1));
            lines.push(face.shape(head));
            rest = tail;
            if rest.is_empty() {
                break;
            }
        }
    }
    lines.extend(current);
    lines
}

/// How many leading characters of `text` fit on a line after `lead`, moved back to just after a
/// URL separator when there is one in the second half of the piece. 0 if none fit.
pub(super) fn break_point(face: &Face, lead: &str, text: &str, limit_em: f32) -> usize {
    let n = fitting_chars(face, lead, text, "", limit_em);
    let separator = text
        .chars()
        .take(n)
        .enumerate()
        .filter(|&(_, c)| matches!(c, '/' | '-' | '?' | '&' | '=' | '.' | '_' | ',' | ';'))
        .map(|(i, _)| i + 1)
        .last();
    match separator {
        Some(cut) if cut * 2 > n && cut < n => cut,
        _ => n,
    }
}

/// The largest `n` such that `lead`, the first `n` characters of `text` and `suffix` fit in
/// `limit_em` together (0 when not even one character fits).
pub(super) fn fitting_chars(
    face: &Face,
    lead: &str,
    text: &str,
    suffix: &str,
    limit_em: f32,
) -> usize {
    let (mut lo, mut hi) = (0, text.chars().count());
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if face.shape(&compose(lead, text, mid, suffix)).width_em <= limit_em {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// `lead` + the first `n` characters of `text` (trailing spaces dropped) + `suffix`.
pub(super) fn compose(lead: &str, text: &str, n: usize, suffix: &str) -> String {
    let (head, _) = split_at_char(text, n);
    format!("{lead}{}{suffix}", head.trim_end())
}

/// Splits `text` after its first `n` characters.
pub(super) fn split_at_char(text: &str, n: usize) -> (&str, &str) {
    let at = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    text.split_at(at)
}

/// Replaces control characters and whitespace runs with single spaces, drops bidi controls,
/// trims, and clips the result to `max_chars` characters (ending it with "…" when clipped).
pub(super) fn clean(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_bidi_control(c) {
            continue;
        }
        if count >= max_chars {
            out.push('…');
            break;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Bidirectional formatting characters and the byte-order mark. Lines are laid out without the
/// bidi algorithm, so these would do nothing but confuse copy and paste (and they are a
/// favourite of spoofed names).
pub(super) fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// Formats an 18-digit NIP as `YYYYMMDD YYYYMM G NNN`; anything else is returned cleaned but
/// otherwise as given.
pub(super) fn format_nip(nip: &str) -> String {
    crate::model::nip::format_nip(&clean(nip, MAX_FIELD_CHARS))
}

/// Escapes text for XML character data and attribute values.
pub(super) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 at all, even escaped.
            '\u{FFFE}' | '\u{FFFF}' => {}
            _ => out.push(c),
        }
    }
    out
}
