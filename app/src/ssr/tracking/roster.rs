//! Roster import: a CSV or XLSX file of employees (NIP, nama, jabatan, golongan, jenis, OPD,
//! unit kerja) checked row by row, previewed, and committed in one transaction.
//!
//! Reading and checking are pure ([`read_rows`]); [`plan`] compares the rows with the database
//! and [`commit`] applies them. Re-importing the same file changes nothing; a changed unit closes
//! the employee's unit history and opens a new entry, so old results stay attributed.

use crate::error::AppError;
use crate::model::nip::{Nip, NipError, YearMonth};
use crate::model::roster::{RosterChanges, RosterRow, RowProblem};
use crate::ssr::db::entities::{employee, unit, unit_history};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use std::collections::{BTreeSet, HashMap};

/// The columns Netra reads, with the header names people actually use for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Nip,
    Name,
    Jabatan,
    Golongan,
    Jenis,
    Opd,
    Unit,
    UnitCode,
}

impl Column {
    const ALL: [Column; 8] = [
        Column::Nip,
        Column::Name,
        Column::Jabatan,
        Column::Golongan,
        Column::Jenis,
        Column::Opd,
        Column::Unit,
        Column::UnitCode,
    ];

    /// Header spellings, compared after lower-casing and dropping everything but letters and
    /// digits ("Unit Kerja", "UNIT_KERJA" and "unit-kerja" are the same).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Nip => &[
                "nip",
                "nipbaru",
                "nip18",
                "nipnippppk",
                "nippppk",
                "nipasn",
                "nippegawai",
                "nipni",
                "nomorindukpegawai",
                "nipnik",
            ],
            Column::Name => &["nama", "namalengkap", "namapegawai", "namaasn", "name"],
            Column::Jabatan => &["jabatan", "namajabatan", "jabatanterakhir", "position"],
            Column::Golongan => &[
                "golongan",
                "gol",
                "golruang",
                "golonganruang",
                "pangkatgolongan",
                "pangkatgol",
            ],
            Column::Jenis => &[
                "jenis",
                "jenispegawai",
                "jenisasn",
                "statuspegawai",
                "statusasn",
                "status",
                "jeniskepegawaian",
            ],
            Column::Opd => &[
                "opd",
                "perangkatdaerah",
                "namaopd",
                "skpd",
                "unitorganisasi",
                "unor",
                "unitkerjainduk",
                "instansiinduk",
            ],
            Column::Unit => &[
                "unitkerja",
                "unit",
                "namaunitkerja",
                "subunit",
                "satuankerja",
                "satker",
                "subunitkerja",
                "bagian",
                "bidang",
            ],
            Column::UnitCode => &[
                "kodeunit",
                "kodeunitkerja",
                "kodeunor",
                "kodesatker",
                "idunor",
                "kodeopd",
            ],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Column::Nip => "NIP",
            Column::Name => "Nama",
            Column::Jabatan => "Jabatan",
            Column::Golongan => "Golongan",
            Column::Jenis => "Jenis (PNS/PPPK)",
            Column::Opd => "OPD",
            Column::Unit => "Unit kerja",
            Column::UnitCode => "Kode unit",
        }
    }
}

/// The template's header row, in order.
pub const TEMPLATE_HEADER: [&str; 8] = [
    "NIP",
    "Nama",
    "Jabatan",
    "Golongan",
    "Jenis",
    "OPD",
    "Unit Kerja",
    "Kode Unit",
];

fn normalise_header(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .flat_map(char::to_lowercase)
        .collect()
}

/// One cell as read from the file. Numbers matter: a NIP stored as a number has lost digits.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// What stops a whole file from being read (as opposed to a bad row).
pub(super) fn file_error(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

const MAX_FIELD: usize = 150;
pub use super::roster_file::{read_table, MAX_COLUMNS, MAX_ROWS};

/// The rows of a file: valid ones normalised, bad ones with their line and reason.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReadRows {
    pub rows: Vec<RosterRow>,
    pub problems: Vec<RowProblem>,
    /// Non-blank data rows seen.
    pub total: usize,
}

/// Checks every row with the learner form's NIP rules (including spreadsheet damage).
pub fn read_rows(table: Vec<(usize, Vec<Cell>)>, today: YearMonth) -> Result<ReadRows, AppError> {
    let blank = |cells: &[Cell]| cells.iter().all(|c| c.text().is_empty());
    let mut lines = table.into_iter().filter(|(_, cells)| !blank(cells));
    let Some((_, header)) = lines.next() else {
        return Err(file_error("Berkas tidak berisi data."));
    };
    let mut positions: HashMap<Column, usize> = HashMap::new();
    for (i, cell) in header.iter().enumerate() {
        let name = normalise_header(&cell.text());
        if let Some(col) = Column::ALL
            .into_iter()
            .find(|c| c.aliases().contains(&name.as_str()))
        {
            positions.entry(col).or_insert(i);
        }
    }
    let missing: Vec<&str> = [Column::Nip, Column::Name, Column::Opd]
        .into_iter()
        .filter(|c| !positions.contains_key(c))
        .map(Column::label)
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "Kolom wajib tidak ditemukan pada baris judul: {}. Gunakan templat roster atau beri judul kolom NIP, Nama, OPD (dan bila ada Jabatan, Golongan, Jenis, Unit Kerja).",
            missing.join(", ")
        )));
    }
    let mut out = ReadRows::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, cells) in lines {
        out.total += 1;
        if out.total > MAX_ROWS {
            return Err(file_error(format!(
                "Berkas berisi lebih dari {MAX_ROWS} baris data. Pisahkan per OPD lalu unggah satu per satu."
            )));
        }
        let cell = |col: Column| positions.get(&col).and_then(|&i| cells.get(i));
        let text = |col: Column| cell(col).map(Cell::text).unwrap_or_default();
        let raw_nip = text(Column::Nip);
        let problem = |reason: String| RowProblem {
            line,
            nip: raw_nip.clone(),
            reason,
        };
        let nip = match cell(Column::Nip) {
            // Excel keeps 15 significant digits: an 18-digit NIP stored as a number is damaged.
            Some(Cell::Number(n)) if n.abs() >= 1e15 => Err(NipError::TruncatedBySpreadsheet),
            _ => Nip::parse(&raw_nip, today),
        };
        let nip = match nip {
            Ok(nip) => nip,
            Err(e) => {
                out.problems.push(problem(format!("NIP: {e}")));
                continue;
            }
        };
        if let Some(first) = seen.get(nip.as_str()) {
            out.problems
                .push(problem(format!("NIP sama dengan baris {first}.")));
            continue;
        }
        let name = collapse(&text(Column::Name));
        let jabatan = collapse(&text(Column::Jabatan));
        let golongan = collapse(&text(Column::Golongan)).to_uppercase();
        let opd = collapse(&text(Column::Opd));
        let unit_path: Vec<String> = text(Column::Unit)
            .split('>')
            .map(collapse)
            .filter(|s| !s.is_empty())
            .collect();
        let jenis = match normalise_header(&text(Column::Jenis)).as_str() {
            "" => String::new(),
            "pns" | "cpns" => "PNS".into(),
            "pppk" | "p3k" | "pppkparuhwaktu" => "PPPK".into(),
            _ => {
                out.problems.push(problem(format!(
                    "Jenis \"{}\" tidak dikenal: isi PNS atau PPPK.",
                    text(Column::Jenis)
                )));
                continue;
            }
        };
        let reason = if name.is_empty() {
            Some("Nama wajib diisi.".to_string())
        } else if opd.is_empty() {
            Some("OPD wajib diisi.".to_string())
        } else if [&name, &jabatan, &opd]
            .into_iter()
            .chain(&unit_path)
            .any(|s| s.chars().count() > MAX_FIELD)
        {
            Some(format!("Isian lebih dari {MAX_FIELD} karakter."))
        } else if golongan.chars().count() > 16 {
            Some("Golongan terlalu panjang (contoh yang benar: III/a atau IX).".to_string())
        } else if unit_path.len() > 6 {
            Some("Unit kerja lebih dari 6 tingkat.".to_string())
        } else {
            None
        };
        if let Some(reason) = reason {
            out.problems.push(problem(reason));
            continue;
        }
        seen.insert(nip.as_str().to_string(), line);
        let mut units = vec![opd];
        units.extend(unit_path);
        let unit_code = collapse(&text(Column::UnitCode));
        if unit_code.chars().count() > 64 {
            out.problems
                .push(problem("Kode unit lebih dari 64 karakter.".into()));
            continue;
        }
        out.rows.push(RosterRow {
            unit_code,
            line,
            nip: nip.as_str().to_string(),
            name,
            jabatan,
            golongan,
            jenis,
            units,
        });
    }
    if out.total == 0 {
        return Err(file_error(
            "Berkas hanya berisi baris judul, tanpa data pegawai.",
        ));
    }
    Ok(out)
}

/// Trims and collapses inner whitespace.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The unique key of a unit path within an agency: lower-case names joined by '/'.
pub fn name_key(path: &[String]) -> String {
    path.iter()
        .map(|p| collapse(p).to_lowercase().replace('/', "-"))
        .collect::<Vec<_>>()
        .join("/")
}

/// The agency's units by name key.
async fn units_of(
    db: &impl ConnectionTrait,
    agency_id: i64,
) -> Result<HashMap<String, unit::Model>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.name_key.clone(), u))
        .collect())
}

/// Employees already in the database with the given NIPs.
async fn employees_by_nip(
    db: &impl ConnectionTrait,
    nips: &[&str],
) -> Result<HashMap<String, employee::Model>, DbErr> {
    let mut out = HashMap::new();
    for chunk in nips.chunks(500) {
        for e in employee::Entity::find()
            .filter(employee::Column::Nip.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            out.insert(e.nip.clone(), e);
        }
    }
    Ok(out)
}

enum Change {
    Add,
    Update { moved: bool },
    Same,
}

fn classify(row: &RosterRow, existing: Option<&employee::Model>, unit: Option<i64>) -> Change {
    match existing {
        None => Change::Add,
        Some(e) if e.agency_id.is_none() => Change::Add,
        Some(e) => {
            let moved = e.unit_id != unit || unit.is_none();
            if moved {
                Change::Update { moved: true }
            } else if e.name != row.name
                || e.jabatan != row.jabatan
                || e.golongan != row.golongan
                || e.jenis != row.jenis
            {
                Change::Update { moved: false }
            } else {
                Change::Same
            }
        }
    }
}

/// Compares the rows with the database: rows whose NIP another agency's roster holds become
/// transfer requests (the employee or an admin decides; nothing of theirs is shown before); the
/// rest are counted as added, updated, moved or unchanged.
pub async fn plan(
    db: &impl ConnectionTrait,
    agency_id: i64,
    read: &mut ReadRows,
) -> Result<RosterChanges, DbErr> {
    Ok(plan_with_state(db, agency_id, read).await?.0)
}

/// The employees and units the plan read, and the rows that wait for a transfer, kept for
/// [`commit`].
type Loaded = (
    HashMap<String, employee::Model>,
    HashMap<String, unit::Model>,
    Vec<RosterRow>,
);

async fn plan_with_state(
    db: &impl ConnectionTrait,
    agency_id: i64,
    read: &mut ReadRows,
) -> Result<(RosterChanges, Loaded), DbErr> {
    let nips: Vec<&str> = read.rows.iter().map(|r| r.nip.as_str()).collect();
    let existing = employees_by_nip(db, &nips).await?;
    let units = units_of(db, agency_id).await?;
    let mut changes = RosterChanges::default();
    let mut new_units = BTreeSet::new();
    let mut kept = Vec::with_capacity(read.rows.len());
    let mut transfers = Vec::new();
    for row in std::mem::take(&mut read.rows) {
        let current = existing.get(&row.nip);
        if current.is_some_and(|e| e.agency_id.is_some_and(|a| a != agency_id)) {
            changes.transfers += 1;
            transfers.push(row);
            continue;
        }
        for depth in 1..=row.units.len() {
            let key = name_key(&row.units[..depth]);
            if !units.contains_key(&key) {
                new_units.insert(row.units[..depth].join(" / "));
            }
        }
        let unit = units.get(&name_key(&row.units)).map(|u| u.id);
        match classify(&row, current, unit) {
            Change::Add => changes.added += 1,
            Change::Update { moved: true } => changes.moved += 1,
            Change::Update { moved: false } => changes.updated += 1,
            Change::Same => changes.unchanged += 1,
        }
        kept.push(row);
    }
    read.problems.sort_by_key(|p| p.line);
    read.rows = kept;
    changes.new_units = new_units.into_iter().collect();
    Ok((changes, (existing, units, transfers)))
}

/// Creates the units a path needs (parents first) and returns the deepest one's id.
async fn ensure_unit(
    db: &impl ConnectionTrait,
    agency_id: i64,
    path: &[String],
    code: &str,
    units: &mut HashMap<String, unit::Model>,
) -> Result<i64, DbErr> {
    let mut parent: Option<unit::Model> = None;
    for depth in 1..=path.len() {
        let key = name_key(&path[..depth]);
        let node = match units.get(&key) {
            Some(u) => u.clone(),
            None => {
                let created = unit::ActiveModel {
                    agency_id: Set(agency_id),
                    parent_id: Set(parent.as_ref().map(|p| p.id)),
                    name: Set(path[depth - 1].clone()),
                    code: Set(None),
                    // Filled in once the id is known.
                    path: Set(String::new()),
                    depth: Set(depth as i32),
                    name_key: Set(key.clone()),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                let full = format!(
                    "{}{}/",
                    parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"),
                    created.id
                );
                let mut active: unit::ActiveModel = created.into();
                active.path = Set(full);
                let created = active.update(db).await?;
                units.insert(key, created.clone());
                created
            }
        };
        parent = Some(node);
    }
    let deepest = parent.ok_or(DbErr::Custom("empty unit path".into()))?;
    // A BKN-style code fills in a unit that has none; an existing code is not overwritten.
    if !code.is_empty() && deepest.code.is_none() {
        let key = deepest.name_key.clone();
        let mut active: unit::ActiveModel = deepest.clone().into();
        active.code = Set(Some(code.to_string()));
        let updated = active.update(db).await?;
        units.insert(key, updated);
    }
    Ok(deepest.id)
}

/// Applies the rows in the caller's transaction; rows of employees another agency lists become
/// transfer requests by `requested_by`. Returns what changed.
pub async fn commit(
    db: &impl ConnectionTrait,
    agency_id: i64,
    agency_name: &str,
    mut read: ReadRows,
    now: DateTime<Utc>,
    requested_by: Option<i64>,
    mut progress: impl FnMut(usize, usize),
) -> Result<(RosterChanges, Vec<RowProblem>), DbErr> {
    // Planned again inside the transaction: the database may have moved since the preview.
    let (changes, (existing, mut units, transfers)) =
        plan_with_state(db, agency_id, &mut read).await?;
    let total = read.rows.len();
    for (i, row) in read.rows.iter().enumerate() {
        if i % 1000 == 0 {
            progress(i, total);
        }
        let current = existing.get(&row.nip);
        apply_row(db, agency_id, agency_name, row, current, &mut units, now).await?;
    }
    for row in &transfers {
        if let Some(employee) = existing.get(&row.nip) {
            super::transfers::request(db, employee, agency_id, row, requested_by, now).await?;
        }
    }
    progress(total, total);
    Ok((changes, read.problems))
}

/// The units of an agency by name key, for [`apply_row`].
pub(crate) async fn units_by_key(
    db: &impl ConnectionTrait,
    agency_id: i64,
) -> Result<HashMap<String, unit::Model>, DbErr> {
    units_of(db, agency_id).await
}

/// Places one roster row in the agency (creating the units its path needs and recording a
/// change of unit), in the caller's transaction. `current` is the employee with the row's NIP,
/// if Netra knows them.
pub(crate) async fn apply_row(
    db: &impl ConnectionTrait,
    agency_id: i64,
    agency_name: &str,
    row: &RosterRow,
    current: Option<&employee::Model>,
    units: &mut HashMap<String, unit::Model>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let unit_id = ensure_unit(db, agency_id, &row.units, &row.unit_code, units).await?;
    let change = classify(
        row,
        current.filter(|e| e.agency_id == Some(agency_id)),
        Some(unit_id),
    );
    let employee_id = match (current, &change) {
        (_, Change::Same) => return Ok(()),
        (Some(e), _) => {
            let moved = e.unit_id != Some(unit_id);
            let mut active: employee::ActiveModel = e.clone().into();
            active.name = Set(row.name.clone());
            active.jabatan = Set(row.jabatan.clone());
            active.golongan = Set(row.golongan.clone());
            active.jenis = Set(row.jenis.clone());
            active.instansi = Set(agency_name.to_string());
            active.unit_kerja = Set(row.unit_label());
            active.agency_id = Set(Some(agency_id));
            active.unit_id = Set(Some(unit_id));
            active.update(db).await?;
            if !moved && e.agency_id == Some(agency_id) {
                return Ok(());
            }
            crate::ssr::db::results::placed(db, e.id, Some(agency_id), Some(unit_id)).await?;
            if !moved {
                return Ok(());
            }
            unit_history::Entity::update_many()
                .col_expr(unit_history::Column::ToAt, Expr::value(now))
                .filter(unit_history::Column::EmployeeId.eq(e.id))
                .filter(unit_history::Column::ToAt.is_null())
                .exec(db)
                .await?;
            e.id
        }
        (None, _) => {
            employee::ActiveModel {
                nip: Set(row.nip.clone()),
                name: Set(row.name.clone()),
                instansi: Set(agency_name.to_string()),
                unit_kerja: Set(row.unit_label()),
                agency_id: Set(Some(agency_id)),
                unit_id: Set(Some(unit_id)),
                jabatan: Set(row.jabatan.clone()),
                golongan: Set(row.golongan.clone()),
                jenis: Set(row.jenis.clone()),
                ..Default::default()
            }
            .insert(db)
            .await?
            .id
        }
    };
    unit_history::ActiveModel {
        employee_id: Set(employee_id),
        unit_id: Set(unit_id),
        from_at: Set(now),
        to_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: YearMonth = YearMonth {
        year: 2026,
        month: 11,
    };

    fn text_table(rows: &[&[&str]]) -> Vec<(usize, Vec<Cell>)> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    i + 1,
                    r.iter().map(|c| Cell::Text((*c).to_string())).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn headers_match_common_indonesian_variants_in_any_case_and_order() {
        let table = text_table(&[
            &[
                "Unit_Kerja",
                "NAMA LENGKAP",
                "Gol. Ruang",
                "NIP Baru",
                "Perangkat Daerah",
                "Status Pegawai",
            ],
            &[
                "Puskesmas Depok",
                "Rina  Wati",
                "iii/b",
                "198703152010012003",
                "Dinas Kesehatan",
                "pns",
            ],
        ]);
        let read = read_rows(table, TODAY).expect("readable");
        assert_eq!(read.problems, vec![]);
        let row = &read.rows[0];
        assert_eq!(row.name, "Rina Wati");
        assert_eq!(row.golongan, "III/B");
        assert_eq!(row.jenis, "PNS");
        assert_eq!(row.units, vec!["Dinas Kesehatan", "Puskesmas Depok"]);
        assert_eq!(row.line, 2);
    }

    #[test]
    fn a_unit_code_column_is_read_when_present() {
        let table = text_table(&[
            &["NIP", "Nama", "OPD", "Kode Unor"],
            &["198703152010012003", "A", "Dinas Kesehatan", " 4.01.02 "],
        ]);
        let read = read_rows(table, TODAY).expect("readable");
        assert_eq!(read.rows[0].unit_code, "4.01.02");
    }

    #[test]
    fn missing_required_columns_are_named() {
        let table = text_table(&[&["Nama", "Jabatan"], &["A", "B"]]);
        let err = read_rows(table, TODAY).expect_err("no NIP or OPD column");
        let msg = err.field_message("file").unwrap_or_default();
        assert!(msg.contains("NIP") && msg.contains("OPD"), "{msg}");
    }

    #[test]
    fn every_bad_row_kind_is_reported_with_its_line() {
        let table = text_table(&[
            &["NIP", "Nama", "OPD", "Jenis"],
            &["1,98703E+17", "A", "Dinas", ""],
            &["198703152010012000", "B", "Dinas", ""],
            &["19870315201001200", "C", "Dinas", ""],
            &["198703152010012003", "", "Dinas", ""],
            &["198703152010012003", "D", "", ""],
            &["198703152010012003", "E", "Dinas", "honorer"],
            &["198703152010012003", "F", "Dinas", "PPPK"],
            &["198703152010012003", "G", "Dinas", "PNS"],
            &["", "", "", ""],
        ]);
        let read = read_rows(table, TODAY).expect("readable");
        let lines: Vec<usize> = read.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 9]);
        assert!(read.problems[0].reason.contains("format ilmiah"));
        assert!(read.problems[1].reason.contains("terpotong"));
        assert!(read.problems[2].reason.contains("18 angka"));
        assert!(read.problems[3].reason.contains("Nama"));
        assert!(read.problems[4].reason.contains("OPD"));
        assert!(read.problems[5].reason.contains("honorer"));
        assert!(read.problems[6].reason.contains("baris 8"));
        assert_eq!(read.rows.len(), 1);
        assert_eq!(read.total, 8, "the blank line is not a row");
    }

    #[test]
    fn a_nip_stored_as_an_excel_number_is_refused() {
        let table = vec![
            (
                1,
                vec![
                    Cell::Text("NIP".into()),
                    Cell::Text("Nama".into()),
                    Cell::Text("OPD".into()),
                ],
            ),
            (
                2,
                vec![
                    Cell::Number(198703152010012003.0),
                    Cell::Text("A".into()),
                    Cell::Text("D".into()),
                ],
            ),
        ];
        let read = read_rows(table, TODAY).expect("readable");
        assert!(
            read.problems[0].reason.contains("terpotong"),
            "{:?}",
            read.problems
        );
    }

    #[test]
    fn csv_delimiters_and_encodings() {
        let semicolon = "NIP;Nama;OPD\n198703152010012003;Siti;Dinas Pendidikan\n";
        let t = read_table("roster.csv", semicolon.as_bytes()).expect("csv");
        assert_eq!(t[1].1.len(), 3);
        // Windows-1252 "é" (0xE9) and a BOM-less file.
        let ansi = b"NIP,Nama,OPD\n198703152010012003,Ren\xe9,Dinas\n";
        let t = read_table("roster.csv", ansi).expect("ansi csv");
        assert_eq!(t[1].1[1], Cell::Text("René".into()));
        let bom = "\u{feff}NIP,Nama,OPD\n".as_bytes();
        let t = read_table("roster.csv", bom).expect("bom");
        assert_eq!(t[0].1[0], Cell::Text("NIP".into()));
        assert!(read_table("lama.xls", b"\xD0\xCF\x11\xE0rest").is_err());
        assert!(read_table("x.xlsx", b"not a zip").is_err());
    }

    #[test]
    fn unit_paths_split_on_angle_brackets_and_keys_ignore_case() {
        let table = text_table(&[
            &["NIP", "Nama", "OPD", "Unit Kerja"],
            &[
                "198703152010012003",
                "A",
                "Dinas Kesehatan",
                "Bidang P2P > Seksi  Surveilans",
            ],
        ]);
        let read = read_rows(table, TODAY).expect("readable");
        assert_eq!(
            read.rows[0].units,
            vec!["Dinas Kesehatan", "Bidang P2P", "Seksi Surveilans"]
        );
        assert_eq!(
            name_key(&read.rows[0].units),
            "dinas kesehatan/bidang p2p/seksi surveilans"
        );
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

    /// One cell of a roster: real header names, NIP-ish numbers, unit paths, quotes and noise.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("NIP".to_string()),
            Just("Nama".to_string()),
            Just("OPD".to_string()),
            Just("Unit Kerja".to_string()),
            Just("Jenis".to_string()),
            Just("Kode Unit".to_string()),
            Just("198609122010011003".to_string()),
            Just("1,98609E+17".to_string()),
            Just("Dinas A > Bidang B > ".to_string()),
            Just("PPPK".to_string()),
            Just("III/a".to_string()),
            Just("\"".to_string()),
            Just("\"\"".to_string()),
            Just("\r".to_string()),
            "[0-9]{0,20}",
            "[a-zA-Z ]{0,12}",
            any::<String>(),
        ]
    }

    /// CSV text with one of the accepted separators (or a wrong one) and ragged rows.
    fn csv_like() -> impl Strategy<Value = Vec<u8>> {
        (
            prop_oneof![Just(","), Just(";"), Just("\t"), Just("|")],
            any::<bool>(),
            proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..12),
        )
            .prop_map(|(sep, bom, rows)| {
                let mut text = if bom {
                    "\u{feff}".to_string()
                } else {
                    String::new()
                };
                for row in rows {
                    text.push_str(&row.join(sep));
                    text.push('\n');
                }
                text.into_bytes()
            })
    }

    /// A real XLSX workbook whose cells are random text and numbers (NaN and infinities too).
    fn xlsx_with(rows: &[Vec<(String, Option<f64>)>]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, (text, number)) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let _ = match number {
                    Some(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    None => sheet.write_string(r, c, text).map(|_| ()),
                };
            }
        }
        book.save_to_buffer().unwrap_or_default()
    }

    fn number() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            Just(Some(198609122010011003.0)),
            Just(Some(f64::NAN)),
            Just(Some(f64::INFINITY)),
            Just(Some(-1e300)),
            any::<f64>().prop_map(Some),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        #[test]
        fn csv_rosters_never_panic_and_every_problem_names_a_line(bytes in csv_like()) {
            if let Ok(table) = read_table("roster.csv", &bytes) {
                let last_line = table.iter().map(|(line, _)| *line).max().unwrap_or(0);
                if let Ok(read) = read_rows(table, TODAY) {
                    prop_assert!(read.rows.len() <= read.total);
                    for p in &read.problems {
                        prop_assert!((1..=last_line).contains(&p.line), "line {} of {}", p.line, last_line);
                    }
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic_as_csv_or_xlsx(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read_table("roster.csv", &bytes).map(|t| read_rows(t, TODAY));
            let _ = read_table("roster.xlsx", &bytes).map(|t| read_rows(t, TODAY));
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            let _ = read_table("roster.xlsx", &zipped).map(|t| read_rows(t, TODAY));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

        #[test]
        fn xlsx_rosters_with_random_cells_never_panic(
            rows in proptest::collection::vec(proptest::collection::vec((cell(), number()), 0..6), 0..10)
        ) {
            let bytes = xlsx_with(&rows);
            prop_assert!(!bytes.is_empty(), "the generator wrote a workbook");
            if let Ok(table) = read_table("roster.xlsx", &bytes) {
                let _ = read_rows(table, TODAY);
            }
        }

        /// Sparse cells anywhere on the sheet, up to XFD1048576: reading never expands the
        /// sheet, so a far cell is refused (naming the limit) or read, and memory stays small.
        #[test]
        fn xlsx_rosters_with_sparse_far_cells_are_read_or_refused(
            cells in proptest::collection::vec((0u32..1_048_576, 0u16..16_384, cell()), 1..8)
        ) {
            // The last write to a position wins, as in the workbook.
            let cells: std::collections::BTreeMap<(u32, u16), String> =
                cells.into_iter().map(|(r, c, text)| ((r, c), text)).collect();
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for ((r, c), text) in &cells {
                let _ = sheet.write_string(*r, *c, text);
            }
            let bytes = book.save_to_buffer().unwrap_or_default();
            prop_assert!(!bytes.is_empty(), "the generator wrote a workbook");
            let beyond = cells.iter().any(|((r, c), text)| {
                !text.trim().is_empty()
                    && (*r as usize > MAX_ROWS + 100 || u32::from(*c) >= MAX_COLUMNS)
            });
            match read_table("roster.xlsx", &bytes) {
                Ok(table) => {
                    prop_assert!(!beyond, "a cell beyond the limits was read");
                    prop_assert!(table.iter().all(|(_, row)| row.len() <= MAX_COLUMNS as usize));
                    let _ = read_rows(table, TODAY);
                }
                Err(AppError::Invalid(errors)) => {
                    prop_assert!(beyond, "refused within the limits: {:?}", errors);
                }
                Err(other) => prop_assert!(false, "unexpected error {:?}", other),
            }
        }
    }
}
