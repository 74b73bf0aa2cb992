//! The result of converting an uploaded GIFT or Moodle XML question bank in the browser.

use serde::{Deserialize, Serialize};

/// A converted bank: one line per question seen, and the `questions.toml` text to download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankConversion {
    pub file_name: String,
    /// "GIFT" or "Moodle XML".
    pub format: String,
    pub imported: usize,
    pub skipped: usize,
    pub lines: Vec<ConversionLine>,
    pub toml: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversionLine {
    /// "baris 12" (GIFT) or "soal ke-3" (XML).
    pub place: String,
    pub name: String,
    /// The Netra id when imported; `None` when skipped.
    pub id: Option<String>,
    /// The reason it was skipped, or the warnings on an imported question.
    pub notes: Vec<String>,
}

impl BankConversion {
    /// The TOML as a `data:` URL, so the browser can save it without another request.
    pub fn download_href(&self) -> String {
        format!(
            "data:application/toml;charset=utf-8,{}",
            super::percent_encode(&self.toml)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_href_percent_encodes_everything_but_unreserved() {
        let c = BankConversion {
            file_name: "a.gift".into(),
            format: "GIFT".into(),
            imported: 0,
            skipped: 0,
            lines: vec![],
            toml: "id = \"ç a\"\n".into(),
        };
        assert_eq!(
            c.download_href(),
            "data:application/toml;charset=utf-8,id%20%3D%20%22%C3%A7%20a%22%0A"
        );
    }

    #[test]
    fn download_href_leaves_unreserved_characters_alone_and_encodes_the_rest() {
        let c = BankConversion {
            file_name: "a.gift".into(),
            format: "GIFT".into(),
            imported: 0,
            skipped: 0,
            lines: vec![],
            toml: "Az09-._~/?#%&+'\u{2019}".into(),
        };
        assert_eq!(
            c.download_href(),
            "data:application/toml;charset=utf-8,Az09-._~%2F%3F%23%25%26%2B%27%E2%80%99"
        );
    }
}
