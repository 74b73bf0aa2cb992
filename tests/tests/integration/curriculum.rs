//! The shipped curriculum in `content/`: the rules an author must keep, checked on the real files.

use anyhow::{ensure, Context, Result};
use app::ssr::content::{coverage::coverage, load_catalog, Catalog};
use tests::repo_root;

fn curriculum() -> Result<Catalog> {
    load_catalog(&repo_root().join("content"))
        .map_err(|e| anyhow::anyhow!("content is invalid:\n{e}"))
}

#[test]
fn the_shipped_banks_pass_the_content_linter_with_its_default_limits() -> Result<()> {
    use app::ssr::content::lint::{lint, Limits};
    let report = lint(&curriculum()?, &Limits::default());
    ensure!(
        report.banks.len() >= 7,
        "every bank measured: {:?}",
        report.banks
    );
    ensure!(
        report.findings.is_empty(),
        "content lint findings:\n{}",
        report
            .findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    Ok(())
}

#[test]
fn every_catalogue_entry_is_practised_by_at_least_one_question() -> Result<()> {
    let catalog = curriculum()?;
    let rows = coverage(&catalog);
    ensure!(!rows.is_empty(), "the catalogue is empty");
    let uncovered: Vec<&str> = rows
        .iter()
        .filter(|r| r.questions.is_empty())
        .map(|r| r.violation_id.as_str())
        .collect();
    ensure!(
        uncovered.is_empty(),
        "entries no question practises: {uncovered:?}"
    );
    Ok(())
}

#[test]
fn every_question_carries_an_explanation_a_legal_basis_and_a_topic() -> Result<()> {
    let catalog = curriculum()?;
    for m in catalog.modules() {
        for q in &m.questions {
            let at = format!("{}:{} ({})", q.source.display(), q.line, q.id);
            ensure!(!q.explanation.trim().is_empty(), "{at}: no explanation");
            ensure!(
                !q.legal_basis.is_empty()
                    && q.legal_basis
                        .iter()
                        .all(|b| !b.regulation.trim().is_empty()),
                "{at}: no legal basis"
            );
            ensure!(q.topic.is_some(), "{at}: no topic");
        }
    }
    Ok(())
}

#[test]
fn the_curriculum_is_complete_and_scenario_heavy() -> Result<()> {
    let catalog = curriculum()?;
    ensure!(
        catalog.question_count() >= 180,
        "only {} questions in all",
        catalog.question_count()
    );
    let teaching: Vec<_> = catalog
        .modules()
        .iter()
        .filter(|m| m.parallel_to.is_none())
        .collect();
    ensure!(
        teaching.len() >= 5,
        "only {} teaching modules",
        teaching.len()
    );
    for m in catalog.modules() {
        ensure!(
            m.questions.len() >= 30,
            "{}: bank of {} (< 30)",
            m.slug,
            m.questions.len()
        );
        let scenarios = m.questions.iter().filter(|q| q.scenario).count();
        ensure!(
            scenarios * 2 >= m.questions.len(),
            "{}: {scenarios} of {} questions are scenarios",
            m.slug,
            m.questions.len()
        );
        ensure!(
            m.passing_score == 80,
            "{}: passing score {} (curriculum default is 80)",
            m.slug,
            m.passing_score
        );
        if m.parallel_to.is_none() {
            ensure!(
                (3..=6).contains(&m.lessons.len()),
                "{}: {} lessons (expected 3 to 6)",
                m.slug,
                m.lessons.len()
            );
        }
    }
    Ok(())
}

#[test]
fn the_pre_test_and_post_test_are_parallel_forms() -> Result<()> {
    let catalog = curriculum()?;
    let forms: Vec<_> = catalog
        .modules()
        .iter()
        .filter(|m| m.parallel_to.is_some())
        .collect();
    ensure!(
        forms.len() >= 2,
        "no pre-test/post-test pair in the curriculum"
    );
    for form in forms {
        let (other, _) = form.parallel_to.as_ref().context("parallel_to")?;
        let other = catalog.module(other).context("the other form exists")?;
        ensure!(
            form.questions.len() == other.questions.len(),
            "{} and {} differ in size",
            form.slug,
            other.slug
        );
        // The loader has already checked topics and draw size; ids must not repeat across forms,
        // or a learner would meet the same item twice.
        for q in &form.questions {
            ensure!(
                other.question(&q.id).is_none(),
                "{} appears in both forms",
                q.id
            );
        }
    }
    Ok(())
}

#[test]
fn lessons_never_teach_replaced_pp_53_penalties_as_current() -> Result<()> {
    // PP 94/2021 replaced PP 53/2010: its "penundaan kenaikan gaji/pangkat" penalties may appear
    // only where the text says they are outdated.
    let catalog = curriculum()?;
    for m in catalog.modules() {
        for q in &m.questions {
            for o in q.options.iter().filter(|o| o.correct) {
                let text = o.text.to_lowercase();
                ensure!(
                    !text.contains("penundaan kenaikan") && !text.contains("penurunan pangkat"),
                    "{}/{}: a correct answer teaches a PP 53/2010 penalty",
                    m.slug,
                    q.id
                );
            }
        }
    }
    Ok(())
}

/// Every module leaves for Moodle and comes back unchanged: GIFT and Moodle XML.
#[test]
fn every_module_round_trips_through_gift_and_moodle_xml() -> Result<()> {
    use app::ssr::interop::{gift, import, module_questions, moodle_xml, Format};
    let catalog = curriculum()?;
    for m in catalog.modules() {
        let questions = module_questions(m);
        // Option keys are positional labels in both formats: compare with a, b, c, ... in order.
        let mut expected = questions.clone();
        for q in &mut expected {
            for (i, o) in q.options.iter_mut().enumerate() {
                o.key = ((b'a' + i as u8) as char).to_string();
            }
        }
        let root = format!("$course$/top/{}", m.title);
        for (format, text) in [
            (Format::Gift, gift::write(&questions, &root, &m.title)),
            (
                Format::MoodleXml,
                moodle_xml::write(&questions, &root, &m.title),
            ),
        ] {
            let back = import(format, &text)
                .map_err(|e| anyhow::anyhow!("{}: {format:?} does not parse: {e}", m.slug))?;
            ensure!(
                back.skipped() == 0,
                "{}: {format:?} skipped questions: {:?}",
                m.slug,
                back.report
            );
            ensure!(
                back.questions.len() == expected.len(),
                "{}: {format:?} count",
                m.slug
            );
            for (a, b) in back.questions.iter().zip(&expected) {
                ensure!(
                    a == b,
                    "{}: {format:?} changed a question:\n{a:#?}\nvs\n{b:#?}",
                    m.slug
                );
            }
        }
    }
    Ok(())
}
