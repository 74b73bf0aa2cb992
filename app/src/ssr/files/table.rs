//! Tabular exports (CSV and XLSX) shared by the reports: webinar attendance and
//! results, rosters with status, per-module results and overdue lists.
//!
//! A report declares its [`Column`]s once, opens a [`TableWriter`] for the
//! requested [`Format`], pushes rows of [`Cell`]s and calls
//! [`TableWriter::finish`] to get the file bytes, which a handler returns with
//! [`Format::content_type`] and `ssr::http::content_disposition`.
//!
//! Guarantees, whatever the cell contents:
//!
//! * Text never turns into a formula. CSV text that starts with `=`, `+`, `-`,
//!   `@` or a tab (checked after carriage returns and other control characters
//!   are removed) gets a leading `'`; XLSX text is always stored as a string
//!   cell (never a formula), and such cells also carry Excel's "quote prefix"
//!   style so editing them keeps them text.
//! * Text columns use the `@` (Text) number format in XLSX, so identifiers such
//!   as 18-digit NIPs stay digits and are never shown as `1.98503E+17`.
//! * Control characters other than `\n` and `\t` are removed from text.
//! * Bad rows (wrong length, wrong cell kind) are reported as
//!   [`ExportError`]s, never panics.
//!
//! XLSX sheets are written in `rust_xlsxwriter`'s constant-memory mode: each
//! row is flushed to a temporary file once the next row starts, so memory stays
//! flat however many rows a report has (the finished file is still returned as
//! one `Vec<u8>`).
//!
//! Excel has no time zones, so [`Cell::DateTime`] values are converted to the
//! writer's fixed offset (usually [`wib`]) and written as local wall-clock
//! time; name the zone in the column header, e.g. `"Waktu (WIB)"`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};
use rust_xlsxwriter::XlsxError;

/// Byte-order mark written at the start of every CSV file, so Excel (including
/// with an Indonesian locale) reads the file as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Maximum number of data rows in one XLSX sheet (Excel's 1,048,576 rows minus
/// the header row).
pub const XLSX_MAX_DATA_ROWS: usize = 1_048_575;

/// Maximum number of columns in one XLSX sheet.
pub const XLSX_MAX_COLUMNS: usize = 16_384;

/// Largest magnitude of an [`Cell::Int`] written as an XLSX number. Excel keeps
/// 15 significant digits, so bigger integers are written as text to avoid a
/// silently altered value.
pub(super) const XLSX_MAX_EXACT_INT: i64 = 999_999_999_999_999;

/// Excel's cell text limit, in UTF-16 code units.
pub(super) const XLSX_MAX_TEXT_UNITS: usize = 32_767;

/// Excel's sheet name limit, in UTF-16 code units.
pub(super) const XLSX_MAX_SHEET_NAME_UNITS: usize = 31;

/// Column width used when a [`Column::width`] is not a finite number.
pub(super) const DEFAULT_COLUMN_WIDTH: f64 = 8.43;

/// Excel's maximum column width, in character units.
pub(super) const MAX_COLUMN_WIDTH: f64 = 255.0;

/// Text written for `true` booleans.
pub(super) const TRUE_TEXT: &str = "Ya";

/// Text written for `false` booleans.
pub(super) const FALSE_TEXT: &str = "Tidak";

/// Header fill colour (light blue-grey).
pub(super) const HEADER_FILL: u32 = 0x00D9_E1F2;

/// Excel number format for dates.
pub(super) const XLSX_DATE_FORMAT: &str = "dd-mm-yyyy";

/// Excel number format for date-times.
pub(super) const XLSX_DATETIME_FORMAT: &str = "dd-mm-yyyy hh:mm";

/// Excel number format for decimals: at least one, at most two decimals.
pub(super) const XLSX_DECIMAL_FORMAT: &str = "0.0#";

/// Excel number format for integers.
pub(super) const XLSX_INT_FORMAT: &str = "0";

/// Excel's built-in "Text" number format (`@`), by its reserved index.
pub(super) const XLSX_TEXT_FORMAT_INDEX: u8 = 49;

/// Errors from building an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A table needs at least one column.
    #[error("an export needs at least one column")]
    NoColumns,
    /// More columns than an XLSX sheet can hold.
    #[error("{found} columns exceed the XLSX limit of {XLSX_MAX_COLUMNS}")]
    TooManyColumns {
        /// Number of columns requested.
        found: usize,
    },
    /// A row has a different number of cells than the table has columns.
    #[error("row {row} has {found} cells but the table has {expected} columns")]
    RowLength {
        /// 1-based data row number (the header is not counted).
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Number of cells in the row.
        found: usize,
    },
    /// A cell does not fit its column's kind.
    #[error("row {row}, column \"{column}\": expected {expected:?}, got {found:?}")]
    CellKind {
        /// 1-based data row number (the header is not counted).
        row: usize,
        /// Header of the column.
        column: &'static str,
        /// Kind declared by the column.
        expected: CellKind,
        /// Kind of the cell that was pushed.
        found: CellKind,
    },
    /// More rows than an XLSX sheet can hold.
    #[error("the export exceeds the XLSX limit of {XLSX_MAX_DATA_ROWS} data rows")]
    TooManyRows,
    /// An unknown export format name.
    #[error("unknown export format \"{0}\" (expected \"csv\" or \"xlsx\")")]
    UnknownFormat(String),
    /// The XLSX writer failed.
    #[error("XLSX export failed: {0}")]
    Xlsx(#[from] XlsxError),
    /// The CSV writer failed.
    #[error("CSV export failed: {0}")]
    Csv(#[from] csv::Error),
    /// An I/O error while finishing the CSV buffer.
    #[error("CSV export failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The kind of value a column holds; drives XLSX number formats and checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellKind {
    /// Free text, including identifiers such as NIPs (always kept as text).
    Text,
    /// Whole number.
    Int,
    /// Number shown with one or two decimals (scores, percentages).
    Decimal,
    /// Calendar date, shown as `dd-mm-yyyy`.
    Date,
    /// Instant, shown as `dd-mm-yyyy hh:mm` in the writer's offset.
    DateTime,
    /// Yes/no, written as `Ya`/`Tidak`.
    Bool,
}

/// One column of an export.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Header text (Indonesian), e.g. `"Nama"`, `"NIP"`, `"Waktu (WIB)"`.
    pub header: &'static str,
    /// What the column holds.
    pub kind: CellKind,
    /// XLSX column width in Excel character units (ignored for CSV).
    /// Non-finite values fall back to Excel's default; values are clamped to
    /// `0..=255`, and `0` hides the column.
    pub width: f64,
}

impl Column {
    /// A column of any kind.
    #[must_use]
    pub const fn new(header: &'static str, kind: CellKind, width: f64) -> Self {
        Self {
            header,
            kind,
            width,
        }
    }

    /// A [`CellKind::Text`] column.
    #[must_use]
    pub const fn text(header: &'static str, width: f64) -> Self {
        Self::new(header, CellKind::Text, width)
    }

    /// A [`CellKind::Int`] column.
    #[must_use]
    pub const fn int(header: &'static str, width: f64) -> Self {
        Self::new(header, CellKind::Int, width)
    }

    /// A [`CellKind::Decimal`] column.
    #[must_use]
    pub const fn decimal(header: &'static str, width: f64) -> Self {
        Self::new(header, CellKind::Decimal, width)
    }

    /// A [`CellKind::Date`] column.
    #[must_use]
    pub const fn date(header: &'static str, width: f64) -> Self {
        Self::new(header, CellKind::Date, width)
    }

    /// A [`CellKind::DateTime`] column.
    #[must_use]
    pub const fn date_time(header: &'static str, width: f64) -> Self {
        Self::new(header, CellKind::DateTime, width)
    }

    /// A [`CellKind::Bool`] column.
    #[must_use]
    pub const fn bool(header: &'static str, width: f64) -> Self {
        Self::new(header, CellKind::Bool, width)
    }
}

/// One cell value.
///
/// A cell must match its column's [`CellKind`], except that [`Cell::Empty`]
/// fits every column and [`Cell::Int`] also fits a `Decimal` column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (sanitised on output).
    Text(String),
    /// Whole number.
    Int(i64),
    /// Decimal number; NaN and infinities are written as empty cells.
    Decimal(f64),
    /// Calendar date.
    Date(NaiveDate),
    /// Instant, converted to the writer's offset on output.
    DateTime(DateTime<Utc>),
    /// Yes/no.
    Bool(bool),
    /// No value.
    Empty,
}

impl Cell {
    /// The kind of this cell, or `None` for [`Cell::Empty`].
    #[must_use]
    pub fn kind(&self) -> Option<CellKind> {
        match self {
            Self::Text(_) => Some(CellKind::Text),
            Self::Int(_) => Some(CellKind::Int),
            Self::Decimal(_) => Some(CellKind::Decimal),
            Self::Date(_) => Some(CellKind::Date),
            Self::DateTime(_) => Some(CellKind::DateTime),
            Self::Bool(_) => Some(CellKind::Bool),
            Self::Empty => None,
        }
    }

    /// Whether this cell may be written in a column of `kind`.
    pub(super) fn fits(&self, kind: CellKind) -> bool {
        match self.kind() {
            None => true,
            Some(CellKind::Int) => matches!(kind, CellKind::Int | CellKind::Decimal),
            Some(own) => own == kind,
        }
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u32> for Cell {
    fn from(value: u32) -> Self {
        Self::Int(i64::from(value))
    }
}

/// Counts beyond `i64::MAX` (never seen in practice) are written as the largest exact integer.
impl From<u64> for Cell {
    fn from(value: u64) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Self::Decimal(value)
    }
}

impl From<bool> for Cell {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Self::Date(value)
    }
}

impl From<DateTime<Utc>> for Cell {
    fn from(value: DateTime<Utc>) -> Self {
        Self::DateTime(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Empty, Into::into)
    }
}

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values, UTF-8 with BOM, CRLF line ends.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl Format {
    /// The HTTP `Content-Type` of files in this format.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file extension, without the dot.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = ExportError;

    /// Parses `csv` or `xlsx` (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        if name.eq_ignore_ascii_case("csv") {
            Ok(Self::Csv)
        } else if name.eq_ignore_ascii_case("xlsx") {
            Ok(Self::Xlsx)
        } else {
            Err(ExportError::UnknownFormat(name.chars().take(32).collect()))
        }
    }
}

/// Runs a table-building closure on a blocking thread (XLSX writing is CPU and file work).
/// A failure is logged and becomes `AppError::Internal`: the request cannot fix it.
pub async fn build_off_thread(
    build: impl FnOnce() -> Result<Vec<u8>, ExportError> + Send + 'static,
) -> Result<Vec<u8>, crate::error::AppError> {
    let internal = |what: &str, e: &dyn fmt::Display| {
        tracing::error!(error = %e, "{what}");
        crate::error::AppError::Internal
    };
    tokio::task::spawn_blocking(build)
        .await
        .map_err(|e| internal("export task failed", &e))?
        .map_err(|e| internal("export failed", &e))
}

/// Removes control characters (except `\n` and `\t`) and the XML-invalid
/// noncharacters U+FFFE/U+FFFF. Borrows when nothing needs removing.
pub(super) fn clean_text(text: &str) -> Cow<'_, str> {
    let unwanted = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if text.chars().any(unwanted) {
        Cow::Owned(text.chars().filter(|&c| !unwanted(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether spreadsheet software could read `text` as a formula (or a DDE
/// payload) if it were typed or imported as-is.
pub(super) fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Cuts `text` to at most `max_units` UTF-16 code units, on a char boundary.
pub(super) fn truncate_utf16(text: &str, max_units: usize) -> &str {
    let mut units = 0;
    for (index, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max_units {
            return &text[..index];
        }
    }
    text
}

/// The wall-clock time of `instant` at offset `tz`.
///
/// Unlike `DateTime::naive_local`, this never panics: an instant so close to
/// chrono's limits that the offset would overflow is returned as UTC.
pub(super) fn local_time(instant: &DateTime<Utc>, tz: FixedOffset) -> NaiveDateTime {
    let utc = instant.naive_utc();
    utc.checked_add_offset(tz).unwrap_or(utc)
}

/// `dd-mm-yyyy`.
pub(super) fn format_date(date: NaiveDate) -> String {
    format!("{:02}-{:02}-{:04}", date.day(), date.month(), date.year())
}

/// `dd-mm-yyyy HH:MM`.
pub(super) fn format_date_time(local: NaiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        format_date(local.date()),
        local.hour(),
        local.minute()
    )
}

/// Rounds to two decimals and prints one or two of them: `85.0`, `85.5`,
/// `85.25` (matching the XLSX `0.0#` format).
pub(super) fn format_decimal(value: f64) -> String {
    let mut text = format!("{value:.2}");
    if text.ends_with('0') {
        text.pop();
    }
    // Values that round to zero print as "0.0", not "-0.0".
    if text.starts_with('-') && text.bytes().skip(1).all(|b| b == b'0' || b == b'.') {
        text.remove(0);
    }
    text
}

/// Whether Excel can hold `date` as a real date (1900-01-01 to 9999-12-31).
pub(super) fn excel_date_in_range(date: NaiveDate) -> bool {
    (1900..=9999).contains(&date.year())
}

/// Makes `name` a valid Excel sheet name: no `[]:*?/\`, no control characters,
/// no leading/trailing apostrophe, at most 31 UTF-16 units, not blank and not
/// Excel's reserved `History`.
pub(super) fn sanitize_sheet_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = truncate_utf16(
        replaced.trim_matches(|c: char| c == '\'' || c.is_whitespace()),
        XLSX_MAX_SHEET_NAME_UNITS,
    );
    let trimmed = trimmed.trim_end_matches(|c: char| c == '\'' || c.is_whitespace());
    if trimmed.is_empty() {
        "Data".to_owned()
    } else if trimmed.eq_ignore_ascii_case("history") {
        "History_".to_owned()
    } else {
        trimmed.to_owned()
    }
}
