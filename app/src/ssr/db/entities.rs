//! sea-orm entities, one module per table. The schema itself lives in `migrations/`.

pub mod employee {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "employees")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub nip: String,
        pub name: String,
        pub instansi: String,
        pub unit_kerja: String,
        /// The agency whose roster lists this employee; `None` for self-declared learners.
        pub agency_id: Option<i64>,
        /// The unit of the agency's tree the roster places them in.
        pub unit_id: Option<i64>,
        pub jabatan: String,
        pub golongan: String,
        /// PNS | PPPK | "" (not known).
        pub jenis: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod learner_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "learner_sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub token_hash: String,
        pub employee_id: i64,
        /// The claim the session belongs to (sessions are owned by claims).
        pub claim_id: Option<i64>,
        pub last_seen_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod content_module {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "content_modules")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub version: String,
        pub content_hash: String,
        pub title: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod lesson_progress {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "lessons_read")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        /// 0: the employee's own record; otherwise the self-declared claim that read it.
        pub claim_id: i64,
        pub module_slug: String,
        pub lesson_slug: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod attempt {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        /// 0: the employee's own record; otherwise the self-declared claim that took it.
        pub claim_id: i64,
        pub content_module_id: i64,
        pub module_slug: String,
        pub context: String,
        /// The assurance level (`model::assurance::Assurance` code).
        pub identity: String,
        pub instansi_at_time: String,
        pub unit_kerja_at_time: String,
        pub draw: String,
        pub started_at: DateTimeUtc,
        pub deadline_at: Option<DateTimeUtc>,
        pub submitted_at: Option<DateTimeUtc>,
        pub score: Option<i32>,
        pub correct_count: Option<i32>,
        pub question_count: i32,
        pub passed: Option<bool>,
        pub late: bool,
        /// The webinar session the attempt was taken in (context `webinar_pre`/`webinar_post`).
        pub webinar_session_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod answer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "answers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub attempt_id: i64,
        pub question_id: String,
        pub chosen: String,
        pub correct: Option<bool>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod agency {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agencies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        /// WIB | WITA | WIT: how the agency enters and reads dates.
        pub time_zone: String,
        /// The official who signs the agency's certificates for mandatory modules.
        pub signer_name: String,
        pub signer_nip: String,
        pub signer_position: String,
        /// The agency's policy: the weakest assurance level whose pass counts as completion, JP
        /// and a module certificate (`Assurance` code).
        pub required_assurance: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Staff and learner accounts. Holds the password hash, so it is never serialised: server
/// functions return `model::auth::AccountView` instead.
pub mod account {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "accounts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub role: String,
        pub login: String,
        pub display_name: String,
        pub password_hash: Option<String>,
        pub agency_id: Option<i64>,
        pub employee_id: Option<i64>,
        pub failed_attempts: i32,
        pub locked_until: Option<DateTimeUtc>,
        /// The identity provider's subject, once the employee signed in through SSO.
        pub sso_subject: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod account_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub token_hash: String,
        pub account_id: i64,
        pub last_seen_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        /// How the account signed in: `account` (password) or `sso`.
        pub assurance: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod one_time_code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "one_time_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub account_id: i64,
        pub code_hash: String,
        pub expires_at: DateTimeUtc,
        pub used_at: Option<DateTimeUtc>,
        pub created_by: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub actor_id: Option<i64>,
        pub actor: String,
        pub action: String,
        pub target: String,
        pub ip: String,
        pub detail: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod webinar_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webinar_sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub title: String,
        pub organiser: String,
        pub host_account_id: i64,
        pub starts_at: DateTimeUtc,
        pub time_zone: String,
        pub pre_module: Option<String>,
        pub post_module: String,
        /// JSON array of module slugs.
        pub materials: String,
        pub jp: i32,
        pub min_post_score: i32,
        pub requires_pre: bool,
        pub issues_certificates: bool,
        pub pre_opens_at: Option<DateTimeUtc>,
        pub pre_closes_at: Option<DateTimeUtc>,
        pub post_opens_at: Option<DateTimeUtc>,
        pub post_closes_at: Option<DateTimeUtc>,
        pub signer_name: String,
        pub signer_nip: String,
        pub signer_position: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod webinar_participant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webinar_participants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub session_id: i64,
        pub employee_id: i64,
        /// The claim that joined first (0: signed in or confirmed).
        pub claim_id: i64,
        /// The assurance level of the joining identity.
        pub identity: String,
        pub instansi_at_time: String,
        pub unit_kerja_at_time: String,
        pub joined_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod certificate {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "certificates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub organiser_key: String,
        pub year: i32,
        pub seq: i32,
        pub verify_code: String,
        pub employee_id: i64,
        /// 0: the employee's own record; otherwise the self-declared claim that earned it.
        pub claim_id: i64,
        /// The assurance level of what earned it.
        pub assurance: String,
        pub holder_name: String,
        pub holder_nip: String,
        pub instansi: String,
        pub title: String,
        pub organiser: String,
        pub event_date: Date,
        pub jp: i32,
        pub source: String,
        pub webinar_session_id: Option<i64>,
        pub module_slug: Option<String>,
        /// The assignment (cycle) a module certificate was earned in.
        pub assignment_id: Option<i64>,
        pub issued_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        pub revoked_reason: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A node of an agency's organisation tree (OPD, unit kerja, sub-unit ...).
pub mod unit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub agency_id: i64,
        pub parent_id: Option<i64>,
        pub name: String,
        pub code: Option<String>,
        /// Ids from the root down to this unit: "/3/17/42/".
        pub path: String,
        pub depth: i32,
        /// Normalised names from the root: "dinas kesehatan/puskesmas depok".
        pub name_key: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where an employee worked from when to when (`to_at` unset for the current unit).
pub mod unit_history {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "unit_history")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        pub unit_id: i64,
        pub from_at: DateTimeUtc,
        pub to_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A validated roster file waiting for the operator's confirmation.
pub mod roster_import {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "roster_imports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub agency_id: i64,
        pub account_id: i64,
        pub file_name: String,
        /// JSON array of the valid rows.
        pub rows: String,
        pub expires_at: DateTimeUtc,
        pub committed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Modules an agency requires of (part of) its roster by a deadline.
pub mod assignment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub agency_id: i64,
        pub module_slug: String,
        pub opens_at: DateTimeUtc,
        pub deadline_at: DateTimeUtc,
        pub time_zone: String,
        pub whole_agency: bool,
        pub previous_id: Option<i64>,
        /// A re-opened cycle: only passes from `opens_at` on count.
        pub new_cycle: bool,
        pub superseded_at: Option<DateTimeUtc>,
        pub created_by: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One unit (with its sub-units) or one employee an assignment covers.
pub mod assignment_target {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assignment_targets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub assignment_id: i64,
        pub unit_id: Option<i64>,
        pub employee_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An employee's results in one module, summarised for the dashboards.
pub mod module_result {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "module_results")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        pub module_slug: String,
        pub submitted: i32,
        pub best_score: Option<i32>,
        pub first_passed_at: Option<DateTimeUtc>,
        pub last_passed_at: Option<DateTimeUtc>,
        /// The last pass signed in (account or SSO), and the last through SSO.
        pub account_passed_at: Option<DateTimeUtc>,
        pub sso_passed_at: Option<DateTimeUtc>,
        pub last_submitted_at: Option<DateTimeUtc>,
        pub last_activity_at: DateTimeUtc,
        /// The employee's agency and current unit (copied for the dashboards).
        pub agency_id: Option<i64>,
        pub unit_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One use of the self-declared form: whoever typed a NIP and a name. Its history stays its own
/// until the employee (signed in) or an operator (with a reason) confirms it.
pub mod learner_claim {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "learner_claims")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        pub name: String,
        pub instansi: String,
        pub unit_kerja: String,
        pub claimed_at: DateTimeUtc,
        /// open | confirmed | rejected
        pub status: String,
        pub decided_at: Option<DateTimeUtc>,
        pub decided_by: Option<i64>,
        pub reason: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::employee::Entity",
            from = "Column::EmployeeId",
            to = "super::employee::Column::Id"
        )]
        Employee,
    }

    impl Related<super::employee::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Employee.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// An operator asked to add an employee whom another agency lists.
pub mod agency_transfer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "agency_transfers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        pub from_agency_id: i64,
        pub to_agency_id: i64,
        /// The roster row to apply once accepted (JSON `model::roster::RosterRow`).
        pub roster_row: String,
        pub requested_by: Option<i64>,
        pub requested_at: DateTimeUtc,
        /// pending | accepted | approved | rejected
        pub status: String,
        pub decided_at: Option<DateTimeUtc>,
        pub decided_by: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Extra attempts an operator granted an employee in a module.
pub mod attempt_grant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "attempt_grants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub employee_id: i64,
        pub module_slug: String,
        pub extra: i32,
        pub granted_by: Option<i64>,
        pub granted_at: DateTimeUtc,
        pub reason: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A sign-in through SSO under way: what the callback needs, used once.
pub mod sso_request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sso_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub state_hash: String,
        pub verifier: String,
        pub nonce: String,
        pub next_path: String,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
