//! `netra user add`: accounts from the command line, above all the first admin. No account
//! and no password exists until someone runs this: there are no default credentials.

use crate::cli::UserCommand;
use crate::startup;
use anyhow::{bail, Context};
use app::model::auth::Role;
use migrations::{Migrator, MigratorTrait};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

pub async fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Add {
        role,
        email,
        name,
        agency,
        db,
    } = cmd;
    let Some(role) = Role::from_code(&role).filter(|r| *r != Role::Learner) else {
        bail!("--role must be admin, operator or host (learners activate their accounts with a code from an operator)");
    };
    startup::ensure_sqlite_dir(&db.database_url)?;
    let conn = app::ssr::db::connect_with(&db.database_url, db.sqlite_synchronous)
        .await
        .with_context(|| format!("connecting to {}", startup::redact(&db.database_url)))?;
    Migrator::up(&conn, None).await?;
    let agency_id = match (&agency, role) {
        (Some(code), _) => {
            match app::ssr::db::accounts::agency_by_code(&conn, &code.to_lowercase()).await? {
                Some(a) => Some(a.id),
                None => bail!("no agency with code `{code}`: create it on /admin first"),
            }
        }
        (None, Role::Operator) => bail!("an operator needs --agency CODE"),
        (None, _) => None,
    };
    let password = read_password()?;
    let name = name.unwrap_or_else(|| email.clone());
    match app::ssr::accounts::admin::create_with_password(
        &conn, role, &email, &name, &password, agency_id,
    )
    .await
    {
        Ok(account) => {
            println!("created {} `{}`", role.code(), account.login);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let details = match &e {
                app::error::AppError::Invalid(errors) => errors
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => String::new(),
            };
            eprintln!("error: {e} {details}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Kata sandi (min. 12 karakter): ")?;
        let second = rpassword::prompt_password("Ulangi kata sandi: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
