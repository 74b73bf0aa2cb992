//! Markdown to sanitised HTML. Raw HTML in the source is shown as text, never interpreted,
//! and only safe link schemes survive, so content cannot inject script into a page.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// Renders Markdown to HTML that is safe to insert into a page.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML becomes visible text: pulldown-cmark escapes Text events.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let has_scheme = lower
        .split_once(':')
        .map(|(scheme, _)| !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#'))
        .unwrap_or(false);
    if !has_scheme
        || lower.starts_with("https:")
        || lower.starts_with("http:")
        || lower.starts_with("mailto:")
    {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_becomes_html() {
        let html = render("# Judul\n\nTeks **tebal**.");
        assert!(html.contains("<h1>Judul</h1>"));
        assert!(html.contains("<strong>tebal</strong>"));
    }

    #[test]
    fn raw_html_is_shown_as_text_not_executed() {
        let html = render("Halo <script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn dangerous_link_schemes_are_neutralised() {
        let html = render("[klik](javascript:alert(1)) [data](DATA:text/html,x) [ok](https://bkn.go.id) [rel](/modul)");
        assert!(!html.to_lowercase().contains("javascript:"));
        assert!(!html.to_lowercase().contains("data:"));
        assert!(html.contains("https://bkn.go.id"));
        assert!(html.contains("href=\"/modul\""));
    }
}
