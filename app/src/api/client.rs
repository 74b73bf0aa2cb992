//! The client every server function is called with from the hydrated app: the browser's `fetch`
//! plus the `X-Netra-Request` header. A cross-site page cannot send a custom header without a
//! CORS preflight (which Netra never grants), so the server accepts a state-changing request
//! without `Origin` and `Referer` only when it carries this header (see the server's
//! same-origin check).

use leptos::server_fn::client::{browser::BrowserClient, Client};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;
use std::future::Future;

/// The header the hydrated app sends with every server function call.
pub const REQUEST_HEADER: &str = "x-netra-request";

/// [`BrowserClient`] with [`REQUEST_HEADER`] set.
pub struct Netra;

impl<E, IS, OS> Client<E, IS, OS> for Netra
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        req.headers().set(REQUEST_HEADER, "1");
        <BrowserClient as Client<E, IS, OS>>::send(req)
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<bytes::Bytes, bytes::Bytes>> + Send + 'static,
                impl futures::Sink<bytes::Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}
