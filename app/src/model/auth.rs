//! Roles and the account as the browser sees it (never the password hash).

use serde::{Deserialize, Serialize};

/// What an account may do. Staff roles sign in with email or username; learners with their NIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages agencies, staff accounts and reads the audit log.
    Admin,
    /// BKPSDM staff, scoped to one agency (instansi).
    Operator,
    /// Webinar host: their own sessions and participants.
    Host,
    /// A roster-verified employee: their own results.
    Learner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Host, Role::Learner];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Host => "host",
            Role::Learner => "learner",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Operator => "Operator BKPSDM",
            Role::Host => "Penyelenggara webinar",
            Role::Learner => "Pegawai",
        }
    }

    /// Where this role lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Admin => "/admin",
            Role::Operator => "/operator",
            Role::Host => "/host",
            Role::Learner => "/saya",
        }
    }
}

/// The signed-in account, for the header and role pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub agency: Option<AgencyView>,
    pub activated: bool,
    /// Failed sign-ins since the last successful one.
    pub failed_sign_ins: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyView {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// An employee as an operator sees them in their agency's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEmployee {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub unit_kerja: String,
    /// None: no account yet; Some(false): code issued, not activated; Some(true): activated.
    pub account_activated: Option<bool>,
    pub attempts: u32,
    pub best_score: Option<u32>,
}

/// A one-time code, shown once to the operator who issued it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub login: String,
    pub name: String,
    pub code: String,
    /// Local time (WIB) until which the code works.
    pub expires: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub ip: String,
    pub detail: String,
}

/// The admin overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub agencies: Vec<AgencyView>,
    pub staff: Vec<AccountView>,
    /// Requests to move an employee onto another agency's roster, waiting for a decision.
    pub transfers: Vec<crate::model::tracking::TransferView>,
}

/// Masks a NIP for public pages: birth date and sequence stay, the rest is hidden
/// (`198609********1001`).
pub fn mask_nip(nip: &str) -> String {
    if nip.len() != 18 || !nip.is_ascii() {
        return "*".repeat(nip.chars().count().min(18));
    }
    format!("{}{}{}", &nip[..6], "*".repeat(8), &nip[14..])
}

/// Masks a NIP for the public certificate check: only the birth year stays
/// (`1986**************`). The name is shown beside it, so what is left must not be completable
/// by trying: month and day of birth, the appointment date, gender and sequence leave about
/// 10^8 candidates per year of birth.
pub fn mask_nip_for_public(nip: &str) -> String {
    if nip.len() != 18 || !nip.is_ascii() {
        return "*".repeat(nip.chars().count().min(18));
    }
    format!("{}{}", &nip[..4], "*".repeat(14))
}

/// One page of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPage {
    pub agency: String,
    pub total: u64,
    pub employees: Vec<RosterEmployee>,
    /// Employees another agency lists, asked for and waiting for them (or an admin) to accept.
    pub transfers: Vec<crate::model::tracking::TransferView>,
}

/// One employee with their attempts, as the operator sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeDetail {
    pub employee: RosterEmployee,
    pub attempts: Vec<crate::model::quiz::AttemptSummary>,
    /// Completed webinar sessions and modules with their JP, whoever organised them.
    pub credits: Vec<Credit>,
    /// Self-declared claims on the NIP, not part of the record until confirmed.
    pub claims: Vec<crate::model::quiz::PendingClaim>,
    /// Modules with an attempt limit, for granting an extra attempt: (slug, title).
    pub limited_modules: Vec<(String, String)>,
}

/// A completion credited to the employee (with its certificate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub title: String,
    pub organiser: String,
    pub date: String,
    pub jp: u32,
    pub number: String,
    pub revoked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nips_are_masked_in_the_middle() {
        assert_eq!(mask_nip("198609122010011003"), "198609********1003");
        assert_eq!(mask_nip("123"), "***");
        assert_eq!(
            mask_nip_for_public("198609122010011003"),
            "1986**************"
        );
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
