//! Single sign-on against a real OpenID Connect provider (npm `oidc-provider`, started by the
//! test on a free loopback port): the whole authorization-code flow with PKCE as a browser
//! without JavaScript follows it, and every way it must fail.

use crate::accounts::world;
use anyhow::{ensure, Context, Result};
use app::ssr::db;
use reqwest::StatusCode;
use tests::{location, Backend, Browser, OidcProvider, TestApp, NIP, NIP_OTHER};

crate::on_both_backends!(
    signing_in_through_the_agency_provider_follows_the_rules,
    tokens_and_states_that_cannot_be_trusted_are_refused,
);

/// A valid NIP on nobody's roster.
const NIP_UNKNOWN: &str = "199203152018012004";
/// An employee of agency A without an account.
const NIP_RINA: &str = "198807212012022002";

fn users() -> serde_json::Value {
    let user = |login: &str, nip: &str, agency: &str| {
        serde_json::json!({
            "login": login,
            "claims": { "name": login, "nip": nip, "instansi": agency }
        })
    };
    serde_json::json!([
        user("budi", NIP, "pemkab-a"),
        user("rina", NIP_RINA, "pemkab-a"),
        user("siti", NIP_OTHER, "pemkab-a"),
        user("asing", NIP_UNKNOWN, "pemkab-a"),
        user("aud-salah", NIP, "pemkab-a"),
        user("kedaluwarsa", NIP, "pemkab-a"),
        user("nonce-salah", NIP, "pemkab-a"),
    ])
}

async fn app_with_provider(backend: Backend) -> Result<(TestApp, OidcProvider)> {
    let mut started = None;
    let app = TestApp::spawn_with_sso(backend, |base| {
        let started = &mut started;
        async move {
            let provider = OidcProvider::start(&base, users()).await?;
            let settings = provider.settings(&base);
            *started = Some(provider);
            Ok(settings)
        }
    })
    .await?;
    Ok((app, started.context("the provider")?))
}

/// Goes from Netra's SSO button through the provider's login form as `login`, and returns the
/// callback address the provider sends the browser back to (not followed yet).
async fn through_the_provider(app: &TestApp, browser: &Browser, login: &str) -> Result<String> {
    let res = browser.get("/masuk/sso?lanjut=/saya").await?;
    ensure!(
        res.status() == StatusCode::SEE_OTHER,
        "to the provider: {}",
        res.status()
    );
    let mut next = location(&res)?;
    // The provider: authorization request -> login form -> (consent) -> back to Netra.
    for _ in 0..8 {
        if next.starts_with(&format!("{}/masuk/sso/kembali", app.base)) {
            return Ok(next);
        }
        let res = browser.client.get(&next).send().await?;
        let url = res.url().clone();
        if res.status().is_redirection() {
            let to = location(&res)?;
            next = url.join(&to)?.to_string();
            continue;
        }
        let page = res.text().await?;
        ensure!(page.contains("name=\"login\""), "a login form: {page}");
        let res = browser
            .client
            .post(url.clone())
            .form(&[("login", login), ("password", "rahasia-sekali")])
            .send()
            .await?;
        ensure!(res.status().is_redirection(), "login: {}", res.status());
        next = url.join(&location(&res)?)?.to_string();
    }
    anyhow::bail!("the provider never sent the browser back")
}

/// Follows the callback in `browser`: where it leads (any redirect, reported as 303) or the
/// page's text (an error).
async fn callback(browser: &Browser, url: &str) -> Result<(StatusCode, String)> {
    let res = browser
        .client
        .get(url)
        .header("accept", "text/html")
        .send()
        .await?;
    let status = res.status();
    if status.is_redirection() {
        return Ok((StatusCode::SEE_OTHER, location(&res)?));
    }
    Ok((status, res.text().await?))
}

async fn me(browser: &Browser) -> Result<serde_json::Value> {
    Ok(browser.call("/api/me", &[]).await?.json().await?)
}

async fn signing_in_through_the_agency_provider_follows_the_rules(backend: Backend) -> Result<()> {
    let (app, provider) = app_with_provider(backend).await?;
    world(&app).await?;
    // The sign-in page offers the agency's SSO.
    let (_, page) = app.browser()?.page("/masuk").await?;
    ensure!(page.contains("Masuk dengan SSO Pemkab"), "the SSO button");

    // Budi (on agency A's roster) signs in through the provider: an SSO-level session.
    let budi = app.browser()?;
    let back = through_the_provider(&app, &budi, "budi").await?;
    let (status, to) = callback(&budi, &back).await?;
    ensure!(
        status == StatusCode::SEE_OTHER && to == "/saya",
        "signed in: {status} {to}"
    );
    let who = me(&budi).await?;
    ensure!(
        who["nip"] == NIP && who["assurance"] == "Sso",
        "signed in through SSO: {who}"
    );
    let account = db::accounts::by_login(&app.db, NIP)
        .await?
        .context("Budi's account")?;
    ensure!(
        account.sso_subject.as_deref() == Some("budi"),
        "tied to the provider's subject: {account:?}"
    );
    // What he does is recorded at that level.
    let html = budi.start_quiz().await?;
    budi.submit_quiz(&app, &html, usize::MAX).await?;
    use app::ssr::db::entities::attempt;
    use sea_orm::EntityTrait;
    let attempts = attempt::Entity::find().all(&app.db).await?;
    ensure!(
        attempts.len() == 1 && attempts[0].identity == "sso" && attempts[0].claim_id == 0,
        "{attempts:?}"
    );
    // The self-declared form is closed to his NIP now.
    ensure!(
        app.browser()?.identify(NIP, "Budi Santoso").await.is_err(),
        "a NIP that signs in through SSO cannot be typed in"
    );

    // Signing out ends the Netra session and offers the provider's end-session address.
    let res = budi.call("/api/sign_out", &[]).await?;
    ensure!(res.status().is_success() || res.status().is_redirection());
    ensure!(me(&budi).await?.is_null(), "signed out");
    let (_, out) = budi.page("/keluar").await?;
    ensure!(
        out.contains(&format!("{}/session/end", provider.issuer))
            && out.contains("client_id=netra"),
        "the provider's end-session address is offered"
    );

    // Rina (agency A, no account yet) was typed in on the form; her first SSO sign-in creates
    // her account and ends that self-declared session.
    let a = db::accounts::agency_by_code(&app.db, "pemkab-a")
        .await?
        .context("agency A")?;
    sea_orm::ActiveModelTrait::insert(
        db::entities::employee::ActiveModel {
            nip: sea_orm::Set(NIP_RINA.into()),
            name: sea_orm::Set("Rina Wati".into()),
            instansi: sea_orm::Set(a.name.clone()),
            unit_kerja: sea_orm::Set("Dinas Kesehatan".into()),
            agency_id: sea_orm::Set(Some(a.id)),
            ..Default::default()
        },
        &app.db,
    )
    .await?;
    let typed = app.browser()?;
    typed.identify(NIP_RINA, "Rina Wati").await?;
    let rina = app.browser()?;
    let back = through_the_provider(&app, &rina, "rina").await?;
    let (status, _) = callback(&rina, &back).await?;
    ensure!(status == StatusCode::SEE_OTHER, "Rina signed in");
    ensure!(me(&rina).await?["assurance"] == "Sso", "at the SSO level");
    ensure!(
        me(&typed).await?.is_null(),
        "signing in through SSO ends the self-declared sessions on the NIP"
    );
    ensure!(
        db::accounts::by_login(&app.db, NIP_RINA)
            .await?
            .is_some_and(|a| a.password_hash.is_none() && a.sso_subject.as_deref() == Some("rina")),
        "her account, created at her first SSO sign-in, without a password"
    );

    // Siti is on agency B's roster, the provider says agency A: refused, nothing created.
    let siti = app.browser()?;
    let back = through_the_provider(&app, &siti, "siti").await?;
    let (status, text) = callback(&siti, &back).await?;
    ensure!(
        status != StatusCode::SEE_OTHER && text.contains("roster instansi lain"),
        "another agency's NIP: {status}"
    );
    ensure!(me(&siti).await?.is_null(), "not signed in");
    // An unknown NIP: a clear message, no employee and no account created.
    let stranger = app.browser()?;
    let back = through_the_provider(&app, &stranger, "asing").await?;
    let (status, text) = callback(&stranger, &back).await?;
    ensure!(
        status != StatusCode::SEE_OTHER && text.contains("belum terdaftar di roster"),
        "unknown NIP: {status}"
    );
    ensure!(
        db::employees::find_by_nip(&app.db, NIP_UNKNOWN)
            .await?
            .is_none()
            && db::accounts::by_login(&app.db, NIP_UNKNOWN)
                .await?
                .is_none(),
        "nothing is created for an unknown NIP"
    );
    Ok(())
}

async fn tokens_and_states_that_cannot_be_trusted_are_refused(backend: Backend) -> Result<()> {
    let (app, _provider) = app_with_provider(backend).await?;
    world(&app).await?;
    let refused = |text: &str| text.contains("tidak dapat dipastikan keabsahannya");
    // ID tokens signed by the provider but for another audience, expired, or with another nonce.
    for login in ["aud-salah", "kedaluwarsa", "nonce-salah"] {
        let browser = app.browser()?;
        let back = through_the_provider(&app, &browser, login).await?;
        let (status, text) = callback(&browser, &back).await?;
        ensure!(
            status != StatusCode::SEE_OTHER && refused(&text),
            "{login}: {status}"
        );
        ensure!(me(&browser).await?.is_null(), "{login}: not signed in");
    }
    // A callback taken to another browser (login CSRF): refused, and the state is spent.
    let victim = app.browser()?;
    let attacker = app.browser()?;
    let back = through_the_provider(&app, &attacker, "budi").await?;
    let (status, text) = callback(&victim, &back).await?;
    ensure!(
        status != StatusCode::SEE_OTHER && refused(&text),
        "another browser's state: {status}"
    );
    ensure!(me(&victim).await?.is_null(), "the victim is not signed in");
    let (status, _) = callback(&attacker, &back).await?;
    ensure!(status != StatusCode::SEE_OTHER, "a spent state stays spent");
    // A replayed callback after a successful sign-in.
    let budi = app.browser()?;
    let back = through_the_provider(&app, &budi, "budi").await?;
    let (status, _) = callback(&budi, &back).await?;
    ensure!(status == StatusCode::SEE_OTHER, "signed in");
    let (status, text) = callback(&budi, &back).await?;
    ensure!(
        status != StatusCode::SEE_OTHER && refused(&text),
        "a replayed state: {status}"
    );
    // A made-up state, and the provider's own error.
    let (_, text) = callback(
        &app.browser()?,
        &format!("{}/masuk/sso/kembali?code=x&state=tebakan", app.base),
    )
    .await?;
    ensure!(refused(&text), "a made-up state");
    let (_, text) = callback(
        &app.browser()?,
        &format!("{}/masuk/sso/kembali?error=access_denied", app.base),
    )
    .await?;
    ensure!(text.contains("dibatalkan"), "the provider's error");
    // Without SSO configured, its pages are not found.
    let plain = TestApp::spawn(backend).await?;
    let res = plain.browser()?.get("/masuk/sso").await?;
    ensure!(
        res.status() == StatusCode::NOT_FOUND,
        "no SSO here: {}",
        res.status()
    );
    Ok(())
}
