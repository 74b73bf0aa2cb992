//! NIP (Nomor Induk Pegawai) parsing and validation, with messages in Indonesian.
//!
//! Layout of the 18 digits: birth date `YYYYMMDD`, TMT (start of service) `YYYYMM`,
//! gender `1`/`2`, sequence number `001`..`999`. NI PPPK follows the same layout.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated 18-digit NIP. Always text, never a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Nip(String);

/// Why a NIP was rejected. Each variant has a message a learner can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum NipError {
    #[error("NIP wajib diisi.")]
    Empty,
    #[error(
        "NIP tertulis dalam format ilmiah (misalnya 1,98609E+17) karena dibuka di spreadsheet. \
         Ketik ulang ke-18 angka NIP Anda secara lengkap."
    )]
    ScientificNotation,
    #[error("NIP hanya boleh berisi angka (spasi diperbolehkan sebagai pemisah).")]
    NotDigits,
    #[error("NIP harus 18 angka; yang Anda isi baru {0} angka.")]
    TooShort(usize),
    #[error("NIP harus 18 angka; yang Anda isi {0} angka.")]
    TooLong(usize),
    #[error(
        "Tiga angka terakhir NIP Anda 000. Ini biasanya tanda NIP terpotong oleh spreadsheet \
         (hanya 15 angka pertama yang tersimpan). Ketik ulang NIP lengkap dari SK atau kartu pegawai Anda."
    )]
    TruncatedBySpreadsheet,
    #[error("Angka ke-1 sampai ke-8 NIP harus tanggal lahir yang sah (TTTTBBHH).")]
    InvalidBirthDate,
    #[error("Angka ke-9 sampai ke-14 NIP harus tahun dan bulan TMT yang sah (TTTTBB).")]
    InvalidTmt,
    #[error("TMT pada NIP (angka ke-9 sampai ke-14) lebih awal dari usia 15 tahun menurut tanggal lahir.")]
    TmtBeforeAge15,
    #[error("TMT pada NIP (angka ke-9 sampai ke-14) berada di masa depan.")]
    TmtInFuture,
    #[error("Angka ke-15 NIP harus 1 (laki-laki) atau 2 (perempuan).")]
    InvalidGender,
}

/// A calendar month used as "today" so validation stays pure and testable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: u32,
    pub month: u32,
}

impl Nip {
    /// Parses user input (spaces and dots used as separators are allowed) into a NIP.
    /// `today` bounds the TMT so a NIP from the future is rejected.
    pub fn parse(input: &str, today: YearMonth) -> Result<Self, NipError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NipError::Empty);
        }
        if looks_scientific(trimmed) {
            return Err(NipError::ScientificNotation);
        }
        let digits: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '.' | '-'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NipError::NotDigits);
        }
        match digits.len() {
            n if n < 18 => return Err(NipError::TooShort(n)),
            n if n > 18 => return Err(NipError::TooLong(n)),
            _ => {}
        }
        if digits.ends_with("000") {
            return Err(NipError::TruncatedBySpreadsheet);
        }
        let num =
            |range: std::ops::Range<usize>| -> u32 { digits[range].parse().unwrap_or_default() };
        let (birth_y, birth_m, birth_d) = (num(0..4), num(4..6), num(6..8));
        if !(1900..=today.year).contains(&birth_y) || !is_valid_date(birth_y, birth_m, birth_d) {
            return Err(NipError::InvalidBirthDate);
        }
        let tmt = YearMonth {
            year: num(8..12),
            month: num(12..14),
        };
        if !(1..=12).contains(&tmt.month) || tmt.year < 1900 {
            return Err(NipError::InvalidTmt);
        }
        let age15 = YearMonth {
            year: birth_y + 15,
            month: birth_m,
        };
        if tmt < age15 {
            return Err(NipError::TmtBeforeAge15);
        }
        // TMT can be announced a little ahead (CPNS appointments): allow up to a year.
        let limit = YearMonth {
            year: today.year + 1,
            month: today.month,
        };
        if tmt > limit {
            return Err(NipError::TmtInFuture);
        }
        if !matches!(&digits[14..15], "1" | "2") {
            return Err(NipError::InvalidGender);
        }
        Ok(Nip(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `19860912 201001 1 003`: the grouping printed on Indonesian staff documents.
    pub fn formatted(&self) -> String {
        format_nip(&self.0)
    }
}

/// Groups an 18-digit NIP for display; other strings are returned unchanged.
pub fn format_nip(nip: &str) -> String {
    if nip.len() == 18 && nip.chars().all(|c| c.is_ascii_digit()) {
        format!(
            "{} {} {} {}",
            &nip[0..8],
            &nip[8..14],
            &nip[14..15],
            &nip[15..18]
        )
    } else {
        nip.to_string()
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn looks_scientific(s: &str) -> bool {
    let upper = s.to_ascii_uppercase();
    upper.contains('E')
        && upper.chars().any(|c| c.is_ascii_digit())
        && upper
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'E' | '+' | '-' | '.' | ',' | ' '))
}

fn is_valid_date(year: u32, month: u32, day: u32) -> bool {
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: YearMonth = YearMonth {
        year: 2026,
        month: 11,
    };

    fn parse(s: &str) -> Result<Nip, NipError> {
        Nip::parse(s, TODAY)
    }

    #[test]
    fn a_well_formed_nip_is_accepted_and_spaces_are_ignored() {
        let nip = parse("19860912 201001 1 003").expect("valid");
        assert_eq!(nip.as_str(), "198609122010011003");
        assert_eq!(nip.formatted(), "19860912 201001 1 003");
    }

    #[test]
    fn an_empty_nip_is_rejected() {
        assert_eq!(parse("   "), Err(NipError::Empty));
    }

    #[test]
    fn spreadsheet_scientific_notation_gets_its_own_message() {
        assert_eq!(parse("1.98609E+17"), Err(NipError::ScientificNotation));
        assert_eq!(parse("1,98609E+17"), Err(NipError::ScientificNotation));
        assert_eq!(parse("1.98609e17"), Err(NipError::ScientificNotation));
    }

    #[test]
    fn trailing_zeros_from_fifteen_digit_truncation_get_their_own_message() {
        assert_eq!(
            parse("198609122010011000"),
            Err(NipError::TruncatedBySpreadsheet)
        );
    }

    #[test]
    fn letters_are_rejected() {
        assert_eq!(parse("19860912201001100A"), Err(NipError::NotDigits));
    }

    #[test]
    fn wrong_lengths_report_the_count() {
        assert_eq!(parse("1986091220100110"), Err(NipError::TooShort(16)));
        assert_eq!(parse("1986091220100110031"), Err(NipError::TooLong(19)));
    }

    #[test]
    fn birth_date_must_be_a_real_date() {
        assert_eq!(parse("198602302010011003"), Err(NipError::InvalidBirthDate));
        assert_eq!(parse("198613012010011003"), Err(NipError::InvalidBirthDate));
        assert_eq!(parse("203001012010011003"), Err(NipError::InvalidBirthDate));
        // 29 February exists in leap years only.
        assert!(parse("198802292010011003").is_ok());
        assert_eq!(parse("198702292010011003"), Err(NipError::InvalidBirthDate));
    }

    #[test]
    fn tmt_must_be_a_real_year_month() {
        assert_eq!(parse("198609122010131003"), Err(NipError::InvalidTmt));
        assert_eq!(parse("198609122010001003"), Err(NipError::InvalidTmt));
    }

    #[test]
    fn tmt_may_not_precede_the_fifteenth_birthday() {
        assert_eq!(parse("198609122001081003"), Err(NipError::TmtBeforeAge15));
        // Exactly fifteen years (same month) is allowed.
        assert!(parse("198609122001091003").is_ok());
    }

    #[test]
    fn tmt_may_not_be_far_in_the_future() {
        assert_eq!(parse("198609122030011003"), Err(NipError::TmtInFuture));
    }

    #[test]
    fn the_fifteenth_digit_is_the_gender() {
        assert_eq!(parse("198609122010013003"), Err(NipError::InvalidGender));
        assert!(parse("198609122010012003").is_ok());
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const TODAY: YearMonth = YearMonth {
        year: 2026,
        month: 11,
    };

    /// What people paste into a NIP field: digits with spaces, dots, dashes, exponents and noise.
    fn nip_like() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                "[0-9]{1,18}",
                Just(" ".to_string()),
                Just(".".to_string()),
                Just("-".to_string()),
                Just("E+17".to_string()),
                Just("e".to_string()),
                Just("'".to_string()),
                Just("\u{a0}".to_string()),
                Just("١٢٣".to_string()),
                Just("19860912".to_string()),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn parsing_never_panics_and_an_accepted_nip_is_canonical(input in prop_oneof![nip_like(), any::<String>()]) {
            if let Ok(nip) = Nip::parse(&input, TODAY) {
                prop_assert_eq!(nip.as_str().len(), 18);
                prop_assert!(nip.as_str().bytes().all(|b| b.is_ascii_digit()));
                // The canonical form parses to itself.
                prop_assert_eq!(Nip::parse(nip.as_str(), TODAY).ok(), Some(nip.clone()));
            }
        }

        #[test]
        fn parsing_never_panics_on_any_month(input in nip_like(), year in 0u32..=u32::MAX, month in 0u32..=u32::MAX) {
            let _ = Nip::parse(&input, YearMonth { year, month });
        }
    }
}
