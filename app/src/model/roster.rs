//! Roster import DTOs: what the operator sees before confirming a file, and after.

use serde::{Deserialize, Serialize};

/// One valid row of a roster file, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    /// Line in the file (1 = the first line, normally the header).
    pub line: usize,
    pub nip: String,
    pub name: String,
    pub jabatan: String,
    pub golongan: String,
    /// PNS | PPPK | "".
    pub jenis: String,
    /// The unit path from the OPD down, e.g. ["Dinas Kesehatan", "Puskesmas Depok"].
    pub units: Vec<String>,
    /// BKN-style code of the deepest unit, when the file has one.
    #[serde(default)]
    pub unit_code: String,
}

impl RosterRow {
    /// "Dinas Kesehatan / Puskesmas Depok".
    pub fn unit_label(&self) -> String {
        self.units.join(" / ")
    }
}

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: usize,
    /// The NIP cell as written (may be empty or mangled).
    pub nip: String,
    pub reason: String,
}

/// What confirming the file would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterChanges {
    pub added: usize,
    pub updated: usize,
    pub moved: usize,
    pub unchanged: usize,
    /// Employees another agency lists: a transfer request each, decided by the employee (signed
    /// in) or an admin; until then nothing of theirs is shown to this agency.
    #[serde(default)]
    pub transfers: usize,
    /// Units that do not exist yet, as paths.
    pub new_units: Vec<String>,
}

/// A checked file, stored until the operator confirms it (`import_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPreview {
    pub import_id: i64,
    pub file_name: String,
    /// Data rows read (blank lines not counted).
    pub rows: usize,
    pub valid: usize,
    pub problems: Vec<RowProblem>,
    pub changes: RosterChanges,
}
