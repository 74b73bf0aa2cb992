//! GIFT, Moodle's plain-text question format: a reader that reports every question it cannot
//! use, and a writer whose output Moodle's GIFT importer reads.
//!
//! Constructs: `//` comments (with Moodle's `[tag:...]` and `[id:...]` markers), `$CATEGORY:`,
//! `::name::`, `[html]`/`[markdown]`/`[plain]`/`[moodle]` text formats, `=` / `~` answers with
//! `%weight%` and `#feedback`, `####` general feedback, `{T}`/`{TRUE}`/`{F}`/`{FALSE}` with
//! feedback, the missing-word form (text after the answers), and the escapes `\~ \= \# \{ \} \:`
//! and `\n`. Short answer, matching, numerical, essay and descriptions are recognised and skipped.

use super::text::html_to_text;
use super::TakenIds;
use super::{
    apply_tags, choice_question, id_source, netra_warnings, split_feedback, topic_from_category,
    unique_id, BankQuestion, Import, Outcome, Place, ReportLine, SourceAnswer, SourceChoice,
    SyntaxError,
};
use crate::model::quiz::QuestionKind;

/// One blank-line-separated chunk of the file, comments removed.
#[derive(Default)]
struct Block {
    /// The text, with `\n` between its lines.
    text: String,
    /// File line of each line of `text`.
    lines: Vec<usize>,
    tags: Vec<String>,
    id: Option<String>,
}

impl Block {
    fn error(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        let before = &self.text[..offset.min(self.text.len())];
        let row = before.matches('\n').count();
        let column = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        SyntaxError {
            line: self.lines.get(row).copied().unwrap_or(0),
            column,
            message: message.into(),
        }
    }

    fn first_line(&self) -> usize {
        self.lines.first().copied().unwrap_or(0)
    }
}

/// Reads a GIFT file.
pub fn parse(text: &str) -> Result<Import, SyntaxError> {
    let mut import = Import::default();
    let mut taken = TakenIds::default();
    let mut category: Option<String> = None;
    for block in blocks(text) {
        let mut body = block.text.trim();
        if let Some(rest) = body.strip_prefix("$CATEGORY:") {
            let (line, rest) = rest.split_once('\n').unwrap_or((rest, ""));
            category = Some(line.trim().to_string());
            body = rest.trim();
            if body.is_empty() {
                continue;
            }
        }
        import.make_room()?;
        let position = import.report.len() + 1;
        let line = block.first_line();
        let parsed = parse_question(&block, body, category.as_deref())?;
        let name = parsed.name.clone();
        let outcome = match parsed.result {
            Ok((mut q, mut warnings)) => {
                q.id = unique_id(
                    &id_source(block.id.as_deref(), &name, &q.stem),
                    position,
                    &mut taken,
                );
                apply_tags(&mut q, &block.tags, &mut warnings);
                warnings.extend(netra_warnings(&q));
                let id = q.id.clone();
                import.questions.push(q);
                Outcome::Imported { id, warnings }
            }
            Err(reason) => Outcome::Skipped { reason },
        };
        let shown = if name.is_empty() {
            short(&parsed.stem)
        } else {
            name
        };
        import.report.push(ReportLine {
            place: Place::Line(line),
            name: shown,
            outcome,
        });
    }
    Ok(import)
}

fn short(text: &str) -> String {
    let t: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        format!("{t}…")
    } else {
        t
    }
}

/// Splits into blank-line-separated blocks, one at a time (a huge file is never held as blocks
/// whole); comment lines are dropped but their Moodle tag and id markers are kept for the
/// question that follows.
fn blocks(text: &str) -> impl Iterator<Item = Block> + '_ {
    let mut lines = text.lines().enumerate();
    std::iter::from_fn(move || {
        let mut current = Block::default();
        for (i, line) in lines.by_ref() {
            let trimmed = line.trim();
            if trimmed.starts_with("//") {
                read_markers(trimmed, &mut current);
                continue;
            }
            if trimmed.is_empty() {
                // Markers belong to the question right below them, even across a blank line.
                if current.lines.is_empty() {
                    continue;
                }
                return Some(current);
            }
            if !current.lines.is_empty() {
                current.text.push('\n');
            }
            current.text.push_str(line);
            current.lines.push(i + 1);
        }
        (!current.lines.is_empty()).then_some(current)
    })
}

fn read_markers(comment: &str, block: &mut Block) {
    let mut rest = comment;
    while let Some(start) = rest.find('[') {
        let Some(end) = rest[start..].find(']') else {
            break;
        };
        let marker = &rest[start + 1..start + end];
        if let Some(tag) = marker.strip_prefix("tag:") {
            block.tags.push(tag.trim().to_string());
        } else if let Some(id) = marker.strip_prefix("id:") {
            block.id = Some(id.trim().to_string());
        }
        rest = &rest[start + end + 1..];
    }
}

struct Parsed {
    name: String,
    stem: String,
    result: Result<(BankQuestion, Vec<String>), String>,
}

/// Finds the first unescaped `needle` at or after `from`.
fn find_unescaped(s: &str, needle: char, from: usize) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s[from..].char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == needle {
            return Some(from + i);
        }
    }
    None
}

/// Removes GIFT escapes: `\~ \= \# \{ \} \:` give the character, `\n` a newline.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some(&n @ ('~' | '=' | '#' | '{' | '}' | ':' | '\\')) => {
                    out.push(n);
                    chars.next();
                }
                Some('n') => {
                    out.push('\n');
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextFormat {
    Html,
    Plain,
}

/// GIFT's format markers, in the order Moodle's importer tries them. `[markdown]` and `[moodle]`
/// text is kept as written: Netra shows plain text, and both read acceptably as it.
const FORMATS: [(&str, TextFormat); 4] = [
    ("[html]", TextFormat::Html),
    ("[markdown]", TextFormat::Plain),
    ("[plain]", TextFormat::Plain),
    ("[moodle]", TextFormat::Plain),
];

/// The format marker at the very start of `text`, if any, and the text after it.
fn format_marker(text: &str) -> Option<(TextFormat, &str)> {
    FORMATS
        .iter()
        .find_map(|&(marker, format)| text.strip_prefix(marker).map(|rest| (format, rest)))
}

/// An answer, a per-answer feedback or the general feedback as text. GIFT lets each of them
/// open with its own format marker (`~[plain]blue#[html]wrong, it's yellow`); without one,
/// the question text's format applies, as in Moodle.
fn clean_part(raw: &str, default: TextFormat, lost: &mut bool) -> String {
    let raw = raw.trim();
    match format_marker(raw) {
        Some((format, rest)) => clean(rest, format, lost),
        None => clean(raw, default, lost),
    }
}

/// Reports, once per question, that an image or a table in its HTML was dropped.
fn note_lost(lost: bool, warnings: &mut Vec<String>) {
    const LOST: &str = "gambar atau tabel dalam teks diabaikan";
    if lost && !warnings.iter().any(|w| w == LOST) {
        warnings.push(LOST.into());
    }
}

fn clean(raw: &str, format: TextFormat, lost: &mut bool) -> String {
    let text = unescape(raw.trim());
    match format {
        TextFormat::Html => {
            let (t, l) = html_to_text(&text);
            *lost |= l;
            t
        }
        TextFormat::Plain => text.trim().to_string(),
    }
}

fn parse_question(
    block: &Block,
    body: &str,
    category: Option<&str>,
) -> Result<Parsed, SyntaxError> {
    // The body is a trimmed slice of block.text: offsets below are relative to it.
    let base = block.text.find(body).unwrap_or(0);
    let mut rest = body;
    let mut consumed = 0;
    let mut name = String::new();
    if let Some(after) = rest.strip_prefix("::") {
        let Some(end) = after.find("::") else {
            return Err(block.error(base, "nama soal dibuka dengan `::` tetapi tidak ditutup"));
        };
        name = unescape(after[..end].trim());
        rest = after[end + 2..].trim_start();
        consumed = body.len() - rest.len();
    }
    let mut format = TextFormat::Plain;
    if let Some((f, after)) = format_marker(rest) {
        format = f;
        rest = after;
        consumed = body.len() - rest.len();
    }
    let mut lost = false;
    let Some(open) = find_unescaped(rest, '{', 0) else {
        let stem = clean(rest, format, &mut lost);
        return Ok(Parsed {
            name,
            stem,
            result: Err("deskripsi tanpa jawaban, bukan soal".into()),
        });
    };
    let Some(close) = find_unescaped(rest, '}', open + 1) else {
        return Err(block.error(base + consumed + open, "`{` tanpa pasangan `}`"));
    };
    if let Some(again) = find_unescaped(&rest[close + 1..], '{', 0) {
        return Err(block.error(
            base + consumed + close + 1 + again,
            "satu soal hanya boleh punya satu blok jawaban `{...}`",
        ));
    }
    let before = rest[..open].trim();
    let after = rest[close + 1..].trim();
    let mut stem = clean(before, format, &mut lost);
    if !after.is_empty() {
        // Missing-word form: the answers stand for a blank inside the sentence.
        stem = format!("{stem} _____ {}", clean(after, format, &mut lost));
    }
    let answers = rest[open + 1..close].trim();
    let mut warnings = Vec::new();
    note_lost(lost, &mut warnings);
    let topic = category.and_then(topic_from_category);
    let result = read_answers(answers, format, &stem, &mut warnings).map(
        |(kind, options, answer, explanation, legal_basis)| {
            let q = BankQuestion {
                id: String::new(),
                kind,
                topic,
                scenario: false,
                stem: stem.clone(),
                options,
                answer,
                explanation,
                legal_basis,
                violations: vec![],
            };
            (q, warnings)
        },
    );
    Ok(Parsed { name, stem, result })
}

type Answers = (
    QuestionKind,
    Vec<super::BankOption>,
    Option<bool>,
    String,
    Vec<crate::model::catalog::LegalBasis>,
);

fn read_answers(
    block: &str,
    format: TextFormat,
    stem: &str,
    warnings: &mut Vec<String>,
) -> Result<Answers, String> {
    if stem.trim().is_empty() {
        return Err("teks soal kosong".into());
    }
    // General feedback follows an unescaped `####`.
    let (answers, general) = match find_general_feedback(block) {
        Some(at) => (&block[..at], &block[at + 4..]),
        None => (block, ""),
    };
    let mut lost = false;
    let general = clean_part(general, format, &mut lost);
    let answers = answers.trim();
    if answers.is_empty() {
        return Err("esai (jawaban bebas) tidak didukung Netra".into());
    }
    if answers.starts_with('#') {
        return Err("soal numerik tidak didukung Netra".into());
    }
    // True/false: T, TRUE, F or FALSE, then optional #feedback-if-wrong#feedback-if-right.
    let head_end = find_unescaped(answers, '#', 0).unwrap_or(answers.len());
    let head = answers[..head_end].trim().to_ascii_uppercase();
    if matches!(head.as_str(), "T" | "TRUE" | "F" | "FALSE") {
        let answer = head.starts_with('T');
        let (mut explanation, basis) = split_feedback(&general);
        let feedback: Vec<String> = answers[head_end..]
            .split('#')
            .map(|f| clean_part(f, format, &mut lost))
            .filter(|f| !f.is_empty())
            .collect();
        if !feedback.is_empty() {
            warnings.push("umpan balik benar/salah digabung ke penjelasan".into());
            if !explanation.is_empty() {
                explanation.push_str("\n\n");
            }
            explanation.push_str(&feedback.join("\n"));
        }
        note_lost(lost, warnings);
        return Ok((
            QuestionKind::TrueFalse,
            vec![],
            Some(answer),
            explanation,
            basis,
        ));
    }
    let parts = split_answers(answers);
    if parts.is_empty() {
        return Err("blok jawaban tidak berisi pilihan yang dikenal (`=` atau `~`)".into());
    }
    if parts
        .iter()
        .any(|(_, text)| find_unescaped(text, '-', 0).is_some_and(|i| text[i..].starts_with("->")))
    {
        return Err("soal menjodohkan tidak didukung Netra".into());
    }
    if parts.iter().all(|(marker, _)| *marker == '=') {
        return Err("isian singkat tidak didukung Netra (semua jawaban diawali `=`)".into());
    }
    let mut source = Vec::new();
    for (marker, raw) in parts {
        let (weight, raw) = read_weight(marker, raw)?;
        let (text, feedback) = match find_unescaped(raw, '#', 0) {
            Some(at) => (&raw[..at], &raw[at + 1..]),
            None => (raw, ""),
        };
        source.push(SourceAnswer {
            text: clean_part(text, format, &mut lost),
            weight,
            feedback: clean_part(feedback, format, &mut lost),
        });
    }
    note_lost(lost, warnings);
    if source.iter().any(|a| a.text.is_empty()) {
        return Err("ada pilihan tanpa teks".into());
    }
    let (kind, options, explanation, basis) = choice_question(
        SourceChoice {
            answers: source,
            single: None,
            general_feedback: general,
        },
        warnings,
    )?;
    Ok((kind, options, None, explanation, basis))
}

fn find_general_feedback(block: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find_unescaped(block, '#', from) {
        if block[i..].starts_with("####") {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Splits the answer block at unescaped `=` and `~`, keeping the marker of each answer.
fn split_answers(block: &str) -> Vec<(char, &str)> {
    let mut starts = Vec::new();
    let mut escaped = false;
    for (i, c) in block.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            // `->` in matching pairs is not an answer start; neither is `=` inside a `%..%` weight.
            '=' | '~' => starts.push((i, c)),
            _ => {}
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &(i, c))| {
            let end = starts.get(n + 1).map(|&(j, _)| j).unwrap_or(block.len());
            (c, block[i + 1..end].trim())
        })
        .collect()
}

/// `=` is 100% and `~` 0% unless a `%n%` weight follows the marker.
fn read_weight(marker: char, raw: &str) -> Result<(f64, &str), String> {
    let default = if marker == '=' { 100.0 } else { 0.0 };
    let Some(after) = raw.strip_prefix('%') else {
        return Ok((default, raw));
    };
    let Some(end) = after.find('%') else {
        return Err(format!("bobot `%{after}` tidak ditutup dengan `%`"));
    };
    let weight: f64 = after[..end]
        .trim()
        .parse()
        .map_err(|_| format!("bobot `%{}%` bukan angka", &after[..end]))?;
    if !(-100.0..=100.0).contains(&weight) {
        return Err(format!("bobot {weight}% di luar -100..100"));
    }
    Ok((weight, after[end + 1..].trim_start()))
}

/// Escapes text for GIFT: the special characters get a backslash, newlines become `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Moodle's grade for each of `k` equally weighted correct options, written as Moodle lists it.
pub fn share(k: usize) -> String {
    let v = 100.0 / k.max(1) as f64;
    let s = format!("{v:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Writes questions as GIFT, one `$CATEGORY:` per topic change under `category_root`.
pub fn write(questions: &[BankQuestion], category_root: &str, heading: &str) -> String {
    let mut out = format!(
        "// {heading}\n// Dibuat oleh Netra. Dasar hukum setiap soal ada di umpan balik umum.\n"
    );
    for (category, q) in super::with_categories(questions, category_root) {
        if let Some(path) = category {
            out.push_str(&format!("\n$CATEGORY: {path}\n"));
        }
        out.push('\n');
        let markers: Vec<String> = std::iter::once(format!("[id:{}]", q.id))
            .chain(q.tags().iter().map(|t| format!("[tag:{t}]")))
            .collect();
        out.push_str(&format!("// {}\n", markers.join(" ")));
        out.push_str(&format!(
            "::{}::[plain]{} {{\n",
            escape(&q.id),
            escape(&q.stem)
        ));
        match (q.kind, q.answer) {
            (QuestionKind::TrueFalse, Some(answer)) => {
                out.push_str(if answer { "TRUE\n" } else { "FALSE\n" })
            }
            (QuestionKind::Multiple, _) => {
                let k = q.options.iter().filter(|o| o.correct).count();
                for o in &q.options {
                    let weight = if o.correct {
                        share(k)
                    } else {
                        "-100".to_string()
                    };
                    out.push_str(&format!("~%{weight}%{}\n", escape(&o.text)));
                }
            }
            _ => {
                for o in &q.options {
                    out.push_str(&format!(
                        "{}{}\n",
                        if o.correct { '=' } else { '~' },
                        escape(&o.text)
                    ));
                }
            }
        }
        out.push_str(&format!("####{}\n}}\n", escape(&q.general_feedback())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{import, Format};
    use super::*;

    fn only(text: &str) -> (BankQuestion, Vec<String>) {
        let import = import(Format::Gift, text).expect("parses");
        assert_eq!(import.questions.len(), 1, "{:?}", import.report);
        let warnings = match &import.report[0].outcome {
            Outcome::Imported { warnings, .. } => warnings.clone(),
            other => panic!("not imported: {other:?}"),
        };
        (import.questions[0].clone(), warnings)
    }

    fn skipped(text: &str) -> String {
        let import = import(Format::Gift, text).expect("parses");
        assert!(import.questions.is_empty());
        match &import.report[0].outcome {
            Outcome::Skipped { reason } => reason.clone(),
            other => panic!("not skipped: {other:?}"),
        }
    }

    #[test]
    fn single_choice_with_name_feedback_and_general_feedback() {
        let (q, warnings) = only(
            "// komentar diabaikan\n::Medsos 1::Seorang PNS menyukai unggahan calon. Boleh?{\n=Tidak boleh#Benar, itu pelanggaran.\n~Boleh#Keliru.\n####Menyukai unggahan akun kampanye termasuk bentuk pelanggaran.\n}",
        );
        assert_eq!(q.id, "medsos-1");
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.stem, "Seorang PNS menyukai unggahan calon. Boleh?");
        assert_eq!(
            q.options
                .iter()
                .map(|o| (o.key.as_str(), o.correct))
                .collect::<Vec<_>>(),
            vec![("a", true), ("b", false)]
        );
        assert!(q.explanation.starts_with("Menyukai unggahan akun kampanye"));
        assert!(q
            .explanation
            .contains("- Tidak boleh: Benar, itu pelanggaran."));
        assert!(warnings.iter().any(|w| w.contains("dasar hukum belum ada")));
    }

    #[test]
    fn percent_weights_make_a_multiple_answer_question_and_negative_weights_are_wrong() {
        let (q, warnings) = only("Mana yang dilarang?{~%50%Memasang baliho calon ~%50%Menjadi tim kampanye ~%-100%Mencoblos di TPS}");
        assert_eq!(q.kind, QuestionKind::Multiple);
        assert_eq!(
            q.options.iter().map(|o| o.correct).collect::<Vec<_>>(),
            vec![true, true, false]
        );
        assert!(
            !warnings.iter().any(|w| w.contains("jumlah nilai")),
            "{warnings:?}"
        );
    }

    #[test]
    fn partial_credit_on_a_single_answer_question_is_reported() {
        let (q, warnings) = only("Sanksi sedang?{=Potong tukin 25% ~%50%Teguran ~Tidak ada}");
        assert_eq!(q.kind, QuestionKind::Single);
        assert!(
            warnings.iter().any(|w| w.contains("nilai parsial 50%")),
            "{warnings:?}"
        );
    }

    #[test]
    fn true_false_in_every_spelling_with_feedback() {
        for (answers, expected) in [
            ("T", true),
            ("TRUE", true),
            ("F", false),
            ("FALSE", false),
            ("true", true),
        ] {
            let (q, _) = only(&format!("PNS boleh mencoblos.{{{answers}}}"));
            assert_eq!(
                (q.kind, q.answer),
                (QuestionKind::TrueFalse, Some(expected)),
                "{answers}"
            );
        }
        let (q, warnings) = only("ASN harus netral.{T#Salah pilih.#Tepat.####Penjelasan umum.}");
        assert_eq!(q.answer, Some(true));
        assert!(q.explanation.starts_with("Penjelasan umum.") && q.explanation.contains("Tepat."));
        assert!(warnings
            .iter()
            .any(|w| w.contains("umpan balik benar/salah")));
    }

    #[test]
    fn escapes_are_decoded() {
        let (q, _) = only(
            "Rumus 1\\+1 \\= 2 \\{ok\\} \\# pagar \\~ tilde a\\:b\\nbaris{=Ya \\= benar ~Tidak}",
        );
        assert_eq!(q.stem, "Rumus 1\\+1 = 2 {ok} # pagar ~ tilde a:b\nbaris");
        assert_eq!(q.options[0].text, "Ya = benar");
    }

    #[test]
    fn categories_become_topics_and_tags_carry_netra_metadata() {
        let import = import(
            Format::Gift,
            "$CATEGORY: $course$/top/Netralitas/Media Sosial\n\n// [id:medsos-like] [tag:skenario] [tag:pelanggaran:etik-medsos-interaksi]\n::x::Soal?{=a ~b}\n\n$CATEGORY: $course$/top/Sanksi\n\nSoal dua?{=a ~b}",
        )
        .expect("parses");
        let q = &import.questions;
        assert_eq!(
            (q[0].id.as_str(), q[0].topic.as_deref(), q[0].scenario),
            ("medsos-like", Some("media-sosial"), true)
        );
        assert_eq!(q[0].violations, vec!["etik-medsos-interaksi".to_string()]);
        assert_eq!(q[1].topic.as_deref(), Some("sanksi"));
        assert_eq!(import.report[1].place, Place::Line(8));
    }

    #[test]
    fn html_text_is_reduced_and_markdown_kept() {
        let (q, warnings) =
            only("[html]<p>Apakah <b>boleh</b>?</p><img src=\"x.png\">{=<i>Tidak</i> ~Ya}");
        assert_eq!(q.stem, "Apakah boleh?");
        assert_eq!(q.options[0].text, "Tidak");
        assert!(warnings.iter().any(|w| w.contains("gambar")));
        let (q, _) = only("[markdown]Apakah **boleh**?{=Tidak ~Ya}");
        assert_eq!(q.stem, "Apakah **boleh**?");
    }

    #[test]
    fn missing_word_form_keeps_the_blank() {
        let (q, _) = only("Sanksi moral diatur PP {=42 ~53 ~94} tahun 2004.");
        assert_eq!(q.stem, "Sanksi moral diatur PP _____ tahun 2004.");
    }

    #[test]
    fn unsupported_types_are_skipped_with_a_reason() {
        assert!(skipped("Tulis pendapat Anda.{}").contains("esai"));
        assert!(skipped("Berapa 2+2?{#4}").contains("numerik"));
        assert!(skipped("Ibu kota?{=Jakarta =jakarta}").contains("isian singkat"));
        assert!(
            skipped("Jodohkan.{=PP 94 -> disiplin =PP 42 -> etik =UU 7 -> pemilu}")
                .contains("menjodohkan")
        );
        assert!(skipped("Hanya teks pengantar tanpa jawaban.").contains("deskripsi"));
        assert!(skipped("Semua salah?{~a ~b}").contains("tidak ada pilihan bernilai positif"));
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_endings_are_accepted() {
        let import = import(
            Format::Gift,
            "\u{feff}Soal satu?{=a ~b}\r\n\r\nSoal dua?{\r\n=a\r\n~b\r\n}\r\n",
        )
        .expect("parses");
        assert_eq!(import.questions.len(), 2);
        assert_eq!(import.questions[1].options[1].text, "b");
    }

    #[test]
    fn malformed_input_names_line_and_column() {
        let err = import(
            Format::Gift,
            "Soal satu?{=a ~b}\n\nSoal dua\n  tanpa tutup {=a ~b\n",
        )
        .expect_err("unclosed brace");
        assert_eq!((err.line, err.column), (4, 15), "{err}");
        let err =
            import(Format::Gift, "::nama tanpa tutup Soal?{=a ~b}").expect_err("unclosed name");
        assert_eq!(err.line, 1);
    }

    #[test]
    fn written_gift_reads_back_identically() {
        let q = BankQuestion {
            id: "kutip-1".into(),
            kind: QuestionKind::Multiple,
            topic: Some("media-sosial".into()),
            scenario: true,
            stem: "Pilih semua {yang} benar: a=b, c~d, #tagar, 10:30\nbaris dua".into(),
            options: vec![
                super::super::BankOption {
                    key: "a".into(),
                    text: "Satu".into(),
                    correct: true,
                },
                super::super::BankOption {
                    key: "b".into(),
                    text: "Dua".into(),
                    correct: true,
                },
                super::super::BankOption {
                    key: "c".into(),
                    text: "Tiga".into(),
                    correct: true,
                },
                super::super::BankOption {
                    key: "d".into(),
                    text: "Empat".into(),
                    correct: false,
                },
            ],
            answer: None,
            explanation: "Karena begitu.".into(),
            legal_basis: vec![crate::model::catalog::LegalBasis {
                regulation: "PP No. 94 Tahun 2021".into(),
                article: "Pasal 5 huruf n".into(),
            }],
            violations: vec!["disiplin-medsos-interaksi".into()],
        };
        let text = write(std::slice::from_ref(&q), "$course$/top/Modul", "uji");
        assert!(text.contains("~%33.33333%Satu"), "{text}");
        let back = import(Format::Gift, &text).expect("parses");
        assert_eq!(back.questions, vec![q]);
    }

    #[test]
    fn answer_and_feedback_format_markers_from_moodles_fixture_are_not_text() {
        let (q, _) = only(
            "::Q8:: What's between orange and green in the spectrum?\n{\n=yellow # right; good!\n~red # [html]wrong, it's yellow\n~[plain]blue # [html]wrong, it's yellow\n}",
        );
        assert_eq!(
            q.options
                .iter()
                .map(|o| o.text.as_str())
                .collect::<Vec<_>>(),
            vec!["yellow", "red", "blue"]
        );
        assert!(
            q.explanation.contains("- blue: wrong, it's yellow"),
            "{}",
            q.explanation
        );
        assert!(!q.explanation.contains('['), "{}", q.explanation);
    }

    #[test]
    fn an_html_answer_or_feedback_is_reduced_to_text_like_the_question_text() {
        // GIFT wants `\=` even inside an HTML attribute, or the `=` starts a new answer.
        let (q, warnings) = only(
            "Warna?{=[html]<b>kuning</b> &amp; jingga ~[html]<img src\\=\"x.png\">merah#[html]<p>bukan &eacute;</p> ####[html]<p>Lihat <i>spektrum</i></p>}",
        );
        assert_eq!(q.stem, "Warna?");
        assert_eq!(q.options[0].text, "kuning & jingga");
        assert_eq!(q.options[1].text, "merah");
        assert!(
            q.explanation.starts_with("Lihat spektrum"),
            "{}",
            q.explanation
        );
        assert!(
            q.explanation.contains("- merah: bukan é"),
            "{}",
            q.explanation
        );
        assert!(
            warnings.iter().any(|w| w.contains("gambar")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_plain_answer_in_an_html_question_keeps_its_markup_as_text() {
        let (q, _) = only("[html]<p>Pilih</p>{=[plain]<b>tebal</b> ~<b>biasa</b>}");
        assert_eq!(q.options[0].text, "<b>tebal</b>");
        assert_eq!(q.options[1].text, "biasa");
    }

    #[test]
    fn true_false_feedback_format_markers_are_not_text() {
        let (q, _) = only("Langit biru.{T#[html]<i>salah</i>#[plain]benar}");
        assert!(q.explanation.contains("salah\nbenar"), "{}", q.explanation);
    }

    #[test]
    fn an_html_question_name_gives_an_id_without_tag_names() {
        let (q, _) = only("::Question with <strong>invalid grades</strong> x 1 x::Soal?{=a ~b}");
        assert_eq!(q.id, "question-with-invalid-grades-x-1-x");
        // Ids are ASCII, so `é` ends the word; the entity's name no longer leaks into the id.
        let (q, _) = only("::Caf&eacute; &amp; teh::Soal?{=a ~b}");
        assert_eq!(q.id, "caf-teh");
    }
}
