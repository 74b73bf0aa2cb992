//! A labelled text input with hint and error wired up for assistive technology.

use leptos::prelude::*;

#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = 200)] maxlength: u32,
    /// Optional fields leave this off.
    #[prop(default = true)]
    required: bool,
    #[prop(into)] error: Signal<Option<String>>,
    /// What the field shows when the page is drawn (empty: nothing).
    #[prop(optional, into)]
    value: String,
) -> impl IntoView {
    let value = (!value.is_empty()).then_some(value);
    let id = format!("f-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=name
                value=value
                type="text"
                required=required
                maxlength=maxlength
                inputmode=inputmode
                autocomplete=autocomplete
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
            {move || error.get().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}
