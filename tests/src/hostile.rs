//! A corpus of hostile upload files: each is small on the wire and tries to make the server
//! allocate, inflate or loop far more than the file is worth. Built in memory for each run.

use anyhow::Result;
use std::io::Write;

/// One hostile file and what the server should answer.
pub struct Hostile {
    pub name: &'static str,
    pub file_name: &'static str,
    pub bytes: Vec<u8>,
    /// The upload endpoint (`/api/preview_roster` or `/api/convert_bank`).
    pub endpoint: &'static str,
    /// Words the refusal must contain.
    pub message: &'static str,
}

const ROSTER: &str = "/api/preview_roster";
const BANK: &str = "/api/convert_bank";

/// The parts of a minimal workbook around its first sheet.
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_CLOSE: &str = "</sheetData></worksheet>";
const EMPTY_STRINGS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#;

/// A workbook whose sheet XML and shared strings are written by the callers, streamed into the
/// deflater so that hundreds of MB of XML never sit in the test's memory.
fn workbook(
    sheet: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    strings: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)?;
    sheet(&mut zip)?;
    zip.start_file("xl/sharedStrings.xml", options)?;
    strings(&mut zip)?;
    Ok(zip.finish()?.into_inner())
}

fn inline_cell(out: &mut dyn Write, reference: &str, text: &str) -> std::io::Result<()> {
    write!(
        out,
        r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#
    )
}

fn no_strings(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(EMPTY_STRINGS.as_bytes())
}

/// One cell at A1 and one at XFD1048576: 2 KB that a dense reader expands to 2^34 cells.
pub fn far_cell_xlsx() -> Result<Vec<u8>> {
    workbook(
        |out| {
            out.write_all(SHEET_OPEN.as_bytes())?;
            out.write_all(b"<row r=\"1\">")?;
            inline_cell(out, "A1", "NIP")?;
            out.write_all(b"</row><row r=\"1048576\">")?;
            inline_cell(out, "XFD1048576", "x")?;
            out.write_all(b"</row>")?;
            out.write_all(SHEET_CLOSE.as_bytes())
        },
        no_strings,
    )
}

/// A sheet padded with `megabytes` MB of blanks between two rows: compresses about 1000 to 1.
fn padded_sheet(megabytes: usize) -> Result<Vec<u8>> {
    workbook(
        |out| {
            out.write_all(SHEET_OPEN.as_bytes())?;
            let blanks = vec![b' '; 1 << 20];
            for _ in 0..megabytes {
                out.write_all(&blanks)?;
            }
            out.write_all(SHEET_CLOSE.as_bytes())
        },
        no_strings,
    )
}

/// Sets the uncompressed size that the zip headers declare for `part` (local header and
/// central directory) to `size`: a bomb that lies about what it inflates to.
fn declare_size(bytes: &mut [u8], part: &str, size: u32) {
    let name = part.as_bytes();
    let mut at = 0;
    while at + 46 <= bytes.len() {
        let (name_at, size_at, name_len_at) = match &bytes[at..at + 4] {
            b"PK\x03\x04" => (30, 22, 26),
            b"PK\x01\x02" => (46, 24, 28),
            _ => {
                at += 1;
                continue;
            }
        };
        let len = u16::from_le_bytes([bytes[at + name_len_at], bytes[at + name_len_at + 1]]);
        let start = at + name_at;
        if bytes.get(start..start + usize::from(len)) == Some(name) {
            bytes[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
        }
        at += 4;
    }
}

/// Two million rows without cells.
fn empty_rows_xlsx() -> Result<Vec<u8>> {
    workbook(
        |out| {
            out.write_all(SHEET_OPEN.as_bytes())?;
            for row in 1..=2_000_000 {
                write!(out, r#"<row r="{row}"/>"#)?;
            }
            out.write_all(SHEET_CLOSE.as_bytes())
        },
        no_strings,
    )
}

/// 1.2 million distinct shared strings: calamine would hold every one in memory.
fn shared_strings_xlsx() -> Result<Vec<u8>> {
    workbook(
        |out| {
            out.write_all(SHEET_OPEN.as_bytes())?;
            out.write_all(br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#)?;
            out.write_all(SHEET_CLOSE.as_bytes())
        },
        |out| {
            out.write_all(
                br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            )?;
            for i in 0..1_200_000u32 {
                write!(out, "<si><t>{i:x}</t></si>")?;
            }
            out.write_all(b"</sst>")
        },
    )
}

/// A sheet that declares a DTD with nested entities (the "billion laughs").
fn doctype_xlsx() -> Result<Vec<u8>> {
    workbook(
        |out| {
            out.write_all(br#"<?xml version="1.0"?><!DOCTYPE worksheet ["#)?;
            out.write_all(br#"<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">"#)?;
            for level in 1..10 {
                let prev = level - 1;
                write!(
                    out,
                    r#"<!ENTITY e{level} "&e{prev};&e{prev};&e{prev};&e{prev};&e{prev};&e{prev};&e{prev};&e{prev};&e{prev};&e{prev};">"#
                )?;
            }
            out.write_all(br#"<!ENTITY e0 "&a;">]>"#)?;
            out.write_all(
                br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>"#,
            )
        },
        no_strings,
    )
}

/// A million GIFT questions, all named `x` (11 MB).
fn gift_million() -> Vec<u8> {
    b"::x::a{T}\n\n".repeat(1_000_000)
}

/// As many same-named Moodle XML questions as fit in 15 MB.
fn moodle_many() -> Vec<u8> {
    let mut out = b"<?xml version=\"1.0\"?><quiz>".to_vec();
    let question = br#"<question type="truefalse"><name><text>x</text></name><questiontext format="html"><text>benar</text></questiontext><answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>"#;
    while out.len() + question.len() < 15 << 20 {
        out.extend_from_slice(question);
    }
    out.extend_from_slice(b"</quiz>");
    out
}

/// A question whose name nests 400,000 elements deep.
fn moodle_deep() -> Vec<u8> {
    const DEPTH: usize = 400_000;
    let mut out = b"<?xml version=\"1.0\"?><quiz><question type=\"truefalse\"><name>".to_vec();
    out.extend(std::iter::repeat_n(&b"<a>"[..], DEPTH).flatten());
    out.extend(std::iter::repeat_n(&b"</a>"[..], DEPTH).flatten());
    out.extend_from_slice(b"</name></question></quiz>");
    out
}

/// Every hostile file, with where it goes and what the refusal says.
pub fn corpus() -> Result<Vec<Hostile>> {
    let bomb = padded_sheet(200)?;
    let mut lying_bomb = bomb.clone();
    declare_size(&mut lying_bomb, "xl/worksheets/sheet1.xml", 4096);
    let mut malformed = b"PK\x03\x04".to_vec();
    malformed.extend((0..2048u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let roster = |name, file_name, bytes, message| Hostile {
        name,
        file_name,
        bytes,
        endpoint: ROSTER,
        message,
    };
    let bank = |name, file_name, bytes, message| Hostile {
        name,
        file_name,
        bytes,
        endpoint: BANK,
        message,
    };
    Ok(vec![
        roster("far cell", "roster.xlsx", far_cell_xlsx()?, "baris 1048576"),
        roster("deflate bomb", "roster.xlsx", bomb, "terlalu besar"),
        roster("lying deflate bomb", "roster.xlsx", lying_bomb, "berkas"),
        roster("empty rows", "roster.xlsx", empty_rows_xlsx()?, ""),
        roster(
            "shared strings",
            "roster.xlsx",
            shared_strings_xlsx()?,
            "teks berbeda",
        ),
        roster("malformed zip", "roster.xlsx", malformed, "rusak"),
        roster("doctype", "roster.xlsx", doctype_xlsx()?, "DOCTYPE"),
        bank(
            "gift million",
            "bank.gift",
            gift_million(),
            "paling banyak 5000",
        ),
        bank("moodle many", "bank.xml", moodle_many(), "5000"),
        bank("moodle deep", "bank.xml", moodle_deep(), "dalam"),
    ])
}
