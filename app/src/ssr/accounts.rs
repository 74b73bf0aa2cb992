//! Accounts and identity: one session store (accounts and self-declared learners), sign-in,
//! activation codes, the audit log and admin actions.

pub mod admin;
pub mod claims;
pub mod learner;
pub mod session;
pub mod sign_in;
pub mod sso;
