//! Binding the two ports (`--listen`, `--http`), with an error that names the
//! cause the kernel gave: a port in use, an address this machine does not
//! have, a port below 1024.

use std::{io, net::SocketAddr};

use anyhow::{anyhow, Result};
use tokio::net::TcpListener;

/// Binds `addr` for `flag`; the error is one line that says what to do.
pub(crate) async fn bind(addr: SocketAddr, flag: &str) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| anyhow!("{flag} {addr}: {}", why(&e, addr, flag)))
}

fn why(e: &io::Error, addr: SocketAddr, flag: &str) -> String {
    let port = addr.port();
    match e.kind() {
        io::ErrorKind::AddrInUse => format!(
            "port {port} is in use (another cam-recv, or another program, listens there); choose another with {flag}"
        ),
        io::ErrorKind::AddrNotAvailable => format!(
            "{} is not an address of this machine; use one that `ip addr` lists, or 0.0.0.0 for all of them",
            addr.ip()
        ),
        io::ErrorKind::PermissionDenied if port < 1024 => {
            format!("ports below 1024 need root (or CAP_NET_BIND_SERVICE); choose one above 1023 with {flag}")
        }
        _ => format!("cannot listen there ({e})"),
    }
}
