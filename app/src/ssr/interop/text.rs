//! HTML in question text: reduced to the plain text Netra shows, and escaped on the way out.

// The full HTML5 table of character references: Moodle banks carry whatever their editor wrote
// (`&eacute;`, `&rsquo;`, `&#233;`, `&#x2019;`), not just the handful XML itself defines.
use html_escape::decode_html_entities;

/// Turns (possibly sloppy) HTML into plain text: paragraphs and line breaks become newlines,
/// list items become `- ` lines, every other tag is dropped, entities are decoded. Nothing of
/// the markup survives, so nothing in an imported question can run in a learner's browser.
/// `&nbsp;` decodes to U+00A0, which [`tidy`] folds into an ordinary space like any whitespace.
/// Returns the text and whether something visual (an image, a table) was lost.
pub fn html_to_text(html: &str) -> (String, bool) {
    let mut out = String::new();
    let mut lost = false;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_html_entities(&rest[..lt]));
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
    out.push_str(&decode_html_entities(rest));
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

/// Escapes text for HTML and keeps its line structure as paragraphs and line breaks.
pub fn text_to_html(text: &str) -> String {
    text.split("\n\n")
        .map(|para| format!("<p>{}</p>", escape(para).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("")
}

/// Escapes `&`, `<`, `>` and `"`, so the text is safe both as element content and inside a
/// double-quoted attribute, in HTML and in XML alike.
pub fn escape(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
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

    #[test]
    fn named_entities_beyond_the_xml_five_are_decoded() {
        let (text, _) = html_to_text("<p>Caf&eacute; &lsquo;netral&rsquo; &mdash; &copy;</p>");
        assert_eq!(text, "Café \u{2018}netral\u{2019} \u{2014} ©");
    }

    #[test]
    fn decimal_and_hexadecimal_references_are_decoded() {
        let (text, _) = html_to_text("caf&#233; PNS&#x2019;s &#X2019; &#8230;");
        assert_eq!(text, "café PNS\u{2019}s \u{2019} …");
    }

    #[test]
    fn escaped_markup_stays_text_and_unknown_references_stay_literal() {
        let (text, lost) = html_to_text("&lt;img src=x&gt; &amp;eacute; &bogus; a & b &#xZZ;");
        assert_eq!(text, "<img src=x> &eacute; &bogus; a & b &#xZZ;");
        assert!(!lost);
    }

    #[test]
    fn escaping_covers_the_characters_that_end_text_or_an_attribute() {
        assert_eq!(
            escape("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'"
        );
    }
}
