//! Moodle XML: a reader for `<quiz>` files exported by Moodle, and a writer whose output Moodle's
//! XML importer accepts (`multichoice` with `<single>`, `truefalse`, categories, tags).

use super::text::{escape, html_to_text, text_to_html};
use super::TakenIds;
use super::{
    apply_tags, choice_question, id_source, netra_warnings, split_feedback, topic_from_category,
    unique_id, BankQuestion, Import, Outcome, Place, ReportLine, SourceAnswer, SourceChoice,
    SyntaxError,
};
use crate::model::quiz::QuestionKind;
use roxmltree::{Document, Node};

/// Elements, texts and attributes a bank may hold: [`super::MAX_QUESTIONS`] questions of about
/// a hundred nodes each. Past it the file is refused before it is held in memory whole.
const MAX_NODES: u32 = 500_000;

/// Nesting a Moodle question needs (question, answer, feedback, text) with room for HTML.
const MAX_DEPTH: usize = 48;

/// Refuses a document nested deeper than [`MAX_DEPTH`]. Nodes come in document order, so a
/// node's parent has its depth already: one pass, no recursion.
fn check_depth(doc: &Document) -> Result<(), SyntaxError> {
    let mut depths: Vec<u16> = Vec::new();
    for node in doc.descendants() {
        let depth = node
            .parent()
            .and_then(|p| depths.get(p.id().get_usize()).copied())
            .map_or(0, |d| d.saturating_add(u16::from(node.is_element())));
        let index = node.id().get_usize();
        if depths.len() <= index {
            depths.resize(index + 1, 0);
        }
        depths[index] = depth;
        if usize::from(depth) > MAX_DEPTH {
            let pos = doc.text_pos_at(node.range().start);
            return Err(SyntaxError {
                line: pos.row as usize,
                column: pos.col as usize,
                message: format!(
                    "struktur XML terlalu dalam: lebih dari {MAX_DEPTH} tingkat elemen \
                     bersarang. Ekspor ulang bank soal dari Moodle."
                ),
            });
        }
    }
    Ok(())
}

/// Reads a Moodle XML file.
pub fn parse(text: &str) -> Result<Import, SyntaxError> {
    let options = roxmltree::ParsingOptions {
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        let message = match e {
            roxmltree::Error::NodesLimitReached => format!(
                "berkas XML terlalu besar: lebih dari {MAX_NODES} elemen. Satu bank paling banyak \
                 {} soal; pisahkan per modul atau per topik.",
                super::MAX_QUESTIONS
            ),
            other => format!("XML tidak valid: {other}"),
        };
        SyntaxError {
            line: pos.row as usize,
            column: pos.col as usize,
            message,
        }
    })?;
    check_depth(&doc)?;
    let root = doc.root_element();
    if root.tag_name().name() != "quiz" {
        let pos = doc.text_pos_at(root.range().start);
        return Err(SyntaxError {
            line: pos.row as usize,
            column: pos.col as usize,
            message: format!(
                "elemen akar harus <quiz>, bukan <{}>",
                root.tag_name().name()
            ),
        });
    }
    let mut import = Import::default();
    let mut taken = TakenIds::default();
    let mut category: Option<String> = None;
    let mut position = 0;
    for node in root.children().filter(|n| n.has_tag_name("question")) {
        let kind = node.attribute("type").unwrap_or("");
        if kind == "category" {
            category = child_text(node, "category");
            continue;
        }
        import.make_room()?;
        position += 1;
        let name = child_text(node, "name").unwrap_or_default();
        let result = match kind {
            "multichoice" => read_multichoice(node, category.as_deref()),
            "truefalse" => read_truefalse(node, category.as_deref()),
            "shortanswer" => Err("isian singkat tidak didukung Netra".to_string()),
            "essay" => Err("esai tidak didukung Netra".to_string()),
            "matching" | "ddmatch" => Err("soal menjodohkan tidak didukung Netra".to_string()),
            "numerical" => Err("soal numerik tidak didukung Netra".to_string()),
            "cloze" | "multianswer" => {
                Err("soal cloze (jawaban tersisip) tidak didukung Netra".to_string())
            }
            "calculated" | "calculatedsimple" | "calculatedmulti" => {
                Err("soal hitungan tidak didukung Netra".to_string())
            }
            "description" => Err("deskripsi, bukan soal".to_string()),
            "" => Err("atribut type tidak ada".to_string()),
            other => Err(format!("jenis soal `{other}` tidak didukung Netra")),
        };
        let outcome = match result {
            Ok((mut q, mut warnings)) => {
                let idnumber = child_text(node, "idnumber").filter(|s| !s.is_empty());
                let source = id_source(idnumber.as_deref(), &name, &q.stem);
                q.id = unique_id(&source, position, &mut taken);
                let tags: Vec<String> = node
                    .children()
                    .filter(|n| n.has_tag_name("tags"))
                    .flat_map(|t| t.children().filter(|n| n.has_tag_name("tag")))
                    .filter_map(|t| child_text(t, "text").or_else(|| t.text().map(str::to_string)))
                    .collect();
                apply_tags(&mut q, &tags, &mut warnings);
                warnings.extend(netra_warnings(&q));
                let id = q.id.clone();
                import.questions.push(q);
                Outcome::Imported { id, warnings }
            }
            Err(reason) => Outcome::Skipped { reason },
        };
        let shown = if name.is_empty() {
            format!("<question type=\"{kind}\">")
        } else {
            name
        };
        import.report.push(ReportLine {
            place: Place::Position(position),
            name: shown,
            outcome,
        });
    }
    Ok(import)
}

/// The text of `<child><text>...</text></child>`, or of `<child>` itself.
fn child_text(node: Node, child: &str) -> Option<String> {
    let c = node.children().find(|n| n.has_tag_name(child))?;
    let text = match c.children().find(|n| n.has_tag_name("text")) {
        Some(t) => t.text().unwrap_or(""),
        None => c.text().unwrap_or(""),
    };
    Some(text.trim().to_string())
}

/// Formatted text (`format="html|plain_text|markdown|moodle_auto_format"`) as plain text.
fn formatted(node: Node, lost: &mut bool) -> String {
    let text = node
        .children()
        .find(|n| n.has_tag_name("text"))
        .and_then(|t| t.text())
        .unwrap_or("")
        .trim();
    match node.attribute("format").unwrap_or("html") {
        "html" => {
            let (t, l) = html_to_text(text);
            *lost |= l;
            t
        }
        _ => text.to_string(),
    }
}

fn formatted_child(node: Node, child: &str, lost: &mut bool) -> String {
    node.children()
        .find(|n| n.has_tag_name(child))
        .map(|c| formatted(c, lost))
        .unwrap_or_default()
}

type Read = Result<(BankQuestion, Vec<String>), String>;

fn question(kind: QuestionKind, category: Option<&str>, stem: String) -> BankQuestion {
    BankQuestion {
        id: String::new(),
        kind,
        topic: category.and_then(topic_from_category),
        scenario: false,
        stem,
        options: vec![],
        answer: None,
        explanation: String::new(),
        legal_basis: vec![],
        violations: vec![],
    }
}

fn read_multichoice(node: Node, category: Option<&str>) -> Read {
    let mut lost = false;
    let stem = formatted_child(node, "questiontext", &mut lost);
    if stem.is_empty() {
        return Err("teks soal kosong".into());
    }
    let general_feedback = formatted_child(node, "generalfeedback", &mut lost);
    let single = child_text(node, "single").map(|s| matches!(s.as_str(), "true" | "1"));
    let mut answers = Vec::new();
    for a in node.children().filter(|n| n.has_tag_name("answer")) {
        let raw = a.attribute("fraction").unwrap_or("0");
        let weight: f64 = raw
            .trim()
            .parse()
            .map_err(|_| format!("fraction `{raw}` bukan angka"))?;
        let text = formatted(a, &mut lost);
        if text.is_empty() {
            return Err("ada pilihan tanpa teks".into());
        }
        let feedback = formatted_child(a, "feedback", &mut lost);
        answers.push(SourceAnswer {
            text,
            weight,
            feedback,
        });
    }
    let mut warnings = Vec::new();
    if lost {
        warnings.push("gambar atau tabel dalam teks diabaikan".into());
    }
    let (kind, options, explanation, legal_basis) = choice_question(
        SourceChoice {
            answers,
            single,
            general_feedback,
        },
        &mut warnings,
    )?;
    let mut q = question(kind, category, stem);
    q.options = options;
    q.explanation = explanation;
    q.legal_basis = legal_basis;
    Ok((q, warnings))
}

fn read_truefalse(node: Node, category: Option<&str>) -> Read {
    let mut lost = false;
    let stem = formatted_child(node, "questiontext", &mut lost);
    if stem.is_empty() {
        return Err("teks soal kosong".into());
    }
    let mut answer = None;
    let mut feedback = Vec::new();
    for a in node.children().filter(|n| n.has_tag_name("answer")) {
        let text = child_text(a, "text")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let fraction: f64 = a
            .attribute("fraction")
            .unwrap_or("0")
            .trim()
            .parse()
            .unwrap_or(0.0);
        let value = match text.as_str() {
            "true" | "benar" => true,
            "false" | "salah" => false,
            other => return Err(format!("jawaban benar/salah `{other}` tidak dikenal")),
        };
        if fraction >= 99.99 {
            answer = Some(value);
        }
        let f = formatted_child(a, "feedback", &mut lost);
        if !f.is_empty() {
            feedback.push(f);
        }
    }
    let Some(answer) = answer else {
        return Err("tidak ada jawaban bernilai 100%".into());
    };
    let mut warnings = Vec::new();
    let (mut explanation, legal_basis) =
        split_feedback(&formatted_child(node, "generalfeedback", &mut lost));
    if !feedback.is_empty() {
        warnings.push("umpan balik benar/salah digabung ke penjelasan".into());
        if !explanation.is_empty() {
            explanation.push_str("\n\n");
        }
        explanation.push_str(&feedback.join("\n"));
    }
    if lost {
        warnings.push("gambar atau tabel dalam teks diabaikan".into());
    }
    let mut q = question(QuestionKind::TrueFalse, category, stem);
    q.answer = Some(answer);
    q.explanation = explanation;
    q.legal_basis = legal_basis;
    Ok((q, warnings))
}

fn text_element(indent: &str, name: &str, format: Option<&str>, body: &str) -> String {
    let attr = format
        .map(|f| format!(" format=\"{f}\""))
        .unwrap_or_default();
    format!(
        "{indent}<{name}{attr}>\n{indent}  <text>{}</text>\n{indent}</{name}>\n",
        escape(body)
    )
}

/// Writes questions as Moodle XML, one category per topic under `category_root`.
pub fn write(questions: &[BankQuestion], category_root: &str, heading: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {} -->\n<quiz>\n",
        escape(heading).replace("--", "- -")
    );
    for (category, q) in super::with_categories(questions, category_root) {
        if let Some(path) = category {
            out.push_str("  <question type=\"category\">\n");
            out.push_str(&text_element("    ", "category", None, &path));
            out.push_str("  </question>\n");
        }
        let kind = if q.kind == QuestionKind::TrueFalse {
            "truefalse"
        } else {
            "multichoice"
        };
        out.push_str(&format!("  <question type=\"{kind}\">\n"));
        out.push_str(&text_element("    ", "name", None, &q.id));
        out.push_str(&text_element(
            "    ",
            "questiontext",
            Some("html"),
            &text_to_html(&q.stem),
        ));
        out.push_str(&text_element(
            "    ",
            "generalfeedback",
            Some("html"),
            &text_to_html(&q.general_feedback()),
        ));
        out.push_str("    <defaultgrade>1</defaultgrade>\n    <penalty>0</penalty>\n    <hidden>0</hidden>\n");
        out.push_str(&format!("    <idnumber>{}</idnumber>\n", escape(&q.id)));
        let answer = |fraction: &str, format: &str, text: &str| {
            format!(
                "    <answer fraction=\"{fraction}\" format=\"{format}\">\n      <text>{}</text>\n      <feedback format=\"html\">\n        <text></text>\n      </feedback>\n    </answer>\n",
                escape(text)
            )
        };
        match (q.kind, q.answer) {
            (QuestionKind::TrueFalse, Some(value)) => {
                out.push_str(&answer(
                    if value { "100" } else { "0" },
                    "moodle_auto_format",
                    "true",
                ));
                out.push_str(&answer(
                    if value { "0" } else { "100" },
                    "moodle_auto_format",
                    "false",
                ));
            }
            _ => {
                let single = q.kind == QuestionKind::Single;
                out.push_str(&format!(
                    "    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n"
                ));
                let k = q.options.iter().filter(|o| o.correct).count();
                for o in &q.options {
                    let fraction = match (single, o.correct) {
                        (true, true) => "100".to_string(),
                        (true, false) => "0".to_string(),
                        (false, true) => super::gift::share(k),
                        (false, false) => "-100".to_string(),
                    };
                    out.push_str(&answer(&fraction, "html", &text_to_html(&o.text)));
                }
            }
        }
        let tags = q.tags();
        if !tags.is_empty() {
            out.push_str("    <tags>\n");
            for t in tags {
                out.push_str(&format!("      <tag><text>{}</text></tag>\n", escape(&t)));
            }
            out.push_str("    </tags>\n");
        }
        out.push_str("  </question>\n");
    }
    out.push_str("</quiz>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::{import, BankOption, Format};
    use super::*;

    /// Shaped like a file Moodle 4's "Export questions" writes (category, multichoice with HTML
    /// and CDATA, truefalse, and types Netra does not support).
    const MOODLE_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Default for Netralitas/Media Sosial</text>
    </category>
    <info format="moodle_auto_format">
      <text>Kategori bawaan</text>
    </info>
    <idnumber></idnumber>
  </question>
<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>Like unggahan calon</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr" style="text-align: left;">Seorang PNS menekan <strong>suka</strong> pada unggahan akun kampanye calon bupati.&nbsp;Apakah ini pelanggaran?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Menyukai unggahan akun kampanye termasuk bentuk pelanggaran netralitas.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Jawaban Anda benar.</text>
    </correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Ya, pelanggaran</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>Tidak, hanya menyukai</p>]]></text>
      <feedback format="html">
        <text><![CDATA[<p>Menyukai juga termasuk.</p>]]></text>
      </feedback>
    </answer>
    <tags>
      <tag><text>skenario</text></tag>
    </tags>
  </question>
<!-- question: 102  -->
  <question type="multichoice">
    <name>
      <text>Mana yang dilarang</text>
    </name>
    <questiontext format="html">
      <text>&lt;p&gt;Mana saja yang dilarang bagi PNS?&lt;/p&gt;</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <single>false</single>
    <answer fraction="50" format="html"><text>Memasang baliho calon</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="50" format="html"><text>Menjadi tim kampanye</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="-100" format="html"><text>Mencoblos di TPS</text><feedback format="html"><text></text></feedback></answer>
  </question>
<!-- question: 103  -->
  <question type="truefalse">
    <name>
      <text>Boleh mencoblos</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>PNS tetap boleh mencoblos di TPS.</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text></text>
    </generalfeedback>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html"><text></text></feedback>
    </answer>
  </question>
  <question type="essay">
    <name><text>Pendapat</text></name>
    <questiontext format="html"><text>Tulis pendapat Anda.</text></questiontext>
  </question>
  <question type="matching">
    <name><text>Jodohkan</text></name>
    <questiontext format="html"><text>Jodohkan.</text></questiontext>
  </question>
  <question type="shortanswer">
    <name><text>Ibu kota</text></name>
    <questiontext format="html"><text>Ibu kota?</text></questiontext>
  </question>
</quiz>
"#;

    #[test]
    fn a_moodle_export_imports_what_netra_supports_and_reports_the_rest() {
        let import = import(Format::MoodleXml, MOODLE_EXPORT).expect("parses");
        assert_eq!(import.questions.len(), 3);
        let like = &import.questions[0];
        assert_eq!(like.id, "like-unggahan-calon");
        assert_eq!(like.topic.as_deref(), Some("media-sosial"));
        assert!(like.scenario);
        assert_eq!(like.stem, "Seorang PNS menekan suka pada unggahan akun kampanye calon bupati. Apakah ini pelanggaran?");
        assert_eq!(like.kind, QuestionKind::Single);
        assert_eq!(like.options[0].text, "Ya, pelanggaran");
        assert!(like
            .explanation
            .contains("- Tidak, hanya menyukai: Menyukai juga termasuk."));
        let multi = &import.questions[1];
        assert_eq!(multi.kind, QuestionKind::Multiple);
        assert_eq!(
            multi.options.iter().map(|o| o.correct).collect::<Vec<_>>(),
            vec![true, true, false]
        );
        assert_eq!(import.questions[2].answer, Some(true));
        let skipped: Vec<String> = import
            .report
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Skipped { .. }))
            .map(|r| r.to_string())
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(
            skipped[0].starts_with("soal ke-4: dilewati (Pendapat): esai"),
            "{skipped:?}"
        );
        assert!(
            skipped[1].contains("menjodohkan") && skipped[2].contains("isian singkat"),
            "{skipped:?}"
        );
    }

    #[test]
    fn malformed_xml_names_line_and_column() {
        let err = import(
            Format::MoodleXml,
            "<?xml version=\"1.0\"?>\n<quiz>\n  <question type=\"multichoice\">\n</quiz>\n",
        )
        .expect_err("bad");
        assert_eq!(err.line, 4, "{err}");
        assert!(err.column > 0);
        let err = import(Format::MoodleXml, "<kuis></kuis>").expect_err("wrong root");
        assert!(err.message.contains("<quiz>"));
    }

    #[test]
    fn written_xml_reads_back_identically() {
        let questions = vec![
            BankQuestion {
                id: "pilih-satu".into(),
                kind: QuestionKind::Single,
                topic: Some("sanksi".into()),
                scenario: true,
                stem: "Teks <dengan> & \"tanda\"\nbaris dua".into(),
                options: vec![
                    BankOption {
                        key: "a".into(),
                        text: "Potong tukin 25%".into(),
                        correct: true,
                    },
                    BankOption {
                        key: "b".into(),
                        text: "Teguran".into(),
                        correct: false,
                    },
                ],
                answer: None,
                explanation: "Karena.".into(),
                legal_basis: vec![crate::model::catalog::LegalBasis {
                    regulation: "PP No. 94 Tahun 2021".into(),
                    article: "Pasal 8".into(),
                }],
                violations: vec!["disiplin-ikut-kampanye".into()],
            },
            BankQuestion {
                id: "benar-salah".into(),
                kind: QuestionKind::TrueFalse,
                topic: None,
                scenario: false,
                stem: "Pernyataan.".into(),
                options: vec![],
                answer: Some(false),
                explanation: "Tidak.".into(),
                legal_basis: vec![crate::model::catalog::LegalBasis {
                    regulation: "SKB 2022".into(),
                    article: String::new(),
                }],
                violations: vec![],
            },
        ];
        let xml = write(&questions, "$course$/top/Modul", "uji -- komentar");
        let back = import(Format::MoodleXml, &xml).expect("parses");
        let mut expected = questions.clone();
        // Without a topic the category is the module's own, which reads back as its topic.
        expected[1].topic = Some("modul".into());
        assert_eq!(back.questions, expected);
    }

    #[test]
    fn html_entities_in_a_moodle_bank_are_decoded() {
        let xml = r#"<quiz><question type="multichoice">
  <name><text>Caf&amp;eacute;</text></name>
  <questiontext format="html"><text><![CDATA[<p>Caf&eacute; &lsquo;netral&rsquo;? &#233; &#x2019;</p>]]></text></questiontext>
  <answer fraction="100" format="html"><text>&lt;p&gt;Ya &amp;rsquo;kan&lt;/p&gt;</text></answer>
  <answer fraction="0" format="html"><text>Tidak</text></answer>
</question></quiz>"#;
        let import = import(Format::MoodleXml, xml).expect("parses");
        let q = &import.questions[0];
        assert_eq!(q.stem, "Café \u{2018}netral\u{2019}? é \u{2019}");
        assert_eq!(q.options[0].text, "Ya \u{2019}kan");
        // Ids are ASCII: `é` ends the word, and `eacute` no longer leaks into the id.
        assert_eq!(q.id, "caf");
    }

    #[test]
    fn an_html_question_name_gives_an_id_without_tag_names() {
        let xml = r#"<quiz><question type="truefalse">
  <name><text>Question with &lt;strong&gt;invalid grades&lt;/strong&gt; x 1 x</text></name>
  <questiontext format="html"><text>Langit biru.</text></questiontext>
  <answer fraction="100"><text>true</text></answer>
  <answer fraction="0"><text>false</text></answer>
</question></quiz>"#;
        let import = import(Format::MoodleXml, xml).expect("parses");
        assert_eq!(import.questions[0].id, "question-with-invalid-grades-x-1-x");
    }
}
