//! How sure a record is of who made it. Recorded on every attempt, webinar participation and
//! certificate; shown per pass on the dashboards, exports, the JP ledger and the verification
//! page; an assignment requires one (by default [`Assurance::Account`]).

use serde::{Deserialize, Serialize};

/// The levels, weakest first (the derived order is the strength order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Assurance {
    /// NIP and name typed on the identification form: anyone who knows both could have.
    SelfDeclared,
    /// Signed in to the account the agency activated with a one-time code, then a password.
    Account,
    /// Signed in through the agency's identity provider (OpenID Connect).
    Sso,
}

impl Assurance {
    pub const ALL: [Assurance; 3] = [Assurance::SelfDeclared, Assurance::Account, Assurance::Sso];

    /// Stored in the database, in exports and in forms.
    pub fn code(self) -> &'static str {
        match self {
            Assurance::SelfDeclared => "self_declared",
            Assurance::Account => "account",
            Assurance::Sso => "sso",
        }
    }

    /// Reads a stored code. `verified`, the name before levels existed, is [`Assurance::Account`];
    /// anything unknown is the weakest level, never a stronger one.
    pub fn from_code(code: &str) -> Assurance {
        match code {
            "sso" => Assurance::Sso,
            "account" | "verified" => Assurance::Account,
            _ => Assurance::SelfDeclared,
        }
    }

    /// A form value, strictly: `None` for anything but the three codes.
    pub fn parse(code: &str) -> Option<Assurance> {
        Assurance::ALL.into_iter().find(|a| a.code() == code.trim())
    }

    /// How the UI names a pass made at this level.
    pub fn label(self) -> &'static str {
        match self {
            Assurance::SelfDeclared => "Diisi sendiri",
            Assurance::Account => "Akun terverifikasi",
            Assurance::Sso => "SSO instansi",
        }
    }

    /// What the level means, for the operator choosing a policy and the verification page.
    pub fn explanation(self) -> &'static str {
        match self {
            Assurance::SelfDeclared => {
                "NIP dan nama diketik sendiri di formulir; siapa pun yang mengetahui keduanya dapat mengisinya."
            }
            Assurance::Account => {
                "Masuk dengan akun yang diaktifkan dengan kode dari BKPSDM, lalu kata sandi pribadi."
            }
            Assurance::Sso => "Masuk melalui layanan masuk tunggal (SSO) instansi.",
        }
    }

    /// Whether a pass at this level meets `required`.
    pub fn meets(self, required: Assurance) -> bool {
        self >= required
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_codes_round_trip() {
        assert!(Assurance::Sso.meets(Assurance::Account));
        assert!(Assurance::Account.meets(Assurance::Account));
        assert!(!Assurance::SelfDeclared.meets(Assurance::Account));
        assert!(!Assurance::Account.meets(Assurance::Sso));
        for a in Assurance::ALL {
            assert_eq!(Assurance::from_code(a.code()), a);
            assert_eq!(Assurance::parse(a.code()), Some(a));
        }
        assert_eq!(Assurance::from_code("verified"), Assurance::Account);
        assert_eq!(Assurance::from_code("anything"), Assurance::SelfDeclared);
        assert_eq!(Assurance::parse("verified"), None);
    }
}
