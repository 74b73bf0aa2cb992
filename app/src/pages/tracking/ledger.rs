//! The JP ledger per calendar year: `/operator/jp`.

use super::*;
use crate::api::tracking::get_jp_ledger;
use crate::model::tracking::JpLedger;
use crate::pages::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn JpLedgerPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("tahun")
                    .and_then(|v| v.parse::<i32>().ok())
                    .unwrap_or(0),
                q.get("unit")
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(0),
                q.get("bawah").is_some_and(|v| v == "1"),
                q.get("hal")
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(1),
            )
        },
        |(year, unit, below, page)| get_jp_ledger(year, unit, below, page),
    );
    view! {
        <Title text="Capaian JP" />
        <OperatorNav />
        <h1>"Capaian JP pengembangan kompetensi"</h1>
        {loaded(data, |l| view! { <LedgerView l /> })}
    }
}

#[component]
pub(super) fn LedgerView(l: JpLedger) -> impl IntoView {
    let unit_id = l.unit.as_ref().map(|u| u.id);
    let opds = l
        .opds
        .iter()
        .map(|u| view! { <option value=u.id selected=Some(u.id) == unit_id>{u.name.clone()}</option> })
        .collect_view();
    let rows = l
        .rows
        .iter()
        .map(|r| {
            let name = r.name.clone();
            view! {
                <tr class:below=r.jp < l.target>
                    <td class="code">{crate::model::nip::format_nip(&r.nip)}</td>
                    <th scope="row"><A href=format!("/operator/pegawai/{}", r.id)>{name}</A></th>
                    <td>{r.unit.clone()}</td>
                    <td>{r.jp}</td>
                    <td>{r.modules.join(", ")}</td>
                </tr>
            }
        })
        .collect_view();
    let filter = format!(
        "tahun={}{}{}",
        l.year,
        unit_id.map(|u| format!("&unit={u}")).unwrap_or_default(),
        if l.only_below { "&bawah=1" } else { "" }
    );
    let pager = (l.pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Halaman">
                {(l.page > 1).then(|| view! { <a href=format!("?{filter}&hal={}", l.page - 1)>"‹ Sebelumnya"</a> })}
                <span>{format!(" Halaman {} dari {} ", l.page, l.pages)}</span>
                {(l.page < l.pages).then(|| view! { <a href=format!("?{filter}&hal={}", l.page + 1)>"Berikutnya ›"</a> })}
            </nav>
        }
    });
    view! {
        <p class="notice">{format!(
            "Hanya JP dari modul Netra yang dihitung (target pengembangan kompetensi {} JP per tahun), dari kelulusan dengan identitas minimal {}. Pelatihan di luar Netra tidak tercatat di sini.",
            l.target,
            l.required.label().to_lowercase(),
        )}</p>
        <form method="get" class="filters">
            <div class="field">
                <label for="jp-year">"Tahun"</label>
                <input id="jp-year" name="tahun" type="number" min=2000 max=2100 value=l.year />
            </div>
            <div class="field">
                <label for="jp-unit">"OPD"</label>
                <select id="jp-unit" name="unit"><option value="">"Seluruh instansi"</option>{opds}</select>
            </div>
            <div class="option">
                <input type="checkbox" id="jp-below" name="bawah" value="1" checked=l.only_below />
                <label for="jp-below">{format!("Hanya yang di bawah {} JP", l.target)}</label>
            </div>
            <button type="submit" class="button">"Terapkan"</button>
        </form>
        <p>{format!("{} pegawai; {} di bawah {} JP pada {}.", l.employees, l.below, l.target, l.year)}</p>
        <p class="exports">"Ekspor: "
            <a href=format!("/operator/jp.xlsx?{filter}") rel="external">"Excel"</a>" · "
            <a href=format!("/operator/jp.csv?{filter}") rel="external">"CSV"</a>
        </p>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"NIP"</th><th scope="col">"Nama"</th><th scope="col">"Unit kerja"</th><th scope="col">"JP"</th><th scope="col">"Modul selesai"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
}
