//! [`TableWriter`]: rows of [`Cell`]s streamed into a CSV or an XLSX file (constant memory).

use super::table::*;
use std::borrow::Cow;
use std::fmt;

use chrono::FixedOffset;
use rust_xlsxwriter::{
    ColNum, Color, Format as XlsxFormat, FormatBorder, RowNum, Workbook, Worksheet,
};

/// Streams rows of a table into a CSV or XLSX file.
///
/// ```ignore
/// const COLUMNS: &[Column] = &[
///     Column::text("NIP", 22.0),
///     Column::text("Nama", 30.0),
///     Column::decimal("Nilai", 8.0),
///     Column::date_time("Selesai (WIB)", 18.0),
/// ];
/// let mut table = TableWriter::new(Format::Xlsx, "Hasil", COLUMNS, wib())?;
/// for r in results {
///     table.push_row(&[r.nip.into(), r.name.into(), r.score.into(), r.finished_at.into()])?;
/// }
/// let bytes = table.finish()?;
/// ```
///
/// After `push_row` returns an error other than [`ExportError::RowLength`] or
/// [`ExportError::CellKind`] (which are detected before anything is written),
/// the writer should be dropped.
pub struct TableWriter {
    columns: Vec<Column>,
    tz: FixedOffset,
    rows: usize,
    sink: Sink,
}

impl fmt::Debug for TableWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match self.sink {
            Sink::Csv(_) => Format::Csv,
            Sink::Xlsx(_) => Format::Xlsx,
        };
        f.debug_struct("TableWriter")
            .field("format", &format)
            .field("columns", &self.columns.len())
            .field("rows", &self.rows)
            .field("tz", &self.tz)
            .finish_non_exhaustive()
    }
}

/// The format-specific half of a [`TableWriter`].
enum Sink {
    Csv(Box<csv::Writer<Vec<u8>>>),
    Xlsx(Box<XlsxSink>),
}

/// XLSX state: the workbook, its single constant-memory sheet (pushed into the
/// workbook on finish) and the per-column cell formats.
struct XlsxSink {
    workbook: Workbook,
    sheet: Worksheet,
    /// Cell format of each column, by index.
    formats: Vec<XlsxFormat>,
    /// Text format with Excel's quote prefix, for formula-like text.
    quoted_text: XlsxFormat,
    /// Text format for values written as text in non-text columns
    /// (out-of-range dates, huge integers).
    text: XlsxFormat,
}

impl TableWriter {
    /// Starts a table with a header row.
    ///
    /// `sheet_name` is used for XLSX only (invalid characters are replaced and
    /// it is cut to Excel's 31-character limit). `tz` is the offset that
    /// [`Cell::DateTime`] values are shown in.
    ///
    /// # Errors
    ///
    /// [`ExportError::NoColumns`], [`ExportError::TooManyColumns`] (XLSX), or
    /// a writer error (e.g. the temporary file for the XLSX sheet could not be
    /// created).
    pub fn new(
        format: Format,
        sheet_name: &str,
        columns: &[Column],
        tz: FixedOffset,
    ) -> Result<Self, ExportError> {
        if columns.is_empty() {
            return Err(ExportError::NoColumns);
        }
        let sink = match format {
            Format::Csv => Sink::Csv(Box::new(Self::start_csv(columns)?)),
            Format::Xlsx => Sink::Xlsx(Box::new(Self::start_xlsx(sheet_name, columns)?)),
        };
        Ok(Self {
            columns: columns.to_vec(),
            tz,
            rows: 0,
            sink,
        })
    }

    /// Number of data rows pushed so far.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.rows
    }

    fn start_csv(columns: &[Column]) -> Result<csv::Writer<Vec<u8>>, ExportError> {
        let mut buffer = Vec::with_capacity(64 * 1024);
        buffer.extend_from_slice(UTF8_BOM);
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b',')
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(buffer);
        writer.write_record(columns.iter().map(|c| csv_text(c.header).into_owned()))?;
        Ok(writer)
    }

    fn start_xlsx(sheet_name: &str, columns: &[Column]) -> Result<XlsxSink, ExportError> {
        if columns.len() > XLSX_MAX_COLUMNS {
            return Err(ExportError::TooManyColumns {
                found: columns.len(),
            });
        }
        let mut workbook = Workbook::new();
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(sanitize_sheet_name(sheet_name))?;

        let text = XlsxFormat::new().set_num_format_index(XLSX_TEXT_FORMAT_INDEX);
        let quoted_text = text.clone().set_quote_prefix();
        let header = XlsxFormat::new()
            .set_bold()
            .set_background_color(Color::RGB(HEADER_FILL))
            .set_border_bottom(FormatBorder::Thin)
            .set_num_format_index(XLSX_TEXT_FORMAT_INDEX);

        let mut formats = Vec::with_capacity(columns.len());
        for (index, column) in columns.iter().enumerate() {
            let col = col_num(index)?;
            let format = match column.kind {
                CellKind::Text | CellKind::Bool => text.clone(),
                CellKind::Int => XlsxFormat::new().set_num_format(XLSX_INT_FORMAT),
                CellKind::Decimal => XlsxFormat::new().set_num_format(XLSX_DECIMAL_FORMAT),
                CellKind::Date => XlsxFormat::new().set_num_format(XLSX_DATE_FORMAT),
                CellKind::DateTime => XlsxFormat::new().set_num_format(XLSX_DATETIME_FORMAT),
            };
            sheet.set_column_width(col, column_width(column.width))?;
            sheet.set_column_format(col, &format)?;
            let title = truncate_utf16(&clean_text(column.header), XLSX_MAX_TEXT_UNITS).to_owned();
            sheet.write_string_with_format(0, col, title, &header)?;
            formats.push(format);
        }
        sheet.set_freeze_panes(1, 0)?;

        Ok(XlsxSink {
            workbook,
            sheet,
            formats,
            quoted_text,
            text,
        })
    }

    /// Appends one data row.
    ///
    /// # Errors
    ///
    /// [`ExportError::RowLength`] if `row` does not have one cell per column,
    /// [`ExportError::CellKind`] if a cell does not fit its column (nothing is
    /// written in either case), [`ExportError::TooManyRows`] past the XLSX
    /// row limit, or a writer error.
    pub fn push_row(&mut self, row: &[Cell]) -> Result<(), ExportError> {
        let number = self.rows + 1;
        if row.len() != self.columns.len() {
            return Err(ExportError::RowLength {
                row: number,
                expected: self.columns.len(),
                found: row.len(),
            });
        }
        for (cell, column) in row.iter().zip(&self.columns) {
            if let Some(found) = cell.kind() {
                if !cell.fits(column.kind) {
                    return Err(ExportError::CellKind {
                        row: number,
                        column: column.header,
                        expected: column.kind,
                        found,
                    });
                }
            }
        }

        match &mut self.sink {
            Sink::Csv(writer) => {
                let tz = self.tz;
                for cell in row {
                    writer.write_field(csv_field(cell, tz).as_bytes())?;
                }
                // An empty iterator ends the record after the fields above.
                writer.write_record(None::<&[u8]>)?;
            }
            Sink::Xlsx(sink) => {
                if number > XLSX_MAX_DATA_ROWS {
                    return Err(ExportError::TooManyRows);
                }
                let row_num = RowNum::try_from(number).map_err(|_| ExportError::TooManyRows)?;
                sink.write_row(row_num, row, self.tz)?;
            }
        }
        self.rows = number;
        Ok(())
    }

    /// Finishes the file and returns its bytes.
    ///
    /// # Errors
    ///
    /// A writer error (e.g. reading back the XLSX temporary file failed).
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        match self.sink {
            Sink::Csv(writer) => writer
                .into_inner()
                .map_err(|e| ExportError::Io(e.into_error())),
            Sink::Xlsx(sink) => {
                let XlsxSink {
                    mut workbook,
                    mut sheet,
                    ..
                } = *sink;
                let last_row = RowNum::try_from(self.rows).map_err(|_| ExportError::TooManyRows)?;
                let last_col = col_num(self.columns.len().saturating_sub(1))?;
                sheet.autofilter(0, 0, last_row, last_col)?;
                workbook.push_worksheet(sheet);
                Ok(workbook.save_to_buffer()?)
            }
        }
    }
}

impl XlsxSink {
    /// Writes one (already validated) row at `row_num`.
    fn write_row(
        &mut self,
        row_num: RowNum,
        row: &[Cell],
        tz: FixedOffset,
    ) -> Result<(), ExportError> {
        for (index, cell) in row.iter().enumerate() {
            let col = col_num(index)?;
            let Some(format) = self.formats.get(index) else {
                continue;
            };
            let sheet = &mut self.sheet;
            match cell {
                Cell::Text(text) => {
                    let clean = clean_text(text);
                    let value = truncate_utf16(&clean, XLSX_MAX_TEXT_UNITS);
                    let format = if looks_like_formula(value) {
                        &self.quoted_text
                    } else {
                        format
                    };
                    sheet.write_string_with_format(row_num, col, value, format)?;
                }
                Cell::Int(value) => {
                    if value.unsigned_abs() <= XLSX_MAX_EXACT_INT.unsigned_abs() {
                        // Exact: |value| < 2^53.
                        #[allow(clippy::cast_precision_loss)]
                        let number = *value as f64;
                        sheet.write_number_with_format(row_num, col, number, format)?;
                    } else {
                        sheet.write_string_with_format(
                            row_num,
                            col,
                            value.to_string(),
                            &self.text,
                        )?;
                    }
                }
                Cell::Decimal(value) => {
                    if value.is_finite() {
                        sheet.write_number_with_format(row_num, col, *value, format)?;
                    }
                }
                Cell::Date(date) => {
                    if excel_date_in_range(*date) {
                        sheet.write_datetime_with_format(row_num, col, date, format)?;
                    } else {
                        sheet.write_string_with_format(
                            row_num,
                            col,
                            format_date(*date),
                            &self.text,
                        )?;
                    }
                }
                Cell::DateTime(instant) => {
                    let local = local_time(instant, tz);
                    if excel_date_in_range(local.date()) {
                        sheet.write_datetime_with_format(row_num, col, local, format)?;
                    } else {
                        sheet.write_string_with_format(
                            row_num,
                            col,
                            format_date_time(local),
                            &self.text,
                        )?;
                    }
                }
                Cell::Bool(value) => {
                    let text = if *value { TRUE_TEXT } else { FALSE_TEXT };
                    sheet.write_string_with_format(row_num, col, text, format)?;
                }
                Cell::Empty => {}
            }
        }
        Ok(())
    }
}

/// Converts a column index to Excel's column number type.
fn col_num(index: usize) -> Result<ColNum, ExportError> {
    ColNum::try_from(index).map_err(|_| ExportError::TooManyColumns { found: index + 1 })
}

/// A usable XLSX column width for `width`.
fn column_width(width: f64) -> f64 {
    if width.is_finite() {
        width.clamp(0.0, MAX_COLUMN_WIDTH)
    } else {
        DEFAULT_COLUMN_WIDTH
    }
}

/// Sanitised CSV text: control characters removed, and a leading `'` if the
/// text could be read as a formula.
fn csv_text(text: &str) -> Cow<'_, str> {
    let clean = clean_text(text);
    if looks_like_formula(&clean) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

/// The CSV field for one cell.
fn csv_field(cell: &Cell, tz: FixedOffset) -> Cow<'_, str> {
    match cell {
        Cell::Text(text) => csv_text(text),
        Cell::Int(value) => Cow::Owned(value.to_string()),
        Cell::Decimal(value) if value.is_finite() => Cow::Owned(format_decimal(*value)),
        Cell::Decimal(_) | Cell::Empty => Cow::Borrowed(""),
        Cell::Date(date) => Cow::Owned(format_date(*date)),
        Cell::DateTime(instant) => Cow::Owned(format_date_time(local_time(instant, tz))),
        Cell::Bool(value) => Cow::Borrowed(if *value { TRUE_TEXT } else { FALSE_TEXT }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::time::{wib, zone_label};
    use chrono::TimeZone;
    use chrono::{DateTime, NaiveDate, Offset, Utc};
    use std::io::Read;

    const NIP: &str = "198503122010011004";

    const COLUMNS: &[Column] = &[
        Column::text("NIP", 22.0),
        Column::text("Nama", 30.0),
        Column::int("Percobaan", 10.0),
        Column::decimal("Nilai", 8.0),
        Column::date("Tanggal Lahir", 14.0),
        Column::date_time("Selesai (WIB)", 18.0),
        Column::bool("Lulus", 8.0),
    ];

    fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}"))
    }

    fn instant() -> Result<DateTime<Utc>, String> {
        Utc.with_ymd_and_hms(2024, 3, 5, 17, 30, 0)
            .single()
            .ok_or_else(|| "bad instant".to_owned())
    }

    fn sample_rows() -> Result<Vec<Vec<Cell>>, String> {
        Ok(vec![
            vec![
                NIP.into(),
                "Siti Rahayu".into(),
                Cell::Int(2),
                Cell::Decimal(87.456),
                date(1985, 3, 12)?.into(),
                instant()?.into(),
                true.into(),
            ],
            vec![
                "199001012015032002".into(),
                "=HYPERLINK(\"http://evil\",\"klik\")".into(),
                Cell::Int(1),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                false.into(),
            ],
            vec![
                "200001012022011001".into(),
                "Budi\u{0007} \"Santoso\", S.Kom\r\nbaris 2".into(),
                Cell::Empty,
                Cell::Int(90),
                date(2000, 1, 1)?.into(),
                instant()?.into(),
                Cell::Empty,
            ],
        ])
    }

    fn build(format: Format) -> Result<Vec<u8>, String> {
        let mut table = TableWriter::new(format, "Hasil: Modul 1/2", COLUMNS, wib())
            .map_err(|e| e.to_string())?;
        for row in sample_rows()? {
            table.push_row(&row).map_err(|e| e.to_string())?;
        }
        table.finish().map_err(|e| e.to_string())
    }

    fn csv_lines() -> Result<Vec<String>, String> {
        let bytes = build(Format::Csv)?;
        let body = bytes
            .strip_prefix(UTF8_BOM)
            .ok_or_else(|| "no BOM".to_owned())?;
        let text = String::from_utf8(body.to_vec()).map_err(|e| e.to_string())?;
        Ok(text.split("\r\n").map(str::to_owned).collect())
    }

    #[test]
    fn csv_starts_with_bom_and_header() -> Result<(), String> {
        let bytes = build(Format::Csv)?;
        assert!(bytes.starts_with(UTF8_BOM));
        let lines = csv_lines()?;
        assert_eq!(
            lines[0],
            "NIP,Nama,Percobaan,Nilai,Tanggal Lahir,Selesai (WIB),Lulus"
        );
        Ok(())
    }

    #[test]
    fn csv_values_and_crlf() -> Result<(), String> {
        let bytes = build(Format::Csv)?;
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        // Every line break is CRLF except the one inside the quoted multi-line cell.
        assert_eq!(text.matches("\r\n").count(), 4);
        assert!(text.ends_with("\r\n"));
        let lines = csv_lines()?;
        // NIP stays plain digits, date/time in dd-mm-yyyy (HH:MM in WIB), decimals 1-2.
        assert_eq!(
            lines[1],
            format!("{NIP},Siti Rahayu,2,87.46,12-03-1985,06-03-2024 00:30,Ya")
        );
        // Int in a Decimal column, control char removed, CR of CRLF removed.
        assert_eq!(lines[3], "200001012022011001,\"Budi \"\"Santoso\"\", S.Kom\nbaris 2\",,90,01-01-2000,06-03-2024 00:30,");
        Ok(())
    }

    #[test]
    fn csv_quotes_formula_like_text() -> Result<(), String> {
        let lines = csv_lines()?;
        assert_eq!(
            lines[2],
            "199001012015032002,\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\",1,,,,Tidak"
        );
        for (input, expected) in [
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            // CR is a control character: removed first, then the rest is checked.
            ("\r=1", "'=1"),
            ("\r\nx", "\nx"),
            ("a=1", "a=1"),
            ("", ""),
        ] {
            assert_eq!(csv_text(input), expected, "input {input:?}");
        }
        Ok(())
    }

    #[test]
    fn decimals_have_one_or_two_places() {
        assert_eq!(format_decimal(85.0), "85.0");
        assert_eq!(format_decimal(85.5), "85.5");
        assert_eq!(format_decimal(85.256), "85.26");
        assert_eq!(format_decimal(-0.004), "0.0");
        assert_eq!(format_decimal(-0.05), "-0.05");
        assert_eq!(format_decimal(-12.5), "-12.5");
        assert_eq!(csv_field(&Cell::Decimal(f64::NAN), wib()), "");
    }

    #[test]
    fn row_length_mismatch_is_an_error() -> Result<(), String> {
        for format in [Format::Csv, Format::Xlsx] {
            let mut table =
                TableWriter::new(format, "x", COLUMNS, wib()).map_err(|e| e.to_string())?;
            let err = table.push_row(&[Cell::Empty]);
            assert!(
                matches!(
                    err,
                    Err(ExportError::RowLength {
                        row: 1,
                        expected: 7,
                        found: 1
                    })
                ),
                "{err:?}"
            );
            // The writer stays usable after a rejected row.
            table
                .push_row(&vec![Cell::Empty; COLUMNS.len()])
                .map_err(|e| e.to_string())?;
            assert_eq!(table.rows(), 1);
            table.finish().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    #[test]
    fn wrong_cell_kind_is_an_error() -> Result<(), String> {
        let mut table =
            TableWriter::new(Format::Xlsx, "x", COLUMNS, wib()).map_err(|e| e.to_string())?;
        let mut row = vec![Cell::Empty; COLUMNS.len()];
        row[0] = Cell::Int(198_503_122_010_011_004);
        let err = table.push_row(&row);
        assert!(
            matches!(
                err,
                Err(ExportError::CellKind {
                    row: 1,
                    column: "NIP",
                    expected: CellKind::Text,
                    found: CellKind::Int
                })
            ),
            "{err:?}"
        );
        Ok(())
    }

    #[test]
    fn no_columns_is_an_error() {
        for format in [Format::Csv, Format::Xlsx] {
            assert!(matches!(
                TableWriter::new(format, "x", &[], wib()),
                Err(ExportError::NoColumns)
            ));
        }
    }

    #[test]
    fn format_parsing_and_metadata() {
        assert_eq!("csv".parse::<Format>().ok(), Some(Format::Csv));
        assert_eq!(" XLSX ".parse::<Format>().ok(), Some(Format::Xlsx));
        assert!(matches!(
            "xls".parse::<Format>(),
            Err(ExportError::UnknownFormat(_))
        ));
        assert_eq!(Format::Csv.content_type(), "text/csv; charset=utf-8");
        assert_eq!(
            Format::Xlsx.content_type(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(Format::Xlsx.extension(), "xlsx");
        assert_eq!(Format::Csv.to_string(), "csv");
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sanitize_sheet_name("Hasil: Modul 1/2"), "Hasil_ Modul 1_2");
        assert_eq!(sanitize_sheet_name("  'x' "), "x");
        assert_eq!(sanitize_sheet_name(""), "Data");
        assert_eq!(sanitize_sheet_name("history"), "History_");
        assert_eq!(sanitize_sheet_name(&"a".repeat(40)).len(), 31);
    }

    #[test]
    fn zone_labels() {
        assert_eq!(zone_label(wib()), "WIB");
        assert_eq!(zone_label(Utc.fix()), "UTC+00:00");
        assert_eq!(
            FixedOffset::west_opt(5 * 3600 + 1800).map(zone_label),
            Some("UTC-05:30".to_owned())
        );
    }

    #[test]
    fn writer_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<TableWriter>();
    }

    /// Reads one file of the XLSX (zip) package as text.
    fn xlsx_part(bytes: &[u8], name: &str) -> Result<String, String> {
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut file = archive.by_name(name).map_err(|e| e.to_string())?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| e.to_string())?;
        Ok(text)
    }

    #[test]
    fn xlsx_round_trips_through_calamine() -> Result<(), String> {
        use calamine::{Data, Reader, Xlsx};

        let bytes = build(Format::Xlsx)?;
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
        assert_eq!(workbook.sheet_names(), vec!["Hasil_ Modul 1_2".to_owned()]);
        let range = workbook
            .worksheet_range("Hasil_ Modul 1_2")
            .map_err(|e| e.to_string())?;
        assert_eq!(range.get_size(), (4, 7));

        let header: Vec<String> = range
            .rows()
            .next()
            .ok_or("no header")?
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            header,
            [
                "NIP",
                "Nama",
                "Percobaan",
                "Nilai",
                "Tanggal Lahir",
                "Selesai (WIB)",
                "Lulus"
            ]
        );

        let cell = |row: u32, col: u32| range.get_value((row, col)).cloned();
        assert_eq!(cell(1, 0), Some(Data::String(NIP.to_owned())));
        assert_eq!(cell(1, 1), Some(Data::String("Siti Rahayu".to_owned())));
        assert_eq!(cell(1, 2), Some(Data::Float(2.0)));
        assert_eq!(cell(1, 3), Some(Data::Float(87.456)));
        assert_eq!(cell(1, 6), Some(Data::String("Ya".to_owned())));
        assert_eq!(cell(2, 6), Some(Data::String("Tidak".to_owned())));

        match cell(1, 4) {
            Some(Data::DateTime(value)) => {
                assert!(value.is_datetime());
                assert_eq!(
                    value.as_datetime().map(|d| d.date()),
                    Some(date(1985, 3, 12)?)
                );
            }
            other => return Err(format!("date cell came back as {other:?}")),
        }
        match cell(1, 5) {
            Some(Data::DateTime(value)) => {
                let expected = date(2024, 3, 6)?.and_hms_opt(0, 30, 0);
                assert_eq!(value.as_datetime(), expected, "local WIB time");
            }
            other => return Err(format!("datetime cell came back as {other:?}")),
        }

        // Formula-like text is a plain string, not a formula.
        assert_eq!(
            cell(2, 1),
            Some(Data::String(
                "=HYPERLINK(\"http://evil\",\"klik\")".to_owned()
            ))
        );
        let formulas = workbook
            .worksheet_formula("Hasil_ Modul 1_2")
            .map_err(|e| e.to_string())?;
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        Ok(())
    }

    #[test]
    fn xlsx_has_pane_autofilter_widths_and_text_format() -> Result<(), String> {
        let bytes = build(Format::Xlsx)?;
        let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml")?;
        assert!(sheet.contains("<pane "), "no frozen pane");
        assert!(sheet.contains("state=\"frozen\""));
        assert!(sheet.contains("<autoFilter ref=\"A1:G4\""), "no autofilter");
        assert!(sheet.contains("width=\"22.7"), "NIP column width not set");
        assert!(!sheet.contains("<f>"), "a formula was written");
        assert!(!sheet.contains('\u{0007}'));
        let styles = xlsx_part(&bytes, "xl/styles.xml")?;
        assert!(styles.contains("numFmtId=\"49\""), "no @ text format");
        assert!(styles.contains("quotePrefix=\"1\""));
        assert!(styles.contains("formatCode=\"dd-mm-yyyy\""));
        assert!(styles.contains("formatCode=\"dd-mm-yyyy hh:mm\""));
        assert!(styles.contains("formatCode=\"0.0#\""));
        Ok(())
    }

    #[test]
    fn xlsx_handles_edge_values() -> Result<(), String> {
        use calamine::{Data, Reader, Xlsx};

        let columns = [
            Column::int("Besar", 10.0),
            Column::decimal("Nilai", f64::NAN),
            Column::date("Tanggal", -3.0),
            Column::text("Panjang", 1e9),
        ];
        let mut table =
            TableWriter::new(Format::Xlsx, "", &columns, wib()).map_err(|e| e.to_string())?;
        table
            .push_row(&[
                Cell::Int(i64::MIN),
                Cell::Decimal(f64::INFINITY),
                date(1899, 12, 31)?.into(),
                "x".repeat(40_000).into(),
            ])
            .map_err(|e| e.to_string())?;
        let bytes = table.finish().map_err(|e| e.to_string())?;

        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let range = workbook
            .worksheet_range("Data")
            .map_err(|e| e.to_string())?;
        assert_eq!(
            range.get_value((1, 0)).cloned(),
            Some(Data::String(i64::MIN.to_string()))
        );
        assert!(matches!(range.get_value((1, 1)), None | Some(Data::Empty)));
        assert_eq!(
            range.get_value((1, 2)).cloned(),
            Some(Data::String("31-12-1899".to_owned()))
        );
        match range.get_value((1, 3)) {
            Some(Data::String(text)) => assert_eq!(text.len(), 32_767),
            other => return Err(format!("long text came back as {other:?}")),
        }
        Ok(())
    }

    #[test]
    fn extreme_values_never_panic() -> Result<(), String> {
        let columns = [
            Column::text("T", 10.0),
            Column::int("I", 10.0),
            Column::decimal("D", 10.0),
            Column::date("Tgl", 10.0),
            Column::date_time("Waktu", 10.0),
        ];
        let rows = [
            [
                Cell::Text("\u{0}\u{1}\u{7f}\u{85}\u{FFFF}".to_owned()),
                Cell::Int(i64::MAX),
                Cell::Decimal(f64::MAX),
                Cell::Date(NaiveDate::MAX),
                Cell::DateTime(DateTime::<Utc>::MAX_UTC),
            ],
            [
                Cell::Text("\u{1F600}".repeat(20_000)),
                Cell::Int(i64::MIN),
                Cell::Decimal(-0.0),
                Cell::Date(NaiveDate::MIN),
                Cell::DateTime(DateTime::<Utc>::MIN_UTC),
            ],
            [
                Cell::Text(String::new()),
                Cell::Int(-1),
                Cell::Decimal(f64::NEG_INFINITY),
                Cell::Empty,
                Cell::Empty,
            ],
        ];
        for format in [Format::Csv, Format::Xlsx] {
            let zones = [
                wib(),
                FixedOffset::east_opt(86_399).ok_or("offset")?,
                FixedOffset::west_opt(86_399).ok_or("offset")?,
            ];
            for tz in zones {
                let mut table = TableWriter::new(format, "[]:*?/\\'", &columns, tz)
                    .map_err(|e| e.to_string())?;
                for row in &rows {
                    table.push_row(row).map_err(|e| e.to_string())?;
                }
                let bytes = table.finish().map_err(|e| e.to_string())?;
                assert!(!bytes.is_empty());
            }
        }
        Ok(())
    }

    #[test]
    fn empty_table_has_only_header() -> Result<(), String> {
        let table =
            TableWriter::new(Format::Xlsx, "Kosong", COLUMNS, wib()).map_err(|e| e.to_string())?;
        let bytes = table.finish().map_err(|e| e.to_string())?;
        let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml")?;
        assert!(sheet.contains("<autoFilter ref=\"A1:G1\""));

        let table =
            TableWriter::new(Format::Csv, "Kosong", COLUMNS, wib()).map_err(|e| e.to_string())?;
        let bytes = table.finish().map_err(|e| e.to_string())?;
        assert!(bytes.ends_with(b"Lulus\r\n"));
        Ok(())
    }
}
