//! `netra questions import|export`: GIFT and Moodle XML to and from `questions.toml`.

use crate::cli::{BankFormat, QuestionsCommand};
use anyhow::{bail, Context};
use app::ssr::content::load_catalog;
use app::ssr::interop::{self, gift, moodle_xml, Format, Outcome};
use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;

pub fn run(cmd: QuestionsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        QuestionsCommand::Import {
            file,
            format,
            into,
            dry_run,
        } => import(&file, format, into.as_deref(), dry_run),
        QuestionsCommand::Export {
            module,
            format,
            out,
            content_dir,
        } => export(&content_dir, &module, format, out.as_deref()),
    }
}

fn import(
    file: &Path,
    format: Option<BankFormat>,
    into: Option<&Path>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!(
            "{} is not UTF-8 text: save it as UTF-8 and try again",
            file.display()
        );
    };
    let format = match format {
        Some(BankFormat::Gift) => Format::Gift,
        Some(BankFormat::MoodleXml) => Format::MoodleXml,
        None => Format::detect(&file.to_string_lossy(), &text),
    };
    let mut result = match interop::import(format, &text) {
        Ok(result) => result,
        Err(e) => {
            eprintln!("{}:{}:{}: {}", file.display(), e.line, e.column, e.message);
            return Ok(ExitCode::FAILURE);
        }
    };
    // Questions added to an existing bank must not reuse its ids.
    let existing = match into {
        Some(path) if path.exists() => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        _ => String::new(),
    };
    let taken: HashSet<String> = existing_ids(&existing);
    for q in &mut result.questions {
        if taken.contains(&q.id) {
            let mut n = 2;
            while taken.contains(&format!("{}-{n}", q.id)) {
                n += 1;
            }
            let renamed = format!("{}-{n}", q.id);
            for line in &mut result.report {
                if let Outcome::Imported { id, warnings } = &mut line.outcome {
                    if *id == q.id {
                        warnings.push(format!("id `{id}` sudah ada di bank, diganti `{renamed}`"));
                        *id = renamed.clone();
                    }
                }
            }
            q.id = renamed;
        }
    }
    for line in &result.report {
        eprintln!("{line}");
    }
    eprintln!(
        "{} diimpor, {} dilewati",
        result.questions.len(),
        result.skipped()
    );
    let toml = interop::to_toml(&result.questions);
    match (dry_run, into) {
        (true, _) | (false, None) => print!("{toml}"),
        (false, Some(path)) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            let header = if existing.is_empty() {
                format!(
                    "# Question bank imported from {} by `netra questions import`.\n",
                    file.display()
                )
            } else {
                String::new()
            };
            let body = format!(
                "{existing}{}{header}{toml}",
                if existing.is_empty() || existing.ends_with('\n') {
                    ""
                } else {
                    "\n"
                }
            );
            std::fs::write(path, body).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "ditulis ke {}: jalankan `netra check-content` untuk memeriksa hasilnya",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn existing_ids(bank: &str) -> HashSet<String> {
    #[derive(serde::Deserialize)]
    struct Bank {
        #[serde(default)]
        question: Vec<Id>,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    toml::from_str::<Bank>(bank)
        .map(|b| b.question.into_iter().map(|q| q.id).collect())
        .unwrap_or_default()
}

fn export(
    content_dir: &Path,
    slug: &str,
    format: BankFormat,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let catalog = match load_catalog(content_dir) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let Some(module) = catalog.module(slug) else {
        let known: Vec<&str> = catalog.modules().iter().map(|m| m.slug.as_str()).collect();
        bail!(
            "no module `{slug}` in {} (modules: {})",
            content_dir.display(),
            known.join(", ")
        );
    };
    let questions = interop::module_questions(module);
    // Moodle splits category paths on `/`.
    let root = format!("$course$/top/{}", module.title.replace('/', "-"));
    let heading = format!(
        "{} (versi {}), {} soal, diekspor dari Netra",
        module.title,
        module.version,
        questions.len()
    );
    let text = match format {
        BankFormat::Gift => gift::write(&questions, &root, &heading),
        BankFormat::MoodleXml => moodle_xml::write(&questions, &root, &heading),
    };
    match out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("{} soal ditulis ke {}", questions.len(), path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
