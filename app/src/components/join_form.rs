//! Join a webinar by typing its code, as attendees do on Kahoot or Mentimeter: on `/w`, on the
//! home page and on a session page whose code is unknown. A plain GET form to `/w?kode=…`, so it
//! works without JavaScript and costs no request of its own.

use leptos::prelude::*;

#[component]
pub fn JoinForm(
    /// The code as the attendee typed it, shown again after a refusal.
    #[prop(optional, into)]
    value: String,
    /// Why the code did not lead to a session.
    #[prop(optional, into)]
    reason: Option<String>,
) -> impl IntoView {
    let invalid = reason.is_some();
    let described = if invalid {
        "join-code-hint join-code-error"
    } else {
        "join-code-hint"
    };
    view! {
        <form method="get" action="/w" class="join-form" class:field-invalid=invalid>
            <label for="join-code">"Kode sesi webinar"</label>
            <p class="hint" id="join-code-hint">
                "6 huruf dan angka yang ditampilkan penyelenggara, misalnya K7M2QX. "
                "Huruf besar atau kecil dan spasi tidak berpengaruh."
            </p>
            {reason.map(|r| view! { <p class="field-error" id="join-code-error" role="alert">{r}</p> })}
            <div class="join-row">
                <input
                    id="join-code"
                    name="kode"
                    type="text"
                    class="join-code"
                    value=value
                    required=true
                    maxlength=20
                    size=8
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    enterkeyhint="go"
                    aria-invalid=if invalid { "true" } else { "false" }
                    aria-describedby=described
                />
                <button type="submit" class="button button-primary">"Gabung"</button>
            </div>
        </form>
    }
}
