//! HTML in question text: reduced to the plain text Netra shows, and escaped on the way out.

/// Turns (possibly sloppy) HTML into plain text: paragraphs and line breaks become newlines,
/// list items become `- ` lines, every other tag is dropped, entities are decoded. Nothing of
/// the markup survives, so nothing in an imported question can run in a learner's browser.
/// Returns the text and whether something visual (an image, a table) was lost.
pub fn html_to_text(html: &str) -> (String, bool) {
    let mut out = String::new();
    let mut lost = false;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // A lone `<` is text, not a tag.
            out.push('<');
            rest = after;
            continue;
        };
        let tag = after[..gt].trim().to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match name.as_str() {
            "br" => out.push('\n'),
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "tr"
                if tag.starts_with('/') =>
            {
                out.push_str("\n\n")
            }
            "li" if !tag.starts_with('/') => out.push_str("\n- "),
            "img" | "table" | "video" | "audio" | "iframe" | "object" => lost = true,
            _ => {}
        }
        // Script and style bodies are not text.
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            let body = &after[gt + 1..];
            match body.to_ascii_lowercase().find(&close) {
                Some(end) => {
                    rest = &body[end..];
                    continue;
                }
                None => {
                    rest = "";
                    break;
                }
            }
        }
        rest = &after[gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    (tidy(&out), lost)
}

/// Collapses runs of spaces and blank lines.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for line in &lines {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or(name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML and keeps its line structure as paragraphs and line breaks.
pub fn text_to_html(text: &str) -> String {
    text.split("\n\n")
        .map(|para| format!("<p>{}</p>", escape(para).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("")
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_reduced_to_text() {
        let (text, lost) = html_to_text(
            "<p>Seorang <b>PNS</b> &amp; rekannya&nbsp;&#8230;</p><p>Apakah <i>boleh</i>?</p>",
        );
        assert_eq!(text, "Seorang PNS & rekannya …\n\nApakah boleh?");
        assert!(!lost);
    }

    #[test]
    fn scripts_vanish_and_images_are_reported() {
        let (text, lost) =
            html_to_text("Soal<script>alert(1)</script> <img src=x onerror=alert(1)> a < b");
        assert_eq!(text, "Soal a < b");
        assert!(lost);
    }

    #[test]
    fn lists_and_breaks_keep_their_lines() {
        let (text, _) = html_to_text("Pilih:<ul><li>satu</li><li>dua</li></ul>akhir<br/>baris");
        assert_eq!(text, "Pilih:\n- satu\n- dua\n\nakhir\nbaris");
    }

    #[test]
    fn text_round_trips_through_html() {
        let text = "Paragraf <satu> & \"dua\"\nbaris\n\nParagraf dua";
        assert_eq!(html_to_text(&text_to_html(text)).0, text);
    }
}
