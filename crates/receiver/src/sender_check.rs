//! Who may send: the optional TLS layer and secret challenge in front of the
//! frame stream (protocol.md, "Who may send"). Without `--tls` and `--secret-file`
//! a connection passes straight through and the classic protocol is untouched.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll},
};

use anyhow::Result;
use camwire_wire::{
    handshake::{self, preview, Secret, NONCE_LEN},
    HandshakeError,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};
use tokio_rustls::{server::TlsStream, TlsAcceptor};
use tokio_util::either::Either;

use crate::{config::Config, refuse::refuse};

/// A sender's connection: plain TCP, or TLS over it.
pub(crate) type SenderConnection = Either<TcpStream, CloseIsEof<TlsStream<TcpStream>>>;

/// The first byte of a TLS handshake record.
const TLS_HANDSHAKE: u8 = 0x16;

/// What a connection must pass before its first frame.
pub(crate) struct SenderCheck {
    secret: Option<Secret>,
    /// The TLS acceptor and the certificate's fingerprint.
    tls: Option<(TlsAcceptor, String)>,
}

impl SenderCheck {
    /// Sets up what `config` asks for; with `--tls`, loads or makes the
    /// certificate and logs its fingerprint.
    pub fn open(config: &Config) -> Result<Self> {
        let tls = match &config.tls_dir {
            Some(dir) => {
                let (config, fingerprint) = crate::tls::load_or_create(dir)?;
                let cert = dir.join(crate::tls::CERT_FILE);
                tracing::info!(
                    "TLS certificate {fingerprint} ({}); senders need --tls-pin {fingerprint}",
                    cert.display()
                );
                Some((TlsAcceptor::from(config), fingerprint))
            }
            None => None,
        };
        if tls.is_some() && config.secret.is_none() {
            tracing::warn!(
                "--tls without --secret-file: the stream is private, but anyone who reaches the port may send"
            );
        }
        Ok(Self { secret: config.secret.clone(), tls })
    }

    /// Whether a connection must pass anything (TLS or the secret) before its frames.
    pub fn checks(&self) -> bool {
        self.secret.is_some() || self.tls.is_some()
    }

    /// The command line's secret (`--secret-file`), which every camera without its own takes.
    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// Takes a new connection through TLS and the secret challenge with
    /// `secrets` (none: no challenge), as configured; which of them the sender
    /// proved it holds. A refused sender is told why in a `CAMWIRE REFUSED` line.
    pub async fn admit(
        &self,
        sock: TcpStream,
        secrets: &[Secret],
    ) -> Result<(SenderConnection, Vec<usize>), HandshakeError> {
        let mut link = match &self.tls {
            None => Either::Left(sock),
            Some((acceptor, fingerprint)) => {
                let mut head = [0u8; 8];
                let n = sock.peek(&mut head).await?;
                if n > 0 && head[0] != TLS_HANDSHAKE {
                    let e = HandshakeError::NotTls(preview(&head[..n]));
                    refuse(sock, e.refusal().unwrap_or("TLS required")).await;
                    return Err(e);
                }
                let accepted = acceptor.accept(sock).await;
                Either::Right(CloseIsEof(accepted.map_err(|e| HandshakeError::Tls(explain(e, fingerprint)))?))
            }
        };
        let mut proved = Vec::new();
        if !secrets.is_empty() {
            let mut nonce = [0; NONCE_LEN];
            getrandom::fill(&mut nonce).map_err(|e| io::Error::other(e.to_string()))?;
            match handshake::challenge_any(&mut link, secrets, nonce).await {
                Ok(which) => proved = which,
                Err(e) => {
                    if let Some(reason) = e.refusal() {
                        refuse(link, reason).await;
                    }
                    return Err(e);
                }
            }
        }
        Ok((link, proved))
    }
}

/// Names the usual reason a sender aborts the TLS handshake: its pin is
/// another certificate's.
fn explain(e: io::Error, fingerprint: &str) -> io::Error {
    use rustls::AlertDescription::{AccessDenied, BadCertificate};
    let alert = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
    if matches!(alert, Some(rustls::Error::AlertReceived(AccessDenied | BadCertificate))) {
        return io::Error::other(format!(
            "the sender does not accept this receiver's certificate {fingerprint}: its --tls-pin is another"
        ));
    }
    e
}

/// A TLS stream whose close without TLS's close_notify reads as a plain
/// close, so a killed sender ends its stream as it does without TLS
/// (`terminator=no`, every whole frame kept). Only the terminator marks a
/// finished stream, with or without TLS.
pub(crate) struct CloseIsEof<S>(S);

impl<S: AsyncRead + Unpin> AsyncRead for CloseIsEof<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.0).poll_read(cx, buf) {
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => Poll::Ready(Ok(())),
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for CloseIsEof<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
