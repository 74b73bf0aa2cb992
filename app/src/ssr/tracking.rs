//! BKPSDM tracking: roster import, assignments with deadlines and cycles, completion
//! dashboards, module certificates, the JP ledger and the operator's downloads.

pub mod assignments;
pub mod attempts;
pub mod certify;
pub mod dashboard;
pub mod downloads;
pub mod employees;
pub mod import;
pub mod ledger;
pub mod roster;
pub mod roster_file;
pub mod signer;
pub mod transfers;
