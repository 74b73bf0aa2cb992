//! `content/pelanggaran.toml`: the violation catalogue, validated against the modules it cites.

use super::{line_of, relative, Catalog, ContentError};
use crate::model::catalog::LegalBasis;
use crate::model::selfcheck::{Act, NotViolation, When};
use crate::model::violations::{Category, Election, LessonRef, QuizRef, Sanction, ViolationView};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

pub const FILE_NAME: &str = "pelanggaran.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    act: Vec<Act>,
    #[serde(default)]
    not_violation: Vec<NotViolation>,
    #[serde(default)]
    violation: Vec<ViolationToml>,
}

/// Everything the catalogue file defines.
#[derive(Debug, Default)]
pub struct CatalogueData {
    pub violations: Vec<ViolationView>,
    /// Self-check rules: each entry with its `when` conditions.
    pub rules: Vec<(ViolationView, When)>,
    pub acts: Vec<Act>,
    pub not_violations: Vec<NotViolation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViolationToml {
    id: Spanned<String>,
    name: String,
    description: String,
    category: Category,
    sanction: Sanction,
    election: Election,
    legal_basis: Vec<LegalBasis>,
    #[serde(default)]
    examples: Vec<String>,
    caveat: Option<String>,
    when: Option<When>,
}

/// Reads and checks the catalogue. Lessons and questions name the entries they teach
/// (`violations = [...]`); those ids must exist, and each entry lists what teaches it.
pub fn load(root: &Path, catalog: &Catalog, errors: &mut Vec<ContentError>) -> CatalogueData {
    let path = root.join(FILE_NAME);
    let Ok(text) = std::fs::read_to_string(&path) else {
        report_unknown_ids(catalog, &HashSet::new(), errors);
        return CatalogueData::default();
    };
    let file = relative(&path, root);
    let err = |errors: &mut Vec<ContentError>, offset: Option<usize>, message: String| {
        errors.push(ContentError {
            file: file.clone(),
            line: offset.map(|o| line_of(&text, o)),
            message,
        });
    };
    let parsed: FileToml = match toml::from_str(&text) {
        Ok(p) => p,
        Err(e) => {
            err(
                errors,
                e.span().map(|s| s.start),
                super::parse::toml_message(&e),
            );
            return CatalogueData::default();
        }
    };
    let act_ids: HashSet<&str> = parsed.act.iter().map(|a| a.id.as_str()).collect();
    let check_acts =
        |errors: &mut Vec<ContentError>, at: Option<usize>, owner: &str, when: &When| {
            if when.acts.is_empty() {
                err(
                    errors,
                    at,
                    format!("{owner}: `when` needs at least one act"),
                );
            }
            for act in &when.acts {
                if !act_ids.contains(act.as_str()) {
                    err(
                        errors,
                        at,
                        format!("{owner}: unknown act `{act}` (define it in an [[act]] table)"),
                    );
                }
            }
        };
    for n in &parsed.not_violation {
        check_acts(
            errors,
            None,
            &format!("not_violation `{}`", n.name),
            &n.when,
        );
    }
    let mut seen = HashSet::new();
    let mut data = CatalogueData::default();
    for v in parsed.violation {
        let at = Some(v.id.span().start);
        let id = v.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            err(
                errors,
                at,
                format!("violation id `{id}` may contain only a-z, 0-9 and '-'"),
            );
        }
        if !seen.insert(id.clone()) {
            err(errors, at, format!("duplicate violation id `{id}`"));
        }
        if v.legal_basis.is_empty() {
            err(errors, at, format!("violation `{id}` needs a legal_basis"));
        }
        let lessons = catalog
            .modules()
            .iter()
            .flat_map(|m| {
                m.lessons
                    .iter()
                    .filter(|l| l.violations.contains(&id))
                    .map(move |l| (m, l))
            })
            .map(|(m, l)| LessonRef {
                href: format!("/modul/{}/{}", m.slug, l.slug),
                title: format!("{}: {}", m.title, l.title),
            })
            .collect();
        let quizzes = catalog
            .modules()
            .iter()
            .filter_map(|m| {
                let questions = m
                    .questions
                    .iter()
                    .filter(|q| q.violations.contains(&id))
                    .count();
                (questions > 0).then(|| QuizRef {
                    href: format!("/modul/{}", m.slug),
                    title: m.title.clone(),
                    questions,
                })
            })
            .collect();
        let view = ViolationView {
            id,
            name: v.name.trim().to_string(),
            description: v.description.trim().to_string(),
            category: v.category,
            sanction: v.sanction,
            election: v.election,
            legal_basis: v.legal_basis,
            examples: v.examples,
            caveat: v.caveat.filter(|c| !c.trim().is_empty()),
            lessons,
            quizzes,
        };
        if let Some(when) = v.when {
            check_acts(errors, at, &format!("violation `{}`", view.id), &when);
            data.rules.push((view.clone(), when));
        }
        data.violations.push(view);
    }
    report_unknown_ids(catalog, &seen, errors);
    data.acts = parsed.act;
    data.not_violations = parsed.not_violation;
    data
}

/// A lesson or question naming a catalogue id that does not exist is an authoring error.
fn report_unknown_ids(catalog: &Catalog, known: &HashSet<String>, errors: &mut Vec<ContentError>) {
    for module in catalog.modules() {
        for lesson in &module.lessons {
            for id in lesson.violations.iter().filter(|id| !known.contains(*id)) {
                errors.push(ContentError {
                    file: lesson.file.clone(),
                    line: Some(2),
                    message: format!(
                        "lesson `{}` names unknown violation `{id}` (not in {FILE_NAME})",
                        lesson.slug
                    ),
                });
            }
        }
        for q in &module.questions {
            for id in q.violations.iter().filter(|id| !known.contains(*id)) {
                errors.push(ContentError {
                    file: q.source.clone(),
                    line: Some(q.line),
                    message: format!(
                        "question `{}` names unknown violation `{id}` (not in {FILE_NAME})",
                        q.id
                    ),
                });
            }
        }
    }
}
