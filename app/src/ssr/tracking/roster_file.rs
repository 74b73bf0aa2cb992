//! Reading a roster file (CSV in UTF-8 or Windows-1252, or the first sheet of an XLSX) as
//! numbered lines of cells, within limits that hold before anything large is allocated.

use super::roster::{file_error, Cell};
use crate::error::AppError;

/// More rows than any province has ASN: a guard against a wrong file, not a quota.
pub const MAX_ROWS: usize = 300_000;

/// Reads the table of a CSV (comma, semicolon or tab separated; UTF-8 or Windows-1252) or an
/// XLSX file (the first sheet) as numbered lines of cells.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    if bytes.is_empty() {
        return Err(file_error(
            "Berkas kosong. Pilih berkas roster (.xlsx atau .csv).",
        ));
    }
    let lower = file_name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if lower.ends_with(".xls") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_error(
            "Format Excel lama (.xls) belum didukung. Simpan sebagai .xlsx atau .csv lalu unggah lagi.",
        ));
    }
    if lower.ends_with(".xlsx") {
        return Err(file_error(
            "Berkas .xlsx ini rusak atau bukan berkas Excel.",
        ));
    }
    read_csv(bytes)
}

/// Columns a roster may use (it needs seven; templates and exports add a few).
pub const MAX_COLUMNS: u32 = 64;
/// Filled cells a roster may hold: every allowed row full to the column limit.
const MAX_CELLS: usize = MAX_ROWS * 16;

/// Reads the first sheet cell by cell. A sheet is never expanded to its declared dimensions: a
/// 2 KB workbook with one cell at A1 and one at XFD1048576 would otherwise ask for hundreds of
/// gigabytes. Cells beyond the row or column limit, or too many cells, refuse the file with a
/// message naming the limit, before anything large is allocated.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    use calamine::{Data, Reader, Xlsx};
    use std::collections::BTreeMap;
    package::inspect(bytes)?;
    let mut book = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|_| file_error("Berkas .xlsx ini rusak atau bukan berkas Excel."))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| file_error("Berkas Excel tidak memiliki lembar kerja."))?;
    let unreadable = || file_error("Lembar pertama berkas Excel tidak terbaca.");
    let mut reader = book
        .worksheet_cells_reader(&sheet)
        .map_err(|_| unreadable())?;
    let mut rows: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
    let mut filled = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|_| unreadable())? {
        let (row, col) = cell.get_position();
        let data: Data = cell.get_value().clone().into();
        // Blank cells (also text of spaces only) carry nothing and do not count.
        if matches!(&data, Data::Empty) || matches!(&data, Data::String(s) if s.trim().is_empty()) {
            continue;
        }
        // The header and a few notes may sit above the data rows.
        if row as usize > MAX_ROWS + 100 {
            return Err(file_error(format!(
                "Berkas berisi isian di baris {}. Roster paling banyak {MAX_ROWS} baris data; \
                 hapus isian di bawah tabel atau pisahkan per OPD.",
                u64::from(row) + 1
            )));
        }
        if col >= MAX_COLUMNS {
            return Err(file_error(format!(
                "Berkas berisi isian di kolom ke-{}. Roster memakai paling banyak {MAX_COLUMNS} \
                 kolom; hapus isian di sebelah kanan tabel.",
                u64::from(col) + 1
            )));
        }
        filled += 1;
        if filled > MAX_CELLS {
            return Err(file_error(format!(
                "Berkas berisi lebih dari {MAX_CELLS} sel terisi. Pisahkan per OPD lalu unggah satu per satu."
            )));
        }
        let value = match data {
            Data::Float(f) => Cell::Number(f),
            Data::Int(n) => Cell::Number(n as f64),
            Data::String(s) => Cell::Text(s),
            other => Cell::Text(other.to_string()),
        };
        rows.entry(row).or_default().push((col, value));
    }
    // Columns keep their absolute positions, so a sheet starting at column B still lines up.
    Ok(rows
        .into_iter()
        .map(|(row, cells)| {
            let width = cells
                .iter()
                .map(|(c, _)| *c as usize + 1)
                .max()
                .unwrap_or(0);
            let mut line = vec![Cell::Text(String::new()); width];
            for (col, value) in cells {
                line[col as usize] = value;
            }
            (row as usize + 1, line)
        })
        .collect())
}

/// The zip package of an XLSX file, checked before calamine opens it: what calamine reads whole
/// (the shared strings) and what it inflates must fit in bounded memory and time.
mod package {
    use super::file_error;
    use crate::error::AppError;
    use std::io::Read;

    /// Parts in a package: a workbook has a dozen or two.
    const MAX_PARTS: usize = 256;
    /// Any one part, inflated: a sheet of 300,000 rows and eight columns is about 100 MB of XML.
    const MAX_PART_BYTES: u64 = 192 << 20;
    /// All parts together, inflated.
    const MAX_PACKAGE_BYTES: u64 = 320 << 20;
    /// The shared strings are held in memory whole while the sheet is read.
    const MAX_SHARED_STRINGS_BYTES: u64 = 48 << 20;
    pub const MAX_SHARED_STRINGS: usize = 1_000_000;
    /// Inflated over compressed size above which a large part is a bomb rather than a sheet
    /// (rosters compress about 5 to 1; a sheet of one repeated cell about 60 to 1).
    const MAX_RATIO: u64 = 250;
    /// Parts smaller than this may compress as well as they like.
    const RATIO_FLOOR: u64 = 1 << 20;

    fn broken() -> AppError {
        file_error("Berkas .xlsx ini rusak atau bukan berkas Excel.")
    }

    fn too_large() -> AppError {
        file_error(format!(
            "Isi berkas Excel ini terlalu besar setelah dibuka (batas {} MB). Pisahkan roster \
             per OPD lalu unggah satu per satu.",
            MAX_PACKAGE_BYTES >> 20
        ))
    }

    /// Refuses a package whose declared or real inflated sizes, compression ratios or number of
    /// shared strings are beyond the limits, or whose XML declares a DTD. Reads each part as a
    /// stream into a counter: nothing inflated is kept.
    pub fn inspect(bytes: &[u8]) -> Result<(), AppError> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| broken())?;
        if zip.len() > MAX_PARTS {
            return Err(file_error(format!(
                "Berkas Excel ini berisi {} bagian (batas {MAX_PARTS}); simpan ulang sebagai \
                 .xlsx biasa dengan satu lembar roster.",
                zip.len()
            )));
        }
        // Declared sizes first: a bomb that says what it is costs nothing to refuse.
        let mut declared = 0u64;
        for i in 0..zip.len() {
            let part = zip.by_index_raw(i).map_err(|_| broken())?;
            let (size, packed) = (part.size(), part.compressed_size());
            declared = declared.saturating_add(size);
            if size > MAX_PART_BYTES
                || declared > MAX_PACKAGE_BYTES
                || (size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO)
            {
                return Err(too_large());
            }
        }
        // Then the real sizes: a part may inflate to more than it declares.
        let mut total = 0u64;
        let mut buffer = vec![0u8; 64 * 1024];
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).map_err(|_| broken())?;
            let name = String::from_utf8_lossy(part.name_raw()).to_ascii_lowercase();
            let shared = name.ends_with("sharedstrings.xml");
            let xml = name.ends_with(".xml") || name.ends_with(".rels");
            let limit = if shared {
                MAX_SHARED_STRINGS_BYTES
            } else {
                MAX_PART_BYTES
            };
            let mut scan = Scan::new(shared);
            let mut size = 0u64;
            loop {
                let n = part.read(&mut buffer).map_err(|_| broken())?;
                if n == 0 {
                    break;
                }
                size += n as u64;
                total += n as u64;
                if size > limit || total > MAX_PACKAGE_BYTES {
                    return Err(too_large());
                }
                if xml {
                    scan.feed(&buffer[..n]);
                }
            }
            if scan.dtd {
                return Err(file_error(
                    "Berkas Excel ini memuat deklarasi DOCTYPE/ENTITY yang tidak dipakai Excel; \
                     simpan ulang dari Excel atau LibreOffice lalu unggah lagi.",
                ));
            }
            if shared && scan.strings > MAX_SHARED_STRINGS {
                return Err(file_error(format!(
                    "Berkas Excel ini berisi lebih dari {MAX_SHARED_STRINGS} teks berbeda; \
                     pisahkan roster per OPD lalu unggah satu per satu."
                )));
            }
        }
        Ok(())
    }

    /// Looks through XML as it streams past for a DTD and (in the shared strings) counts the
    /// string items, across chunk boundaries without copying the chunks.
    struct Scan {
        count_strings: bool,
        /// The last bytes of the previous chunk, for a pattern split between two chunks.
        tail: Vec<u8>,
        dtd: bool,
        strings: usize,
    }

    impl Scan {
        /// Longest pattern minus one byte (`<!DOCTYPE`; `<si` needs one byte after it).
        const KEEP: usize = 8;
        const DTD: [&'static [u8]; 2] = [b"<!DOCTYPE", b"<!ENTITY"];

        fn new(count_strings: bool) -> Self {
            Self {
                count_strings,
                tail: Vec::with_capacity(2 * Self::KEEP),
                dtd: false,
                strings: 0,
            }
        }

        fn feed(&mut self, chunk: &[u8]) {
            let carried = self.tail.len();
            self.tail
                .extend_from_slice(&chunk[..chunk.len().min(Self::KEEP)]);
            let boundary = std::mem::take(&mut self.tail);
            // Matches split between the previous chunk and this one: they start in the carried
            // bytes and end after them (those wholly in the carried bytes were counted already).
            self.count(&boundary, |at, len| at < carried && at + len > carried);
            // Matches wholly inside this chunk.
            self.count(chunk, |_, _| true);
            // Keep the last bytes seen, which may reach back before this chunk when it is short.
            self.tail = boundary;
            if chunk.len() >= Self::KEEP {
                self.tail.clear();
                self.tail
                    .extend_from_slice(&chunk[chunk.len() - Self::KEEP..]);
            } else {
                let surplus = self.tail.len().saturating_sub(Self::KEEP);
                self.tail.drain(..surplus);
            }
        }

        /// Records the matches in `bytes` that `keep(start, length)` accepts.
        fn count(&mut self, bytes: &[u8], keep: impl Fn(usize, usize) -> bool) {
            for pattern in Self::DTD {
                if memchr::memmem::find_iter(bytes, pattern).any(|at| keep(at, pattern.len())) {
                    self.dtd = true;
                }
            }
            if self.count_strings {
                // `<si>`, `<si ...>` or `<si/>`: the byte after the name must be in view.
                self.strings += memchr::memmem::find_iter(bytes, b"<si")
                    .filter(|&at| {
                        keep(at, 4) && matches!(bytes.get(at + 3), Some(b'>' | b' ' | b'/'))
                    })
                    .count();
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Scan;

        /// Feeds `text` in chunks of `size` bytes.
        fn scanned(text: &[u8], size: usize) -> Scan {
            let mut scan = Scan::new(true);
            for chunk in text.chunks(size) {
                scan.feed(chunk);
            }
            scan
        }

        #[test]
        fn matches_are_found_once_wherever_the_chunks_split_them() {
            let text = b"<sst><si><t>a</t></si><si ><t>b</t></si><si/><sheet/></sst>";
            for size in 1..=text.len() {
                let scan = scanned(text, size);
                assert_eq!(scan.strings, 3, "chunks of {size}");
                assert!(!scan.dtd, "chunks of {size}");
            }
            let dtd = b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x/>";
            for size in 1..=dtd.len() {
                assert!(scanned(dtd, size).dtd, "chunks of {size}");
            }
        }
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Excel on Windows saves "CSV" in the ANSI code page; every byte maps to one character.
    let text: String = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            file_error(format!(
                "Baris {line} tidak dapat dibaca sebagai CSV (periksa tanda kutip)."
            ))
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        out.push((
            line,
            record.iter().map(|c| Cell::Text(c.to_string())).collect(),
        ));
    }
    Ok(out)
}

/// Windows-1252 to Unicode (the C1 range differs from Latin-1).
fn windows_1252(b: u8) -> char {
    const C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => C1[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (row, col, text) in cells {
            sheet.write_string(*row, *col, *text).expect("cell");
        }
        book.save_to_buffer().expect("xlsx")
    }

    fn refusal(bytes: &[u8]) -> String {
        match read_table("roster.xlsx", bytes) {
            Err(AppError::Invalid(errors)) => errors[0].message.clone(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_tiny_workbook_with_one_far_away_cell_is_refused_without_expanding_the_sheet() {
        let bytes = workbook(&[(0, 0, "NIP"), (1_048_575, 16_383, "x")]);
        assert!(bytes.len() < 16 * 1024, "{} bytes", bytes.len());
        // Would need 2^34 cells if the sheet were read as a dense range.
        let message = refusal(&bytes);
        assert!(message.contains("baris 1048576"), "{message}");
    }

    #[test]
    fn a_cell_far_to_the_right_is_refused_naming_the_column_limit() {
        let message = refusal(&workbook(&[(0, 0, "NIP"), (1, 200, "x")]));
        assert!(
            message.contains("kolom ke-201") && message.contains("64"),
            "{message}"
        );
    }

    #[test]
    fn cells_keep_their_rows_and_columns_and_empty_rows_are_skipped() {
        let bytes = workbook(&[(2, 1, "NIP"), (2, 2, "Nama"), (5, 1, "1985"), (5, 3, "x")]);
        let table = read_table("roster.xlsx", &bytes).expect("readable");
        assert_eq!(table.len(), 2);
        assert_eq!(table[0].0, 3, "line numbers are the sheet's own");
        assert_eq!(table[1].0, 6);
        assert!(matches!(&table[0].1[1], Cell::Text(t) if t == "NIP"));
        assert!(matches!(&table[0].1[0], Cell::Text(t) if t.is_empty()));
        assert_eq!(table[1].1.len(), 4);
    }
}
