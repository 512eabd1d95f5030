//! Real servers on an ephemeral 127.0.0.1 port, each request handled inside a span (so that
//! a [`Capture`](super::logs::Capture) sees its log records; `Span::none()` otherwise).

use std::net::SocketAddr;

use tracing::Span;

/// Serves the axum `app` on 127.0.0.1:0; the task ends with the test's runtime.
#[cfg(feature = "axum")]
pub async fn serve_axum(app: axum::Router, span: Span) -> SocketAddr {
    use tracing::Instrument as _;

    let app = app.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            next.run(request).instrument(span.clone())
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    assert!(addr.ip().is_loopback());
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server");
    });
    addr
}

/// Runs an actix-web `HttpServer` on 127.0.0.1:0 with two workers, its app configured by
/// `configure`: the address and the handle to stop it with.
#[cfg(feature = "actix-web")]
pub fn serve_actix<F>(configure: F, span: Span) -> (SocketAddr, actix_web::dev::ServerHandle)
where
    F: Fn(&mut actix_web::web::ServiceConfig) + Clone + Send + 'static,
{
    use actix_web::dev::Service as _;
    use tracing::Instrument as _;

    let server = actix_web::HttpServer::new(move || {
        let span = span.clone();
        actix_web::App::new()
            .wrap_fn(move |request, service| service.call(request).instrument(span.clone()))
            .configure(configure.clone())
    })
    .workers(2)
    .disable_signals()
    .shutdown_timeout(1)
    .bind(("127.0.0.1", 0))
    .expect("bind 127.0.0.1:0");
    let addrs = server.addrs();
    assert_eq!(addrs.len(), 1);
    assert!(addrs[0].ip().is_loopback());
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addrs[0], handle)
}
