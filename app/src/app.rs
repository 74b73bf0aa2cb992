//! The HTML shell, the route table and the app-wide learner context.

use crate::components::header::SiteHeader;
use crate::pages::{
    account::{ActivatePage, SignInPage},
    admin::{AdminPage, AuditPage},
    bank::BankImportPage,
    home::HomePage,
    host::{HostPage, HostSessionPage, LiveBoardPage},
    identify::IdentifyPage,
    lesson::LessonPage,
    module::ModulePage,
    my_results::MyResultsPage,
    not_found::NotFound,
    operator::{EmployeePage, RosterPageView},
    quiz::QuizPage,
    result::ResultPage,
    self_check::SelfCheckPage,
    sso::{SignedOutPage, SsoBeginPage, SsoCallbackPage},
    tracking::{
        AssignmentsPageView, DashboardPage, DifficultyPage, JpLedgerPage, RosterImportPage,
        UnitStatusPage,
    },
    violations::{ViolationPage, ViolationsPage},
    webinar::{JoinPage, VerifyPage, WebinarPage, WebinarQuizPage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_location,
    path, SsrMode,
};

/// Lesson pages are for reading: plain server-rendered HTML with links and forms that work
/// without JavaScript. They are sent without the wasm bundle, so a first visit on a slow phone
/// costs the page and its stylesheet only (see "Pages on phones" in docs/features.md). Other
/// pages load an islands bundle ([`bundle_for`]), cached for good once fetched.
pub fn is_reading_page(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(parts.as_slice(), ["modul", _, lesson] if *lesson != "kuis")
}

/// Pages sent without the wasm bundle: lessons, the single sign-on steps, the join-by-code page
/// (`/w`) and a webinar's session page (`/w/{code}`),
/// whose identification form and "Mulai" buttons are plain forms. Tens of thousands of
/// attendees open that page within a minute; without the bundle the rush costs a few KB per
/// attendee, and the learners' bundle is fetched later, spread over the minutes in which they
/// open a test.
pub fn is_light_page(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    is_reading_page(path)
        || matches!(
            parts.as_slice(),
            ["w"] | ["w", _] | ["masuk", "sso"] | ["masuk", "sso", "kembali"] | ["keluar"]
        )
}

/// Staff pages (dashboards, rosters, host pages, administration) are tables and use the width
/// of the screen; learner pages keep a reading column. They load the staff islands bundle.
pub fn is_staff_page(path: &str) -> bool {
    ["/operator", "/host", "/admin"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
}

/// The islands bundle a page loads: none for light pages, the staff bundle (`<name>-staff`, which
/// adds the staff pages' islands) for staff pages when the site has one, else the learners'.
fn bundle_for(path: &str, options: &LeptosOptions) -> Option<LeptosOptions> {
    if is_light_page(path) {
        return None;
    }
    let staff = format!("{}-staff", options.output_name);
    let built = std::path::Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join(format!("{staff}.js"));
    if is_staff_page(path) && built.exists() {
        let mut options = options.clone();
        options.output_name = staff.into();
        return Some(options);
    }
    Some(options.clone())
}

/// The document around the app. Rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let path = use_context::<axum::http::request::Parts>()
        .map(|parts| parts.uri.path().to_string())
        .unwrap_or_default();
    let bundle = bundle_for(&path, &options);
    let stylesheet = format!("/pkg/{}.css", options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="id">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b5394" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Server-rendered only (the shell is never hydrated), so the content-hashed name
                // the server read at start-up need not be known to the wasm.
                <link rel="stylesheet" href=stylesheet />
                {bundle.map(|options| view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Netra".to_string() } else { format!("{page} · Netra") }
        } />
        <Router>
            <Layout />
        </Router>
    }
}

/// Everything inside the router, so server actions can pick up errors from no-JS form posts.
#[component]
fn Layout() -> impl IntoView {
    let pathname = use_location().pathname;
    view! {
        <a class="skip-link" href="#konten">"Lewati ke konten"</a>
        <SiteHeader />
        <main id="konten" tabindex="-1" class:wide=move || is_staff_page(&pathname.get())>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/identitas") view=IdentifyPage ssr=SsrMode::Async />
                <Route path=path!("/saya") view=MyResultsPage ssr=SsrMode::Async />
                <Route path=path!("/pelanggaran") view=ViolationsPage ssr=SsrMode::Async />
                <Route path=path!("/cek") view=SelfCheckPage ssr=SsrMode::Async />
                <Route path=path!("/pelanggaran/:id") view=ViolationPage ssr=SsrMode::Async />
                <Route path=path!("/modul/:slug") view=ModulePage ssr=SsrMode::Async />
                <Route path=path!("/modul/:slug/kuis") view=QuizPage ssr=SsrMode::Async />
                <Route path=path!("/modul/:slug/hasil/:attempt") view=ResultPage ssr=SsrMode::Async />
                <Route path=path!("/modul/:slug/:lesson") view=LessonPage ssr=SsrMode::Async />
                <Route path=path!("/masuk") view=SignInPage ssr=SsrMode::Async />
                <Route path=path!("/masuk/sso") view=SsoBeginPage ssr=SsrMode::Async />
                <Route path=path!("/masuk/sso/kembali") view=SsoCallbackPage ssr=SsrMode::Async />
                <Route path=path!("/keluar") view=SignedOutPage ssr=SsrMode::Async />
                <Route path=path!("/aktivasi") view=ActivatePage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async />
                <Route path=path!("/operator") view=RosterPageView ssr=SsrMode::Async />
                <Route path=path!("/operator/pegawai/:id") view=EmployeePage ssr=SsrMode::Async />
                <Route path=path!("/operator/impor") view=RosterImportPage ssr=SsrMode::Async />
                <Route path=path!("/operator/penugasan") view=AssignmentsPageView ssr=SsrMode::Async />
                <Route path=path!("/operator/dasbor") view=DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/operator/dasbor/:assignment/unit/:unit") view=UnitStatusPage ssr=SsrMode::Async />
                <Route path=path!("/operator/dasbor/:assignment/soal") view=DifficultyPage ssr=SsrMode::Async />
                <Route path=path!("/operator/jp") view=JpLedgerPage ssr=SsrMode::Async />
                <Route path=path!("/w") view=JoinPage ssr=SsrMode::Async />
                <Route path=path!("/w/:code") view=WebinarPage ssr=SsrMode::Async />
                <Route path=path!("/w/:code/:stage") view=WebinarQuizPage ssr=SsrMode::Async />
                <Route path=path!("/verifikasi/:code") view=VerifyPage ssr=SsrMode::Async />
                <Route path=path!("/host") view=HostPage ssr=SsrMode::Async />
                <Route path=path!("/host/impor-soal") view=BankImportPage ssr=SsrMode::Async />
                <Route path=path!("/host/sesi/:id") view=HostSessionPage ssr=SsrMode::Async />
                <Route path=path!("/host/sesi/:id/live") view=LiveBoardPage ssr=SsrMode::Async />
            </Routes>
        </main>
        <footer class="site-footer">
            <p>
                "Netra · materi mengikuti UU 20/2023 tentang ASN, SKB netralitas 2022, PP 94/2021 dan PP 42/2004. "
                "Selalu periksa teks resmi peraturan di JDIH."
            </p>
        </footer>
    }
}
