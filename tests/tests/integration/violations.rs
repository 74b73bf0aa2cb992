//! The violation catalogue: filters and search as plain GET forms, shareable entry pages.

use anyhow::{ensure, Result};
use tests::{Backend, TestApp};

crate::on_both_backends!(the_catalogue_filters_and_searches_without_javascript);

async fn the_catalogue_filters_and_searches_without_javascript(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    let all = app.state.catalog.violations().len();
    ensure!(all >= 20, "catalogue has only {all} entries");

    let (status, page) = browser.page("/pelanggaran").await?;
    ensure!(status == 200, "status {status}");
    ensure!(
        page.contains(&format!("{all} bentuk pelanggaran")),
        "count of all entries missing"
    );

    let (_, page) = browser.page("/pelanggaran?kategori=pidana").await?;
    let pidana = app
        .state
        .catalog
        .violations()
        .iter()
        .filter(|v| v.category.code() == "pidana")
        .count();
    ensure!(
        pidana > 0 && page.contains(&format!("{pidana} bentuk pelanggaran")),
        "category filter"
    );
    ensure!(
        page.contains("Menjadi pelaksana atau anggota tim kampanye pemilu"),
        "pidana entry missing"
    );
    ensure!(
        !page.contains("Menjadi anggota atau pengurus partai politik"),
        "status entry leaked into pidana filter"
    );

    let (_, page) = browser.page("/pelanggaran?sanksi=ptdh&q=partai").await?;
    ensure!(
        page.contains("1 bentuk pelanggaran")
            && page.contains("/pelanggaran/status-anggota-partai"),
        "combined filter"
    );

    let (_, page) = browser.page("/pelanggaran?q=tidak-ada-kata-ini").await?;
    ensure!(
        page.contains("Tidak ada pelanggaran yang cocok"),
        "empty result message"
    );

    // Each entry has its own URL with legal basis, example, caveat and the lesson that teaches it.
    let (status, page) = browser
        .page("/pelanggaran/disiplin-kampanye-fasilitas-negara")
        .await?;
    ensure!(status == 200, "entry status {status}");
    ensure!(
        page.contains("PP No. 94 Tahun 2021, Pasal 5 huruf n angka 4"),
        "legal basis missing"
    );
    ensure!(
        page.contains("Hukuman disiplin berat") && page.contains("mobil dinas"),
        "sanction or example missing"
    );
    ensure!(
        page.contains("href=\"/modul/dasar-netralitas-asn/bentuk-pelanggaran\""),
        "lesson link missing"
    );
    ensure!(page.contains("bukan putusan hukum"), "disclaimer missing");
    let (_, page) = browser
        .page("/pelanggaran/etik-kampanye-pasangan-tanpa-cltn")
        .await?;
    ensure!(
        page.contains("Catatan: "),
        "caveat of a partly verified entry missing"
    );
    let (status, _) = browser.page("/pelanggaran/tidak-ada").await?;
    ensure!(status == 404, "unknown entry: {status}");
    Ok(())
}
