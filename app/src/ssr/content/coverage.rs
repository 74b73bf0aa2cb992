//! Which lessons and questions teach each catalogue entry: `netra coverage` and the curriculum test.

use super::Catalog;

/// One catalogue entry and what teaches it, as `module/lesson` and `module/question` references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub violation_id: String,
    pub name: String,
    pub lessons: Vec<String>,
    pub questions: Vec<String>,
}

/// Coverage of every catalogue entry, in catalogue order.
pub fn coverage(catalog: &Catalog) -> Vec<Coverage> {
    catalog
        .violations()
        .iter()
        .map(|v| {
            let mut lessons = Vec::new();
            let mut questions = Vec::new();
            for m in catalog.modules() {
                lessons.extend(
                    m.lessons
                        .iter()
                        .filter(|l| l.violations.contains(&v.id))
                        .map(|l| format!("{}/{}", m.slug, l.slug)),
                );
                questions.extend(
                    m.questions
                        .iter()
                        .filter(|q| q.violations.contains(&v.id))
                        .map(|q| format!("{}/{}", m.slug, q.id)),
                );
            }
            Coverage {
                violation_id: v.id.clone(),
                name: v.name.clone(),
                lessons,
                questions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_catalog_has_no_coverage_rows() {
        assert!(coverage(&Catalog::default()).is_empty());
    }
}
